#include "exec/trajectory_proximity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/time_util.h"
#include "functions/geo/geo_util.h"

namespace yunhe {
namespace {

// WGS 84 radii of curvature: metres per degree of latitude and of longitude at latitude `lat`.
void MetresPerDegree(double lat, double* per_lon, double* per_lat) {
  constexpr double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), deg = M_PI / 180;
  const double s = std::sin(lat * deg), w = std::sqrt(1 - e2 * s * s);
  *per_lat = deg * a * (1 - e2) / (w * w * w);
  *per_lon = deg * a / w * std::cos(lat * deg);
}

struct Encounter {
  size_t a, b;
  int64_t start, end, closest;
  double min_d2;  // squared local distance at closest, to pick the minimum while merging
};

// Position of a track at time t inside its time range; `seg` is the segment hint (advanced).
struct TrackCursor {
  const std::vector<TrackFix>* f;
  size_t seg = 0;  // f[seg].ts <= t, and t <= f[seg+1].ts when seg+1 exists

  // Positions the cursor for time t by binary search.
  void Start(int64_t t) {
    auto it = std::upper_bound(f->begin(), f->end(), t, [](int64_t v, const TrackFix& fx) { return v < fx.ts; });
    seg = it == f->begin() ? 0 : size_t(it - f->begin()) - 1;
    Seek(t);
  }
  // Moves forward to the segment that starts at or before t and ends after it (or the last fix).
  void Seek(int64_t t) {
    const auto& v = *f;
    while (seg + 1 < v.size() && v[seg + 1].ts <= t && !(v[seg + 1].ts == t && seg + 2 >= v.size())) ++seg;
  }
  int64_t SegmentEnd() const { return seg + 1 < f->size() ? (*f)[seg + 1].ts : (*f)[seg].ts; }
  int64_t SegmentLength() const { return SegmentEnd() - (*f)[seg].ts; }
  void At(int64_t t, double* x, double* y) const {
    if (seg + 1 < f->size()) InterpolateFix((*f)[seg], (*f)[seg + 1], t, x, y);
    else *x = (*f)[seg].x, *y = (*f)[seg].y;
  }
};

void PositionAt(const std::vector<TrackFix>& f, int64_t t, double* x, double* y) {
  TrackCursor c{&f};
  c.Start(t);
  c.At(t, x, y);
}

}  // namespace

TrajectoryProximityOperator::TrajectoryProximityOperator(OperatorPtr input, double radius_m, int64_t max_gap_ns)
    : TrajectoryOperator(input, "proximity"), radius_m_(radius_m), max_gap_ns_(max_gap_ns) {
  const LogicalType key = input->types[0], time = input->types[1];
  types = {key, key, time, time, TypeId::kInterval, TypeId::kFloat64, time};
  names = {input->names[0] + "_a", input->names[0] + "_b", "start_time", "end_time", "duration", "min_distance", "closest_time"};
}

std::string TrajectoryProximityOperator::Details() const {
  std::string d = fmt::format("Radius: {} m", FormatFloat8(radius_m_));
  if (max_gap_ns_ >= 0) d += ", max gap: " + FormatInterval(Interval{0, 0, max_gap_ns_});
  return d;
}

void TrajectoryProximityOperator::Compute(const Tracks& tracks, RowSink& sink) {
  const std::vector<Track>& tr = tracks.tracks;
  const size_t n = tr.size();
  if (n < 2) return;
  const double r = radius_m_, r2 = r * r;
  int64_t t_min = INT64_MAX, t_max = INT64_MIN;
  size_t total = 0;
  for (const Track& t : tr) {
    t_min = std::min(t_min, t.fixes.front().ts);
    t_max = std::max(t_max, t.fixes.back().ts);
    total += t.fixes.size();
  }
  // Windows of ~16 fixes per track; at least 1 ms.
  const double windows = std::max(1.0, double(total) / (16.0 * double(n)));
  const int64_t width = std::max<int64_t>(1000000, int64_t(std::ceil(double(t_max - t_min) / windows)) + 1);

  std::unordered_map<uint64_t, Encounter> open;  // per pair (a * n + b): the interval being grown
  std::vector<Encounter> done;
  auto emit = [&](size_t a, size_t b, int64_t start, int64_t end, int64_t closest, double d2) {
    auto [it, fresh] = open.try_emplace(uint64_t(a) * n + b, Encounter{a, b, start, end, closest, d2});
    if (fresh) return;
    Encounter& e = it->second;
    if (start <= e.end + 1) {  // continues the open interval (intervals meet at segment ends)
      e.end = std::max(e.end, end);
      if (d2 < e.min_d2) e.min_d2 = d2, e.closest = closest;
    } else {
      done.push_back(e);
      e = Encounter{a, b, start, end, closest, d2};
    }
  };

  // Solves one pair exactly over [lo, hi] (both tracks defined there).
  auto solve = [&](size_t a, size_t b, int64_t lo, int64_t hi) {
    TrackCursor ca{&tr[a].fixes}, cb{&tr[b].fixes};
    ca.Start(lo);
    cb.Start(lo);
    int64_t t = lo;
    for (;;) {
      ca.Seek(t);
      cb.Seek(t);
      const int64_t t_next = std::min({hi, std::max(t, ca.SegmentEnd()), std::max(t, cb.SegmentEnd())});
      const bool gap = max_gap_ns_ >= 0 && (ca.SegmentLength() > max_gap_ns_ || cb.SegmentLength() > max_gap_ns_);
      if (!gap) {
        double xa0, ya0, xb0, yb0, xa1, ya1, xb1, yb1;
        ca.At(t, &xa0, &ya0);
        cb.At(t, &xb0, &yb0);
        ca.At(t_next, &xa1, &ya1);
        cb.At(t_next, &xb1, &yb1);
        double kx = 1, ky = 1;
        double dx0 = xa0 - xb0, dy0 = ya0 - yb0, dx1 = xa1 - xb1, dy1 = ya1 - yb1;
        if (tracks.lon_lat) {
          MetresPerDegree((ya0 + yb0 + ya1 + yb1) / 4, &kx, &ky);
          auto wrap = [](double d) { return d > 180 ? d - 360 : d < -180 ? d + 360 : d; };
          dx0 = wrap(dx0), dx1 = wrap(dx1);
        }
        dx0 *= kx, dx1 *= kx, dy0 *= ky, dy1 *= ky;
        // |d0 + (d1 - d0) s|^2 <= r^2 for s in [0, 1]
        const double ex = dx1 - dx0, ey = dy1 - dy0;
        const double A = ex * ex + ey * ey, B = 2 * (dx0 * ex + dy0 * ey), C = dx0 * dx0 + dy0 * dy0 - r2;
        double s1 = 0, s2 = 1;
        bool hit;
        if (A <= 1e-18) {
          hit = C <= 0;
        } else {
          const double disc = B * B - 4 * A * C;
          hit = disc >= 0;
          if (hit) {
            const double q = std::sqrt(disc);
            s1 = std::max(0.0, (-B - q) / (2 * A));
            s2 = std::min(1.0, (-B + q) / (2 * A));
            hit = s1 <= s2;
          }
        }
        if (hit) {
          const double dt = double(t_next - t);
          const double sc = A <= 1e-18 ? s1 : std::clamp(-B / (2 * A), s1, s2);
          const double cx = dx0 + ex * sc, cy = dy0 + ey * sc;
          emit(a, b, t + int64_t(std::ceil(s1 * dt)), t + int64_t(std::floor(s2 * dt)), t + int64_t(std::llround(sc * dt)),
               cx * cx + cy * cy);
        }
      }
      if (t_next >= hi) break;
      t = t_next;
    }
  };

  struct WindowBox {
    double xmin, ymin, xmax, ymax;
    size_t track;
  };
  std::vector<size_t> cursor(n, 0);  // first fix at or after the window start
  std::vector<WindowBox> boxes;
  for (int64_t w0 = t_min; w0 <= t_max; w0 += width) {
    const int64_t w1 = std::min(t_max, w0 + width);
    boxes.clear();
    for (size_t k = 0; k < n; ++k) {
      const std::vector<TrackFix>& f = tr[k].fixes;
      const int64_t lo = std::max(w0, f.front().ts), hi = std::min(w1, f.back().ts);
      if (lo > hi) continue;
      size_t& c = cursor[k];
      while (c < f.size() && f[c].ts < w0) ++c;
      WindowBox box{INFINITY, INFINITY, -INFINITY, -INFINITY, k};
      auto add = [&](double x, double y) {
        box.xmin = std::min(box.xmin, x), box.xmax = std::max(box.xmax, x);
        box.ymin = std::min(box.ymin, y), box.ymax = std::max(box.ymax, y);
      };
      double x, y;
      PositionAt(f, lo, &x, &y);
      add(x, y);
      PositionAt(f, hi, &x, &y);
      add(x, y);
      for (size_t m = c; m < f.size() && f[m].ts <= w1; ++m) add(f[m].x, f[m].y);
      // Grow by half the radius (plus a margin) so two boxes meet when their tracks can.
      double gx = r / 2 * 1.01 + 1e-9, gy = gx;
      if (tracks.lon_lat) {
        double per_lon, per_lat;
        const double worst_lat = std::min(89.9, std::max(std::fabs(box.ymin), std::fabs(box.ymax)));
        MetresPerDegree(worst_lat, &per_lon, &per_lat);
        gx = std::min(360.0, gx / per_lon);
        gy = gy / 110574.0;  // the shortest degree of latitude (at the equator)
      }
      box.xmin -= gx, box.xmax += gx, box.ymin -= gy, box.ymax += gy;
      boxes.push_back(box);
    }
    std::sort(boxes.begin(), boxes.end(), [](const WindowBox& p, const WindowBox& q) { return p.xmin < q.xmin; });
    for (size_t i = 0; i < boxes.size(); ++i) {
      for (size_t j = i + 1; j < boxes.size() && boxes[j].xmin <= boxes[i].xmax; ++j) {
        if (boxes[j].ymin > boxes[i].ymax || boxes[j].ymax < boxes[i].ymin) continue;
        const size_t a = std::min(boxes[i].track, boxes[j].track), b = std::max(boxes[i].track, boxes[j].track);
        const int64_t lo = std::max({w0, tr[a].fixes.front().ts, tr[b].fixes.front().ts});
        const int64_t hi = std::min({w1, tr[a].fixes.back().ts, tr[b].fixes.back().ts});
        if (lo <= hi) solve(a, b, lo, hi);
      }
    }
    if (w1 == t_max) break;
  }
  for (auto& [k, e] : open) done.push_back(e);
  std::sort(done.begin(), done.end(), [](const Encounter& p, const Encounter& q) {
    return std::tie(p.a, p.b, p.start) < std::tie(q.a, q.b, q.start);
  });
  for (const Encounter& e : done) {
    double xa, ya, xb, yb;
    PositionAt(tr[e.a].fixes, e.closest, &xa, &ya);
    PositionAt(tr[e.b].fixes, e.closest, &xb, &yb);
    sink.Column(0).Append(tr[e.a].key);
    sink.Column(1).Append(tr[e.b].key);
    sink.Column(2).Append(Value::Time(e.start, types[2].id));
    sink.Column(3).Append(Value::Time(e.end, types[3].id));
    sink.Column(4).Append(DurationValue(e.end - e.start));
    sink.Column(5).Append(Value::Float(geo::PositionDistance(xa, ya, xb, yb, tracks.srid)));
    sink.Column(6).Append(Value::Time(e.closest, types[6].id));
    sink.EndRow();
  }
}

}  // namespace yunhe
