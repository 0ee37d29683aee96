// A HyperLogLog sketch of a column's distinct values (Flajolet et al. 2007, with linear counting
// for small sets): 1024 one-byte registers, about 3 % standard error. Each part stores one per
// column in its footer (docs/format.md "Part file"); sketches of several parts merge by taking
// each register's maximum, so a table's estimate needs no pass over its rows (pg_stats.n_distinct).
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "common/vector.h"

namespace yunhe {

class ByteReader;

class DistinctSketch {
 public:
  static constexpr int kPrecision = 10;
  static constexpr size_t kRegisters = size_t(1) << kPrecision;

  // Adds the non-NULL values among the first `count` rows of `v`.
  void Add(const Vector& v, size_t count);
  void Merge(const DistinctSketch& other);
  double Estimate() const;
  void Encode(std::string* out) const;  // u8 precision, then kRegisters bytes
  bool Decode(ByteReader& in);

 private:
  void AddHash(uint64_t hash);
  std::array<uint8_t, kRegisters> registers_{};
};

}  // namespace yunhe
