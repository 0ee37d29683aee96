// Predicate pushdown: WHERE conjuncts go below joins to the input they read, so joins see fewer
// rows and table scans get zone-map checks from filters that sit over a join.
#include <algorithm>
#include <iterator>

#include "exec/asof_join.h"
#include "exec/hash_join.h"
#include "exec/lateral_join.h"
#include "exec/spatial_join.h"
#include "exec/table_scan.h"
#include "sql/planner.h"

namespace yunhe {
bool MovableExpr(const Expr& e) {
  // An uncorrelated subquery is evaluated once per execution and cached: a condition holding
  // it (`o_orderkey IN (SELECT ...)`) may move down to the scan whose columns it reads.
  if ((e.subquery && e.subquery->correlated) || e.kind == ExprKind::kAggregate || e.kind == ExprKind::kWindow) return false;
  if (e.function && e.function->volatile_ && e.name != "now") return false;
  for (auto& a : e.args)
    if (!MovableExpr(*a)) return false;
  return true;
}

namespace {

// Null whenever every column in [lo, hi) is NULL: the columns themselves, and casts and
// arithmetic or concatenation over them (strict operators).
bool NullWhenNull(const Expr& e, int lo, int hi) {
  if (e.kind == ExprKind::kColumn) return e.column >= lo && e.column < hi;
  if (e.kind == ExprKind::kCast) return NullWhenNull(*e.args[0], lo, hi);
  static const char* const kStrict[] = {"+", "-", "*", "/", "%", "||"};
  if (e.kind == ExprKind::kFunction && e.function && !e.args.empty() &&
      std::any_of(std::begin(kStrict), std::end(kStrict), [&](const char* op) { return e.name == op; }))
    return std::any_of(e.args.begin(), e.args.end(), [&](const ExprPtr& a) { return NullWhenNull(*a, lo, hi); });
  return false;
}

}  // namespace

bool RejectsNulls(const Expr& e, int lo, int hi) {
  switch (e.kind) {
    case ExprKind::kAnd:
      return std::any_of(e.args.begin(), e.args.end(), [&](const ExprPtr& a) { return RejectsNulls(*a, lo, hi); });
    case ExprKind::kOr:
      return std::all_of(e.args.begin(), e.args.end(), [&](const ExprPtr& a) { return RejectsNulls(*a, lo, hi); });
    case ExprKind::kIsNotNull: return NullWhenNull(*e.args[0], lo, hi);
    case ExprKind::kInList: return NullWhenNull(*e.args[0], lo, hi);
    case ExprKind::kFunction: {
      static const char* const kComparisons[] = {"=", "<>", "!=", "<", "<=", ">", ">=", "~~", "!~~", "~~*", "!~~*"};
      if (!std::any_of(std::begin(kComparisons), std::end(kComparisons), [&](const char* op) { return e.name == op; }))
        return false;
      return std::any_of(e.args.begin(), e.args.end(), [&](const ExprPtr& a) { return NullWhenNull(*a, lo, hi); });
    }
    default: return false;
  }
}

JoinKind ReduceOuterJoin(JoinKind kind, const std::vector<ExprPtr>& conditions, int lo, int mid, int hi) {
  bool left_rejected = false, right_rejected = false;
  for (const ExprPtr& c : conditions) {
    left_rejected = left_rejected || RejectsNulls(*c, lo, mid);
    right_rejected = right_rejected || RejectsNulls(*c, mid, hi);
  }
  // Padded rows of a side are those where that side is all NULL; a filter rejecting them
  // leaves only the rows the join would have produced without padding that side.
  if (kind == JoinKind::kLeft && right_rejected) return JoinKind::kInner;
  if (kind == JoinKind::kRight && left_rejected) return JoinKind::kInner;
  if (kind == JoinKind::kFull) {
    if (left_rejected && right_rejected) return JoinKind::kInner;
    if (right_rejected) return JoinKind::kRight;
    if (left_rejected) return JoinKind::kLeft;
  }
  return kind;
}

OperatorPtr PushDownFilters(OperatorPtr plan, const std::vector<ExprPtr>& preds) {
  if (preds.empty()) return plan;
  if (auto* j = dynamic_cast<HashJoinOperator*>(plan.get()); j && j->kind() != JoinKind::kInner && j->kind() != JoinKind::kSemi &&
                                                               j->kind() != JoinKind::kAnti) {
    j->SetKind(ReduceOuterJoin(j->kind(), preds, 0, int(j->left_width()), int(plan->types.size())));
  }
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
