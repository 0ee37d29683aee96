// resample(query, step [, max_gap]): each key's track at a regular time grid. The grid is
// time_bucket's (multiples of step from 2000-01-03), from the first grid instant at or after
// the key's first fix to the last at or before its last fix; positions between two fixes are
// interpolated linearly in the coordinates. Where consecutive fixes are more than max_gap apart
// (a drop-out) no positions are invented. Output: key, ts, pos.
#pragma once
#include "exec/trajectory_operator.h"

namespace yunhe {

class TrajectoryResampleOperator : public TrajectoryOperator {
 public:
  // max_gap_ns < 0: interpolate across any gap.
  TrajectoryResampleOperator(OperatorPtr input, int64_t step_ns, int64_t max_gap_ns);
  std::string Name() const override { return "Trajectory Resample"; }
  std::string Details() const override;

 protected:
  void Compute(const Tracks& tracks, RowSink& sink) override;

 private:
  int64_t step_ns_;
  int64_t max_gap_ns_;
};

}  // namespace yunhe
