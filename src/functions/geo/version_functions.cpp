// PostGIS's version functions, which GIS clients (QGIS, GeoServer, ogr2ogr) call to decide
// whether a database speaks PostGIS: yunhe answers as the PostGIS 3.3 whose names and semantics
// it follows, with the GEOS and PROJ it really uses.
#include <geos_c.h>

#include <string>

#include "functions/function.h"
#include "functions/geo/proj_library.h"
#include "functions/kernel_util.h"

namespace yunhe::geo {

namespace {
constexpr const char* kPostgisVersion = "3.3.0";

void Fill(Vector& o, size_t n, const std::string& text) {
  for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Text(text));
}
}  // namespace

void RegisterVersionFunctions(FunctionRegistry& r) {
  const LogicalType T(TypeId::kText);
  AddScalar(r, "postgis_version", {}, T, [](const std::vector<const Vector*>&, size_t n, Vector& o) {
    Fill(o, n, "3.3 USE_GEOS=1 USE_PROJ=1 USE_STATS=0");
  }, "PostGIS version the functions follow, and what is built in", "postgis_version() → 3.3 USE_GEOS=1 USE_PROJ=1 USE_STATS=0");
  AddScalar(r, "postgis_lib_version", {}, T, [](const std::vector<const Vector*>&, size_t n, Vector& o) {
    Fill(o, n, kPostgisVersion);
  }, "PostGIS library version the functions follow", "postgis_lib_version() → 3.3.0");
  AddScalar(r, "postgis_geos_version", {}, T, [](const std::vector<const Vector*>&, size_t n, Vector& o) {
    Fill(o, n, GEOSversion());
  }, "version of the GEOS library in use", "postgis_geos_version()");
  AddScalar(r, "postgis_proj_version", {}, T, [](const std::vector<const Vector*>&, size_t n, Vector& o) {
    Fill(o, n, Proj().info().version);
  }, "version of the PROJ library in use", "postgis_proj_version()");
  AddScalar(r, "postgis_full_version", {}, T, [](const std::vector<const Vector*>&, size_t n, Vector& o) {
    Fill(o, n, std::string("POSTGIS=\"") + kPostgisVersion + " yunhe\" GEOS=\"" + GEOSversion() + "\" PROJ=\"" +
                   Proj().info().version + "\"");
  }, "PostGIS, GEOS and PROJ versions", "postgis_full_version()");
}

}  // namespace yunhe::geo
