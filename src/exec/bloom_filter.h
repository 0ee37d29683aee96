// A blocked Bloom filter over 64-bit hashes: each key sets two bits of one 64-bit word, at 16
// bits per key (about 1 % false positives). A hash join probed mostly by keys it does not hold
// (TPC-H Q21: 6M lines against 80k orders) answers most of them here, from a bit array that
// stays in cache, instead of walking its hash table's slots.
#pragma once
#include <cstdint>
#include <vector>

namespace yunhe {

class BloomFilter {
 public:
  // Empty, sized for `keys` keys.
  void Reset(size_t keys) {
    size_t words = 64;
    while (words * 4 < keys && words < (size_t(1) << 24)) words *= 2;  // 16 bits per key; Word() takes 24 bits
    words_.assign(words, 0);
    mask_ = words - 1;
  }
  bool empty() const { return words_.empty(); }
  void Clear() {
    words_.clear();
    mask_ = 0;
  }
  void Add(uint64_t h) { words_[Word(h)] |= Bits(h); }
  bool MayContain(uint64_t h) const {
    const uint64_t b = Bits(h);
    return (words_[Word(h)] & b) == b;
  }

 private:
  // The word from the high bits, the two bits from the low ones (independent of each other).
  size_t Word(uint64_t h) const { return size_t(h >> 40) & mask_; }
  static uint64_t Bits(uint64_t h) { return (uint64_t(1) << (h & 63)) | (uint64_t(1) << ((h >> 6) & 63)); }
  std::vector<uint64_t> words_;
  size_t mask_ = 0;
};

}  // namespace yunhe
