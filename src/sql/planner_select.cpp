// SELECT planning: FROM -> WHERE -> GROUP BY/aggregates -> HAVING -> window -> select list ->
// DISTINCT -> ORDER BY -> LIMIT, plus set operations, VALUES and WITH.
#include <fmt/format.h>

#include "common/status.h"
#include "common/geometry_bounds.h"
#include "common/time_util.h"
#include "exec/distinct.h"
#include "exec/distinct_on.h"
#include "exec/expression_eval.h"
#include "exec/hash_aggregate.h"
#include "exec/parallel_for.h"
#include "exec/set_operation.h"
#include "exec/sort.h"
#include "exec/table_scan.h"

#include <thread>
#include <utility>
#include "exec/recursive_cte.h"
#include "exec/window.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/geo/spatial_join_support.h"
#include "sql/planner.h"
#include "sql/optimizer/distinct_aggregates.h"
#include "sql/optimizer/join_order.h"
#include "sql/optimizer/or_restrictions.h"
#include "sql/optimizer/build_side.h"
#include "sql/optimizer/join_key_filters.h"
#include "sql/optimizer/or_to_in.h"
#include "sql/or_factoring.h"
#include "sql/srf_rewrite.h"

namespace yunhe {
namespace {

ExprPtr Clone(const Expr& e) { return std::make_shared<Expr>(e); }

}  // namespace

std::string FlipComparison(const std::string& op) {
  return op == "<" ? ">" : op == "<=" ? ">=" : op == ">" ? "<" : op == ">=" ? "<=" : op;
}

ExprPtr RewriteAfterAggregate(const ExprPtr& e, const std::vector<ExprPtr>& groups, size_t group_count,
                              const Planner& planner) {
  for (size_t g = 0; g < groups.size(); ++g)
    if (e->kind != ExprKind::kConstant && e->Equals(*groups[g])) return MakeColumn(int(g), e->type, e->ToString());
  switch (e->kind) {
    case ExprKind::kAggregate: return MakeColumn(int(group_count + e->column), e->type, e->name);
    case ExprKind::kColumn:
      throw Error(SqlState::kGroupingError,
                  fmt::format("column \"{}\" must appear in the GROUP BY clause or be used in an aggregate function", e->name),
                  planner.CharPos(e->location));
    case ExprKind::kWindow: {
      auto c = Clone(*e);
      return c;  // window arguments are rewritten by the window planner
    }
    default: break;
  }
  if (e->args.empty()) return e;
  auto c = Clone(*e);
  for (auto& a : c->args) a = RewriteAfterAggregate(a, groups, group_count, planner);
  return c;
}

// Aggregate <- [Filter] <- Seq Scan over a table of at least kParallelMinGroups row groups
// runs on all cores (morsel = one row group).
void MaybeParallelAggregate(HashAggregateOperator& agg, const OperatorPtr& input, const std::vector<ExprPtr>& groups,
                            const std::vector<BoundAggregate>& aggregates) {
  constexpr size_t kParallelMinGroups = 16;
  auto f = std::dynamic_pointer_cast<FilterOperator>(input);
  auto scan = std::dynamic_pointer_cast<TableScanOperator>(f ? f->children[0] : input);
  if (!scan) return;
  const ExprPtr filter = f ? f->predicate() : nullptr;
  if (!SelfContained(filter)) return;
  for (auto& g : groups)
    if (!SelfContained(g)) return;
  for (auto& a : aggregates) {
    if (a.distinct || !SelfContained(a.filter) || !SelfContained(a.direct_arg)) return;
    for (auto& e : a.args)
      if (!SelfContained(e)) return;
    for (auto& e : a.order_by)
      if (!SelfContained(e)) return;
  }
  if (!scan->sequential()) return;  // an index or key lookup reads few rows in one go; other modes choose their groups
  if (scan->table_groups() < kParallelMinGroups) return;
  // Zone maps leave few groups to read (`k BETWEEN a AND a + 100` on a sorted key): starting
  // workers costs more than reading them, so this thread reads them the same way (groups the
  // zone maps decide still skip the filter).
  const bool few = scan->GroupsMayMatch(kParallelMinGroups) < kParallelMinGroups;
  size_t workers = few ? 1 : DefaultWorkers();
  if (workers > 1 || few) agg.EnableParallel(scan, filter, workers);
}

namespace {

// ORDER BY geom <-> g LIMIT k over a table: the scan reads row groups nearest first (by their
// zone-map boxes) and stops once a group's box is farther than the k-th best distance so far.
// Shape: Sort(key: column c, or the expression itself) <- [Projection] <- [Filter] <- Seq Scan,
// with the key `scan column <-> value fixed for the statement`.
void PlanNearestNeighbours(SortOperator& sort) {
  const SortKey& key = sort.keys()[0];
  if (key.desc || key.nulls_first || key.expr->type.id != TypeId::kFloat64) return;
  const Expr* e = key.expr.get();
  OperatorPtr below = sort.children[0];
  if (auto proj = std::dynamic_pointer_cast<ProjectionOperator>(below)) {
    if (e->kind == ExprKind::kColumn) {
      if (size_t(e->column) >= proj->exprs().size()) return;
      e = proj->exprs()[size_t(e->column)].get();
    }
    below = proj->children[0];
    if (e->kind != ExprKind::kFunction || e->name != "<->" || e->args.size() != 2) return;
    // The projection's inputs must be the scan's (or filter's) columns: check the operand.
  }
  if (e->kind != ExprKind::kFunction || e->name != "<->" || e->args.size() != 2) return;
  if (auto filter = std::dynamic_pointer_cast<FilterOperator>(below)) below = filter->children[0];
  auto scan = std::dynamic_pointer_cast<TableScanOperator>(below);
  if (!scan) return;
  const Expr* col = e->args[0].get();
  const Expr* val = e->args[1].get();
  if (col->kind != ExprKind::kColumn) std::swap(col, val);
  if (col->kind != ExprKind::kColumn || col->type.id != TypeId::kGeometry || !StatementConstant(*val)) return;
  ExecContext ctx;
  BoundingBox2D b;
  try {
    Value v = val->kind == ExprKind::kConstant ? val->value : EvaluateConstant(*val, ctx);
    GeometryBoxFn box_of = GetGeometryBoxFunction();
    if (v.is_null || !box_of || !box_of(v.s, &b)) return;
  } catch (const Error&) {
    return;
  }
  const double box[4] = {b.xmin, b.ymin, b.xmax, b.ymax};
  auto bound = std::make_shared<std::atomic<double>>(INFINITY);
  scan->SetNearestFirst(col->column, box, bound);
  sort.SetKthKeyBound(bound);
}

// LIMIT/OFFSET given as constants bound a Sort directly below: it keeps only limit + offset rows.
void PushLimitIntoSort(const OperatorPtr& sort_plan, const ExprPtr& limit, const ExprPtr& offset) {
  auto sort = std::dynamic_pointer_cast<SortOperator>(sort_plan);
  if (!sort || !limit || limit->kind != ExprKind::kConstant || limit->value.is_null) return;
  if (offset && (offset->kind != ExprKind::kConstant || offset->value.is_null)) return;
  if (!limit->type.IsInteger() || (offset && !offset->type.IsInteger())) return;
  int64_t n = limit->value.i + (offset ? offset->value.i : 0);
  if (limit->value.i < 0 || (offset && offset->value.i < 0) || n <= 0 || n > (int64_t(1) << 30)) return;
  sort->SetLimit(size_t(n));
  PlanNearestNeighbours(*sort);
}

bool IsIntegerConstant(PgQuery__Node* n, int* value) {
  if (n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
    *value = n->a_const->ival->ival;
    return true;
  }
  return false;
}

std::string SimpleColumnName(PgQuery__Node* n) {
  if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1)
    return StrVal(n->column_ref->fields[0]);
  return "";
}

}  // namespace

int NodeLocation(PgQuery__Node* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: return n->column_ref->location;
    case PG_QUERY__NODE__NODE_A_CONST: return n->a_const->location;
    case PG_QUERY__NODE__NODE_A_EXPR: return n->a_expr->location;
    case PG_QUERY__NODE__NODE_FUNC_CALL: return n->func_call->location;
    case PG_QUERY__NODE__NODE_TYPE_CAST: return n->type_cast->location;
    default: return -1;
  }
}

PlannedQuery Planner::PlanOutput(PgQuery__Node* node) {
  PlannedQuery q = PlanSelect(node, nullptr);
  bool aliased = false;
  for (const LogicalType& t : q.types) aliased = aliased || OidAliasOf(t) != OidAlias::kNone;
  if (!aliased) return q;
  // OID alias columns ('t'::regclass, oid::regtype) print as their names, looked up in the
  // catalog this statement was planned with.
  std::vector<ExprPtr> exprs;
  for (size_t c = 0; c < q.types.size(); ++c) {
    ExprPtr col = MakeColumn(int(c), q.types[c], q.names[c]);
    const OidAlias alias = OidAliasOf(q.types[c]);
    if (alias != OidAlias::kNone) {
      col = OidAliasText(col, -1);
      col->type = q.types[c] = OidAliasOutputType(alias);
    }
    exprs.push_back(col);
  }
  q.plan = std::make_shared<ProjectionOperator>(q.plan, std::move(exprs), q.names);
  return q;
}

PlannedQuery Planner::PlanSelect(PgQuery__Node* node, const Scope* outer) {
  if (node->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    throw Error(SqlState::kFeatureNotSupported, "only SELECT is supported here");
  PgQuery__SelectStmt* s = node->select_stmt;
  bool pushed = false;
  if (s->with_clause) {
    cte_stack_.emplace_back();
    pushed = true;
  }
  PlannedQuery q;
  try {
    if (s->with_clause) RegisterCtes(s->with_clause, outer);
    if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE) q = PlanSetOperation(s, outer);
    else if (s->n_values_lists > 0) q = ApplyOrderLimit(PlanValues(s, outer), s, outer);
    else q = PlanSimpleSelect(s, outer);
  } catch (...) {
    if (pushed) cte_stack_.pop_back();
    throw;
  }
  if (pushed) cte_stack_.pop_back();
  return q;
}

void Planner::RegisterCtes(PgQuery__WithClause* with, const Scope* outer) {
  for (size_t k = 0; k < with->n_ctes; ++k) {
    auto* cte = with->ctes[k]->common_table_expr;
    std::string name = cte->ctename;
    PgQuery__SelectStmt* sel = cte->ctequery->select_stmt;
    CteEntry entry;
    bool recursive = with->recursive && sel && sel->op == PG_QUERY__SET_OPERATION__SETOP_UNION;
    PlannedQuery q;
    if (recursive) {
      PgQuery__Node base_node;
      pg_query__node__init(&base_node);
      base_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
      base_node.select_stmt = sel->larg;
      PlannedQuery base = PlanSelect(&base_node, outer);
      std::vector<std::string> names = base.names;
      for (size_t c = 0; c < cte->n_aliascolnames && c < names.size(); ++c) names[c] = StrVal(cte->aliascolnames[c]);
      CteEntry work;
      work.working = std::make_shared<MaterializedResult>();
      work.working->done = true;
      work.names = names;
      work.types = base.types;
      cte_stack_.back()[name] = work;
      PgQuery__Node rec_node;
      pg_query__node__init(&rec_node);
      rec_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
      rec_node.select_stmt = sel->rarg;
      PlannedQuery rec = PlanSelect(&rec_node, outer);
      if (rec.types.size() != base.types.size())
        throw Error(SqlState::kSyntaxError, "each UNION query must have the same number of columns");
      auto op = std::make_shared<RecursiveCteOperator>(base.plan, rec.plan, work.working, !sel->all);
      op->types = base.types;
      op->names = names;
      entry.result = std::make_shared<MaterializedResult>();
      entry.result->source = op;
      entry.names = names;
      entry.types = base.types;
    } else {
      q = PlanSelect(cte->ctequery, outer);
      entry.result = std::make_shared<MaterializedResult>();
      entry.result->source = q.plan;
      entry.names = q.names;
      for (size_t c = 0; c < cte->n_aliascolnames && c < entry.names.size(); ++c)
        entry.names[c] = StrVal(cte->aliascolnames[c]);
      entry.types = q.types;
    }
    cte_stack_.back()[name] = entry;
  }
}

PlannedQuery Planner::PlanValues(PgQuery__SelectStmt* s, const Scope* outer) {
  Scope empty;
  empty.parent = outer;
  BindContext bc;
  bc.scope = &empty;
  bc.clause = "VALUES";
  std::vector<std::vector<ExprPtr>> rows;
  size_t width = 0;
  for (size_t r = 0; r < s->n_values_lists; ++r) {
    auto* list = s->values_lists[r]->list;
    if (r == 0) width = list->n_items;
    else if (list->n_items != width)
      throw Error(SqlState::kSyntaxError, "VALUES lists must all be the same length");
    std::vector<ExprPtr> row;
    for (size_t c = 0; c < list->n_items; ++c) {
      if (list->items[c]->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) {
        auto e = MakeConstant(Value::Null(), -1);
        e->name = "DEFAULT";
        row.push_back(e);
        continue;
      }
      row.push_back(Bind(list->items[c], bc));
    }
    rows.push_back(std::move(row));
  }
  std::vector<LogicalType> types;
  std::vector<std::string> names;
  for (size_t c = 0; c < width; ++c) {
    std::vector<ExprPtr> column;
    for (auto& row : rows) column.push_back(row[c]);
    types.push_back(UnifyTypes(column, "VALUES", -1));
    for (size_t r = 0; r < rows.size(); ++r) {
      bool is_default = rows[r][c]->name == "DEFAULT";
      rows[r][c] = column[r];
      if (is_default) rows[r][c]->name = "DEFAULT";
    }
    names.push_back(fmt::format("column{}", c + 1));
  }
  PlannedQuery q;
  q.plan = std::make_shared<ValuesOperator>(std::move(rows), types, names);
  q.names = names;
  q.types = types;
  return q;
}

PlannedQuery Planner::PlanSetOperation(PgQuery__SelectStmt* s, const Scope* outer) {
  PgQuery__Node ln, rn;
  pg_query__node__init(&ln);
  pg_query__node__init(&rn);
  ln.node_case = rn.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  ln.select_stmt = s->larg;
  rn.select_stmt = s->rarg;
  set_operation_branch_ = true;
  PlannedQuery l = PlanSelect(&ln, outer);
  set_operation_branch_ = true;
  PlannedQuery r = PlanSelect(&rn, outer);
  set_operation_branch_ = false;
  const char* opname = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION ? "UNION"
                     : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "INTERSECT" : "EXCEPT";
  if (l.types.size() != r.types.size())
    throw Error(SqlState::kSyntaxError, fmt::format("each {} query must have the same number of columns", opname));
  std::vector<ExprPtr> lproj, rproj;
  bool lcast = false, rcast = false;
  for (size_t c = 0; c < l.types.size(); ++c) {
    LogicalType t;
    if (!CommonType(l.types[c], r.types[c], &t))
      throw Error(SqlState::kDatatypeMismatch,
                  fmt::format("{} types {} and {} cannot be matched", opname, l.types[c].ToString(), r.types[c].ToString()));
    if (t.id == TypeId::kNull) t = TypeId::kText;
    auto lc = MakeColumn(int(c), l.types[c], l.names[c]);
    auto rc = MakeColumn(int(c), r.types[c], r.names[c]);
    lcast |= l.types[c] != t;
    rcast |= r.types[c] != t;
    lproj.push_back(l.types[c] == t ? lc : CoerceTo(lc, t));
    rproj.push_back(r.types[c] == t ? rc : CoerceTo(rc, t));
  }
  if (lcast) l.plan = std::make_shared<ProjectionOperator>(l.plan, lproj, l.names);
  if (rcast) r.plan = std::make_shared<ProjectionOperator>(r.plan, rproj, r.names);
  SetOpKind kind = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION ? SetOpKind::kUnion
                 : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? SetOpKind::kIntersect : SetOpKind::kExcept;
  PlannedQuery q;
  q.plan = std::make_shared<SetOperationOperator>(l.plan, r.plan, kind, s->all);
  q.names = l.names;
  q.types = l.plan->types;
  return ApplyOrderLimit(q, s, outer);
}

// ORDER BY / LIMIT over the output columns of a set operation or VALUES.
PlannedQuery Planner::ApplyOrderLimit(PlannedQuery q, PgQuery__SelectStmt* s, const Scope* outer) {
  if (s->n_sort_clause > 0) {
    Scope out_scope;
    out_scope.parent = outer;
    for (size_t c = 0; c < q.names.size(); ++c) out_scope.columns.push_back(ScopeColumn{"", q.names[c], q.types[c], false});
    std::vector<SortKey> keys;
    for (size_t k = 0; k < s->n_sort_clause; ++k) {
      auto* sb = s->sort_clause[k]->sort_by;
      SortKey key;
      int ordinal;
      if (IsIntegerConstant(sb->node, &ordinal)) {
        if (ordinal < 1 || ordinal > (int)q.names.size())
          throw Error(SqlState::kInvalidColumnReference, fmt::format("ORDER BY position {} is not in select list", ordinal),
                      CharPos(NodeLocation(sb->node)));
        key.expr = MakeColumn(ordinal - 1, q.types[ordinal - 1], q.names[ordinal - 1]);
      } else {
        key.expr = BindExpression(sb->node, out_scope);
      }
      key.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
      key.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                        (key.desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
      keys.push_back(key);
    }
    q.plan = std::make_shared<SortOperator>(q.plan, keys);
  }
  if (s->limit_count || s->limit_offset) {
    Scope empty;
    empty.parent = outer;
    ExprPtr limit = s->limit_count ? BindExpression(s->limit_count, empty) : nullptr;
    ExprPtr offset = s->limit_offset ? BindExpression(s->limit_offset, empty) : nullptr;
    if (limit && limit->kind == ExprKind::kConstant && limit->value.is_null) limit = nullptr;  // LIMIT ALL / NULL
    PushLimitIntoSort(q.plan, limit, offset);
    q.plan = std::make_shared<LimitOperator>(q.plan, limit, offset);
  }
  return q;
}

PlannedQuery Planner::PlanSimpleSelect(PgQuery__SelectStmt* s, const Scope* outer) {
  const bool set_branch = std::exchange(set_operation_branch_, false);
  if (s->into_clause) throw Error(SqlState::kFeatureNotSupported, "SELECT INTO is not supported; use CREATE TABLE AS");
  // The 0A000 of a select list the parser's rewrite left (srf_rewrite.h); a text naming no
  // set-returning function has none (the walk was 5 % of a point SELECT's instructions).
  if (MayCallSetFunctions(sql_)) MoveSelectListSetFunctions(s, nullptr);
  // ---- FROM and WHERE -----------------------------------------------------
  Scope scope;
  PlannedQuery from;
  std::vector<PgQuery__Node*> conjuncts;
  SplitConjuncts(s->where_clause, &conjuncts);
  FactorCommonOrTerms(&conjuncts, &or_arena_);
  if (s->n_from_clause == 0) {
    std::vector<std::vector<ExprPtr>> one_row(1);
    from.plan = std::make_shared<ValuesOperator>(std::move(one_row), std::vector<LogicalType>{}, std::vector<std::string>{});
  } else {
    from = PlanFrom(s->from_clause, s->n_from_clause, outer, &scope, &conjuncts);
  }
  scope.parent = outer;
  // Scan only the columns the query mentions (binding marks them): a single base table reads
  // just those, joins below carry just those (PruneColumns).
  std::vector<bool> used_columns(scope.columns.size(), false);
  auto base_scan = std::dynamic_pointer_cast<TableScanOperator>(from.plan);
  scope.used = &used_columns;
  OperatorPtr plan = from.plan;
  std::vector<ExprPtr> where_preds;  // bound WHERE conjuncts (time_bucket_gapfill reads its range here)
  if (!conjuncts.empty()) {
    BindContext wbc;
    wbc.scope = &scope;
    wbc.clause = "WHERE";
    std::vector<ExprPtr> preds;
    for (auto* c : conjuncts) {
      ExprPtr p = Bind(c, wbc);
      if (p->type.id != TypeId::kBool) {
        if (p->unknown_literal || p->type.id == TypeId::kNull) p = CoerceTo(p, TypeId::kBool);
        else
          throw Error(SqlState::kDatatypeMismatch,
                      fmt::format("argument of WHERE must be type boolean, not type {}", p->type.ToString()),
                      CharPos(NodeLocation(c)));
      }
      preds.push_back(OrEqualitiesToIn(p));
    }
    // What an OR over several tables implies for each of them, as extra conjuncts that filter
    // their scans (sql/optimizer/or_restrictions.h).
    std::vector<std::string> table_of;
    for (const ScopeColumn& c : scope.columns) table_of.push_back(c.table);
    for (size_t k = 0, n = preds.size(); k < n; ++k)
      for (const ExprPtr& implied : ImpliedOrRestrictions(preds[k], table_of)) preds.push_back(OrEqualitiesToIn(implied));
    where_preds = preds;
    plan = DecorrelateExists(plan, &preds);
    plan = DecorrelateScalarSubqueries(plan, &preds);
    plan = PushDownFilters(plan, preds);
  }
  // Inner joins in the order with the smallest intermediate results (sql/optimizer/join_order.h);
  // from.plan follows its region's new root (the column pruning below starts there).
  {
    std::map<const PhysicalOperator*, OperatorPtr> replaced;
    plan = ReorderJoins(plan, *this, &replaced);
    if (auto it = replaced.find(from.plan.get()); it != replaced.end()) from.plan = it->second;
    ChooseBuildSides(plan);
    AddJoinKeyFilters(plan);
  }

  // ---- select list ----------------------------------------------------------
  named_windows_.emplace_back();
  struct PopWindows {
    std::vector<std::map<std::string, PgQuery__WindowDef*>>& stack;
    ~PopWindows() { stack.pop_back(); }
  } pop_windows{named_windows_};
  for (size_t k = 0; k < s->n_window_clause; ++k) {
    auto* w = s->window_clause[k]->window_def;
    named_windows_.back()[w->name] = w;
  }
  std::vector<BoundAggregate> aggregates;
  std::vector<ExprPtr> windows;
  BindContext sbc;
  sbc.scope = &scope;
  sbc.allow_aggregates = true;
  sbc.allow_windows = true;
  sbc.aggregates = &aggregates;
  sbc.windows = &windows;
  sbc.clause = "SELECT";
  std::vector<ExprPtr> select_exprs;
  std::vector<std::string> select_names;
  std::vector<PgQuery__Node*> select_nodes;  // for GROUP BY / ORDER BY ordinal matching
  for (size_t k = 0; k < s->n_target_list; ++k) {
    auto* rt = s->target_list[k]->res_target;
    PgQuery__Node* v = rt->val;
    if (v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
        v->column_ref->fields[v->column_ref->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
      std::string table = v->column_ref->n_fields > 1 ? StrVal(v->column_ref->fields[0]) : "";
      bool any = false, table_known = false;
      for (size_t c = 0; c < scope.columns.size(); ++c) {
        const ScopeColumn& col = scope.columns[c];
        if (!table.empty() && col.table != table) continue;
        table_known = true;
        if (col.hidden && table.empty()) continue;
        CheckColumnRead(col);
        select_exprs.push_back(MakeColumn(int(c), col.type, col.name));
        select_names.push_back(col.name);
        select_nodes.push_back(nullptr);
        used_columns[c] = true;
        any = true;
      }
      if (!table.empty() && !table_known)
        throw Error(SqlState::kUndefinedTable, fmt::format("missing FROM-clause entry for table \"{}\"", table),
                    CharPos(v->column_ref->location));
      if (!any && table.empty() && s->n_from_clause == 0)
        throw Error(SqlState::kSyntaxError, "SELECT * with no tables specified is not valid", CharPos(v->column_ref->location));
      continue;
    }
    ExprPtr e = Bind(v, sbc);
    if (e->unknown_literal && !(set_branch && e->type.id == TypeId::kNull)) e = CoerceTo(e, TypeId::kText);
    select_exprs.push_back(e);
    select_names.push_back(rt->name && rt->name[0] ? std::string(rt->name) : ColumnNameOf(v));
    select_nodes.push_back(v);
  }
  // Per-row aggregate subqueries in a plain select list become a grouped aggregate joined once.
  if (aggregates.empty() && windows.empty() && s->n_group_clause == 0 && !s->having_clause) {
    OperatorPtr before = plan;
    plan = DecorrelateScalarSubqueries(plan, &select_exprs);
    if (plan != before) {
      ChooseBuildSides(plan);
      AddJoinKeyFilters(plan);
    }
  }

  // Resolves GROUP BY / ORDER BY / DISTINCT ON items that name an output column or position.
  auto output_ref = [&](PgQuery__Node* n, const char* clause, bool prefer_input) -> int {
    int ordinal;
    if (IsIntegerConstant(n, &ordinal)) {
      if (ordinal < 1 || ordinal > (int)select_exprs.size())
        throw Error(SqlState::kInvalidColumnReference, fmt::format("{} position {} is not in select list", clause, ordinal),
                    CharPos(NodeLocation(n)));
      return ordinal - 1;
    }
    std::string name = SimpleColumnName(n);
    if (name.empty()) return -1;
    if (prefer_input) {
      // GROUP BY prefers an input column of that name (SQL99); only then an output alias.
      for (auto& c : scope.columns)
        if (c.name == name) return -1;
    }
    int found = -1;
    for (size_t k = 0; k < select_names.size(); ++k) {
      if (select_names[k] != name) continue;
      if (found >= 0 && !select_exprs[k]->Equals(*select_exprs[found]))
        throw Error(SqlState::kAmbiguousColumn, fmt::format("{} \"{}\" is ambiguous", clause, name), CharPos(NodeLocation(n)));
      if (found < 0) found = int(k);
    }
    return found;
  };

  // ---- GROUP BY / aggregates / HAVING ----------------------------------------
  std::vector<ExprPtr> groups;
  for (size_t k = 0; k < s->n_group_clause; ++k) {
    PgQuery__Node* g = s->group_clause[k];
    int ref = output_ref(g, "GROUP BY", true);
    if (ref >= 0) {
      if (select_exprs[ref]->kind == ExprKind::kAggregate)
        throw Error(SqlState::kGroupingError, "aggregate functions are not allowed in GROUP BY", CharPos(NodeLocation(g)));
      groups.push_back(select_exprs[ref]);
      continue;
    }
    BindContext gbc;
    gbc.scope = &scope;
    gbc.clause = "GROUP BY";
    groups.push_back(Bind(g, gbc));
  }
  ExprPtr having;
  if (s->having_clause) {
    BindContext hbc = sbc;
    hbc.allow_windows = false;
    hbc.clause = "HAVING";
    having = CoerceTo(Bind(s->having_clause, hbc), TypeId::kBool);
  }
  // ORDER BY items are bound now so their aggregates join the same HashAggregate.
  struct OrderItem {
    int output = -1;  // select-list index, or -1 for a hidden expression
    ExprPtr expr;
    bool desc = false, nulls_first = false;
  };
  std::vector<OrderItem> order_items;
  for (size_t k = 0; k < s->n_sort_clause; ++k) {
    auto* sb = s->sort_clause[k]->sort_by;
    OrderItem item;
    item.output = output_ref(sb->node, "ORDER BY", false);
    if (item.output < 0) {
      BindContext obc = sbc;
      obc.clause = "ORDER BY";
      item.expr = Bind(sb->node, obc);
      // ORDER BY an expression that equals a select item sorts by that item.
      for (size_t c = 0; c < select_exprs.size(); ++c)
        if (select_exprs[c]->Equals(*item.expr)) { item.output = int(c); break; }
    }
    item.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    item.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                       (item.desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
    order_items.push_back(item);
  }
  bool aggregated = !aggregates.empty() || !groups.empty() || having;
  if (aggregated) {
    std::shared_ptr<HashAggregateOperator> agg_op;
    if (DistinctAggregatePlan two = PlanDistinctAggregates(plan, groups, aggregates); two.outer) {
      MaybeParallelAggregate(*two.inner, plan, two.inner_groups, {});
      agg_op = two.outer;
    } else {
      agg_op = std::make_shared<HashAggregateOperator>(plan, groups, aggregates);
      MaybeParallelAggregate(*agg_op, plan, groups, aggregates);
    }
    plan = agg_op;
    for (auto& e : select_exprs) e = RewriteAfterAggregate(e, groups, groups.size(), *this);
    if (having) having = RewriteAfterAggregate(having, groups, groups.size(), *this);
    for (auto& item : order_items)
      if (item.expr) item.expr = RewriteAfterAggregate(item.expr, groups, groups.size(), *this);
    if (having) plan = std::make_shared<FilterOperator>(plan, having);
  }
  plan = PlanGapFill(plan, groups, select_exprs, where_preds);
  // ---- window functions -------------------------------------------------------
  if (!windows.empty()) {
    std::vector<ExprPtr*> uses;
    for (auto& e : select_exprs) uses.push_back(&e);
    for (auto& item : order_items)
      if (item.expr) uses.push_back(&item.expr);
    plan = PlanWindows(plan, windows, uses, aggregated ? &groups : nullptr, *this);
  }


  // ---- projection, DISTINCT, ORDER BY, LIMIT ----------------------------------
  std::vector<ExprPtr> proj = select_exprs;
  std::vector<std::string> proj_names = select_names;
  bool distinct = s->n_distinct_clause > 0;
  bool distinct_on = distinct && !(s->n_distinct_clause == 1 && s->distinct_clause[0] == nullptr) &&
                     !(s->n_distinct_clause == 1 && s->distinct_clause[0]->node_case == PG_QUERY__NODE__NODE__NOT_SET);
  std::vector<SortKey> sort_keys;
  for (auto& item : order_items) {
    int col = item.output;
    if (col < 0) {
      if (distinct && !distinct_on)
        throw Error(SqlState::kInvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
      col = int(proj.size());
      proj.push_back(item.expr);
      proj_names.push_back(item.expr->ToString());  // hidden: EXPLAIN shows the expression
    }
    SortKey key;
    key.expr = MakeColumn(col, proj[col]->type, proj_names[col]);
    key.desc = item.desc;
    key.nulls_first = item.nulls_first;
    sort_keys.push_back(key);
  }
  std::vector<ExprPtr> distinct_keys;
  if (distinct_on) {
    for (size_t k = 0; k < s->n_distinct_clause; ++k) {
      PgQuery__Node* d = s->distinct_clause[k];
      int col = output_ref(d, "SELECT DISTINCT ON", false);
      if (col < 0) {
        BindContext dbc = sbc;
        dbc.clause = "DISTINCT ON";
        ExprPtr e = Bind(d, dbc);
        if (aggregated) e = RewriteAfterAggregate(e, groups, groups.size(), *this);
        for (size_t c = 0; c < proj.size(); ++c)
          if (proj[c]->Equals(*e)) { col = int(c); break; }
        if (col < 0) {
          col = int(proj.size());
          proj.push_back(e);
          proj_names.push_back(e->ToString());
        }
      }
      distinct_keys.push_back(MakeColumn(col, proj[col]->type, proj_names[col]));
    }
    // DISTINCT ON expressions must match the leftmost ORDER BY expressions (PostgreSQL rule).
    for (size_t k = 0; k < sort_keys.size() && k < distinct_keys.size(); ++k) {
      bool in_keys = false;
      for (auto& d : distinct_keys) in_keys |= d->column == sort_keys[k].expr->column;
      if (!in_keys)
        throw Error(SqlState::kInvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions");
    }
  }
  // The "lastpoint" query: DISTINCT ON (keys) ... ORDER BY keys, ts DESC straight over a
  // time-partitioned table only needs each key's newest row; the scan finds those reading
  // partitions newest first (the sort and DISTINCT below then see one row per key).
  // A WHERE over the scan alone (a Filter right above it) moves into the scan, which keeps each
  // key's newest row among the rows passing it.
  ExprPtr latest_filter;
  if (auto f = distinct_on ? std::dynamic_pointer_cast<FilterOperator>(plan) : nullptr;
      f && f->children.size() == 1 && f->children[0] == base_scan && MovableExpr(*f->predicate()) && SelfContained(f->predicate())) {
    std::vector<bool> reads(base_scan->types.size(), false);
    if (MarkColumnsRead(f->predicate(), &reads)) latest_filter = f->predicate();
  }
  if (distinct_on && base_scan && (plan == base_scan || latest_filter) && !base_scan->emits_row_id() &&
      sort_keys.size() == distinct_keys.size() + 1 && sort_keys.back().desc) {
    auto scan_column = [&](const ExprPtr& e) { return e->kind == ExprKind::kColumn ? e->column : -1; };
    const int time_col = scan_column(proj[sort_keys.back().expr->column]);
    const auto& table_schema = base_scan->table()->schema;
    std::vector<int> key_cols;
    for (auto& d : distinct_keys) key_cols.push_back(scan_column(proj[d->column]));
    // DESC puts NULL times first unless NULLS LAST: then a NULL would win, so require NOT NULL.
    bool ok = time_col >= 0 && time_col == table_schema.time_column && base_scan->column_is_table_column(time_col) &&
              (!sort_keys.back().nulls_first || table_schema.columns[time_col].not_null);
    for (int k : key_cols) ok = ok && k >= 0 && base_scan->column_is_table_column(k);
    if (ok) {
      base_scan->SetLatestPerKey(key_cols, time_col, latest_filter);
      plan = base_scan;  // the Filter, if any, now runs inside the scan
    }
  }
  // Every expression over the FROM columns is bound by now.
  if (base_scan) base_scan->KeepOnly(used_columns);
  else if (from.plan->types.size() == used_columns.size()) PruneColumns(from.plan, used_columns);
  const bool streaming_distinct = distinct && !distinct_on && sort_keys.empty() && (s->limit_count || s->limit_offset);
  if (distinct && !distinct_on && !streaming_distinct && !aggregated && windows.empty()) {
    // DISTINCT is GROUP BY every output expression (PostgreSQL's HashAggregate for DISTINCT):
    // flat hash slots instead of a set of serialized rows, 2-3x faster, spilling as GROUP BY
    // does, and straight over a table scan (and its filter) on every core; its output is the
    // projection's.
    auto agg = std::make_shared<HashAggregateOperator>(plan, proj, std::vector<BoundAggregate>{});
    MaybeParallelAggregate(*agg, plan, proj, {});
    plan = agg;
  } else {
    plan = std::make_shared<ProjectionOperator>(plan, proj, proj_names);
    if (streaming_distinct) {
      // Under a LIMIT with no ORDER BY the streaming DISTINCT stops as soon as it has enough rows.
      plan = std::make_shared<DistinctOperator>(plan);
    } else if (distinct && !distinct_on) {
      std::vector<ExprPtr> columns;
      for (size_t c = 0; c < proj.size(); ++c) columns.push_back(MakeColumn(int(c), proj[c]->type, proj_names[c]));
      plan = std::make_shared<HashAggregateOperator>(plan, columns, std::vector<BoundAggregate>{});
    }
  }
  if (distinct_on) {
    plan = std::make_shared<DistinctOnOperator>(plan, distinct_keys, sort_keys);
  } else if (!sort_keys.empty()) {
    plan = std::make_shared<SortOperator>(plan, sort_keys);
  }
  if (s->limit_count || s->limit_offset) {
    Scope empty;
    empty.parent = outer;
    ExprPtr limit = s->limit_count ? BindExpression(s->limit_count, empty) : nullptr;
    ExprPtr offset = s->limit_offset ? BindExpression(s->limit_offset, empty) : nullptr;
    if (limit && limit->kind == ExprKind::kConstant && limit->value.is_null) limit = nullptr;
    PushLimitIntoSort(plan, limit, offset);
    plan = std::make_shared<LimitOperator>(plan, limit, offset);
  }
  if (proj.size() != select_exprs.size()) {
    std::vector<ExprPtr> visible;
    for (size_t c = 0; c < select_exprs.size(); ++c) visible.push_back(MakeColumn(int(c), proj[c]->type, select_names[c]));
    plan = std::make_shared<ProjectionOperator>(plan, visible, select_names);
  }
  PlannedQuery q;
  q.plan = plan;
  q.names = select_names;
  for (auto& e : select_exprs) q.types.push_back(e->type);
  return q;
}

}  // namespace yunhe
