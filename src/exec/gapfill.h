// Gap filling for time_bucket_gapfill (TimescaleDB semantics). Input: the rows of a grouped
// aggregate (group columns, then aggregate results). For every combination of the other group
// columns it emits one row per bucket from start (bucketed) up to finish (exclusive), in bucket
// order: existing rows as they are, missing buckets as new rows whose aggregates are NULL except
//   locf columns:        the last non-NULL value of an earlier bucket of the same group
//   interpolate columns: linear interpolation in time between the neighbouring buckets that have
//                        a value (NULL at the edges); integers round to the nearest.
// Rows whose bucket lies outside [start, finish) are kept in order.
#pragma once
#include <vector>

#include "common/value.h"
#include "exec/operator.h"

namespace yunhe {

enum class FillMode : uint8_t { kNull, kLocf, kInterpolate };

class GapFillOperator : public PhysicalOperator {
 public:
  // bucket_col: the time_bucket_gapfill column; group_cols: the other GROUP BY columns; modes: one
  // per input column (group columns ignored). Times are in the bucket column's unit (ns, or days
  // for dates); start/finish are already in that unit.
  GapFillOperator(OperatorPtr input, int bucket_col, std::vector<int> group_cols, Interval width, int64_t start,
                  int64_t finish, std::vector<FillMode> modes);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Gap Fill"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  int64_t NextBucket(int64_t b) const;
  void FillGroup(const DataChunk& in, const std::vector<uint32_t>& rows, DataChunk& out);

  int bucket_col_;
  std::vector<int> group_cols_;
  Interval width_;
  int64_t start_, finish_;
  std::vector<FillMode> modes_;
  bool is_date_ = false;
  std::vector<DataChunk> ready_;
  size_t next_ready_ = 0;
};

}  // namespace yunhe
