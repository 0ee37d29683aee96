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

// The parts of a state only some aggregates use (first/last, the collecting and DISTINCT ones,
// numeric variance, interval sums), allocated on first use: a GROUP BY with many groups of
// count/sum/avg/min/max keeps about 190 bytes per state instead of 460 (zeroing, growing and
// merging the state arrays was a fifth of a 12,000-group aggregate's time).
struct AggStateMore {
  Decimal dsum_sq;
  Interval ivsum;
  Value best_time;            // first/last
  std::vector<Value> values;  // string_agg/array_agg/percentile/mode inputs
  std::vector<std::vector<Value>> sort_keys;
  std::vector<std::string> delimiters;
  std::shared_ptr<std::set<std::string>> distinct_seen;
  RegressionSums regression;  // corr, covar_*, regr_*
};

struct AggStateCore {
  int64_t count = 0;
  __int128 isum = 0;
  double fsum = 0;
  double fsum_sq = 0;  // Youngs-Cramer Sxx for float variance
  Decimal dsum;
  bool has_value = false;
  Value best;  // min, max, first, last, bool_and/or
};

struct AggState : AggStateCore {
  AggState() = default;
  AggState(const AggState& o) : AggStateCore(o), more_(o.more_ ? std::make_unique<AggStateMore>(*o.more_) : nullptr) {}
  AggState& operator=(const AggState& o) {
    if (this != &o) {
      AggStateCore::operator=(o);
      more_ = o.more_ ? std::make_unique<AggStateMore>(*o.more_) : nullptr;
    }
    return *this;
  }
  AggState(AggState&&) noexcept = default;
  AggState& operator=(AggState&&) noexcept = default;
  AggStateMore& more() {
    if (!more_) more_ = std::make_unique<AggStateMore>();
    return *more_;
  }
  // Reading: an empty one when nothing was allocated.
  const AggStateMore& more() const {
    static const AggStateMore none;
    return more_ ? *more_ : none;
  }
  bool has_more() const { return more_ != nullptr; }

 private:
  std::unique_ptr<AggStateMore> more_;
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
