#include "functions/geo/spatial_join_support.h"

#include <fmt/format.h>

#include "common/status.h"

namespace yunhe::geo {

bool SpatialPredFromName(const std::string& name, size_t nargs, SpatialPred* out) {
  static const struct { const char* name; SpatialPred p; size_t nargs; } kPreds[] = {
      {"st_intersects", SpatialPred::kIntersects, 2}, {"st_contains", SpatialPred::kContains, 2},
      {"st_within", SpatialPred::kWithin, 2},         {"st_covers", SpatialPred::kCovers, 2},
      {"st_coveredby", SpatialPred::kCoveredBy, 2},   {"st_dwithin", SpatialPred::kDWithin, 3},
      {"st_dwithin", SpatialPred::kDWithinGeodesic, 4}};
  for (const auto& k : kPreds) {
    if (name == k.name && nargs == k.nargs) {
      *out = k.p;
      return true;
    }
  }
  return false;
}

const char* SpatialPredName(SpatialPred p) {
  static const char* kNames[] = {"ST_Intersects", "ST_Contains", "ST_Within", "ST_Covers", "ST_CoveredBy", "ST_DWithin", "ST_DWithin"};
  return kNames[int(p)];
}

Box GrowBox(Box b, SpatialPred p, double distance) {
  if (b.Empty() || distance == 0) return b;
  if (p != SpatialPred::kDWithinGeodesic) {
    b.xmin -= distance, b.ymin -= distance, b.xmax += distance, b.ymax += distance;
    return b;
  }
  // Metres per degree, lower bounds over the sphere (mean radius) and the WGS 84/CGCS2000
  // ellipsoids: latitude >= 110574 m (meridian at the equator); longitude >= R cos(lat) with
  // R = 6371000 m (below both the mean radius and the prime-vertical radius).
  constexpr double kDeg = M_PI / 180, kPerDegLat = 110574.0 * 0.999, kRadius = 6371000.0 * 0.999;
  const double dlat = distance / kPerDegLat;
  b.ymin -= dlat, b.ymax += dlat;
  const double lat = std::max(std::fabs(b.ymin), std::fabs(b.ymax));
  const double per_lon = lat >= 89 ? 0 : kRadius * kDeg * std::cos(lat * kDeg);
  const double dlon = per_lon > 0 ? distance / per_lon : INFINITY;
  if (!(dlon < 180) || b.xmin - dlon < -180 || b.xmax + dlon > 180) {
    b.xmin = -INFINITY, b.xmax = INFINITY;  // wraps: every longitude is a candidate
  } else {
    b.xmin -= dlon, b.xmax += dlon;
  }
  return b;
}

void JoinShape::Reset(std::string_view ewkb) {
  prepared_.reset();
  geom_.reset();
  decoded_valid_ = false;
  pieces_valid_ = false;
  srid_ = ReadSRID(ewkb);
  box_ = Box();
  is_point_ = ReadPointXY(ewkb, &x_, &y_);
  if (is_point_) {
    box_.Add({x_, y_, 0, 0});  // points never need their bytes again (no per-row copy)
  } else {
    wkb_.assign(ewkb);
    box_ = BoundingBox(ReadWKB(ewkb));
  }
}

const GEOSGeometry* JoinShape::geom() {
  if (!geom_) {
    if (is_point_) geom_.reset(GEOSGeom_createPointFromXY_r(GeosContext(), x_, y_));
    else geom_ = ToGeos(wkb_);
    if (!geom_) ThrowGeosError("spatial join");
  }
  return geom_.get();
}

const Geometry& JoinShape::decoded() {
  if (!decoded_valid_) {
    decoded_ = is_point_ ? Geometry{} : ReadWKB(wkb_);
    if (is_point_) {
      decoded_.type = GeomType::kPoint;
      decoded_.srid = srid_;
      decoded_.coords.push_back({x_, y_, 0, 0});
    }
    decoded_valid_ = true;
  }
  return decoded_;
}

const SpherePieces& JoinShape::sphere_pieces() {
  if (!pieces_valid_) {
    pieces_.Clear();
    pieces_.srid = srid_;
    if (is_point_) pieces_.AddPoint({x_, y_, 0, 0});
    else BuildSpherePieces(decoded(), &pieces_);
    pieces_valid_ = true;
  }
  return pieces_;
}

const GEOSPreparedGeometry* JoinShape::prepared() {
  if (!prepared_) {
    prepared_.reset(GEOSPrepare_r(GeosContext(), geom()));
    if (!prepared_) ThrowGeosError("spatial join");
  }
  return prepared_.get();
}

namespace {

bool Check(char r, const char* fn) {
  if (r == 2) ThrowGeosError(fn);
  return r == 1;
}

// Planar: is (x, y) within d of an edge or isolated point of g? (Containment is tested apart.)
bool PlanarWithin(const Geometry& g, double x, double y, double d2) {
  auto near_point = [&](const Coord& c) { return (c.x - x) * (c.x - x) + (c.y - y) * (c.y - y) <= d2; };
  auto near_path = [&](const std::vector<Coord>& cs) {
    if (cs.size() == 1) return near_point(cs[0]);
    for (size_t k = 1; k < cs.size(); ++k) {
      const Coord &a = cs[k - 1], &b = cs[k];
      const double ex = b.x - a.x, ey = b.y - a.y, len2 = ex * ex + ey * ey;
      double t = len2 > 0 ? ((x - a.x) * ex + (y - a.y) * ey) / len2 : 0;
      t = std::clamp(t, 0.0, 1.0);
      const double dx = a.x + t * ex - x, dy = a.y + t * ey - y;
      if (dx * dx + dy * dy <= d2) return true;
    }
    return false;
  };
  if (g.type == GeomType::kPoint) {
    for (const Coord& c : g.coords)
      if (near_point(c)) return true;
  } else if (near_path(g.coords)) {
    return true;
  }
  for (const auto& r : g.rings)
    if (near_path(r)) return true;
  for (const Geometry& p : g.parts)
    if (PlanarWithin(p, x, y, d2)) return true;
  return false;
}

bool ContainsTest(JoinShape& outer, JoinShape& inner, bool covers) {
  if (outer.is_point() && inner.is_point()) return outer.x() == inner.x() && outer.y() == inner.y();
  GEOSContextHandle_t c = GeosContext();
  return covers ? Check(GEOSPreparedCovers_r(c, outer.prepared(), inner.geom()), "ST_Covers")
                : Check(GEOSPreparedContains_r(c, outer.prepared(), inner.geom()), "ST_Contains");
}

}  // namespace

void CheckGeographicShape(const JoinShape& s, const char* fn) {
  // A coordinate out of range puts a corner of the box out of range.
  CheckLonLatSrid(s.srid(), fn);
  const Box& b = s.box();
  if (b.Empty()) return;
  CheckLonLatCoord({b.xmin, b.ymin, 0, 0}, fn);
  CheckLonLatCoord({b.xmax, b.ymax, 0, 0}, fn);
}

bool TestPair(SpatialPred p, JoinShape& first, JoinShape& second, double distance, bool spheroid) {
  if (first.srid() != second.srid())
    throw Error(SqlState::kInternalError, fmt::format("{}: Operation on mixed SRID geometries ({}) != ({})",
                                                      SpatialPredName(p), first.srid(), second.srid()));
  const Box &a = first.box(), &b = second.box();
  if (a.Empty() || b.Empty()) return false;
  GEOSContextHandle_t c = GeosContext();
  switch (p) {
    case SpatialPred::kIntersects:
      if (first.is_point() && second.is_point()) return first.x() == second.x() && first.y() == second.y();
      if (!first.is_point()) return Check(GEOSPreparedIntersects_r(c, first.prepared(), second.geom()), "ST_Intersects");
      return Check(GEOSPreparedIntersects_r(c, second.prepared(), first.geom()), "ST_Intersects");
    case SpatialPred::kContains: return ContainsTest(first, second, false);
    case SpatialPred::kWithin: return ContainsTest(second, first, false);
    case SpatialPred::kCovers: return ContainsTest(first, second, true);
    case SpatialPred::kCoveredBy: return ContainsTest(second, first, true);
    case SpatialPred::kDWithin:
      if (first.is_point() && second.is_point()) return std::hypot(first.x() - second.x(), first.y() - second.y()) <= distance;
      if (first.is_point() != second.is_point()) {
        // Point against a shape: inside or on it, else the nearest edge, with an early exit
        // (cheaper than GEOS's prepared distance, which finds the exact minimum).
        JoinShape& shape = first.is_point() ? second : first;
        JoinShape& point = first.is_point() ? first : second;
        if (Check(GEOSPreparedIntersects_r(c, shape.prepared(), point.geom()), "ST_DWithin")) return true;
        return PlanarWithin(shape.decoded(), point.x(), point.y(), distance * distance);
      }
      if (!first.is_point()) return Check(GEOSPreparedDistanceWithin_r(c, first.prepared(), second.geom(), distance), "ST_DWithin");
      return Check(GEOSPreparedDistanceWithin_r(c, second.prepared(), first.geom(), distance), "ST_DWithin");
    case SpatialPred::kDWithinGeodesic: {
      // Both sides passed CheckGeographicShape when they entered the join.
      if (first.is_point() && second.is_point()) return GeodesicWithin(first.sphere_pieces(), second.sphere_pieces(), spheroid, distance);
      // Touching or overlapping (on the lon/lat plane, as ST_Distance's geodesic form decides it).
      if (!first.is_point() && Check(GEOSPreparedIntersects_r(c, first.prepared(), second.geom()), "ST_DWithin")) return true;
      if (first.is_point() && Check(GEOSPreparedIntersects_r(c, second.prepared(), first.geom()), "ST_DWithin")) return true;
      return GeodesicWithin(first.sphere_pieces(), second.sphere_pieces(), spheroid, distance);
    }
  }
  return false;
}

}  // namespace yunhe::geo
