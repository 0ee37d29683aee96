// FROM clause: tables, views, CTEs, subqueries, table functions and joins. Equality conditions
// between the two sides of a join (from ON, USING, NATURAL or the WHERE clause of a comma join)
// become hash-join keys; the rest is evaluated on candidate pairs.
#include <fmt/format.h>

#include "common/server_files.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "common/time_util.h"
#include "sql/asof_syntax.h"
#include "exec/expression_eval.h"
#include "exec/generate_series.h"
#include <cstring>

#include "exec/json_rows.h"
#include "exec/rows_from.h"
#include "exec/table_sample.h"
#include "exec/unnest.h"
#include "functions/array_value.h"
#include "exec/read_nmea.h"
#include "functions/cast.h"
#include "sql/parser.h"
#include "exec/hash_join.h"
#include "exec/spatial_join.h"
#include "exec/lateral_join.h"
#include "exec/table_scan.h"
#include "exec/basic_operators.h"
#include "exec/external_scan.h"
#include "functions/user_functions.h"
#include "sql/planner.h"
#include "sql/row_security.h"
#include "sql/privileges.h"
#include "sql/relation_names.h"
#include "sql/system_catalog.h"

namespace yunhe {
namespace {

bool ReadsColumns(const Expr& e) {
  if (e.kind == ExprKind::kColumn) return true;
  if (e.subquery) return true;  // be conservative
  for (auto& a : e.args)
    if (ReadsColumns(*a)) return true;
  return false;
}

}  // namespace

ExprPtr AndAllConditions(const std::vector<ExprPtr>& preds) {
  if (preds.empty()) return nullptr;
  if (preds.size() == 1) return preds[0];
  auto a = std::make_shared<Expr>();
  a->kind = ExprKind::kAnd;
  a->type = TypeId::kBool;
  a->args = preds;
  return a;
}

ExprPtr ShiftColumns(const ExprPtr& e, int offset) {
  auto c = std::make_shared<Expr>(*e);
  if (c->kind == ExprKind::kColumn) c->column += offset;
  for (auto& a : c->args) a = ShiftColumns(a, offset);
  return c;
}

PlannedQuery Planner::PlanTableScan(const std::string& name, int location, bool emit_row_id, Scope* scope_out) {
  auto table = catalog_.FindTable(name);
  if (!table) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name), CharPos(location));
  if (auto* planned = CurrentStatement().tables_planned) planned->insert(table.get());
  std::vector<int> cols;
  for (size_t c = 0; c < table->schema.columns.size(); ++c) cols.push_back(int(c));
  PlannedQuery q;
  auto scan = std::make_shared<TableScanOperator>(table, cols, emit_row_id);
  if (ReadRecorder* reads = CurrentStatement().reads) reads->ScanPlanned(scan.get(), table->id);
  std::vector<std::string> indexes;
  std::vector<std::pair<int, std::string>> spatial;
  std::vector<TableScanOperator::ValueIndex> value;
  for (auto& [iname, idx] : catalog_.indexes) {
    if (idx.table != name) continue;
    indexes.push_back(iname);
    if (idx.method == "gist" && idx.columns.size() == 1) spatial.emplace_back(table->schema.ColumnIndex(idx.columns[0]), iname);
    const int first = table->schema.ColumnIndex(idx.columns[0]);
    if ((idx.method == "btree" || idx.method == "hash") && first >= 0 && ValueIndexable(table->schema.columns[size_t(first)].type))
      value.push_back({first, iname, idx.method == "hash"});
  }
  scan->SetRecordedIndexes(indexes);
  scan->SetValueIndexes(value);
  scan->SetSpatialIndexes(spatial);
  q.plan = scan;
  q.names = q.plan->names;
  q.types = q.plan->types;
  if (scope_out) {
    for (size_t c = 0; c < table->schema.columns.size(); ++c)
      scope_out->columns.push_back(ScopeColumn{name, table->schema.columns[c].name, table->schema.columns[c].type, false});
  }
  return q;
}

PlannedQuery Planner::PlanView(const ViewInfo& view) {
  auto parsed = ParsedSql::Parse(view.sql);
  view_parses_.push_back(parsed);
  Planner sub(catalog_, parsed->text());
  sub.privilege_role_ = RelationOwner(catalog_, view.name);  // a view reads with its owner's rights
  PlannedQuery q = sub.PlanSelect(parsed->statements()[0].node, nullptr);
  for (size_t c = 0; c < view.column_names.size() && c < q.names.size(); ++c) q.names[c] = view.column_names[c];
  return q;
}

bool Planner::ViewColumns(const ViewInfo& view, std::vector<std::string>* names, std::vector<LogicalType>* types) {
  try {
    PlannedQuery q = PlanView(view);
    *names = q.names;
    *types = q.types;
    return true;
  } catch (const Error&) {
    return false;  // e.g. a table it reads was dropped: PostgreSQL would not have allowed that
  }
}

namespace {
// Schemas whose relations may be system ones: none given, pg_catalog, information_schema, and
// public (PostGIS's geometry_columns and spatial_ref_sys live there).
bool SystemSchema(const char* schema) {
  if (!schema || !schema[0]) return true;
  const std::string s = schema;
  return s == "pg_catalog" || s == "information_schema" || s == kPublicSchema;
}
}  // namespace

PlannedQuery Planner::PlanFromItem(PgQuery__Node* node, const Scope* outer, Scope* scope_out,
                                   const Scope* left_scope, bool* is_lateral) {
  if (is_lateral) *is_lateral = false;
  PlannedQuery q;
  std::string label;
  std::string column_checked;  // a table read under column privileges
  PgQuery__Alias* alias = nullptr;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR: {
      auto* rv = node->range_var;
      std::string name = rv->relname;
      alias = rv->alias;
      label = name;
      const CteEntry* cte = nullptr;
      if (!rv->schemaname || !rv->schemaname[0]) {
        for (auto it = cte_stack_.rbegin(); it != cte_stack_.rend() && !cte; ++it) {
          auto f = it->find(name);
          if (f != it->end()) cte = &f->second;
        }
      }
      std::shared_ptr<const ExternalRelation> external;
      if (!cte && (!rv->schemaname || !rv->schemaname[0]) && catalog_.user_functions)
        external = catalog_.user_functions->Relation(name);
      if (external) {
        q.plan = std::make_shared<ExternalScanOperator>(external);
        q.names = external->names;
        q.types = external->types;
      } else if (cte) {
        auto source = cte->working ? cte->working : cte->result;
        q.plan = std::make_shared<MaterializedScanOperator>(source, cte->types, cte->names, name);
        q.names = cte->names;
        q.types = cte->types;
      } else if (SystemRelation sys; SystemSchema(rv->schemaname) &&
                                     BuildSystemRelation(catalog_, rv->schemaname ? rv->schemaname : "", name, &sys,
                                                         [this](const ViewInfo& v, auto* names, auto* types) { return ViewColumns(v, names, types); })) {
        auto result = std::make_shared<MaterializedResult>();
        result->done = true;
        result->chunks = std::move(sys.rows);
        q.plan = std::make_shared<MaterializedScanOperator>(result, sys.types, sys.names, name);
        q.names = sys.names;
        q.types = sys.types;
      } else if (const ViewInfo* view = catalog_.FindView(RangeVarKey(catalog_, rv))) {
        CheckRelationPrivilegeAs(catalog_, privilege_role_.empty() ? CurrentStatement().current_user : privilege_role_, view->name, kPrivSelect);
        q = PlanView(*view);
      } else {
        const std::string key = RangeVarKey(catalog_, rv);
        if (catalog_.FindTable(key)) {
          // SELECT on the table, or on some of its columns: then each column the query names is
          // checked where it is bound, and a query naming none (count(*)) needs one of them.
          if (!HasRelationPrivilege(catalog_, PrivilegeRole(), key, kPrivSelect) && HasAnyColumnPrivilege(catalog_, PrivilegeRole(), key, kPrivSelect) &&
              HasSchemaPrivilege(catalog_, PrivilegeRole(), catalog_.Split(key).schema, kPrivUsage))
            column_checked = key;
          else
            CheckRelationPrivilegeAs(catalog_, PrivilegeRole(), key, kPrivSelect);
        }
        q = PlanTableScan(key, rv->location, false, nullptr);
        if (const auto t = catalog_.FindTable(key); t && t->schema.row_security) {
          Scope columns;
          for (size_t c = 0; c < q.names.size(); ++c) columns.columns.push_back(ScopeColumn{"", q.names[c], q.types[c], false});
          if (ExprPtr filter = RowSecurityFilter(key, 'r', columns)) q.plan = std::make_shared<FilterOperator>(q.plan, filter);
        }
      }
      break;
    }
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT: {
      auto* rs = node->range_subselect;
      alias = rs->alias;
      if (rs->lateral && left_scope) {
        // The left items are the innermost enclosing row of the subquery (depth 1).
        Scope lateral_scope = *left_scope;
        lateral_scope.parent = outer;
        lateral_scope.used = nullptr;
        bool correlated = false;
        correlation_flags_.push_back(&correlated);
        try {
          q = PlanSelect(rs->subquery, &lateral_scope);
        } catch (...) {
          correlation_flags_.pop_back();
          throw;
        }
        correlation_flags_.pop_back();
        if (is_lateral) *is_lateral = true;
      } else {
        q = PlanSelect(rs->subquery, outer);
      }
      break;
    }
    case PG_QUERY__NODE__NODE_JOIN_EXPR: return PlanJoin(node->join_expr, outer, scope_out);
    case PG_QUERY__NODE__NODE_RANGE_TABLE_SAMPLE: return PlanTableSample(node->range_table_sample, outer, scope_out, left_scope, is_lateral);
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION: {
      // Functions in FROM see the items to their left (implicitly LATERAL, as in PostgreSQL).
      if (!left_scope) return PlanRangeFunction(node->range_function, outer, scope_out);
      Scope lateral_scope = *left_scope;
      lateral_scope.parent = outer;
      lateral_scope.used = nullptr;
      bool correlated = false;
      correlation_flags_.push_back(&correlated);
      PlannedQuery fq;
      try {
        fq = PlanRangeFunction(node->range_function, &lateral_scope, scope_out);
      } catch (...) {
        correlation_flags_.pop_back();
        throw;
      }
      correlation_flags_.pop_back();
      if (is_lateral) *is_lateral = correlated;
      return fq;
    }
    default: throw Error(SqlState::kFeatureNotSupported, "this kind of FROM item is not supported");
  }
  if (alias) {
    label = alias->aliasname;
    if (alias->n_colnames > q.names.size())
      throw Error(SqlState::kInvalidColumnReference,
                  fmt::format("table \"{}\" has {} columns available but {} columns specified", label, q.names.size(),
                              alias->n_colnames));
    for (size_t c = 0; c < alias->n_colnames; ++c) q.names[c] = StrVal(alias->colnames[c]);
  }
  for (size_t c = 0; c < q.names.size(); ++c)
    scope_out->columns.push_back(ScopeColumn{label, q.names[c], q.types[c], false, column_checked, column_checked.empty() ? -1 : int(c)});
  return q;
}

ExprPtr Planner::RowSecurityFilter(const std::string& key, char command, const Scope& scope) {
  const auto table = catalog_.FindTable(key);
  if (!table || !RowSecurityApplies(catalog_, table->schema, PrivilegeRole())) return nullptr;
  std::string expr = RowSecurityExpression(catalog_, table->schema, PrivilegeRole(), command, false);
  // UPDATE and DELETE read the rows they touch: SELECT's policies apply too (PostgreSQL's rule
  // for statements that read the table, as nearly every UPDATE and DELETE does).
  if (command != 'r') expr = "(" + expr + ") AND (" + RowSecurityExpression(catalog_, table->schema, PrivilegeRole(), 'r', false) + ")";
  auto parsed = ParsedSql::Parse("SELECT " + expr);
  view_parses_.push_back(parsed);  // the bound expression may point into its parse tree
  // Bound over the table's columns only (a FROM item beside it must not capture a name).
  Scope own;
  own.columns.assign(scope.columns.begin(), scope.columns.begin() + std::min(scope.columns.size(), table->schema.columns.size()));
  Planner sub(catalog_, parsed->text());
  sub.privilege_role_ = PrivilegeRole();
  return CoerceTo(sub.BindExpression(parsed->statements()[0].node->select_stmt->target_list[0]->res_target->val, own), TypeId::kBool);
}

const std::string& Planner::PrivilegeRole() const { return privilege_role_.empty() ? CurrentStatement().current_user : privilege_role_; }

void Planner::CheckColumnRead(const ScopeColumn& col) const {
  if (col.acl_table.empty()) return;
  // By position: the scope's name may be an alias (FROM t AS x (a, b)).
  const auto table = catalog_.FindTable(col.acl_table);
  if (!table || col.acl_column < 0 || size_t(col.acl_column) >= table->schema.columns.size()) return;
  CheckColumnPrivilegeAs(catalog_, PrivilegeRole(), col.acl_table, table->schema.columns[size_t(col.acl_column)].name, kPrivSelect);
}

PlannedQuery Planner::PlanRangeFunction(PgQuery__RangeFunction* f, const Scope* outer, Scope* scope_out) {
  if (f->n_functions > 1) return PlanRowsFrom(f, outer, scope_out);
  PgQuery__Node* call_node = f->functions[0]->list->items[0];
  if (call_node->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
    throw Error(SqlState::kFeatureNotSupported, "only function calls are supported in FROM");
  auto* call = call_node->func_call;
  std::string name = StrVal(call->funcname[call->n_funcname - 1]);
  if (name == "read_nmea" || name == "read_nmea_satellites" || name == "read_nmea_sentences")
    return PlanReadNmea(f, call, name, outer, scope_out);
  if (name == "stops" || name == "resample" || name == "proximity") return PlanTrajectoryFunction(f, call, name, outer, scope_out);
  if (name == "unnest" || name == "pg_partition_ancestors" || name == "string_to_table" || name == "regexp_split_to_table" ||
      name == "regexp_matches")
    return PlanUnnest(f, call, outer, scope_out);
  if (IsJsonRowsFunction(name)) return PlanJsonRows(f, call, name, outer, scope_out);
  if (f->ordinality) throw Error(SqlState::kFeatureNotSupported, "WITH ORDINALITY is supported for unnest only", CharPos(call->location));
  const bool subscripts = name == "generate_subscripts";
  if (name != "generate_series" && !subscripts)
    throw Error(SqlState::kUndefinedFunction, fmt::format("table function {} does not exist", name), CharPos(call->location));
  if (subscripts ? call->n_args != 2 : (call->n_args < 2 || call->n_args > 3))
    throw Error(SqlState::kUndefinedFunction,
                subscripts ? "generate_subscripts takes an array and a dimension here" : "function generate_series requires 2 or 3 arguments",
                CharPos(call->location));
  Scope empty;
  empty.parent = outer;
  std::vector<ExprPtr> args;
  for (size_t k = 0; k < call->n_args; ++k) args.push_back(BindExpression(call->args[k], empty));
  if (subscripts) {
    // generate_subscripts(a, d): the subscripts of dimension d, array_lower(a, d) .. array_upper(a, d).
    if (args[0]->type.id != TypeId::kArray)
      throw Error(SqlState::kUndefinedFunction, fmt::format("function generate_subscripts({}, integer) does not exist", args[0]->type.ToString()),
                  CharPos(call->location));
    ExprPtr dim = CoerceTo(args[1], TypeId::kInt32);
    args = {ResolveCall("array_lower", {args[0], dim}, call->location, false), ResolveCall("array_upper", {args[0], dim}, call->location, false)};
  }
  std::vector<ExprPtr> bounds{args[0], args[1]};
  LogicalType t = UnifyTypes(bounds, "generate_series", call->location);
  if (t.id == TypeId::kDate) t = TypeId::kTimestamp;
  if (t.id == TypeId::kInt16) t = TypeId::kInt32;
  if (!(t.IsInteger() || t.id == TypeId::kNumeric || t.id == TypeId::kTimestamp || t.id == TypeId::kTimestampTz))
    throw Error(SqlState::kUndefinedFunction, fmt::format("function generate_series({}, {}) does not exist", t.ToString(), t.ToString()),
                CharPos(call->location));
  args[0] = CoerceTo(bounds[0], t);
  args[1] = CoerceTo(bounds[1], t);
  if (args.size() > 2) args[2] = CoerceTo(args[2], t.IsTemporal() ? LogicalType(TypeId::kInterval) : t);
  else if (t.IsTemporal())
    throw Error(SqlState::kUndefinedFunction, "generate_series over timestamps needs an interval step", CharPos(call->location));
  PlannedQuery q;
  std::string col = name;
  std::string label = name;
  if (f->alias) {
    label = f->alias->aliasname;
    col = f->alias->n_colnames ? StrVal(f->alias->colnames[0]) : label;
  }
  q.plan = std::make_shared<GenerateSeriesOperator>(args, t, col);
  q.names = {col};
  q.types = {t};
  scope_out->columns.push_back(ScopeColumn{label, col, t, false});
  return q;
}

// t TABLESAMPLE BERNOULLI | SYSTEM (percent) [REPEATABLE (seed)]: the relation planned as usual,
// sampled on the way out (exec/table_sample.h).
PlannedQuery Planner::PlanTableSample(PgQuery__RangeTableSample* ts, const Scope* outer, Scope* scope_out, const Scope* left_scope,
                                      bool* is_lateral) {
  const std::string method = ts->n_method ? StrVal(ts->method[ts->n_method - 1]) : "";
  if (method != "bernoulli" && method != "system")
    throw Error(SqlState::kUndefinedObject, fmt::format("tablesample method {} does not exist", method), CharPos(ts->location));
  if (ts->n_args != 1)
    throw Error(SqlState::kInvalidTablesampleArgument, fmt::format("tablesample method {} requires 1 argument, not {}", method, ts->n_args),
                CharPos(ts->location));
  ExecContext ctx;
  Scope empty;
  const Value percent = EvaluateConstant(*CoerceTo(BindExpression(ts->args[0], empty), TypeId::kFloat64), ctx);
  if (percent.is_null) throw Error(SqlState::kInvalidTablesampleArgument, "TABLESAMPLE parameter cannot be null");
  if (!(percent.f >= 0 && percent.f <= 100)) throw Error(SqlState::kInvalidTablesampleArgument, "sample percentage must be between 0 and 100");
  std::optional<uint64_t> seed;
  if (ts->repeatable) {
    const Value s = EvaluateConstant(*CoerceTo(BindExpression(ts->repeatable, empty), TypeId::kFloat64), ctx);
    if (s.is_null) throw Error(SqlState::kInvalidTablesampleRepeat, "TABLESAMPLE REPEATABLE parameter cannot be null");
    seed = uint64_t(int64_t(s.f));
  }
  PlannedQuery q = PlanFromItem(ts->relation, outer, scope_out, left_scope, is_lateral);
  q.plan = std::make_shared<TableSampleOperator>(q.plan, method == "system", percent.f, seed);
  return q;
}

// ROWS FROM (f(...), g(...)) [AS t(a, b)]: each function planned alone, then side by side.
PlannedQuery Planner::PlanRowsFrom(PgQuery__RangeFunction* f, const Scope* outer, Scope* scope_out) {
  if (f->ordinality) throw Error(SqlState::kFeatureNotSupported, "WITH ORDINALITY is not supported with ROWS FROM");
  std::vector<OperatorPtr> plans;
  PlannedQuery q;
  for (size_t k = 0; k < f->n_functions; ++k) {
    PgQuery__RangeFunction one = *f;  // the same item with this function alone and no alias
    one.n_functions = 1;
    one.functions = &f->functions[k];
    one.alias = nullptr;
    one.ordinality = 0;
    Scope ignored;
    PlannedQuery p = PlanRangeFunction(&one, outer, &ignored);
    plans.push_back(p.plan);
    q.names.insert(q.names.end(), p.names.begin(), p.names.end());
    q.types.insert(q.types.end(), p.types.begin(), p.types.end());
  }
  const std::string label = f->alias ? f->alias->aliasname : "rows_from";
  if (f->alias && f->alias->n_colnames > q.names.size())
    throw Error(SqlState::kSyntaxError, fmt::format("too many column aliases specified for function {}", label));
  for (size_t c = 0; f->alias && c < f->alias->n_colnames; ++c) q.names[c] = StrVal(f->alias->colnames[c]);
  q.plan = std::make_shared<RowsFromOperator>(std::move(plans));
  q.plan->names = q.names;
  for (size_t c = 0; c < q.names.size(); ++c) scope_out->columns.push_back(ScopeColumn{label, q.names[c], q.types[c], false});
  return q;
}

bool IsJsonRowsFunction(const std::string& name) {
  for (const char* prefix : {"json_", "jsonb_"}) {
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(strlen(prefix));
    if (rest == "array_elements" || rest == "array_elements_text" || rest == "each" || rest == "each_text" || rest == "object_keys")
      return true;
  }
  return false;
}

// jsonb_array_elements(doc), jsonb_each(doc), jsonb_object_keys(doc) and their _text and json_
// twins (exec/json_rows.h).
PlannedQuery Planner::PlanJsonRows(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const std::string& name, const Scope* outer,
                                   Scope* scope_out) {
  if (f->ordinality) throw Error(SqlState::kFeatureNotSupported, "WITH ORDINALITY is supported for unnest only", CharPos(call->location));
  if (call->n_args != 1)
    throw Error(SqlState::kUndefinedFunction, fmt::format("function {} takes one argument", name), CharPos(call->location));
  Scope empty;
  empty.parent = outer;
  const bool jsonb = name.rfind("jsonb_", 0) == 0;
  ExprPtr doc = CoerceTo(BindExpression(call->args[0], empty), LogicalType(TypeId::kText, 0, jsonb ? 2 : 1));
  const bool as_text = name.size() > 5 && name.substr(name.size() - 5) == "_text";
  using Kind = JsonRowsOperator::Kind;
  const Kind kind = name.find("array_elements") != std::string::npos ? Kind::kArrayElements
                  : name.find("object_keys") != std::string::npos  ? Kind::kObjectKeys
                                                                   : Kind::kEach;
  // PostgreSQL's column names: value; key, value; the function's name for object_keys.
  std::vector<std::string> cols = kind == Kind::kEach ? std::vector<std::string>{"key", "value"}
                                : kind == Kind::kObjectKeys ? std::vector<std::string>{name} : std::vector<std::string>{"value"};
  const std::string label = f->alias ? f->alias->aliasname : name;
  for (size_t c = 0; f->alias && c < f->alias->n_colnames && c < cols.size(); ++c) cols[c] = StrVal(f->alias->colnames[c]);
  if (f->alias && f->alias->n_colnames == 0 && cols.size() == 1) cols[0] = label;  // AS t: the one column is t
  PlannedQuery q;
  q.plan = std::make_shared<JsonRowsOperator>(doc, kind, as_text, cols, name);
  q.names = cols;
  q.types = q.plan->types;
  for (size_t c = 0; c < cols.size(); ++c) scope_out->columns.push_back(ScopeColumn{label, cols[c], q.types[c], false});
  return q;
}

// unnest(array) [WITH ORDINALITY] [AS t(x [, n])]: the elements as rows. string_to_table and
// regexp_split_to_table are unnest of string_to_array and regexp_split_to_array; regexp_matches
// unnests __regexp_matches, whose elements are text[] values in their text form.
PlannedQuery Planner::PlanUnnest(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const Scope* outer, Scope* scope_out) {
  const std::string name = StrVal(call->funcname[call->n_funcname - 1]);
  Scope empty;
  empty.parent = outer;
  ExprPtr array;
  if (name == "string_to_table" || name == "regexp_split_to_table" || name == "regexp_matches") {
    std::vector<ExprPtr> args;
    for (size_t k = 0; k < call->n_args; ++k) args.push_back(BindExpression(call->args[k], empty));
    const char* array_function = name == "string_to_table" ? "string_to_array" : name == "regexp_matches" ? "__regexp_matches" : "regexp_split_to_array";
    array = ResolveCall(array_function, args, call->location, false);
  } else {
    if (call->n_args != 1)
      throw Error(SqlState::kFeatureNotSupported, "unnest takes one array here (several arrays side by side are not supported)",
                  CharPos(call->location));
    array = BindExpression(call->args[0], empty);
  }
  if (name == "pg_partition_ancestors") {
    // The relation and the partitioned tables above it: here never a partition, so the relation
    // alone, as unnest of a one-element array (psql's \d asks WITH ORDINALITY).
    array = ResolveCall("__array_construct", {CoerceTo(array, TypeId::kInt64)}, call->location, false);
    array->type = ArrayOf(TypeId::kInt64);
  }
  if (array->unknown_literal) array = CoerceTo(array, ArrayOf(TypeId::kText));
  if (array->type.id != TypeId::kArray)
    throw Error(SqlState::kUndefinedFunction, fmt::format("function unnest({}) does not exist", array->type.ToString()),
                CharPos(call->location));
  LogicalType element = ArrayElementType(array->type);
  if (element.id == TypeId::kNull) element = TypeId::kText;
  if (name == "regexp_matches") element = ArrayOf(TypeId::kText);
  std::string label = f->alias ? f->alias->aliasname : name;
  std::string col = f->alias && f->alias->n_colnames ? StrVal(f->alias->colnames[0]) : label;
  std::string ord = f->alias && f->alias->n_colnames > 1 ? StrVal(f->alias->colnames[1]) : "ordinality";
  PlannedQuery q;
  q.plan = std::make_shared<UnnestOperator>(array, element, col, f->ordinality);
  q.names = {col};
  q.types = {element};
  scope_out->columns.push_back(ScopeColumn{label, col, element, false});
  if (f->ordinality) {
    q.names.push_back(ord);
    q.types.push_back(TypeId::kInt64);
    scope_out->columns.push_back(ScopeColumn{label, ord, TypeId::kInt64, false});
  }
  return q;
}

int JoinSides(const Expr& e, int left_width) {
  int s = 0;
  std::vector<const Expr*> stack{&e};
  while (!stack.empty()) {
    const Expr* x = stack.back();
    stack.pop_back();
    if (x->subquery) return 3;
    if (x->kind == ExprKind::kColumn) s |= x->column < left_width ? 1 : 2;
    for (auto& a : x->args) stack.push_back(a.get());
  }
  return s;
}

PlannedQuery Planner::PlanReadNmea(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const std::string& name,
                                   const Scope* outer, Scope* scope_out) {
  Scope empty;
  empty.parent = outer;
  ExecContext ctx;
  std::string path, device;
  std::optional<int64_t> date;
  bool raw = false;
  for (size_t k = 0; k < call->n_args; ++k) {
    PgQuery__Node* a = call->args[k];
    std::string arg = k == 0 ? "path" : k == 1 ? "device" : "";
    if (a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
      arg = a->named_arg_expr->name;
      a = a->named_arg_expr->arg;
    }
    ExprPtr e = BindExpression(a, empty);
    const int pos = CharPos(NodeLocation(a));
    if (arg == "path" || arg == "device") {
      Value v = EvaluateConstant(*CoerceTo(e, TypeId::kText), ctx);
      if (v.is_null) throw Error(SqlState::kNullValueNotAllowed, fmt::format("{}: {} must not be NULL", name, arg), pos);
      (arg == "path" ? path : device) = v.s;
    } else if (arg == "date") {
      Value v = EvaluateConstant(*CoerceTo(e, TypeId::kDate), ctx);
      if (!v.is_null) date = v.i;
    } else if (arg == "raw") {
      Value v = EvaluateConstant(*CoerceTo(e, TypeId::kBool), ctx);
      raw = !v.is_null && v.i;
    } else {
      throw Error(SqlState::kUndefinedFunction, fmt::format("{} has no parameter \"{}\" (path, device, date, raw)", name, arg), pos);
    }
  }
  if (path.empty()) throw Error(SqlState::kUndefinedFunction, fmt::format("{} needs a file name", name), CharPos(call->location));
  // A file of the server: for those allowed to read them, inside --file-dir when one is set.
  CheckServerFileAccess(catalog_, false, name + " from a file");
  path = ResolveServerFile(path, false);
  const NmeaTable table = name == "read_nmea" ? NmeaTable::kFixes : name == "read_nmea_satellites" ? NmeaTable::kSatellites
                                                                                                   : NmeaTable::kSentences;
  PlannedQuery q;
  q.plan = std::make_shared<ReadNmeaOperator>(table, path, device, date, raw);
  q.names = q.plan->names;
  q.types = q.plan->types;
  std::string label = f->alias ? f->alias->aliasname : name;
  for (size_t c = 0; c < q.names.size(); ++c) {
    std::string col = f->alias && c < f->alias->n_colnames ? StrVal(f->alias->colnames[c]) : q.names[c];
    q.names[c] = col;
    scope_out->columns.push_back(ScopeColumn{label, col, q.types[c], false});
  }
  return q;
}

// Takes the first condition that a spatial join can index: ST_Contains(a, b) and friends with
// a and b each reading one side (ST_DWithin with a constant distance).
bool TakeSpatialCondition(std::vector<ExprPtr>* conds, int left_width, SpatialJoinCondition* out) {
  for (size_t k = 0; k < conds->size(); ++k) {
    const ExprPtr& c = (*conds)[k];
    geo::SpatialPred pred;
    if (c->kind != ExprKind::kFunction || !geo::SpatialPredFromName(c->name, c->args.size(), &pred)) continue;
    if (c->args[0]->type.id != TypeId::kGeometry || c->args[1]->type.id != TypeId::kGeometry) continue;
    const int a = JoinSides(*c->args[0], left_width), b = JoinSides(*c->args[1], left_width);
    if (!((a == 1 && b == 2) || (a == 2 && b == 1))) continue;
    if (c->args.size() >= 3 && JoinSides(*c->args[2], left_width) != 0) continue;
    if (c->args.size() == 4 && JoinSides(*c->args[3], left_width) != 0) continue;
    out->pred = pred;
    out->left_is_first = a == 1;
    out->left_geom = out->left_is_first ? c->args[0] : c->args[1];
    out->right_geom = ShiftColumns(out->left_is_first ? c->args[1] : c->args[0], -left_width);
    if (c->args.size() >= 3) out->distance = c->args[2];
    if (c->args.size() == 4) out->use_spheroid = c->args[3];
    out->text = c->ToString();
    conds->erase(conds->begin() + long(k));
    return true;
  }
  return false;
}

PlannedQuery Planner::JoinPlans(PlannedQuery left, PlannedQuery right, JoinKind kind, std::vector<ExprPtr> conditions) {
  std::vector<ExprPtr> lkeys, rkeys, residual;
  const int left_width = int(left.types.size());
  // An outer join's ON conjunct that reads nothing of the preserved side only decides which
  // rows of the other side can match: it filters that input before the join (TPC-H Q13's
  // o_comment NOT LIKE ...), so the hash table holds fewer rows and not what only it reads.
  std::vector<ExprPtr> left_only, right_only;
  for (auto it = conditions.begin(); it != conditions.end();) {
    const int sides = MovableExpr(**it) ? JoinSides(**it, left_width) : 3;
    if (kind == JoinKind::kLeft && (sides == 0 || sides == 2)) {
      right_only.push_back(ShiftColumns(*it, -left_width));
    } else if (kind == JoinKind::kRight && (sides == 0 || sides == 1)) {
      left_only.push_back(*it);
    } else {
      ++it;
      continue;
    }
    it = conditions.erase(it);
  }
  if (!right_only.empty()) right.plan = PushDownFilters(right.plan, right_only);
  if (!left_only.empty()) left.plan = PushDownFilters(left.plan, left_only);
  for (auto& c : conditions) {
    // Equi-join key: a comparison "=" whose sides each read only one input.
    if (c->kind == ExprKind::kFunction && c->name == "=" && c->args.size() == 2) {
      int a = JoinSides(*c->args[0], left_width), b = JoinSides(*c->args[1], left_width);
      if (a == 1 && b == 2) {
        lkeys.push_back(c->args[0]);
        rkeys.push_back(ShiftColumns(c->args[1], -left_width));
        continue;
      }
      if (a == 2 && b == 1) {
        lkeys.push_back(c->args[1]);
        rkeys.push_back(ShiftColumns(c->args[0], -left_width));
        continue;
      }
    }
    residual.push_back(c);
  }
  PlannedQuery q;
  SpatialJoinCondition spatial;
  if (lkeys.empty() && (kind == JoinKind::kInner || kind == JoinKind::kLeft) && TakeSpatialCondition(&residual, left_width, &spatial)) {
    q.plan = std::make_shared<SpatialJoinOperator>(left.plan, right.plan, kind, spatial, AndAllConditions(residual));
  } else {
    q.plan = std::make_shared<HashJoinOperator>(left.plan, right.plan, kind, lkeys, rkeys, AndAllConditions(residual));
  }
  q.names = left.names;
  q.names.insert(q.names.end(), right.names.begin(), right.names.end());
  q.types = left.types;
  q.types.insert(q.types.end(), right.types.begin(), right.types.end());
  return q;
}

PlannedQuery Planner::PlanFrom(PgQuery__Node** items, size_t n, const Scope* outer, Scope* scope_out,
                               std::vector<PgQuery__Node*>* where_conjuncts) {
  Scope acc_scope;
  PlannedQuery acc = PlanFromItem(items[0], outer, &acc_scope);
  JoinFromItems(&acc, &acc_scope, items + 1, n - 1, outer, where_conjuncts);
  *scope_out = acc_scope;
  return acc;
}

void Planner::JoinFromItems(PlannedQuery* acc_ptr, Scope* acc_scope_ptr, PgQuery__Node** items, size_t n,
                            const Scope* outer, std::vector<PgQuery__Node*>* where_conjuncts) {
  PlannedQuery& acc = *acc_ptr;
  Scope& acc_scope = *acc_scope_ptr;
  for (size_t k = 0; k < n; ++k) {
    Scope right_scope;
    bool lateral = false;
    PlannedQuery right = PlanFromItem(items[k], outer, &right_scope, &acc_scope, &lateral);
    Scope combined;
    combined.columns = acc_scope.columns;
    combined.columns.insert(combined.columns.end(), right_scope.columns.begin(), right_scope.columns.end());
    // Comma join: take the WHERE conjuncts that are equalities across the two sides as keys.
    std::vector<ExprPtr> conds;
    std::vector<PgQuery__Node*> rest;
    for (auto* c : *where_conjuncts) {
      bool used = false;
      geo::SpatialPred pred;
      const bool spatial = c->node_case == PG_QUERY__NODE__NODE_FUNC_CALL && c->func_call->n_funcname >= 1 &&
                           geo::SpatialPredFromName(StrVal(c->func_call->funcname[c->func_call->n_funcname - 1]),
                                                    c->func_call->n_args, &pred);
      if (spatial || (c->node_case == PG_QUERY__NODE__NODE_A_EXPR && c->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP &&
                      c->a_expr->n_name == 1 && StrVal(c->a_expr->name[0]) == "=" && c->a_expr->lexpr)) {
        // A conjunct reading a later FROM item or the outer query stays in WHERE.
        if (ColumnsResolveIn(c, combined)) {
          ExprPtr e = BindExpression(c, combined);  // no parent: outer references are not keys
          if (e->kind == ExprKind::kFunction && e->args.size() >= 2 && ReadsColumns(*e->args[0]) && ReadsColumns(*e->args[1])) {
            conds.push_back(e);
            used = true;
          }
        }
      }
      if (!used) rest.push_back(c);
    }
    *where_conjuncts = rest;
    if (lateral) {
      PlannedQuery joined;
      joined.plan = std::make_shared<LateralJoinOperator>(acc.plan, right.plan, JoinKind::kInner, AndAllConditions(conds));
      joined.names = acc.names;
      joined.names.insert(joined.names.end(), right.names.begin(), right.names.end());
      joined.types = joined.plan->types;
      acc = joined;
    } else {
      acc = JoinPlans(acc, right, JoinKind::kInner, conds);
    }
    acc_scope = combined;
  }
}

PlannedQuery Planner::PlanDmlSource(const std::string& table, const std::string& label, int location, PgQuery__Node** from,
                                    size_t n_from, PgQuery__Node* where, Scope* scope_out) {
  Scope scope;
  PlannedQuery q = PlanTableScan(table, location, true, &scope);
  for (auto& c : scope.columns) c.table = label;
  scope.columns.push_back(ScopeColumn{label, "ctid", TypeId::kInt64, true});
  std::vector<PgQuery__Node*> conjuncts;
  SplitConjuncts(where, &conjuncts);
  ExprPtr row_security = RowSecurityFilter(table, dml_command_, scope);
  JoinFromItems(&q, &scope, from, n_from, nullptr, &conjuncts);
  if (!conjuncts.empty() || row_security) {
    std::vector<ExprPtr> preds;
    for (auto* c : conjuncts) preds.push_back(CoerceTo(BindExpression(c, scope), TypeId::kBool));
    if (row_security) preds.push_back(row_security);  // over the target's columns, first in the row
    // As for SELECT: zone maps and key or index lookups for the target's scan (UPDATE ... WHERE
    // k = 5 reads one row), the joins of FROM/USING items filtered below them.
    q.plan = PushDownFilters(q.plan, preds);
  }
  *scope_out = scope;
  return q;
}

PlannedQuery Planner::PlanJoin(PgQuery__JoinExpr* j, const Scope* outer, Scope* scope_out) {
  Scope ls, rs;
  PlannedQuery left = PlanFromItem(j->larg, outer, &ls);
  bool lateral = false;
  PlannedQuery right = PlanFromItem(j->rarg, outer, &rs, &ls, &lateral);
  JoinKind kind;
  switch (j->jointype) {
    case PG_QUERY__JOIN_TYPE__JOIN_LEFT: kind = JoinKind::kLeft; break;
    case PG_QUERY__JOIN_TYPE__JOIN_RIGHT: kind = JoinKind::kRight; break;
    case PG_QUERY__JOIN_TYPE__JOIN_FULL: kind = JoinKind::kFull; break;
    default: kind = JoinKind::kInner; break;
  }
  const AsofJoinMark* asof = FindAsofJoin(j);
  if (asof) {
    if (kind != JoinKind::kInner && kind != JoinKind::kLeft)
      throw Error(SqlState::kFeatureNotSupported, "ASOF JOIN can only be INNER or LEFT", CharPos(asof->join_pos));
    if (lateral) throw Error(SqlState::kFeatureNotSupported, "ASOF JOIN cannot be LATERAL", CharPos(asof->join_pos));
    if (j->is_natural) throw Error(SqlState::kFeatureNotSupported, "ASOF JOIN cannot be NATURAL", CharPos(asof->join_pos));
  }
  Scope combined;
  combined.columns = ls.columns;
  combined.columns.insert(combined.columns.end(), rs.columns.begin(), rs.columns.end());
  const int lw = int(ls.columns.size());
  std::vector<ExprPtr> conds;
  std::vector<std::string> using_names;
  if (j->is_natural) {
    for (auto& lc : ls.columns) {
      if (lc.hidden) continue;
      for (auto& rc : rs.columns)
        if (!rc.hidden && rc.name == lc.name) { using_names.push_back(lc.name); break; }
    }
  }
  for (size_t k = 0; k < j->n_using_clause; ++k) using_names.push_back(StrVal(j->using_clause[k]));
  std::vector<std::pair<int, int>> using_pairs;
  for (auto& name : using_names) {
    int li = -1, ri = -1;
    for (size_t c = 0; c < ls.columns.size(); ++c)
      if (!ls.columns[c].hidden && ls.columns[c].name == name) li = int(c);
    for (size_t c = 0; c < rs.columns.size(); ++c)
      if (!rs.columns[c].hidden && rs.columns[c].name == name) ri = int(c);
    if (li < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" specified in USING clause does not exist in left table", name));
    if (ri < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" specified in USING clause does not exist in right table", name));
    using_pairs.emplace_back(li, ri);
    // ASOF ... USING (k1, ..., t): the last column is the time, matched with left.t >= right.t.
    const bool asof_time = asof && &name == &using_names.back();
    conds.push_back(MakeComparison(asof_time ? ">=" : "=", MakeColumn(li, ls.columns[li].type, name),
                                   MakeColumn(lw + ri, rs.columns[ri].type, name), -1));
  }
  if (j->quals) {
    std::vector<PgQuery__Node*> parts;
    SplitConjuncts(j->quals, &parts);
    Scope on_scope = combined;
    on_scope.parent = outer;
    BindContext bc;
    bc.scope = &on_scope;
    bc.clause = "JOIN conditions";
    for (auto* p : parts) conds.push_back(CoerceTo(Bind(p, bc), TypeId::kBool));
  }
  PlannedQuery q;
  if (lateral) {
    if (kind != JoinKind::kInner && kind != JoinKind::kLeft)
      throw Error(SqlState::kFeatureNotSupported, "only INNER and LEFT joins can be LATERAL");
    q.plan = std::make_shared<LateralJoinOperator>(left.plan, right.plan, kind, AndAllConditions(conds));
    q.names = left.names;
    q.names.insert(q.names.end(), right.names.begin(), right.names.end());
    q.types = q.plan->types;
  } else if (asof) {
    q = PlanAsofJoin(left, right, kind == JoinKind::kLeft, conds, *asof);
  } else {
    q = JoinPlans(left, right, kind, conds);
  }
  if (using_pairs.empty()) {
    *scope_out = combined;
  } else {
    // USING/NATURAL: the merged columns come first, then the other columns of each side; the
    // originals stay reachable by qualified name.
    std::vector<ExprPtr> proj;
    std::vector<std::string> names;
    Scope out;
    for (auto& [li, ri] : using_pairs) {
      CheckColumnRead(ls.columns[li]);  // USING reads both sides' columns
      CheckColumnRead(rs.columns[ri]);
      ExprPtr l = MakeColumn(li, ls.columns[li].type, ls.columns[li].name);
      ExprPtr r = MakeColumn(lw + ri, rs.columns[ri].type, rs.columns[ri].name);
      ExprPtr merged;
      if (kind == JoinKind::kRight) merged = r;
      else if (kind == JoinKind::kFull) {
        auto c = std::make_shared<Expr>();
        c->kind = ExprKind::kCoalesce;
        c->args = {l, r};
        c->type = UnifyTypes(c->args, "JOIN/USING", -1);
        merged = c;
      } else {
        merged = l;
      }
      proj.push_back(merged);
      names.push_back(ls.columns[li].name);
      out.columns.push_back(ScopeColumn{j->alias ? j->alias->aliasname : "", ls.columns[li].name, merged->type, false});
    }
    for (size_t c = 0; c < combined.columns.size(); ++c) {
      ScopeColumn col = combined.columns[c];
      bool is_using = false;
      for (auto& [li, ri] : using_pairs) is_using |= (int(c) == li || int(c) == lw + ri);
      col.hidden = col.hidden || is_using;
      proj.push_back(MakeColumn(int(c), col.type, col.name));
      names.push_back(col.name);
      out.columns.push_back(col);
    }
    q.plan = std::make_shared<ProjectionOperator>(q.plan, proj, names);
    q.names = names;
    q.types.clear();
    for (auto& e : proj) q.types.push_back(e->type);
    *scope_out = out;
  }
  if (j->alias && j->alias->aliasname) {
    for (auto& c : scope_out->columns) c.table = j->alias->aliasname;
  }
  return q;
}

}  // namespace yunhe
