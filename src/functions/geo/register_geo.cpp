#include "functions/geo/geo_util.h"

namespace yunhe {

void RegisterGeoFunctions(FunctionRegistry& r) {
  geo::RegisterGeometryIoFunctions(r);
  geo::RegisterGeosFunctions(r);
  geo::RegisterGeoAggregates(r);
  geo::RegisterGeodesicFunctions(r);
  geo::RegisterTransformFunctions(r);
}

}  // namespace yunhe
