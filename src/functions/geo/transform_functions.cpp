// Datums and projections: ST_Transform on PROJ (EPSG codes from proj-data, offline), and the
// GCJ-02 / BD-09 obfuscated coordinates used by Chinese map providers, to and from WGS 84.
// GCJ-02 is defined only by its forward formula; the inverse is found by fixed-point iteration
// until the forward image matches to 1e-12 degrees (round trip well under a millimetre, see
// docs/sql.md).
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <memory>

#include "common/status.h"
#include "functions/geo/geo_util.h"
#include "functions/geo/proj_library.h"
#include "functions/kernel_util.h"

namespace yunhe::geo {
namespace {

struct ProjContext {
  const ProjLibrary& proj = Proj();
  PJ_CONTEXT* ctx = proj.context_create();
  std::map<std::pair<int32_t, int32_t>, PJ*> transforms;
  ~ProjContext() {
    for (auto& [k, pj] : transforms) proj.destroy(pj);
    proj.context_destroy(ctx);
  }
  // Source and target in longitude/latitude (or easting/northing) order whatever EPSG says.
  PJ* Get(int32_t from, int32_t to) {
    auto key = std::make_pair(from, to);
    if (auto it = transforms.find(key); it != transforms.end()) return it->second;
    PJ* raw = proj.create_crs_to_crs(ctx, fmt::format("EPSG:{}", from).c_str(), fmt::format("EPSG:{}", to).c_str(), nullptr);
    if (!raw) {
      const char* why = proj.context_errno_string(ctx, proj.context_errno(ctx));
      throw Error(SqlState::kInvalidParameterValue,
                  fmt::format("ST_Transform: cannot transform from SRID {} to SRID {}: {}", from, to, why ? why : "unknown CRS"));
    }
    PJ* norm = proj.normalize_for_visualization(ctx, raw);
    proj.destroy(raw);
    if (!norm) throw Error(SqlState::kInternalError, "ST_Transform: PROJ could not normalise axis order");
    transforms[key] = norm;
    return norm;
  }
};

ProjContext& Transforms() {
  thread_local ProjContext p;
  return p;
}

Geometry Transform(Geometry g, int32_t to) {
  if (g.srid == 0) throw Error(SqlState::kInternalError, "ST_Transform: Input geometry has unknown (0) SRID");
  if (g.srid == to) return g;
  ProjContext& transforms = Transforms();
  PJ* pj = transforms.Get(g.srid, to);
  auto apply = [&](std::vector<Coord>& cs) {
    for (Coord& c : cs) {
      PJ_COORD in;
      in.xyzt = {c.x, c.y, g.has_z ? c.z : 0, 0};
      PJ_COORD out = transforms.proj.trans(pj, PJ_FWD, in);
      if (std::isinf(out.xyzt.x) || std::isinf(out.xyzt.y) || std::isnan(out.xyzt.x))
        throw Error(SqlState::kInternalError,
                    fmt::format("ST_Transform: point ({} {}) is outside the domain of SRID {} -> {}", c.x, c.y, g.srid, to));
      c.x = out.xyzt.x;
      c.y = out.xyzt.y;
      if (g.has_z) c.z = out.xyzt.z;
    }
  };
  std::function<void(Geometry&)> walk = [&](Geometry& x) {
    apply(x.coords);
    for (auto& r : x.rings) apply(r);
    for (auto& p : x.parts) walk(p);
  };
  walk(g);
  g.srid = to;
  return g;
}

// --- GCJ-02 / BD-09 -------------------------------------------------------------------------
// GCJ-02 adds a smooth, deterministic offset (a polynomial-plus-sine field in degrees, scaled
// by the Krasovsky 1940 ellipsoid's radii of curvature) to WGS 84 positions inside China.
constexpr double kKrasovskyA = 6378245.0;
constexpr double kKrasovskyE2 = 0.00669342162296594323;
constexpr double kPi = M_PI;

bool InsideChina(double lon, double lat) { return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271; }

double Wave(double t, double a1, double p1, double a2, double p2) {
  return (a1 * std::sin(t * kPi / p1) + a2 * std::sin(t * kPi / p2)) * 2.0 / 3.0;
}

double OffsetLat(double x, double y) {
  return -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x)) +
         Wave(x, 20.0, 1.0 / 6.0, 20.0, 0.5) + Wave(y, 20.0, 1.0, 40.0, 3.0) + Wave(y, 160.0, 12.0, 320.0, 30.0);
}

double OffsetLon(double x, double y) {
  return 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x)) +
         Wave(x, 20.0, 1.0 / 6.0, 20.0, 0.5) + Wave(x, 20.0, 1.0, 40.0, 3.0) + Wave(x, 150.0, 12.0, 300.0, 30.0);
}

void Wgs84ToGcj02(double lon, double lat, double* olon, double* olat) {
  if (!InsideChina(lon, lat)) {
    *olon = lon, *olat = lat;
    return;
  }
  const double x = lon - 105.0, y = lat - 35.0;
  const double rad = lat / 180.0 * kPi;
  const double s = std::sin(rad);
  const double w = 1 - kKrasovskyE2 * s * s;
  const double sw = std::sqrt(w);
  // Degrees per metre north (meridian radius) and east (parallel radius).
  const double dlat = OffsetLat(x, y) * 180.0 / ((kKrasovskyA * (1 - kKrasovskyE2)) / (w * sw) * kPi);
  const double dlon = OffsetLon(x, y) * 180.0 / (kKrasovskyA / sw * std::cos(rad) * kPi);
  *olon = lon + dlon;
  *olat = lat + dlat;
}

constexpr double kBdFactor = kPi * 3000.0 / 180.0;

void Gcj02ToBd09(double lon, double lat, double* olon, double* olat) {
  const double z = std::sqrt(lon * lon + lat * lat) + 0.00002 * std::sin(lat * kBdFactor);
  const double theta = std::atan2(lat, lon) + 0.000003 * std::cos(lon * kBdFactor);
  *olon = z * std::cos(theta) + 0.0065;
  *olat = z * std::sin(theta) + 0.006;
}

// Inverts a forward mapping by fixed-point iteration: p <- p - (f(p) - target).
template <typename Forward>
void Invert(Forward f, double lon, double lat, double* olon, double* olat) {
  double x = lon, y = lat;
  for (int it = 0; it < 50; ++it) {
    double fx, fy;
    f(x, y, &fx, &fy);
    const double ex = fx - lon, ey = fy - lat;
    x -= ex;
    y -= ey;
    if (std::fabs(ex) < 1e-12 && std::fabs(ey) < 1e-12) break;
  }
  *olon = x, *olat = y;
}

void Gcj02ToWgs84(double lon, double lat, double* olon, double* olat) {
  if (!InsideChina(lon, lat)) {
    *olon = lon, *olat = lat;
    return;
  }
  Invert(Wgs84ToGcj02, lon, lat, olon, olat);
}
void Bd09ToGcj02(double lon, double lat, double* olon, double* olat) { Invert(Gcj02ToBd09, lon, lat, olon, olat); }
void Wgs84ToBd09(double lon, double lat, double* olon, double* olat) {
  double gx, gy;
  Wgs84ToGcj02(lon, lat, &gx, &gy);
  Gcj02ToBd09(gx, gy, olon, olat);
}
void Bd09ToWgs84(double lon, double lat, double* olon, double* olat) {
  double gx, gy;
  Bd09ToGcj02(lon, lat, &gx, &gy);
  Gcj02ToWgs84(gx, gy, olon, olat);
}

using PointMap = void (*)(double, double, double*, double*);

template <PointMap kMap>
void MapKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    Geometry g = Decode(*a[0], k);
    std::function<void(Geometry&)> walk = [&](Geometry& x) {
      auto apply = [](std::vector<Coord>& cs) {
        for (Coord& c : cs) kMap(c.x, c.y, &c.x, &c.y);
      };
      apply(x.coords);
      for (auto& r : x.rings) apply(r);
      for (auto& p : x.parts) walk(p);
    };
    walk(g);
    o.str()[k] = WriteEWKB(g);
  });
}

}  // namespace

void RegisterTransformFunctions(FunctionRegistry& r) {
  AddScalar(r, "st_transform", {G, I4}, G, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = WriteEWKB(Transform(Decode(*a[0], k), int32_t(a[1]->i64()[k]))); });
  }, "coordinates converted to another EPSG spatial reference (PROJ; lon/lat order for geographic CRSs)",
     "ST_AsText(ST_Transform(ST_Point(116.39, 39.91, 4490), 32650))");
  AddScalar(r, "st_wgs84togcj02", {G}, G, MapKernel<Wgs84ToGcj02>,
            "WGS 84 lon/lat to GCJ-02 (Chinese map providers' offset; unchanged outside China)",
            "ST_AsText(ST_WGS84ToGCJ02(ST_Point(116.39, 39.91)))");
  AddScalar(r, "st_gcj02towgs84", {G}, G, MapKernel<Gcj02ToWgs84>, "GCJ-02 to WGS 84 lon/lat (iterative inverse)",
            "ST_GCJ02ToWGS84(pos)");
  AddScalar(r, "st_gcj02tobd09", {G}, G, MapKernel<Gcj02ToBd09>, "GCJ-02 to BD-09 (Baidu)", "ST_GCJ02ToBD09(pos)");
  AddScalar(r, "st_bd09togcj02", {G}, G, MapKernel<Bd09ToGcj02>, "BD-09 (Baidu) to GCJ-02 (iterative inverse)", "ST_BD09ToGCJ02(pos)");
  AddScalar(r, "st_wgs84tobd09", {G}, G, MapKernel<Wgs84ToBd09>, "WGS 84 lon/lat to BD-09 (Baidu)", "ST_WGS84ToBD09(pos)");
  AddScalar(r, "st_bd09towgs84", {G}, G, MapKernel<Bd09ToWgs84>, "BD-09 (Baidu) to WGS 84 lon/lat (iterative inverse)",
            "ST_BD09ToWGS84(pos)");
}

}  // namespace yunhe::geo
