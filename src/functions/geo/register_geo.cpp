#include "common/geometry_bounds.h"
#include "functions/geo/geo_util.h"

namespace yunhe {

namespace {

bool GeometryBox(const std::string& ewkb, BoundingBox2D* out) {
  try {
    double x, y;
    if (geo::ReadPointXY(ewkb, &x, &y)) {
      *out = {x, y, x, y};
      return true;
    }
    geo::Box b = geo::BoundingBox(geo::ReadWKB(ewkb));
    if (b.Empty()) return false;
    *out = {b.xmin, b.ymin, b.xmax, b.ymax};
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

void RegisterGeoFunctions(FunctionRegistry& r) {
  SetGeometryBoxFunction(GeometryBox);
  geo::RegisterGeometryIoFunctions(r);
  geo::RegisterGeosFunctions(r);
  geo::RegisterGeoAggregates(r);
  geo::RegisterGeodesicFunctions(r);
  geo::RegisterTransformFunctions(r);
  geo::RegisterVersionFunctions(r);
}

}  // namespace yunhe
