#include "functions/geo/spatial_ref_sys.h"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <optional>

#include "functions/geo/proj_library.h"

namespace yunhe::geo {

const std::vector<int>& CommonSrids() {
  static const std::vector<int> srids = [] {
    std::vector<int> v = {4326, 4269, 4258, 4490, 4214, 4610, 4612, 3857, 3395, 2154, 27700, 3035, 3034, 4674, 4283, 7844, 4167, 4171};
    for (int z = 32601; z <= 32660; ++z) v.push_back(z);  // WGS 84 / UTM north
    for (int z = 32701; z <= 32760; ++z) v.push_back(z);  // WGS 84 / UTM south
    for (int z = 4513; z <= 4554; ++z) v.push_back(z);    // CGCS2000 / Gauss-Kruger zones
    return v;
  }();
  return srids;
}

std::vector<SpatialRef> SpatialRefs(const std::vector<int>& srids) {
  static std::mutex mu;
  static std::map<int, std::optional<SpatialRef>> cache;
  std::lock_guard<std::mutex> lock(mu);
  const ProjLibrary& proj = Proj();
  static PJ_CONTEXT* ctx = proj.context_create();
  std::vector<SpatialRef> out;
  for (int srid : srids) {
    auto it = cache.find(srid);
    if (it == cache.end()) {
      std::optional<SpatialRef> ref;
      if (PJ* crs = proj.create(ctx, fmt::format("EPSG:{}", srid).c_str())) {
        const char* const one_line[] = {"MULTILINE=NO", nullptr};  // as PostGIS stores srtext
        const char* wkt = proj.as_wkt(ctx, crs, PJ_WKT1_GDAL, one_line);
        const char* p4 = proj.as_proj_string(ctx, crs, PJ_PROJ_4, nullptr);
        std::string proj4 = p4 ? p4 : "";
        if (size_t at = proj4.find(" +type=crs"); at != std::string::npos) proj4.erase(at);  // PostGIS's strings end at +no_defs
        if (!proj4.empty()) proj4 += " ";  // PostGIS keeps a trailing space
        if (wkt) ref = SpatialRef{srid, wkt, proj4};
        proj.destroy(crs);
      }
      it = cache.emplace(srid, std::move(ref)).first;
    }
    if (it->second) out.push_back(*it->second);
  }
  return out;
}

}  // namespace yunhe::geo
