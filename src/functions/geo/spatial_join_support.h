// What the spatial join operator needs from the geometry library: the join predicates it can
// index, one side's geometry decoded once (bounding box, GEOS form, prepared form on demand),
// and the exact test of a candidate pair.
#pragma once
#include <string>
#include <string_view>

#include "functions/geo/geo_util.h"
#include "functions/geo/geos_bridge.h"
#include "functions/geo/sphere_distance.h"

namespace yunhe::geo {

// kDWithin: ST_DWithin(a, b, d) in the SRID's units; kDWithinGeodesic: ST_DWithin(a, b, metres,
// use_spheroid) on lon/lat coordinates.
enum class SpatialPred { kIntersects, kContains, kWithin, kCovers, kCoveredBy, kDWithin, kDWithinGeodesic };

// st_intersects, st_contains, st_within, st_covers, st_coveredby, st_dwithin (3 or 4 arguments).
bool SpatialPredFromName(const std::string& name, size_t nargs, SpatialPred* out);
const char* SpatialPredName(SpatialPred p);

// A box grown so that it holds everything within `distance` of the original: planar units, or
// geodesic metres turned into degrees (conservatively: the shortest degree of latitude, the
// sphere/ellipsoid's smallest degree of longitude at the box's most poleward latitude; all
// longitudes near the poles or across the antimeridian).
Box GrowBox(Box b, SpatialPred p, double distance);

class JoinShape {
 public:
  void Reset(std::string_view ewkb);
  const Box& box() const { return box_; }
  int32_t srid() const { return srid_; }
  bool is_point() const { return is_point_; }
  double x() const { return x_; }
  double y() const { return y_; }
  const GEOSGeometry* geom();
  const GEOSPreparedGeometry* prepared();
  const Geometry& decoded();  // the full geometry (decoded on first use)
  const SpherePieces& sphere_pieces();  // vertices and edges as unit vectors (built on first use)

 private:
  std::string wkb_;
  Box box_;
  int32_t srid_ = 0;
  bool is_point_ = false;
  double x_ = 0, y_ = 0;
  GeosPtr geom_;
  PreparedPtr prepared_;
  Geometry decoded_;
  bool decoded_valid_ = false;
  SpherePieces pieces_;  // memory reused across Reset()
  bool pieces_valid_ = false;
};

// For the geodesic predicate: every row, matched or not, must be lon/lat (as the scalar
// ST_DWithin(a, b, metres, use_spheroid) demands), so errors do not depend on the data's layout.
void CheckGeographicShape(const JoinShape& s, const char* fn);

// pred(first, second); `distance` for ST_DWithin, `spheroid` for its geodesic form. Mixed SRIDs
// raise PostGIS's error.
bool TestPair(SpatialPred p, JoinShape& first, JoinShape& second, double distance, bool spheroid = true);

}  // namespace yunhe::geo
