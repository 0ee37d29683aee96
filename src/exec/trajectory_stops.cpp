#include "exec/trajectory_stops.h"

#include <fmt/format.h>

#include "common/time_util.h"
#include "functions/geo/geo_util.h"

namespace yunhe {

TrajectoryStopsOperator::TrajectoryStopsOperator(OperatorPtr input, double radius_m, int64_t min_duration_ns)
    : TrajectoryOperator(input, "stops"), radius_m_(radius_m), min_duration_ns_(min_duration_ns) {
  const std::vector<LogicalType>& in = input->types;
  types = {in[0], in[1], in[1], TypeId::kInterval, TypeId::kGeometry, TypeId::kInt64};
  names = {input->names[0], "start_time", "end_time", "duration", "centroid", "fixes"};
}

std::string TrajectoryStopsOperator::Details() const {
  return fmt::format("Radius: {} m, at least {}", FormatFloat8(radius_m_), FormatInterval(Interval{0, 0, min_duration_ns_}));
}

void TrajectoryStopsOperator::Compute(const Tracks& tracks, RowSink& sink) {
  for (const Track& track : tracks.tracks) {
    const std::vector<TrackFix>& fixes = track.fixes;
    size_t i = 0;
    while (i < fixes.size()) {
      size_t j = i + 1;
      while (j < fixes.size() && geo::PositionDistance(fixes[i].x, fixes[i].y, fixes[j].x, fixes[j].y, tracks.srid) <= radius_m_) ++j;
      const int64_t span = fixes[j - 1].ts - fixes[i].ts;
      if (j - i < 2 || span < min_duration_ns_) {
        ++i;
        continue;
      }
      double sx = 0, sy = 0;
      for (size_t m = i; m < j; ++m) sx += fixes[m].x, sy += fixes[m].y;
      const double n = double(j - i);
      sink.Column(0).Append(track.key);
      sink.Column(1).Append(Value::Time(fixes[i].ts, types[1].id));
      sink.Column(2).Append(Value::Time(fixes[j - 1].ts, types[2].id));
      sink.Column(3).Append(DurationValue(span));
      sink.Column(4).Append(PointValue(sx / n, sy / n, tracks.srid));
      sink.Column(5).Append(Value::Int(int64_t(j - i)));
      sink.EndRow();
      i = j;
    }
  }
}

}  // namespace yunhe
