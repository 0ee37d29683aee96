// GEOS (C API, reentrant) for the operations PostGIS delegates to it: predicates, distances,
// buffers, hulls, unions. One GEOS context per thread; geometries cross the bridge as EWKB.
#pragma once
#include <geos_c.h>

#include <memory>
#include <string>
#include <string_view>

namespace yunhe::geo {

GEOSContextHandle_t GeosContext();  // this thread's

struct GeosDeleter {
  void operator()(GEOSGeometry* g) const { GEOSGeom_destroy_r(GeosContext(), g); }
};
using GeosPtr = std::unique_ptr<GEOSGeometry, GeosDeleter>;

struct PreparedDeleter {
  void operator()(const GEOSPreparedGeometry* p) const { GEOSPreparedGeom_destroy_r(GeosContext(), p); }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

GeosPtr ToGeos(std::string_view ewkb);
// EWKB of g with the given SRID (GEOS results carry no SRID of their own).
std::string FromGeos(const GEOSGeometry* g, int srid);
// Throws Error(XX000) "<fn>: GEOS error: ..." with GEOS's last message.
[[noreturn]] void ThrowGeosError(const char* fn);
// Throws PostGIS's error when two geometries' SRIDs differ.
void CheckSameSrid(const char* fn, std::string_view a, std::string_view b);

}  // namespace yunhe::geo
