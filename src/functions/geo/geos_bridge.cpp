#include "functions/geo/geos_bridge.h"

#include <fmt/format.h>

#include <cstdarg>
#include <cstdio>

#include "common/status.h"
#include "functions/geo/geometry.h"

namespace yunhe::geo {
namespace {

thread_local std::string g_last_error;

void OnGeosMessage(const char* message, void*) { g_last_error = message ? message : "unknown error"; }

struct ThreadGeos {
  GEOSContextHandle_t ctx;
  GEOSWKBReader* reader;
  GEOSWKBWriter* writer2d;
  GEOSWKBWriter* writer3d;
  ThreadGeos() {
    ctx = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(ctx, OnGeosMessage, nullptr);
    GEOSContext_setNoticeMessageHandler_r(ctx, [](const char*, void*) {}, nullptr);
    reader = GEOSWKBReader_create_r(ctx);
    writer2d = MakeWriter(2);
    writer3d = MakeWriter(3);
  }
  ~ThreadGeos() {
    GEOSWKBReader_destroy_r(ctx, reader);
    GEOSWKBWriter_destroy_r(ctx, writer2d);
    GEOSWKBWriter_destroy_r(ctx, writer3d);
    GEOS_finish_r(ctx);
  }
  GEOSWKBWriter* MakeWriter(int dims) {
    GEOSWKBWriter* w = GEOSWKBWriter_create_r(ctx);
    GEOSWKBWriter_setOutputDimension_r(ctx, w, dims);
    GEOSWKBWriter_setByteOrder_r(ctx, w, GEOS_WKB_NDR);
    GEOSWKBWriter_setIncludeSRID_r(ctx, w, 1);
    return w;
  }
};

ThreadGeos& Geos() {
  thread_local ThreadGeos t;
  return t;
}

}  // namespace

GEOSContextHandle_t GeosContext() { return Geos().ctx; }

[[noreturn]] void ThrowGeosError(const char* fn) {
  throw Error(SqlState::kInternalError, fmt::format("{}: GEOS error: {}", fn, g_last_error));
}

GeosPtr ToGeos(std::string_view ewkb) {
  ThreadGeos& t = Geos();
  GEOSGeometry* g = GEOSWKBReader_read_r(t.ctx, t.reader, reinterpret_cast<const unsigned char*>(ewkb.data()), ewkb.size());
  if (!g) ThrowGeosError("WKB reader");
  return GeosPtr(g);
}

std::string FromGeos(const GEOSGeometry* g, int srid) {
  ThreadGeos& t = Geos();
  GEOSSetSRID_r(t.ctx, const_cast<GEOSGeometry*>(g), srid);
  const bool z = GEOSHasZ_r(t.ctx, g) == 1;
  size_t n = 0;
  unsigned char* buf = GEOSWKBWriter_write_r(t.ctx, z ? t.writer3d : t.writer2d, g, &n);
  if (!buf) ThrowGeosError("WKB writer");
  std::string out(reinterpret_cast<char*>(buf), n);
  GEOSFree_r(t.ctx, buf);
  // Normalise through our own writer: one EWKB spelling for equal geometries (GEOS may differ
  // in flags for empty geometries).
  return WriteEWKB(ReadWKB(out));
}

void CheckSameSrid(const char* fn, std::string_view a, std::string_view b) {
  const int32_t sa = ReadSRID(a), sb = ReadSRID(b);
  if (sa == sb) return;
  auto type_name = [](std::string_view w) {
    const uint8_t t = w.size() >= 5 ? uint8_t(w[1]) : 0;
    return t >= 1 && t <= 7 ? StTypeName(GeomType(t)) + 3 : "Unknown";
  };
  const char *ta = type_name(a), *tb = type_name(b);
  throw Error(SqlState::kInternalError,
              fmt::format("{}: Operation on mixed SRID geometries ({}, {}) != ({}, {})", fn, ta, sa, tb, sb));
}

}  // namespace yunhe::geo
