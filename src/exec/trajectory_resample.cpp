#include "exec/trajectory_resample.h"

#include <fmt/format.h>

#include "common/time_util.h"

namespace yunhe {

TrajectoryResampleOperator::TrajectoryResampleOperator(OperatorPtr input, int64_t step_ns, int64_t max_gap_ns)
    : TrajectoryOperator(input, "resample"), step_ns_(step_ns), max_gap_ns_(max_gap_ns) {
  types = {input->types[0], input->types[1], TypeId::kGeometry};
  names = {input->names[0], input->names[1], input->names[2]};
}

std::string TrajectoryResampleOperator::Details() const {
  std::string d = "Step: " + FormatInterval(Interval{0, 0, step_ns_});
  if (max_gap_ns_ >= 0) d += ", max gap: " + FormatInterval(Interval{0, 0, max_gap_ns_});
  return d;
}

void TrajectoryResampleOperator::Compute(const Tracks& tracks, RowSink& sink) {
  const Interval step{0, 0, step_ns_};
  for (const Track& track : tracks.tracks) {
    const std::vector<TrackFix>& f = track.fixes;
    auto first_grid_at_or_after = [&](int64_t ts) {
      const int64_t b = TimeBucket(step, ts, kTimeBucketOrigin);
      return b < ts ? b + step_ns_ : b;
    };
    int64_t t = first_grid_at_or_after(f.front().ts);
    size_t i = 0;  // f[i].ts <= t < f[i+1].ts, or t == the last fix
    for (; t <= f.back().ts; t += step_ns_) {
      while (i + 1 < f.size() && f[i + 1].ts <= t) ++i;
      double x, y;
      if (f[i].ts == t) {
        // A fix exactly on the grid; with duplicates at t, the last one reported.
        x = f[i].x, y = f[i].y;
      } else {
        if (max_gap_ns_ >= 0 && f[i + 1].ts - f[i].ts > max_gap_ns_) {
          t = first_grid_at_or_after(f[i + 1].ts) - step_ns_;  // skip the drop-out
          continue;
        }
        InterpolateFix(f[i], f[i + 1], t, &x, &y);
      }
      sink.Column(0).Append(track.key);
      sink.Column(1).Append(Value::Time(t, types[1].id));
      sink.Column(2).Append(PointValue(x, y, tracks.srid));
      sink.EndRow();
    }
  }
}

}  // namespace yunhe
