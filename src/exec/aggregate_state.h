// Aggregate states and their update/finalize logic. A HashAggregate keeps one AggState per
// (group, aggregate); updates run per chunk with the aggregate kind chosen once per chunk.
#pragma once
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "exec/operator.h"
#include "functions/function.h"
#include "exec/expr.h"

namespace yunhe {

struct BoundAggregate {
  const AggregateFunction* function = nullptr;
  std::vector<ExprPtr> args;      // evaluated per input row
  std::vector<ExprPtr> order_by;  // ORDER BY inside the call / WITHIN GROUP
  std::vector<bool> order_desc;
  std::vector<bool> order_nulls_first;
  bool distinct = false;
  ExprPtr filter;
  LogicalType type;      // result type
  LogicalType arg_type;  // type of the (first) aggregated argument
  // percentile_*: the fraction is a direct argument evaluated once.
  ExprPtr direct_arg;
  std::string ToString() const;
};

struct AggState {
  int64_t count = 0;
  __int128 isum = 0;
  double fsum = 0;
  double fsum_sq = 0;  // Youngs-Cramer Sxx for float variance
  Decimal dsum;
  Decimal dsum_sq;
  Interval ivsum;
  bool has_value = false;
  Value best;           // min, max, first, last, bool_and/or
  Value best_time;      // first/last
  std::vector<Value> values;  // string_agg/array_agg/percentile/mode inputs
  std::vector<std::vector<Value>> sort_keys;
  std::vector<std::string> delimiters;
  std::shared_ptr<std::set<std::string>> distinct_seen;
};

// Adds rows to states: for k < n, row rows[k] of the argument vectors goes to states[groups[k]].
void UpdateAggregate(const BoundAggregate& agg, std::vector<AggState>& states, const uint32_t* rows,
                     const uint32_t* groups, size_t n, const std::vector<const Vector*>& args,
                     const std::vector<const Vector*>& order_keys);
// Whether UpdateUngrouped handles this aggregate: count(*), and count/sum/avg/min/max without
// DISTINCT over integers or floats.
bool UngroupedFastPathApplies(const BoundAggregate& agg);
// One group (states[0]): rows sel[0..n) (or 0..n when sel is null) added with local accumulators.
void UpdateUngrouped(const BoundAggregate& agg, std::vector<AggState>& states, const uint32_t* sel, size_t n,
                     const std::vector<const Vector*>& args);
Value FinalizeAggregate(const BoundAggregate& agg, AggState& state, ExecContext& ctx);

}  // namespace yunhe
