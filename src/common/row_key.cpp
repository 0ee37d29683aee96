#include "common/row_key.h"

#include <xxhash.h>

#include <random>

#include <cmath>
#include <cstring>

#include "common/decimal.h"

namespace yunhe {

KeyDigest DigestKey(const char* data, size_t size) {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (uint64_t(rd()) << 32) ^ rd();
  }();
  const XXH128_hash_t h = XXH3_128bits_withSeed(data, size, seed);
  return KeyDigest{h.low64, h.high64};
}

KeyDigest DigestKey(const std::string& key) { return DigestKey(key.data(), key.size()); }

void DigestRowKeys(const std::vector<const Vector*>& columns, size_t from, size_t to, KeyDigest* out) {
  std::vector<PhysicalType> kinds;
  for (const Vector* v : columns) kinds.push_back(v->type().physical());
  constexpr size_t kBuffer = 256;
  char buffer[kBuffer];
  std::string long_key;
  for (size_t r = from; r < to; ++r) {
    // The bytes AppendKeyCell writes: '\0' for NULL, else '\1' and the value (text: its length
    // in 4 bytes, then its bytes). Other kinds, and keys past the buffer, take AppendKeyCell.
    size_t n = 0;
    bool fits = true;
    for (size_t c = 0; c < columns.size() && fits; ++c) {
      const Vector& v = *columns[c];
      if (v.IsNull(r)) {
        fits = n + 1 <= kBuffer;
        if (fits) buffer[n++] = '\0';
      } else if (kinds[c] == PhysicalType::kI64) {
        fits = n + 9 <= kBuffer;
        if (fits) {
          buffer[n] = '\1';
          memcpy(buffer + n + 1, &v.i64()[r], 8);
          n += 9;
        }
      } else if (kinds[c] == PhysicalType::kStr) {
        const std::string& text = v.str()[r];
        fits = n + 5 + text.size() <= kBuffer;
        if (fits) {
          const uint32_t len = uint32_t(text.size());
          buffer[n] = '\1';
          memcpy(buffer + n + 1, &len, 4);
          memcpy(buffer + n + 5, text.data(), text.size());
          n += 5 + text.size();
        }
      } else {
        fits = false;
      }
    }
    if (fits) {
      out[r - from] = DigestKey(buffer, n);
      continue;
    }
    long_key.clear();
    for (const Vector* v : columns) AppendKeyCell(*v, r, long_key);
    out[r - from] = DigestKey(long_key);
  }
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

namespace {

// Appends n bytes to key through one resize (a push_back or append per part checked capacity
// each time: half of an upsert's key cost).
char* Grow(std::string& key, size_t n) {
  const size_t at = key.size();
  key.resize(at + n);
  return key.data() + at;
}

}  // namespace

void AppendKeyCell(const Vector& v, size_t row, std::string& key) {
  if (v.IsNull(row)) {
    key.push_back('\0');
    return;
  }
  switch (v.type().physical()) {
    case PhysicalType::kI64: {
      char* out = Grow(key, 9);
      out[0] = '\1';
      memcpy(out + 1, &v.i64()[row], 8);
      break;
    }
    case PhysicalType::kF64: {
      const double d = GroupingDouble(v.f64()[row]);
      char* out = Grow(key, 9);
      out[0] = '\1';
      memcpy(out + 1, &d, 8);
      break;
    }
    case PhysicalType::kStr: {
      const std::string& s = v.str()[row];
      const uint32_t len = uint32_t(s.size());
      char* out = Grow(key, 5 + s.size());
      out[0] = '\1';
      memcpy(out + 1, &len, 4);
      memcpy(out + 5, s.data(), s.size());
      break;
    }
    case PhysicalType::kDec: {
      const Decimal d = GroupingDecimal(v.dec()[row]);  // 1.0 and 1.00 group together
      char* out = Grow(key, 21);
      out[0] = '\1';
      memcpy(out + 1, &d.v, 16);
      memcpy(out + 17, &d.scale, 4);
      break;
    }
    case PhysicalType::kInterval: {
      const __int128 k = v.iv()[row].SortKey();
      char* out = Grow(key, 17);
      out[0] = '\1';
      memcpy(out + 1, &k, 16);
      break;
    }
  }
}

}  // namespace yunhe
