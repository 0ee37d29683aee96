// Fast frame aggregation for window functions over moving frames (ROWS/RANGE/GROUPS with
// offsets): count, sum and avg of integers from prefix sums, min and max of numbers and
// timestamps from a sparse table (O(1) per row), sum and avg of floats by a tight loop over the
// frame in order (so results equal PostgreSQL's, which also sums each frame afresh).
// Other aggregates, and frames with EXCLUDE, use the generic path in window.cpp.
#pragma once
#include <cstdint>
#include <vector>

#include "exec/aggregate_state.h"

namespace yunhe {

class FrameAggregator {
 public:
  // True when `agg` over arguments of this type can use it.
  static bool Supports(const BoundAggregate& agg);
  // rows[0, n): the partition's rows in window order; keep: FILTER mask per row (empty = all).
  FrameAggregator(const BoundAggregate& agg, const Vector* arg, const uint32_t* rows, size_t n,
                  const std::vector<uint8_t>& keep);
  // The aggregate over partition positions [fs, fe).
  // Sets into s (reused from row to row) the fields the aggregate's kind reads.
  void Frame(size_t fs, size_t fe, AggState& s) const;

 private:
  AggKind kind_;
  PhysicalType physical_ = PhysicalType::kI64;
  LogicalType type_;
  std::vector<int64_t> count_prefix_;  // non-NULL kept values before position k
  std::vector<__int128> sum_prefix_;   // integer sums
  std::vector<double> fvals_;          // float values in order (NaN-free check not needed)
  std::vector<uint8_t> valid_;
  // Sparse table over positions: best_[j][k] = position of the best value in [k, k + 2^j).
  std::vector<std::vector<int64_t>> best_;
  std::vector<int64_t> ivals_;
  int64_t Better(int64_t a, int64_t b) const;
};

}  // namespace yunhe
