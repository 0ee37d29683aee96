// Zone maps: min/max (and, for GEOMETRY, the union of bounding boxes) of one column over one
// row group, so scans can skip groups a predicate rules out. Computed from the values when a
// group is appended to, and stored in each part's footer (docs/format.md "Part file") so a
// sealed group is pruned without reading its blocks.
#pragma once
#include <cstdint>
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

// The zone map of the first `count` rows of `v`.
ZoneMap ComputeZoneMap(const Vector& v, size_t count);

// Footer encoding (docs/format.md "Part file"): u32 null_count, u8 flags (1 = has_values,
// 2 = has_box), i64 min_i, i64 max_i, f64 min_f, f64 max_f, then 4 x f64 box when has_box.
void EncodeZoneMap(const ZoneMap& z, std::string* out);
bool DecodeZoneMap(ByteReader& in, ZoneMap* z);

}  // namespace yunhe
