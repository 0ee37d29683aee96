// Small open-addressing hash maps from a join key to a dense id (0, 1, 2, ... in order of first
// insertion), for operators that look up every row: no node allocation, one probe sequence in a
// flat array. Text keys are string_views; the caller keeps the strings alive.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace yunhe {

template <class Key>
class FlatKeyMap {
 public:
  FlatKeyMap() { Rehash(64); }
  // Forgets every key (Rehash would carry them over: a hash join opened again for each outer row
  // of a LATERAL subquery then found the previous run's keys and read past its build rows).
  void Clear() {
    size_ = 0;
    slots_.assign(64, Slot{});
    mask_ = 63;
  }
  size_t size() const { return size_; }
  // Room for `keys` keys without growing (known up front: saves the rehashes on the way).
  void Reserve(size_t keys) {
    size_t capacity = slots_.size();
    while (keys * 2 > capacity) capacity *= 2;
    if (capacity != slots_.size()) Rehash(capacity);
  }

  // Id of `key`, inserting it with the next id if new.
  uint32_t Insert(const Key& key) {
    if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    const uint64_t h = Hash(key);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{h, key, uint32_t(size_), true};
        return uint32_t(size_++);
      }
      if (s.hash == h && s.key == key) return s.id;
    }
  }
  // Id of `key`, or -1.
  int64_t Find(const Key& key) const { return FindHashed(key, Hash(key)); }
  // The hash the map files `key` under, for a caller that checks a Bloom filter of the same
  // hashes first (exec/bloom_filter.h) and then looks up with FindHashed.
  static uint64_t HashOf(const Key& key) { return Hash(key); }
  int64_t FindHashed(const Key& key, uint64_t h) const {
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.used) return -1;
      if (s.hash == h && s.key == key) return s.id;
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    Key key{};
    uint32_t id = 0;
    bool used = false;
  };
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
  }
  static uint64_t Hash(int64_t k) { return Mix(uint64_t(k)); }
  static uint64_t Hash(__int128 k) { return Mix(uint64_t(k) ^ Mix(uint64_t(static_cast<unsigned __int128>(k) >> 64))); }
  static uint64_t Hash(std::string_view s) {
    uint64_t h = 1469598103934665603ULL;  // FNV-1a, then mixed: short keys dominate here
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    return Mix(h);
  }
  void Rehash(size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (!s.used) continue;
      for (size_t i = s.hash & mask_;; i = (i + 1) & mask_)
        if (!slots_[i].used) {
          slots_[i] = s;
          break;
        }
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace yunhe
