// stops(query, radius_m, min_duration): stay-point detection over trajectories. Per key, in
// time order, a stop is a maximal run of fixes that all lie within radius_m metres of the run's
// first fix and that spans at least min_duration. Output: key, start_time, end_time, duration,
// centroid (mean position, the input's SRID), fixes. Distances are geodesic for
// longitude/latitude SRIDs (4326, 4490, 0), planar otherwise.
#pragma once
#include "exec/trajectory_operator.h"

namespace yunhe {

class TrajectoryStopsOperator : public TrajectoryOperator {
 public:
  TrajectoryStopsOperator(OperatorPtr input, double radius_m, int64_t min_duration_ns);
  std::string Name() const override { return "Trajectory Stops"; }
  std::string Details() const override;

 protected:
  void Compute(const Tracks& tracks, RowSink& sink) override;

 private:
  double radius_m_;
  int64_t min_duration_ns_;
};

}  // namespace yunhe
