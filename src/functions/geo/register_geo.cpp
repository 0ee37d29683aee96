#include "functions/geo/geo_util.h"

namespace yunhe {

void RegisterGeoFunctions(FunctionRegistry& r) {
  geo::RegisterGeometryIoFunctions(r);
  geo::RegisterGeosFunctions(r);
}

}  // namespace yunhe
