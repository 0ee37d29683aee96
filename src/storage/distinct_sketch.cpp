#include "storage/distinct_sketch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

#include "storage/byte_io.h"

namespace yunhe {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finalizer: spreads integer keys over all 64 bits
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

void DistinctSketch::AddHash(uint64_t hash) {
  const size_t index = hash >> (64 - kPrecision);
  const uint64_t rest = hash << kPrecision;
  const uint8_t rank = rest == 0 ? uint8_t(64 - kPrecision + 1) : uint8_t(__builtin_clzll(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void DistinctSketch::Add(const Vector& v, size_t count) {
  const uint8_t* nulls = v.nulls();
  switch (v.type().physical()) {
    case PhysicalType::kI64: {
      const int64_t* x = v.i64();
      for (size_t r = 0; r < count; ++r)
        if (!nulls[r]) AddHash(Mix(uint64_t(x[r])));
      break;
    }
    case PhysicalType::kF64: {
      const double* x = v.f64();
      for (size_t r = 0; r < count; ++r) {
        if (nulls[r]) continue;
        const double d = x[r] == 0 ? 0.0 : x[r];  // -0 and 0 are one value
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        AddHash(Mix(bits));
      }
      break;
    }
    case PhysicalType::kStr: {
      const std::string* x = v.str();
      for (size_t r = 0; r < count; ++r)
        if (!nulls[r]) AddHash(Mix(std::hash<std::string_view>()(x[r])));
      break;
    }
    default:
      for (size_t r = 0; r < count; ++r)
        if (!nulls[r]) AddHash(Mix(std::hash<std::string>()(v.GetValue(r).ToString())));
      break;
  }
}

void DistinctSketch::Merge(const DistinctSketch& other) {
  for (size_t k = 0; k < kRegisters; ++k) registers_[k] = std::max(registers_[k], other.registers_[k]);
}

double DistinctSketch::Estimate() const {
  const double m = double(kRegisters);
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -int(r));
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / double(zeros));  // linear counting
  return raw;
}

void DistinctSketch::Encode(std::string* out) const {
  out->push_back(char(kPrecision));
  out->append(reinterpret_cast<const char*>(registers_.data()), kRegisters);
}

bool DistinctSketch::Decode(ByteReader& in) {
  if (in.U8() != kPrecision) return false;
  in.Raw(registers_.data(), kRegisters);
  for (uint8_t r : registers_)
    if (r > 64 - kPrecision + 1) return false;
  return in.ok();
}

}  // namespace yunhe
