// proximity(query, radius_m [, max_gap]): spatio-temporal proximity of every pair of keys —
// the maximal time intervals during which both are within radius_m of each other at the same
// moment, positions interpolated linearly between fixes (an encounter between two fixes is
// found even when no fix of either falls inside it). Where one key's consecutive fixes are more
// than max_gap apart it has no position. Output: <key>_a, <key>_b (a < b), start_time,
// end_time, duration, min_distance (metres for lon/lat SRIDs, at closest_time), closest_time.
//
// How: time is cut into windows holding ~16 fixes per track; per window each track's box
// (grown by the radius) goes into a sweep over x that yields candidate pairs; a candidate pair
// is solved exactly on each interval where both move linearly (squared distance is a quadratic
// in time). Lon/lat offsets become metres with the ellipsoid's local radii of curvature.
#pragma once
#include "exec/trajectory_operator.h"

namespace yunhe {

class TrajectoryProximityOperator : public TrajectoryOperator {
 public:
  TrajectoryProximityOperator(OperatorPtr input, double radius_m, int64_t max_gap_ns);
  std::string Name() const override { return "Trajectory Proximity"; }
  std::string Details() const override;

 protected:
  void Compute(const Tracks& tracks, RowSink& sink) override;

 private:
  double radius_m_;
  int64_t max_gap_ns_;  // < 0: interpolate across any gap
};

}  // namespace yunhe
