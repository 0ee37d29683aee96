// The buffer pool: decoded column blocks of sealed parts (storage/part_file.h), shared by every
// table of the process, under one memory limit (SET memory_limit, --memory-limit).
//
// Design:
//  1. A block is keyed by (part id, block index); parts never change, so an entry never goes stale;
//     a part that is deleted forgets its entries (Forget).
//  2. Entries are decoded Vectors. Handing one out copies the Vector, which shares its arrays
//     (common/vector.h): that copy is the pin. Eviction drops only the pool's reference; a scan
//     still holding the copy keeps the arrays alive until it moves on, so eviction never
//     invalidates a reader. Memory past the limit is therefore bounded by what running scans hold
//     (one row group per column per worker).
//  3. Least recently used entries go first once the bytes held pass the pool's share of the
//     limit: memory_limit less what the resident tail (rows not yet sealed into parts) and the
//     primary-key maps are estimated to hold (SetReserved, from the checkpoint logic), never under an eighth of the
//     limit. The tail and the pool share one limit, as DuckDB's buffer manager counts both.
// Thread: every method may be called from any thread (one mutex; loads happen outside it, so two
// threads missing on the same block may both decode it; the second insert keeps the first).
#pragma once
#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>

#include "common/vector.h"

namespace yunhe {

class BufferPool {
 public:
  static BufferPool& Instance();

  // The pool holds at most the process's memory limit (common/memory_limit.h); Enforce() evicts
  // down to it at once, after the limit was lowered.
  void Enforce();
  // Bytes held outside the pool that count against memory_limit (the resident tail); evicts
  // down to the pool's new share at once.
  void SetReserved(uint64_t bytes);
  uint64_t used() const;
  uint64_t budget() const;  // what the pool may hold now

  bool Lookup(uint64_t part_id, uint64_t block, Vector* out);
  void Insert(uint64_t part_id, uint64_t block, const Vector& v);
  void Forget(uint64_t part_id);

  struct Counters {
    uint64_t hits = 0, misses = 0, evictions = 0, bytes_read = 0;
  };
  Counters counters() const;
  void CountRead(uint64_t bytes);

  // Approximate bytes a decoded vector holds (arrays plus heap strings).
  static uint64_t VectorBytes(const Vector& v);

 private:
  struct Key {
    uint64_t part, block;
    bool operator==(const Key& o) const { return part == o.part && block == o.block; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return std::hash<uint64_t>()(k.part * 0x9E3779B97F4A7C15ull ^ k.block); }
  };
  struct Entry {
    Vector vector;
    uint64_t bytes;
    std::list<Key>::iterator lru;  // position in lru_ (front = most recent)
  };
  void EvictLocked();
  mutable std::mutex mu_;
  std::unordered_map<Key, Entry, KeyHash> entries_;
  std::list<Key> lru_;
  uint64_t BudgetLocked() const;
  uint64_t used_ = 0;
  uint64_t reserved_ = 0;
  Counters counters_;
};

}  // namespace yunhe
