// Zone maps: min/max (and, for GEOMETRY, the union of bounding boxes) of one column over one
// row group, so scans can skip groups a predicate rules out. Computed from the values when a
// group is appended to, and stored in each part's footer (docs/format.md "Part file") so a
// sealed group is pruned without reading its blocks.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

#include "common/vector.h"

namespace yunhe {

class ByteReader;

struct ZoneMap {
  bool has_values = false;  // false: every row is NULL
  int64_t min_i = 0, max_i = 0;
  double min_f = 0, max_f = 0;
  // GEOMETRY columns: the union of the rows' bounding boxes (has_box false: none known).
  bool has_box = false;
  double box[4] = {0, 0, 0, 0};  // xmin, ymin, xmax, ymax
  uint32_t null_count = 0;
};

// A zone map in 24 bytes, for arrays of one column's zone maps over many row groups (a 200M-row
// table has ~100k groups; 88-byte ZoneMaps made those arrays most of the memory a first query
// touched). Holds everything ZoneMap holds for columns other than GEOMETRY (no box): min/max as
// integers, or as the bits of doubles for F64 columns.
struct PackedZone {
  int64_t lo = 0, hi = 0;
  uint32_t null_count = 0;
  bool has_values = false;
  static PackedZone Pack(const ZoneMap& z, bool f64) {
    PackedZone p;
    p.null_count = z.null_count;
    p.has_values = z.has_values;
    if (f64) {
      std::memcpy(&p.lo, &z.min_f, 8);
      std::memcpy(&p.hi, &z.max_f, 8);
    } else {
      p.lo = z.min_i;
      p.hi = z.max_i;
    }
    return p;
  }
  ZoneMap Unpack(bool f64) const {
    ZoneMap z;
    z.null_count = null_count;
    z.has_values = has_values;
    if (f64) {
      std::memcpy(&z.min_f, &lo, 8);
      std::memcpy(&z.max_f, &hi, 8);
    } else {
      z.min_i = lo;
      z.max_i = hi;
    }
    return z;
  }
};
static_assert(sizeof(PackedZone) == 24);

// True when a column of this type's zone maps fit in PackedZone (every type but GEOMETRY), and
// whether they hold doubles.
inline bool PacksZones(const LogicalType& t) { return t.id != TypeId::kGeometry; }
inline bool ZonesAreF64(const LogicalType& t) { return t.physical() == PhysicalType::kF64; }

// The zone map of the first `count` rows of `v`.
ZoneMap ComputeZoneMap(const Vector& v, size_t count);

// Footer encoding (docs/format.md "Part file"): u32 null_count, u8 flags (1 = has_values,
// 2 = has_box), i64 min_i, i64 max_i, f64 min_f, f64 max_f, then 4 x f64 box when has_box.
void EncodeZoneMap(const ZoneMap& z, std::string* out);
bool DecodeZoneMap(ByteReader& in, ZoneMap* z);

}  // namespace yunhe
