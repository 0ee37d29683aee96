// Geodesic measures on GeographicLib (Karney's algorithms, the ones PostGIS's geography uses):
// ST_DistanceSphere / ST_DistanceSpheroid as in PostGIS, and the geography-style forms
// ST_Distance(a, b, use_spheroid), ST_DWithin(a, b, metres, use_spheroid), ST_Length(g,
// use_spheroid), ST_Perimeter(g, use_spheroid), ST_Area(g, use_spheroid) on geometries whose
// coordinates are longitude/latitude (SRID 4326, 4490 or 0). use_spheroid false means the sphere
// of the ellipsoid's mean radius (6371008.7714 m), as PostGIS. Results in metres and m².
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/GeodesicLine.hpp>
#include <GeographicLib/PolygonArea.hpp>
#include <fmt/format.h>

#include <regex>

#include "common/status.h"
#include "functions/geo/geo_util.h"
#include "functions/geo/geos_bridge.h"
#include "functions/geo/sphere_distance.h"
#include "functions/kernel_util.h"

namespace yunhe::geo {
namespace {

using GeographicLib::Geodesic;

constexpr double kWgs84A = 6378137.0, kWgs84F = 1 / 298.257223563;
constexpr double kCgcs2000F = 1 / 298.257222101;
constexpr double kMeanRadius = 6371008.7714150598;  // (2a + b) / 3 of WGS 84

const Geodesic& Ellipsoid(int32_t srid) {
  static const Geodesic wgs84(kWgs84A, kWgs84F), cgcs2000(kWgs84A, kCgcs2000F);
  return srid == 4490 ? cgcs2000 : wgs84;
}
const Geodesic& Sphere() {
  static const Geodesic sphere(kMeanRadius, 0);
  return sphere;
}


const Geodesic& Model(const Geometry& g, bool spheroid) { return spheroid ? Ellipsoid(g.srid) : Sphere(); }

double PointDistance(const Geodesic& geod, const Coord& a, const Coord& b) {
  double s12;
  geod.Inverse(a.y, a.x, b.y, b.x, s12);
  return s12;
}

// Distance from p to the geodesic segment a-b: the distance along the segment is unimodal, so a
// golden-section search finds its minimum to well under a millimetre.
double SegmentDistance(const Geodesic& geod, const Coord& p, const Coord& a, const Coord& b) {
  GeographicLib::GeodesicLine line = geod.InverseLine(a.y, a.x, b.y, b.x);
  const double len = line.Distance();
  auto at = [&](double s) {
    double lat, lon;
    line.Position(s, lat, lon);
    double d;
    geod.Inverse(p.y, p.x, lat, lon, d);
    return d;
  };
  if (!(len > 0)) return at(0);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double lo = 0, hi = len;
  double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
  double f1 = at(x1), f2 = at(x2);
  for (int it = 0; it < 200 && hi - lo > 1e-4; ++it) {
    if (f1 < f2) {
      hi = x2, x2 = x1, f2 = f1;
      x1 = hi - phi * (hi - lo);
      f1 = at(x1);
    } else {
      lo = x1, x1 = x2, f1 = f2;
      x2 = lo + phi * (hi - lo);
      f2 = at(x2);
    }
  }
  return std::min({f1, f2, at(0), at(len)});
}

// The vertices and segments of a geometry, flattened.
struct Pieces {
  std::vector<Coord> points;
  std::vector<std::pair<Coord, Coord>> segments;
};

void Flatten(const Geometry& g, Pieces* out) {
  auto path = [&](const std::vector<Coord>& cs) {
    for (size_t k = 0; k < cs.size(); ++k) {
      out->points.push_back(cs[k]);
      if (k + 1 < cs.size()) out->segments.push_back({cs[k], cs[k + 1]});
    }
  };
  if (g.type == GeomType::kPoint) out->points.insert(out->points.end(), g.coords.begin(), g.coords.end());
  if (g.type == GeomType::kLineString) path(g.coords);
  for (const auto& r : g.rings) path(r);
  for (const Geometry& p : g.parts) Flatten(p, out);
}

// Decodes and checks two lon/lat geometries; true when they are empty (no distance: NULL) or
// touch (distance 0), with *touch set.
bool DecodeForDistance(const std::string& wa, const std::string& wb, const char* fn, Geometry* pa, Geometry* pb, bool* touch) {
  Geometry &a = *pa, &b = *pb;
  a = ReadWKB(wa), b = ReadWKB(wb);
  CheckGeographic(a, fn);
  CheckGeographic(b, fn);
  if (a.srid != b.srid)
    throw Error(SqlState::kInternalError, fmt::format("{}: Operation on mixed SRID geometries ({}, {}) != ({}, {})", fn,
                                                      StTypeName(a.type) + 3, a.srid, StTypeName(b.type) + 3, b.srid));
  *touch = false;
  if (a.IsEmpty() || b.IsEmpty()) return true;
  // Overlapping or crossing means 0. That test runs on the lon/lat plane (an edge is taken as a
  // straight line in degrees, not a geodesic): near an edge the two can differ by metres over
  // long edges. Points against lines are measured along geodesics only.
  auto polygonal = [](const Geometry& g) {
    bool any = g.type == GeomType::kPolygon;
    for (const Geometry& p : g.parts) any |= p.type == GeomType::kPolygon;
    return any;
  };
  auto lineal = [](const Geometry& g) { return g.type != GeomType::kPoint && g.type != GeomType::kMultiPoint; };
  if (polygonal(a) || polygonal(b) || (lineal(a) && lineal(b))) {
    GeosPtr ga = ToGeos(wa), gb = ToGeos(wb);
    if (GEOSIntersects_r(GeosContext(), ga.get(), gb.get()) == 1) return *touch = true;
  }
  return false;
}

double GeodesicDistance(const std::string& wa, const std::string& wb, bool spheroid, const char* fn) {
  Geometry a, b;
  bool touch;
  if (DecodeForDistance(wa, wb, fn, &a, &b, &touch)) return touch ? 0 : NAN;
  return GeodesicDistanceApart(a, b, spheroid);
}

// NULL-free form of GeodesicDistance(...) <= limit (empty geometries are never within).
bool GeodesicDWithin(const std::string& wa, const std::string& wb, bool spheroid, double limit, const char* fn) {
  Geometry a, b;
  bool touch;
  if (DecodeForDistance(wa, wb, fn, &a, &b, &touch)) return touch;
  return GeodesicWithin(a, b, spheroid, limit);
}

double PathLength(const Geodesic& geod, const std::vector<Coord>& cs) {
  double s = 0;
  for (size_t k = 0; k + 1 < cs.size(); ++k) s += PointDistance(geod, cs[k], cs[k + 1]);
  return s;
}

double GeodesicLength(const Geometry& g, const Geodesic& geod, bool rings) {
  double s = 0;
  if (!rings && g.type == GeomType::kLineString) s += PathLength(geod, g.coords);
  if (rings && g.type == GeomType::kPolygon)
    for (const auto& r : g.rings) s += PathLength(geod, r);
  for (const Geometry& p : g.parts) s += GeodesicLength(p, geod, rings);
  return s;
}

double RingArea(const Geodesic& geod, const std::vector<Coord>& ring) {
  GeographicLib::PolygonArea poly(geod, false);
  for (size_t k = 0; k + 1 < ring.size(); ++k) poly.AddPoint(ring[k].y, ring[k].x);
  double perimeter, area;
  poly.Compute(false, true, perimeter, area);
  return std::fabs(area);
}

double GeodesicArea(const Geometry& g, const Geodesic& geod) {
  double a = 0;
  if (g.type == GeomType::kPolygon)
    for (size_t k = 0; k < g.rings.size(); ++k) a += (k == 0 ? 1 : -1) * RingArea(geod, g.rings[k]);
  for (const Geometry& p : g.parts) a += GeodesicArea(p, geod);
  return a;
}

// 'SPHEROID["WGS 84",6378137,298.257223563]'
Geodesic ParseSpheroid(const std::string& text) {
  static const std::regex re(R"(^\s*SPHEROID\s*\[\s*"[^"]*"\s*,\s*([0-9.eE+-]+)\s*,\s*([0-9.eE+-]+)\s*\]\s*$)", std::regex::icase);
  std::smatch m;
  if (!std::regex_match(text, m, re))
    throw Error(SqlState::kInvalidTextRepresentation, fmt::format("invalid input syntax for type spheroid: \"{}\"", text));
  const double a = std::stod(m[1]), rf = std::stod(m[2]);
  return Geodesic(a, rf == 0 ? 0 : 1 / rf);
}

// ST_Length(g, use_spheroid) (lines) and ST_Perimeter(g, use_spheroid) (polygon rings).
template <bool kRings>
void GeodesicLengthKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    Geometry g = Decode(*a[0], k);
    CheckGeographic(g, kRings ? "ST_Perimeter" : "ST_Length");
    o.f64()[k] = GeodesicLength(g, Model(g, a[1]->i64()[k] != 0), kRings);
  });
}

template <bool kSpheroid>
void DistanceKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    const double d = GeodesicDistance(a[0]->str()[k], a[1]->str()[k], kSpheroid, kSpheroid ? "ST_DistanceSpheroid" : "ST_DistanceSphere");
    if (std::isnan(d)) o.SetNull(k, true);
    else o.f64()[k] = d;
  });
}

}  // namespace

void CheckLonLatSrid(int32_t srid, const char* fn) {
  if (!IsLonLatSrid(srid))
    throw Error(SqlState::kInvalidParameterValue,
                fmt::format("{}: geodesic measures need longitude/latitude coordinates (SRID 4326, 4490 or 0), got SRID {}; "
                            "use ST_Transform first", fn, srid));
}

void CheckLonLatCoord(const Coord& c, const char* fn) {
  if (!(c.y >= -90 && c.y <= 90) || !(c.x >= -360 && c.x <= 360))
    throw Error(SqlState::kInvalidParameterValue, fmt::format("{}: coordinate ({} {}) is not a longitude/latitude", fn, c.x, c.y));
}

void CheckGeographic(const Geometry& g, const char* fn) {
  CheckLonLatSrid(g.srid, fn);
  g.ForEachCoord([&](const Coord& c) { CheckLonLatCoord(c, fn); });
}

double GeodesicDistanceApart(const Geometry& a, const Geometry& b, bool spheroid) {
  const Geodesic& geod = Model(a, spheroid);
  if (a.type == GeomType::kPoint && b.type == GeomType::kPoint && !a.coords.empty() && !b.coords.empty())
    return PointDistance(geod, a.coords[0], b.coords[0]);
  Pieces pa, pb;
  Flatten(a, &pa);
  Flatten(b, &pb);
  // On the sphere, point-to-edge distances have a closed form; on the ellipsoid they take a search.
  auto to_segment = [&](const Coord& p, const std::pair<Coord, Coord>& s) {
    if (!spheroid) return kMeanRadius * AngleToArc(ToUnit(p), ToUnit(s.first), ToUnit(s.second));
    return SegmentDistance(geod, p, s.first, s.second);
  };
  double best = INFINITY;
  for (const Coord& p : pa.points) {
    for (const auto& s : pb.segments) best = std::min(best, to_segment(p, s));
    if (pb.segments.empty())
      for (const Coord& q : pb.points) best = std::min(best, PointDistance(geod, p, q));
  }
  for (const Coord& p : pb.points)
    for (const auto& s : pa.segments) best = std::min(best, to_segment(p, s));
  return best;
}

void BuildSpherePieces(const Geometry& g, SpherePieces* out) {
  out->srid = g.srid;
  auto path = [&](const std::vector<Coord>& cs) {
    for (size_t k = 0; k < cs.size(); ++k) {
      out->AddPoint(cs[k]);
      if (k == 0) continue;
      const Unit3 &u0 = out->upoints[out->upoints.size() - 2], &u1 = out->upoints.back();
      out->segments.push_back({cs[k - 1], cs[k]});
      out->usegments.push_back({u0, u1});
      out->seg_angle.push_back(Angle(u0, u1));
    }
  };
  if (g.type == GeomType::kPoint)
    for (const Coord& c : g.coords) out->AddPoint(c);
  if (g.type == GeomType::kLineString) path(g.coords);
  for (const auto& r : g.rings) path(r);
  for (const Geometry& p : g.parts) BuildSpherePieces(p, out);
}

bool GeodesicWithin(const SpherePieces& a, const SpherePieces& b, bool spheroid, double limit) {
  const Geodesic& geod = spheroid ? Ellipsoid(a.srid) : Sphere();
  if (a.segments.empty() && b.segments.empty() && a.points.size() == 1 && b.points.size() == 1)
    return PointDistance(geod, a.points[0], b.points[0]) <= limit;
  // The sphere's closed form is exact for the sphere and bounds the ellipsoidal distance:
  // [0.994, 1.005] times it, with 1 % of the edge's length as room for the geodesic edge lying
  // off the great-circle one. Only pieces the bounds cannot settle get the ellipsoidal search;
  // the first piece within the limit ends the test.
  const double kLow = spheroid ? 0.994 : 1, kHigh = spheroid ? 1.005 : 1, kEdgeRoom = spheroid ? 0.01 : 0;
  struct Candidate {
    double lower;
    const Coord* p;
    const std::pair<Coord, Coord>* s;  // nullptr: point to point
    const Coord* q;
  };
  std::vector<Candidate> unsure;
  // Vertex k of `from` against every edge (or, without edges, every vertex) of `to`.
  auto vertex_against = [&](const SpherePieces& from, size_t k, const SpherePieces& to) {
    const Unit3& up = from.upoints[k];
    for (size_t e = 0; e < to.segments.size(); ++e) {
      const double sphere = kMeanRadius * AngleToArc(up, to.usegments[e].first, to.usegments[e].second);
      const double room = kEdgeRoom * kMeanRadius * to.seg_angle[e];
      if (kHigh * sphere + room <= limit) return true;
      if (kLow * sphere - room <= limit) unsure.push_back({kLow * sphere - room, &from.points[k], &to.segments[e], nullptr});
    }
    if (to.segments.empty())
      for (size_t q = 0; q < to.points.size(); ++q) {
        const double sphere = kMeanRadius * Angle(up, to.upoints[q]);
        if (kHigh * sphere <= limit) return true;
        if (kLow * sphere <= limit) unsure.push_back({kLow * sphere, &from.points[k], nullptr, &to.points[q]});
      }
    return false;
  };
  for (size_t k = 0; k < a.points.size(); ++k)
    if (vertex_against(a, k, b)) return true;
  if (!a.segments.empty())
    for (size_t k = 0; k < b.points.size(); ++k)
      if (vertex_against(b, k, a)) return true;
  if (!spheroid) return false;  // the sphere's answers were exact
  std::sort(unsure.begin(), unsure.end(), [](const Candidate& x, const Candidate& y) { return x.lower < y.lower; });
  for (const Candidate& c : unsure) {
    const double d = c.s ? SegmentDistance(geod, *c.p, c.s->first, c.s->second) : PointDistance(geod, *c.p, *c.q);
    if (d <= limit) return true;
  }
  return false;
}

bool GeodesicWithin(const Geometry& a, const Geometry& b, bool spheroid, double limit) {
  SpherePieces pa, pb;
  BuildSpherePieces(a, &pa);
  BuildSpherePieces(b, &pb);
  return GeodesicWithin(pa, pb, spheroid, limit);
}

double PositionDistance(double x1, double y1, double x2, double y2, int32_t srid) {
  if (!IsLonLatSrid(srid)) return std::hypot(x2 - x1, y2 - y1);
  double s12;
  Ellipsoid(srid).Inverse(y1, x1, y2, x2, s12);
  return s12;
}

void RegisterGeodesicFunctions(FunctionRegistry& r) {
  AddScalar(r, "st_distancesphere", {G, G}, F8, DistanceKernel<false>,
            "metres between lon/lat geometries on the sphere of radius 6371008.77 m",
            "ST_DistanceSphere(ST_Point(116.39, 39.91), ST_Point(121.47, 31.23)) → 1068456.78...");
  AddScalar(r, "st_distancespheroid", {G, G}, F8, DistanceKernel<true>,
            "metres between lon/lat geometries along geodesics of the WGS 84 (or CGCS2000 for SRID 4490) ellipsoid",
            "ST_DistanceSpheroid(ST_Point(116.39, 39.91), ST_Point(121.47, 31.23)) → 1066993.27...");
  AddScalar(r, "st_distancespheroid", {G, G, T}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry x = ReadWKB(a[0]->str()[k]), y = ReadWKB(a[1]->str()[k]);
      if (x.type != GeomType::kPoint || y.type != GeomType::kPoint || x.coords.empty() || y.coords.empty())
        throw Error(SqlState::kFeatureNotSupported, "ST_DistanceSpheroid with an explicit spheroid takes two non-empty points");
      CheckGeographic(x, "ST_DistanceSpheroid");
      CheckGeographic(y, "ST_DistanceSpheroid");
      o.f64()[k] = PointDistance(ParseSpheroid(a[2]->str()[k]), x.coords[0], y.coords[0]);
    });
  }, "metres between two lon/lat points on the given spheroid",
     "ST_DistanceSpheroid(a, b, 'SPHEROID[\"GRS 1980\",6378137,298.257222101]')");
  AddScalar(r, "st_distance", {G, G, B}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const double d = GeodesicDistance(a[0]->str()[k], a[1]->str()[k], a[2]->i64()[k] != 0, "ST_Distance");
      if (std::isnan(d)) o.SetNull(k, true);
      else o.f64()[k] = d;
    });
  }, "geography-style metres between lon/lat geometries (true: ellipsoid, false: sphere)",
     "ST_Distance(pos, depot, true)");
  AddScalar(r, "st_dwithin", {G, G, F8, B}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const double limit = ArgF(*a[2], k);
      if (limit < 0) throw Error(SqlState::kInternalError, "Tolerance cannot be less than zero");
      o.i64()[k] = GeodesicDWithin(a[0]->str()[k], a[1]->str()[k], a[3]->i64()[k] != 0, limit, "ST_DWithin");
    });
  }, "geography-style: true when lon/lat geometries are at most d metres apart", "ST_DWithin(pos, depot, 500, true)");
  AddScalar(r, "st_length", {G, B}, F8, GeodesicLengthKernel<false>, "geography-style geodesic length in metres of a lon/lat geometry", "ST_Length(ST_MakeLine(pos ORDER BY ts), true)");
  AddScalar(r, "st_perimeter", {G, B}, F8, GeodesicLengthKernel<true>, "geography-style geodesic perimeter in metres", "ST_Perimeter(zone, true)");
  AddScalar(r, "st_area", {G, B}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry g = Decode(*a[0], k);
      CheckGeographic(g, "ST_Area");
      o.f64()[k] = GeodesicArea(g, Model(g, a[1]->i64()[k] != 0));
    });
  }, "geography-style geodesic area in square metres", "ST_Area(zone, true)");
  AddScalar(r, "st_azimuth", {G, G, B}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Geometry x = Decode(*a[0], k), y = Decode(*a[1], k);
      if (x.type != GeomType::kPoint || y.type != GeomType::kPoint || x.coords.empty() || y.coords.empty())
        throw Error(SqlState::kInternalError, "Operation is only valid on points");
      CheckGeographic(x, "ST_Azimuth");
      CheckGeographic(y, "ST_Azimuth");
      const Coord &p = x.coords[0], &q = y.coords[0];
      if (p.x == q.x && p.y == q.y) return o.SetNull(k, true);
      double s12, azi1, azi2;
      Model(x, a[2]->i64()[k] != 0).Inverse(p.y, p.x, q.y, q.x, s12, azi1, azi2);
      double rad = azi1 * M_PI / 180;
      if (rad < 0) rad += 2 * M_PI;
      o.f64()[k] = rad;
    });
  }, "geography-style: initial geodesic azimuth from a to b in radians, clockwise from north (the heading)",
     "degrees(ST_Azimuth(prev_pos, pos, true))");
  AddScalar(r, "st_azimuth", {G, G}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      double ax, ay, bx, by;
      if (!ReadPointXY(a[0]->str()[k], &ax, &ay) || !ReadPointXY(a[1]->str()[k], &bx, &by))
        throw Error(SqlState::kInternalError, "Operation is only valid on points");
      if (ax == bx && ay == by) return o.SetNull(k, true);
      double az = std::atan2(bx - ax, by - ay);
      if (az < 0) az += 2 * M_PI;
      o.f64()[k] = az;
    });
  }, "planar azimuth from a to b in radians, clockwise from north", "degrees(ST_Azimuth(ST_Point(0, 0), ST_Point(1, 1))) → 45");
}

}  // namespace yunhe::geo
