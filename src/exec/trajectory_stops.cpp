#include "exec/trajectory_stops.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/row_key.h"
#include "common/status.h"
#include "common/time_util.h"
#include "functions/geo/geo_util.h"

namespace yunhe {
namespace {

struct Fix {
  int64_t ts;
  double x, y;
};

}  // namespace

TrajectoryStopsOperator::TrajectoryStopsOperator(OperatorPtr input, double radius_m, int64_t min_duration_ns)
    : radius_m_(radius_m), min_duration_ns_(min_duration_ns) {
  const std::vector<LogicalType>& in = input->types;
  types = {in[0], in[1], in[1], TypeId::kInterval, TypeId::kGeometry, TypeId::kInt64};
  names = {input->names[0], "start_time", "end_time", "duration", "centroid", "fixes"};
  children.push_back(std::move(input));
}

std::string TrajectoryStopsOperator::Details() const {
  return fmt::format("Radius: {} m, at least {}", FormatFloat8(radius_m_), FormatInterval(Interval{0, 0, min_duration_ns_}));
}

void TrajectoryStopsOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  out_.clear();
  next_ = 0;
  // Fixes per key (keys kept in first-seen order of their serialized form, output sorted by it).
  std::map<std::string, std::pair<Value, std::vector<Fix>>> tracks;
  int32_t srid = 0;
  bool srid_known = false;
  DataChunk in;
  std::string key;
  while (children[0]->Pull(ctx, in)) {
    const Vector &k = in.columns[0], &t = in.columns[1], &g = in.columns[2];
    for (size_t r = 0; r < in.count; ++r) {
      if (t.IsNull(r) || g.IsNull(r)) continue;
      double x, y;
      const std::string& w = g.str()[r];
      if (!geo::ReadPointXY(w, &x, &y)) continue;  // empty or not a point: no position
      const int32_t s = geo::ReadSRID(w);
      if (!srid_known) srid = s, srid_known = true;
      else if (s != srid) throw Error(SqlState::kInternalError, fmt::format("stops: positions with mixed SRIDs ({} and {})", srid, s));
      key.clear();
      AppendKeyCell(k, r, key);
      auto& track = tracks[key];
      if (track.second.empty()) track.first = k.GetValue(r);
      track.second.push_back({t.i64()[r], x, y});
    }
  }
  DataChunk chunk;
  chunk.Init(types);
  auto flush = [&] {
    if (chunk.count == 0) return;
    out_.push_back(std::move(chunk));
    chunk.Init(types);
  };
  for (auto& [k, track] : tracks) {
    auto& fixes = track.second;
    std::stable_sort(fixes.begin(), fixes.end(), [](const Fix& a, const Fix& b) { return a.ts < b.ts; });
    size_t i = 0;
    while (i < fixes.size()) {
      size_t j = i + 1;
      while (j < fixes.size() && geo::PositionDistance(fixes[i].x, fixes[i].y, fixes[j].x, fixes[j].y, srid) <= radius_m_) ++j;
      const int64_t span = fixes[j - 1].ts - fixes[i].ts;
      if (j - i >= 2 && span >= min_duration_ns_) {
        double sx = 0, sy = 0;
        for (size_t m = i; m < j; ++m) sx += fixes[m].x, sy += fixes[m].y;
        const double n = double(j - i);
        Value centroid;
        centroid.type = TypeId::kGeometry;
        centroid.is_null = false;
        centroid.s = geo::PointEWKB(sx / n, sy / n, srid);
        chunk.columns[0].Append(track.first);
        chunk.columns[1].Append(Value::Time(fixes[i].ts, types[1].id));
        chunk.columns[2].Append(Value::Time(fixes[j - 1].ts, types[2].id));
        // As PostgreSQL's timestamp subtraction: whole days, then the time of day.
        chunk.columns[3].Append(Value::Span(Interval{0, int32_t(span / kNsPerDay), span % kNsPerDay}));
        chunk.columns[4].Append(centroid);
        chunk.columns[5].Append(Value::Int(int64_t(j - i)));
        if (++chunk.count == kChunkRows) flush();
        i = j;
      } else {
        ++i;
      }
    }
  }
  flush();
}

bool TrajectoryStopsOperator::Next(ExecContext&, DataChunk& out) {
  if (next_ >= out_.size()) return false;
  out = std::move(out_[next_++]);
  return true;
}

}  // namespace yunhe
