// Decorrelation of EXISTS / NOT EXISTS / IN in WHERE, and of aggregate scalar subqueries. A subquery like
//   WHERE [NOT] EXISTS (SELECT ... FROM q WHERE q.k = f.k AND q.w > 5)
//   WHERE f.x IN (SELECT q.y FROM q WHERE q.k = f.k)          (IN adds the key x = y)
// would run once per outer row; when its correlation is only equalities between its own
// columns and columns of the query right outside it, it becomes a hash semi join (anti join for
// NOT EXISTS) of the outer rows with the filtered table: same result (NULL keys never match,
// duplicates on the inner side do not multiply rows), one pass over each side.
#include <functional>

#include "exec/basic_operators.h"
#include "exec/hash_aggregate.h"
#include "exec/hash_join.h"
#include "exec/table_scan.h"
#include "sql/planner.h"

namespace yunhe {

namespace {

// Outer references in e: deepest depth (0 = none); *inner set when e reads its own columns.
int OuterDepth(const Expr& e, bool* inner) {
  int d = 0;
  if (e.kind == ExprKind::kOuterColumn) d = e.depth;
  if (e.kind == ExprKind::kColumn) *inner = true;
  if (e.subquery || e.kind == ExprKind::kAggregate || e.kind == ExprKind::kWindow || e.kind == ExprKind::kParam) return 99;
  for (auto& a : e.args) d = std::max(d, OuterDepth(*a, inner));
  return d;
}

// The expression with its depth-1 outer references turned into columns of the outer row.
ExprPtr OuterToColumns(const ExprPtr& e) {
  auto c = std::make_shared<Expr>(*e);
  if (c->kind == ExprKind::kOuterColumn) {
    c->kind = ExprKind::kColumn;
    c->depth = 0;
  }
  for (auto& a : c->args) a = OuterToColumns(a);
  return c;
}

// e with every column reference c moved to map(c) (nullptr when map says -1: gives up).
ExprPtr RemapColumns(const ExprPtr& e, const std::function<ExprPtr(const Expr&)>& map) {
  if (e->kind == ExprKind::kColumn) return map(*e);
  auto c = std::make_shared<Expr>(*e);
  for (auto& a : c->args) {
    a = RemapColumns(a, map);
    if (!a) return nullptr;
  }
  return c;
}

// e with its columns replaced by the expressions they name (looking through a projection).
ExprPtr Substitute(const ExprPtr& e, const std::vector<ExprPtr>& by) {
  return RemapColumns(e, [&](const Expr& c) { return c.column < int(by.size()) ? by[size_t(c.column)] : nullptr; });
}

// Splits a subquery's WHERE into equalities between its own columns and depth-1 outer columns
// (appended to lkeys: over the outer row, rkeys: over the subquery's rows), conjuncts that read
// only its own columns, and other conjuncts over both (`l2.suppkey <> l1.suppkey`, TPC-H Q21:
// the join's residual, over the outer row's columns then the subquery's, `outer_width` on);
// false when anything else correlates (a deeper reference, a subquery, a volatile call).
bool SplitCorrelation(const ExprPtr& pred, int outer_width, std::vector<ExprPtr>* lkeys, std::vector<ExprPtr>* rkeys,
                      std::vector<ExprPtr>* inner_only, std::vector<ExprPtr>* residual) {
  for (const ExprPtr& c : FlattenConjuncts({pred})) {
    bool reads_inner = false;
    const int depth = OuterDepth(*c, &reads_inner);
    if (depth == 0) {
      inner_only->push_back(c);
      continue;
    }
    if (depth != 1) return false;
    const bool equality = c->kind == ExprKind::kFunction && c->name == "=" && c->args.size() == 2;
    if (!equality) {
      if (!MovableExpr(*c)) return false;
      residual->push_back(OuterToColumns(ShiftColumns(c, outer_width)));
      continue;
    }
    bool inner_a = false, inner_b = false;
    const int da = OuterDepth(*c->args[0], &inner_a), db = OuterDepth(*c->args[1], &inner_b);
    if (da == 1 && !inner_a && db == 0 && inner_b) {
      lkeys->push_back(OuterToColumns(c->args[0]));
      rkeys->push_back(c->args[1]);
    } else if (db == 1 && !inner_b && da == 0 && inner_a) {
      lkeys->push_back(OuterToColumns(c->args[1]));
      rkeys->push_back(c->args[0]);
    } else if (MovableExpr(*c)) {
      residual->push_back(OuterToColumns(ShiftColumns(c, outer_width)));
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

OperatorPtr Planner::DecorrelateExists(OperatorPtr plan, std::vector<ExprPtr>* preds) {
  std::vector<ExprPtr> kept;
  for (const ExprPtr& p : *preds) {
    const Expr* e = p.get();
    bool negate = false;
    if (e->kind == ExprKind::kNot && e->args.size() == 1 && e->args[0]->kind == ExprKind::kExists) {
      negate = true;
      e = e->args[0].get();
    }
    const bool is_in = !negate && e->kind == ExprKind::kInSubquery && !e->negated && e->args.size() == 1;
    if ((e->kind != ExprKind::kExists && !is_in) || !e->subquery || !e->subquery->correlated) {
      kept.push_back(p);
      continue;
    }
    // The subquery's plan: [Projection ...] <- Filter <- Seq Scan. For IN, its one output column
    // as an expression over the scan.
    OperatorPtr sp = e->subquery->plan;
    ExprPtr in_value = is_in ? MakeColumn(0, e->args[0]->type, "") : nullptr;
    while (auto proj = std::dynamic_pointer_cast<ProjectionOperator>(sp)) {
      if (in_value) in_value = Substitute(in_value, proj->exprs());
      sp = proj->children[0];
    }
    if (is_in) {
      bool lhs_inner = false, value_inner = false;
      if (!in_value || OuterDepth(*e->args[0], &lhs_inner) != 0 || OuterDepth(*in_value, &value_inner) != 0 || !value_inner) {
        kept.push_back(p);
        continue;
      }
    }
    auto filter = std::dynamic_pointer_cast<FilterOperator>(sp);
    std::shared_ptr<TableScanOperator> scan =
        filter ? std::dynamic_pointer_cast<TableScanOperator>(filter->children[0]) : nullptr;
    if (!scan) {
      kept.push_back(p);
      continue;
    }
    std::vector<ExprPtr> lkeys, rkeys, inner_only, residual;
    if (is_in) {
      lkeys.push_back(e->args[0]);
      rkeys.push_back(in_value);
    }
    if (!SplitCorrelation(filter->predicate(), int(plan->types.size()), &lkeys, &rkeys, &inner_only, &residual) ||
        lkeys.size() == (is_in ? 1u : 0u)) {
      kept.push_back(p);
      continue;
    }
    // The scan reads only what the keys, its own filters and the residual use (EXISTS (SELECT *
    // ...) names every column and reads none; the subquery's own projection is gone).
    if (!scan->emits_row_id()) {
      const int outer_width = int(plan->types.size());
      std::vector<bool> read(scan->types.size(), false), pair(size_t(outer_width) + scan->types.size(), false);
      bool known = true;
      for (const ExprPtr& k : rkeys) known = known && MarkColumnsRead(k, &read);
      for (const ExprPtr& c : inner_only) known = known && MarkColumnsRead(c, &read);
      for (const ExprPtr& c : residual) known = known && MarkColumnsRead(c, &pair);
      for (size_t c = 0; c < read.size(); ++c) read[c] = read[c] || pair[size_t(outer_width) + c];
      if (known) scan->KeepOnly(read);
    }
    OperatorPtr right = scan;
    if (!inner_only.empty()) right = std::make_shared<FilterOperator>(scan, AndAllConditions(inner_only));
    plan = std::make_shared<HashJoinOperator>(plan, right, negate ? JoinKind::kAnti : JoinKind::kSemi, lkeys, rkeys,
                                              AndAllConditions(residual));
  }
  preds->swap(kept);
  return plan;
}

namespace {


bool NoOuterReferences(const ExprPtr& e) {
  if (!e) return true;
  bool inner = false;
  return OuterDepth(*e, &inner) == 0;
}

}  // namespace

// (SELECT g(agg1(..), agg2(..)) FROM t WHERE t.k = outer.x AND <t only>) runs once per outer row.
// As a join: aggregate t (filtered) GROUP BY k once, LEFT JOIN it on outer.x = k; an outer row
// without a group gets what the aggregates give for no rows: NULL, or 0 for count.
OperatorPtr Planner::DecorrelateScalarSubqueries(OperatorPtr plan, std::vector<ExprPtr>* exprs) {
  std::function<ExprPtr(const ExprPtr&)> rewrite = [&](const ExprPtr& e) -> ExprPtr {
    if (e->kind == ExprKind::kSubquery && e->subquery && e->subquery->correlated) {
      auto proj = std::dynamic_pointer_cast<ProjectionOperator>(e->subquery->plan);
      auto agg = proj ? std::dynamic_pointer_cast<HashAggregateOperator>(proj->children[0]) : nullptr;
      auto filter = agg ? std::dynamic_pointer_cast<FilterOperator>(agg->children[0]) : nullptr;
      auto scan = filter ? std::dynamic_pointer_cast<TableScanOperator>(filter->children[0]) : nullptr;
      if (!scan || proj->exprs().size() != 1 || !agg->groups().empty() || !NoOuterReferences(proj->exprs()[0])) return e;
      for (const BoundAggregate& a : agg->aggregates()) {
        if (!NoOuterReferences(a.filter) || !NoOuterReferences(a.direct_arg)) return e;
        for (const ExprPtr& x : a.args)
          if (!NoOuterReferences(x)) return e;
        for (const ExprPtr& x : a.order_by)
          if (!NoOuterReferences(x)) return e;
      }
      // Grouping by the keys needs every correlation to be an equality: no residual.
      std::vector<ExprPtr> lkeys, rkeys, inner_only, residual;
      if (!SplitCorrelation(filter->predicate(), 0, &lkeys, &rkeys, &inner_only, &residual) || lkeys.empty() ||
          !residual.empty())
        return e;
      OperatorPtr source = scan;
      if (!inner_only.empty()) source = std::make_shared<FilterOperator>(scan, AndAllConditions(inner_only));
      const std::vector<BoundAggregate>& aggs = agg->aggregates();
      auto grouped = std::make_shared<HashAggregateOperator>(source, rkeys, aggs);
      const int width = int(plan->types.size()), nkeys = int(rkeys.size());
      std::vector<ExprPtr> group_columns;
      for (int k = 0; k < nkeys; ++k) group_columns.push_back(MakeColumn(k, rkeys[size_t(k)]->type, rkeys[size_t(k)]->name));
      // The aggregate's output column j becomes joined column width + nkeys + j.
      ExprPtr value = RemapColumns(proj->exprs()[0], [&](const Expr& col) -> ExprPtr {
        if (col.column < 0 || col.column >= int(aggs.size())) return nullptr;
        ExprPtr ref = MakeColumn(width + nkeys + col.column, col.type, col.name);
        if (aggs[size_t(col.column)].function->name != "count") return ref;
        auto zero = std::make_shared<Expr>();
        zero->kind = ExprKind::kCoalesce;
        zero->type = col.type;
        zero->args = {ref, MakeConstant(Value::Int(0, col.type.id), -1)};
        return zero;
      });
      if (!value) return e;
      plan = std::make_shared<HashJoinOperator>(plan, grouped, JoinKind::kLeft, lkeys, group_columns, nullptr);
      return value;
    }
    // Copy a node only when something below it was rewritten.
    std::vector<ExprPtr> args;
    bool changed = false;
    for (const ExprPtr& a : e->args) {
      args.push_back(rewrite(a));
      changed |= args.back() != a;
    }
    if (!changed) return e;
    auto c = std::make_shared<Expr>(*e);
    c->args = std::move(args);
    return c;
  };
  for (ExprPtr& e : *exprs) e = rewrite(e);
  return plan;
}

}  // namespace yunhe
