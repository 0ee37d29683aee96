#include "functions/geo/spatial_join_support.h"

#include <fmt/format.h>

#include "common/status.h"

namespace yunhe::geo {

bool SpatialPredFromName(const std::string& name, size_t nargs, SpatialPred* out) {
  static const struct { const char* name; SpatialPred p; size_t nargs; } kPreds[] = {
      {"st_intersects", SpatialPred::kIntersects, 2}, {"st_contains", SpatialPred::kContains, 2},
      {"st_within", SpatialPred::kWithin, 2},         {"st_covers", SpatialPred::kCovers, 2},
      {"st_coveredby", SpatialPred::kCoveredBy, 2},   {"st_dwithin", SpatialPred::kDWithin, 3}};
  for (const auto& k : kPreds) {
    if (name == k.name && nargs == k.nargs) {
      *out = k.p;
      return true;
    }
  }
  return false;
}

const char* SpatialPredName(SpatialPred p) {
  static const char* kNames[] = {"ST_Intersects", "ST_Contains", "ST_Within", "ST_Covers", "ST_CoveredBy", "ST_DWithin"};
  return kNames[int(p)];
}

void JoinShape::Reset(std::string_view ewkb) {
  prepared_.reset();
  geom_.reset();
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

bool ContainsTest(JoinShape& outer, JoinShape& inner, bool covers) {
  if (outer.is_point() && inner.is_point()) return outer.x() == inner.x() && outer.y() == inner.y();
  GEOSContextHandle_t c = GeosContext();
  return covers ? Check(GEOSPreparedCovers_r(c, outer.prepared(), inner.geom()), "ST_Covers")
                : Check(GEOSPreparedContains_r(c, outer.prepared(), inner.geom()), "ST_Contains");
}

}  // namespace

bool TestPair(SpatialPred p, JoinShape& first, JoinShape& second, double distance) {
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
      if (!first.is_point()) return Check(GEOSPreparedDistanceWithin_r(c, first.prepared(), second.geom(), distance), "ST_DWithin");
      return Check(GEOSPreparedDistanceWithin_r(c, second.prepared(), first.geom(), distance), "ST_DWithin");
  }
  return false;
}

}  // namespace yunhe::geo
