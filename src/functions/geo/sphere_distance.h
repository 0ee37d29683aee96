// Closed-form distances on a sphere: between lon/lat points (central angle from the cross and
// dot products of unit vectors, accurate at every distance) and from a point to a great-circle
// arc. Exact for the sphere model (what GeographicLib's Geodesic(R, 0) computes iteratively),
// and within [0.994, 1.005] of the WGS 84 ellipsoidal distance for the mean radius: the ratio of
// the meridional and prime-vertical radii of curvature to the mean radius bounds it.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "functions/geo/geometry.h"

namespace yunhe::geo {

struct Unit3 {
  double x, y, z;
};

inline Unit3 ToUnit(const Coord& c) {
  constexpr double kDeg = M_PI / 180;
  const double lat = c.y * kDeg, lon = c.x * kDeg;
  return {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}
inline Unit3 Cross(const Unit3& a, const Unit3& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double Dot(const Unit3& a, const Unit3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline double Norm(const Unit3& a) { return std::sqrt(Dot(a, a)); }

// Central angle (radians) between two unit vectors.
inline double Angle(const Unit3& a, const Unit3& b) { return std::atan2(Norm(Cross(a, b)), Dot(a, b)); }

// Central angle from p to the shorter great-circle arc a-b.
inline double AngleToArc(const Unit3& p, const Unit3& a, const Unit3& b) {
  const Unit3 n = Cross(a, b);
  const double nn = Norm(n);
  // The nearer end has the larger dot product (the angle falls as the cosine grows).
  auto to_ends = [&] { return Dot(p, a) >= Dot(p, b) ? Angle(p, a) : Angle(p, b); };
  if (nn < 1e-15) return to_ends();  // a and b coincide (or are antipodal: no single arc)
  const Unit3 u{n.x / nn, n.y / nn, n.z / nn};
  const double off = Dot(p, u);                              // sine of the angle to the circle
  const Unit3 c{p.x - off * u.x, p.y - off * u.y, p.z - off * u.z};  // p projected onto the plane
  // The foot of the perpendicular lies on the arc when it is between a and b (seen along n).
  if (Norm(c) > 1e-15 && Dot(Cross(a, c), n) >= 0 && Dot(Cross(c, b), n) >= 0)
    return std::atan2(std::fabs(off), Norm(c));
  return to_ends();
}

// A lon/lat geometry's vertices and edges with their unit vectors, built once for many
// distance tests (the spatial join keeps one per build geometry).
struct SpherePieces {
  int32_t srid = 0;
  std::vector<Coord> points;
  std::vector<Unit3> upoints;
  std::vector<std::pair<Coord, Coord>> segments;
  std::vector<std::pair<Unit3, Unit3>> usegments;
  std::vector<double> seg_angle;  // central angle of each edge
  void Clear() {
    points.clear(), upoints.clear(), segments.clear(), usegments.clear(), seg_angle.clear();
  }
  void AddPoint(const Coord& c) {
    points.push_back(c);
    upoints.push_back(ToUnit(c));
  }
};

// Fills `out` (reusing its memory) with g's vertices and edges.
void BuildSpherePieces(const Geometry& g, SpherePieces* out);
// True when the geodesic distance (ellipsoid of a's SRID, or the mean sphere) between the two
// is at most `limit` metres, not testing containment or crossing (the caller does).
bool GeodesicWithin(const SpherePieces& a, const SpherePieces& b, bool spheroid, double limit);

}  // namespace yunhe::geo
