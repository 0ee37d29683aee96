#include "exec/trajectory_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/row_key.h"
#include "common/status.h"
#include "common/time_util.h"
#include "functions/geo/geo_util.h"
#include "functions/kernel_util.h"

namespace yunhe {

TrajectoryOperator::TrajectoryOperator(OperatorPtr input, std::string function_name) : function_name_(std::move(function_name)) {
  children.push_back(std::move(input));
}

void TrajectoryOperator::RowSink::EndRow() {
  if (++chunk_.count < kChunkRows) return;
  op_->out_.push_back(std::move(chunk_));
  chunk_.Init(op_->types);
}

void TrajectoryOperator::RowSink::Finish() {
  if (chunk_.count == 0) return;
  op_->out_.push_back(std::move(chunk_));
  chunk_.Init(op_->types);
}

void TrajectoryOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  out_.clear();
  next_ = 0;
  // Tracks grouped by the serialized key.
  std::map<std::string, Track> by_key;
  Tracks tracks;
  bool srid_known = false;
  DataChunk in;
  std::string key;
  while (children[0]->Pull(ctx, in)) {
    const Vector &k = in.columns[0], &t = in.columns[1], &g = in.columns[2];
    for (size_t r = 0; r < in.count; ++r) {
      if (t.IsNull(r) || g.IsNull(r)) continue;
      double x, y;
      const std::string& w = g.str()[r];
      if (!geo::ReadPointXY(w, &x, &y)) {
        // An empty point is a fix without a position; a line or polygon is a mistake in the
        // query, not something to drop quietly.
        const geo::Geometry g = geo::ReadWKB(w);
        if (g.IsEmpty()) continue;
        throw Error(SqlState::kInvalidParameterValue,
                    fmt::format("{}: positions must be points, got {}", function_name_, geo::StTypeName(g.type) + 3));
      }
      const int32_t s = geo::ReadSRID(w);
      if (!srid_known) tracks.srid = s, srid_known = true;
      else if (s != tracks.srid)
        throw Error(SqlState::kInvalidParameterValue, fmt::format("{}: positions with mixed SRIDs ({} and {})", function_name_, tracks.srid, s));
      key.clear();
      AppendKeyCell(k, r, key);
      Track& track = by_key[key];
      if (track.fixes.empty()) track.key = k.GetValue(r);
      track.fixes.push_back({t.i64()[r], x, y});
    }
  }
  tracks.lon_lat = geo::IsLonLatSrid(tracks.srid);
  tracks.tracks.reserve(by_key.size());
  for (auto& [k, track] : by_key) {
    std::stable_sort(track.fixes.begin(), track.fixes.end(), [](const TrackFix& a, const TrackFix& b) { return a.ts < b.ts; });
    tracks.tracks.push_back(std::move(track));
  }
  // In the key type's order (NULLs last, as ORDER BY key).
  std::sort(tracks.tracks.begin(), tracks.tracks.end(), [](const Track& a, const Track& b) {
    if (a.key.is_null != b.key.is_null) return b.key.is_null;
    return !a.key.is_null && CompareValues(a.key, b.key) < 0;
  });
  RowSink sink(this);
  Compute(tracks, sink);
  sink.Finish();
}

bool TrajectoryOperator::Next(ExecContext&, DataChunk& out) {
  if (next_ >= out_.size()) return false;
  out = std::move(out_[next_++]);
  return true;
}

Value PointValue(double x, double y, int32_t srid) {
  Value v;
  v.type = TypeId::kGeometry;
  v.is_null = false;
  v.s = geo::PointEWKB(x, y, srid);
  return v;
}

Value DurationValue(int64_t ns) { return Value::Span(Interval{0, int32_t(ns / kNsPerDay), ns % kNsPerDay}); }

}  // namespace yunhe
