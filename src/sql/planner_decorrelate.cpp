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
#include "sql/correlation.h"
#include "sql/planner.h"

namespace yunhe {

namespace {

// e with its columns replaced by the expressions they name (looking through a projection).
ExprPtr Substitute(const ExprPtr& e, const std::vector<ExprPtr>& by) {
  return RemapColumns(e, [&](const Expr& c) { return c.column < int(by.size()) ? by[size_t(c.column)] : nullptr; });
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

// (SELECT g(agg1(..), agg2(..)) FROM t, u, ... WHERE t.k = outer.x AND <own columns only>) runs
// once per outer row. As a join: aggregate the subquery's rows without the correlation GROUP BY
// t.k once, LEFT JOIN it on outer.x = t.k; an outer row without a group gets what the
// aggregates give for no rows: NULL, or 0 for count.
OperatorPtr Planner::DecorrelateScalarSubqueries(OperatorPtr plan, std::vector<ExprPtr>* exprs) {
  std::function<ExprPtr(const ExprPtr&)> rewrite = [&](const ExprPtr& e) -> ExprPtr {
    if (e->kind == ExprKind::kSubquery && e->subquery && e->subquery->correlated) {
      auto proj = std::dynamic_pointer_cast<ProjectionOperator>(e->subquery->plan);
      auto agg = proj ? std::dynamic_pointer_cast<HashAggregateOperator>(proj->children[0]) : nullptr;
      if (!agg || proj->exprs().size() != 1 || !agg->groups().empty() || !NoOuterReferences(proj->exprs()[0])) return e;
      for (const BoundAggregate& a : agg->aggregates()) {
        if (!NoOuterReferences(a.filter) || !NoOuterReferences(a.direct_arg)) return e;
        for (const ExprPtr& x : a.args)
          if (!NoOuterReferences(x)) return e;
        for (const ExprPtr& x : a.order_by)
          if (!NoOuterReferences(x)) return e;
      }
      // Grouping by the keys needs every correlation to be an equality in a filter the rows
      // pass on their way to the aggregate, whatever joins lie between (correlation.h).
      LiftedCorrelation lifted;
      if (!LiftCorrelation(agg->children[0], &lifted) || lifted.inner.empty()) return e;
      std::vector<BoundAggregate> aggs = agg->aggregates();
      for (BoundAggregate& a : aggs) {
        bool mapped = true;
        auto map = [&](ExprPtr& x) {
          if (!x) return;
          x = MapColumns(x, lifted.map);
          mapped = mapped && x;
        };
        map(a.filter);
        map(a.direct_arg);
        for (ExprPtr& x : a.args) map(x);
        for (ExprPtr& x : a.order_by) map(x);
        if (!mapped) return e;
      }
      const std::vector<ExprPtr>& rkeys = lifted.inner;
      const std::vector<ExprPtr>& lkeys = lifted.outer;
      auto grouped = std::make_shared<HashAggregateOperator>(lifted.op, rkeys, aggs);
      MaybeParallelAggregate(*grouped, lifted.op, rkeys, aggs);
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
