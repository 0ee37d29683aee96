#include "common/row_key.h"

#include <xxhash.h>

#include <random>

#include <cmath>
#include <cstring>

#include "common/decimal.h"

namespace yunhe {

KeyDigest DigestKey(const std::string& key) {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (uint64_t(rd()) << 32) ^ rd();
  }();
  const XXH128_hash_t h = XXH3_128bits_withSeed(key.data(), key.size(), seed);
  return KeyDigest{h.low64, h.high64};
}

double GroupingDouble(double d) {
  if (d == 0) d = 0;  // fold -0.0
  if (std::isnan(d)) d = NAN;
  return d;
}

Decimal GroupingDecimal(Decimal d) {
  if (const int64_t small = int64_t(d.v); small == d.v) {  // 64-bit division while it fits
    int64_t v = small;
    while (d.scale > 0 && v % 10 == 0) {
      v /= 10;
      --d.scale;
    }
    d.v = v;
    return d;
  }
  while (d.scale > 0 && d.v % 10 == 0) {
    d.v /= 10;
    --d.scale;
  }
  return d;
}

void AppendKeyCell(const Vector& v, size_t row, std::string& key) {
  if (v.IsNull(row)) {
    key.push_back('\0');
    return;
  }
  key.push_back('\1');
  switch (v.type().physical()) {
    case PhysicalType::kI64: key.append(reinterpret_cast<const char*>(&v.i64()[row]), 8); break;
    case PhysicalType::kF64: {
      const double d = GroupingDouble(v.f64()[row]);
      key.append(reinterpret_cast<const char*>(&d), 8);
      break;
    }
    case PhysicalType::kStr: {
      const std::string& s = v.str()[row];
      uint32_t len = uint32_t(s.size());
      key.append(reinterpret_cast<const char*>(&len), 4);
      key.append(s);
      break;
    }
    case PhysicalType::kDec: {
      const Decimal d = GroupingDecimal(v.dec()[row]);  // 1.0 and 1.00 group together
      key.append(reinterpret_cast<const char*>(&d.v), 16);
      key.append(reinterpret_cast<const char*>(&d.scale), 4);
      break;
    }
    case PhysicalType::kInterval: {
      __int128 k = v.iv()[row].SortKey();
      key.append(reinterpret_cast<const char*>(&k), 16);
      break;
    }
  }
}

}  // namespace yunhe
