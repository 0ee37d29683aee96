// Aggregates over DISTINCT arguments as two aggregations: `SELECT g, count(DISTINCT x) ... GROUP
// BY g` becomes GROUP BY g, x (the distinct values) and then count(x) GROUP BY g over them, as
// DuckDB and ClickHouse plan it. The hash aggregate spills past work_mem and runs on all cores;
// the per-group set of values a DISTINCT aggregate keeps otherwise does neither (30M distinct
// texts in one count(DISTINCT) failed with 53200 at a 1 GB memory_limit).
// Applies when every aggregate is DISTINCT over the same single argument, has no FILTER, ORDER BY
// or direct argument, and gives the same result whatever order the distinct values come in:
// count, min, max, bool_and/bool_or/every, bit_and/bit_or, and sum/avg of integers and numerics
// (a float sum depends on the order of its terms; the set sums them sorted, as PostgreSQL).
#pragma once
#include <memory>
#include <vector>

#include "exec/hash_aggregate.h"

namespace yunhe {

struct DistinctAggregatePlan {
  std::shared_ptr<HashAggregateOperator> inner;  // GROUP BY groups, argument
  std::vector<ExprPtr> inner_groups;
  std::shared_ptr<HashAggregateOperator> outer;  // the aggregates per group; output as the original's
};

// nullptr-holding result (outer == nullptr) when the rewrite does not apply.
DistinctAggregatePlan PlanDistinctAggregates(const OperatorPtr& input, const std::vector<ExprPtr>& groups,
                                             const std::vector<BoundAggregate>& aggregates);

}  // namespace yunhe
