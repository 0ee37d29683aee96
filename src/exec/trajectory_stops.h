// stops(query, radius_m, min_duration): stay-point detection over trajectories. The query
// yields (key, time, position) rows; per key, in time order, a stop is a maximal run of fixes
// that all lie within radius_m metres of the run's first fix and that spans at least
// min_duration. Output: key, start_time, end_time, duration, centroid (mean position, the
// input's SRID), fixes. Distances are geodesic for longitude/latitude SRIDs (4326, 4490, 0),
// planar otherwise.
#pragma once
#include "exec/operator.h"

namespace yunhe {

class TrajectoryStopsOperator : public PhysicalOperator {
 public:
  TrajectoryStopsOperator(OperatorPtr input, double radius_m, int64_t min_duration_ns);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Trajectory Stops"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  double radius_m_;
  int64_t min_duration_ns_;
  std::vector<DataChunk> out_;
  size_t next_ = 0;
};

}  // namespace yunhe
