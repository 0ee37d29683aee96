#include "storage/zone_map.h"

#include <algorithm>
#include <cmath>

#include "common/geometry_bounds.h"
#include "storage/byte_io.h"

namespace yunhe {

ZoneMap ComputeZoneMap(const Vector& v, size_t count) {
  ZoneMap z;
  const uint8_t* nulls = v.nulls();
  for (size_t r = 0; r < count; ++r) z.null_count += nulls[r] != 0;
  if (v.type().physical() == PhysicalType::kI64) {
    const int64_t* x = v.i64();
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t r = 0; r < count; ++r) {
      if (nulls[r]) continue;
      lo = std::min(lo, x[r]);
      hi = std::max(hi, x[r]);
      z.has_values = true;
    }
    z.min_i = lo;
    z.max_i = hi;
  } else if (v.type().id == TypeId::kGeometry) {
    GeometryBoxFn box_of = GetGeometryBoxFunction();
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    const bool known = box_of != nullptr;
    for (size_t r = 0; r < count; ++r) {
      if (nulls[r]) continue;
      z.has_values = true;
      BoundingBox2D rb;
      if (!known || !box_of(v.str()[r], &rb)) continue;  // empty geometry: matches no spatial predicate
      b[0] = std::min(b[0], rb.xmin), b[1] = std::min(b[1], rb.ymin);
      b[2] = std::max(b[2], rb.xmax), b[3] = std::max(b[3], rb.ymax);
    }
    z.has_box = known;
    std::copy(b, b + 4, z.box);
  } else if (v.type().physical() == PhysicalType::kF64) {
    const double* x = v.f64();
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 0; r < count; ++r) {
      if (nulls[r]) continue;
      z.has_values = true;
      if (std::isnan(x[r])) {  // NaN sorts above everything: widen the max
        hi = INFINITY;
        continue;
      }
      lo = std::min(lo, x[r]);
      hi = std::max(hi, x[r]);
    }
    z.min_f = lo;
    z.max_f = hi;
  } else {
    z.has_values = z.null_count < count;
  }
  return z;
}

void EncodeZoneMap(const ZoneMap& z, std::string* out) {
  ByteWriter w(out);
  w.U32(z.null_count);
  w.U8(uint8_t((z.has_values ? 1 : 0) | (z.has_box ? 2 : 0)));
  w.I64(z.min_i);
  w.I64(z.max_i);
  w.F64(z.min_f);
  w.F64(z.max_f);
  if (z.has_box)
    for (double b : z.box) w.F64(b);
}

bool DecodeZoneMap(ByteReader& in, ZoneMap* z) {
  *z = ZoneMap();
  z->null_count = in.U32();
  const uint8_t flags = in.U8();
  if (flags & ~3u) return false;
  z->has_values = flags & 1;
  z->has_box = flags & 2;
  z->min_i = in.I64();
  z->max_i = in.I64();
  z->min_f = in.F64();
  z->max_f = in.F64();
  if (z->has_box)
    for (double& b : z->box) b = in.F64();
  return in.ok();
}

}  // namespace yunhe
