// Predicate pushdown: WHERE conjuncts go below joins to the input they read, so joins see fewer
// rows and table scans get zone-map checks from filters that sit over a join.
#include "exec/asof_join.h"
#include "exec/hash_join.h"
#include "exec/lateral_join.h"
#include "exec/spatial_join.h"
#include "exec/table_scan.h"
#include "sql/planner.h"

namespace yunhe {
bool MovableExpr(const Expr& e) {
  if (e.subquery || e.kind == ExprKind::kAggregate || e.kind == ExprKind::kWindow) return false;
  if (e.function && e.function->volatile_ && e.name != "now") return false;
  for (auto& a : e.args)
    if (!MovableExpr(*a)) return false;
  return true;
}

OperatorPtr PushDownFilters(OperatorPtr plan, const std::vector<ExprPtr>& preds) {
  if (preds.empty()) return plan;
  if (auto scan = std::dynamic_pointer_cast<TableScanOperator>(plan)) {
    AddZoneMapPredicates(*scan, preds);
    AddIndexLookup(*scan, preds);
    return std::make_shared<FilterOperator>(plan, AndAllConditions(preds));
  }
  // Which inputs a conjunct may move into without changing the join's result: a filter on the
  // preserved side of an outer join may go below it, one on the NULL-padded side may not; an
  // ASOF join's match depends on all right rows, a lateral right side is re-run per left row.
  bool to_left = false, to_right = false;
  if (auto* j = dynamic_cast<HashJoinOperator*>(plan.get())) {
    const JoinKind k = j->kind();
    to_left = k == JoinKind::kInner || k == JoinKind::kLeft || k == JoinKind::kSemi || k == JoinKind::kAnti;
    to_right = k == JoinKind::kInner || k == JoinKind::kRight;
  } else if (auto* s = dynamic_cast<SpatialJoinOperator*>(plan.get())) {
    to_left = s->kind() == JoinKind::kInner || s->kind() == JoinKind::kLeft;
    to_right = s->kind() == JoinKind::kInner;
  } else if (auto* l = dynamic_cast<LateralJoinOperator*>(plan.get())) {
    to_left = l->kind() == JoinKind::kInner || l->kind() == JoinKind::kLeft;
  } else if (dynamic_cast<AsofJoinOperator*>(plan.get())) {
    to_left = true;
  }
  if (!to_left && !to_right) return std::make_shared<FilterOperator>(plan, AndAllConditions(preds));
  const int left_width = int(plan->children[0]->types.size());
  std::vector<ExprPtr> here, left, right;
  for (const ExprPtr& p : FlattenConjuncts(preds)) {
    const int sides = MovableExpr(*p) ? JoinSides(*p, left_width) : 3;
    if (sides == 1 && to_left) left.push_back(p);
    else if (sides == 2 && to_right) right.push_back(ShiftColumns(p, -left_width));
    else here.push_back(p);
  }
  plan->children[0] = PushDownFilters(plan->children[0], left);
  plan->children[1] = PushDownFilters(plan->children[1], right);
  if (here.empty()) return plan;
  return std::make_shared<FilterOperator>(plan, AndAllConditions(here));
}

}  // namespace yunhe
