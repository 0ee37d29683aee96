#include "sql/optimizer/distinct_aggregates.h"

#include "functions/function.h"

namespace yunhe {
namespace {

bool OrderFree(const BoundAggregate& a) {
  switch (a.function->kind) {
    case AggKind::kCount:
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
    case AggKind::kEvery:
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor: return true;
    case AggKind::kSum:
    case AggKind::kAvg: {
      const PhysicalType p = a.args[0]->type.physical();
      return p == PhysicalType::kI64 || p == PhysicalType::kDec;
    }
    default: return false;
  }
}

}  // namespace

DistinctAggregatePlan PlanDistinctAggregates(const OperatorPtr& input, const std::vector<ExprPtr>& groups,
                                             const std::vector<BoundAggregate>& aggregates) {
  DistinctAggregatePlan out;
  if (aggregates.empty()) return out;
  for (const BoundAggregate& a : aggregates) {
    if (!a.distinct || a.args.size() != 1 || a.filter || a.direct_arg || !a.order_by.empty() || !OrderFree(a)) return out;
    if (!a.args[0]->Equals(*aggregates[0].args[0])) return out;
  }
  const ExprPtr& arg = aggregates[0].args[0];
  out.inner_groups = groups;
  out.inner_groups.push_back(arg);
  out.inner = std::make_shared<HashAggregateOperator>(input, out.inner_groups, std::vector<BoundAggregate>{});
  std::vector<ExprPtr> outer_groups;
  for (size_t k = 0; k < groups.size(); ++k) outer_groups.push_back(MakeColumn(int(k), groups[k]->type, groups[k]->ToString()));
  std::vector<BoundAggregate> outer_aggregates = aggregates;
  for (BoundAggregate& a : outer_aggregates) {
    a.distinct = false;  // the values are distinct now
    a.args = {MakeColumn(int(groups.size()), arg->type, arg->ToString())};
  }
  out.outer = std::make_shared<HashAggregateOperator>(out.inner, outer_groups, outer_aggregates);
  return out;
}

}  // namespace yunhe
