// What the spatial join operator needs from the geometry library: the join predicates it can
// index, one side's geometry decoded once (bounding box, GEOS form, prepared form on demand),
// and the exact test of a candidate pair.
#pragma once
#include <string>
#include <string_view>

#include "functions/geo/geo_util.h"
#include "functions/geo/geos_bridge.h"

namespace yunhe::geo {

enum class SpatialPred { kIntersects, kContains, kWithin, kCovers, kCoveredBy, kDWithin };

// st_intersects, st_contains, st_within, st_covers, st_coveredby, st_dwithin (3 arguments).
bool SpatialPredFromName(const std::string& name, size_t nargs, SpatialPred* out);
const char* SpatialPredName(SpatialPred p);

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

 private:
  std::string wkb_;
  Box box_;
  int32_t srid_ = 0;
  bool is_point_ = false;
  double x_ = 0, y_ = 0;
  GeosPtr geom_;
  PreparedPtr prepared_;
};

// pred(first, second); `distance` for ST_DWithin. Mixed SRIDs raise PostGIS's error.
bool TestPair(SpatialPred p, JoinShape& first, JoinShape& second, double distance);

}  // namespace yunhe::geo
