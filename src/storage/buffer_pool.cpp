#include "storage/buffer_pool.h"

#include <algorithm>
#include <string>

#include "common/memory_limit.h"

namespace yunhe {

BufferPool& BufferPool::Instance() {
  static BufferPool* pool = new BufferPool();  // never destroyed: parts may outlive static teardown
  return *pool;
}

void BufferPool::Enforce() {
  std::lock_guard<std::mutex> lock(mu_);
  EvictLocked();
}

void BufferPool::SetReserved(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  reserved_ = bytes;
  EvictLocked();
}

uint64_t BufferPool::BudgetLocked() const {
  const uint64_t limit = MemoryLimitBytes();
  return std::max(limit / 8, limit > reserved_ ? limit - reserved_ : 0);
}

uint64_t BufferPool::budget() const {
  std::lock_guard<std::mutex> lock(mu_);
  return BudgetLocked();
}

uint64_t BufferPool::used() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_;
}

BufferPool::Counters BufferPool::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void BufferPool::CountRead(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  counters_.bytes_read += bytes;
}

uint64_t BufferPool::VectorBytes(const Vector& v) {
  const size_t n = v.size();
  uint64_t bytes = n;  // null flags
  switch (v.type().physical()) {
    case PhysicalType::kI64: bytes += n * sizeof(int64_t); break;
    case PhysicalType::kF64: bytes += n * sizeof(double); break;
    case PhysicalType::kStr: {
      bytes += n * sizeof(std::string);
      const std::string* s = v.str();
      const TextDictionary* d = v.dictionary();
      if (d && d->size() <= n) {
        // Each row's string is a copy of its dictionary value: sum the values' heap bytes by
        // code (reading small codes, not every string object).
        std::vector<uint32_t> heap(std::max<size_t>(1, d->size()));  // codes are below max(1, size)
        for (size_t k = 0; k < d->size(); ++k) heap[k] = d->values[k].size() > 15 ? uint32_t(d->values[k].size() + 1) : 0;
        const uint32_t* codes = v.codes();
        const uint8_t* nulls = v.nulls();
        for (size_t r = 0; r < n; ++r) bytes += nulls[r] ? 0 : heap[codes[r]];
      } else {
        for (size_t r = 0; r < n; ++r)
          if (s[r].capacity() > 15) bytes += s[r].capacity() + 1;  // past the small-string buffer
      }
      // Dictionary codes; the dictionary itself (few values: the codec is chosen only then) is
      // counted whole by each group of the stripe sharing it.
      if (v.codes()) bytes += n * sizeof(uint32_t) + v.dictionary()->size() * (sizeof(std::string) + 8);
      break;
    }
    case PhysicalType::kDec: bytes += n * sizeof(Decimal); break;
    case PhysicalType::kInterval: bytes += n * sizeof(Interval); break;
    default: break;
  }
  return bytes + sizeof(Vector);
}

bool BufferPool::Lookup(uint64_t part_id, uint64_t block, Vector* out) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(Key{part_id, block});
  if (it == entries_.end()) {
    ++counters_.misses;
    return false;
  }
  ++counters_.hits;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  *out = it->second.vector;
  return true;
}

void BufferPool::Insert(uint64_t part_id, uint64_t block, const Vector& v) {
  const uint64_t bytes = VectorBytes(v);
  std::lock_guard<std::mutex> lock(mu_);
  Key key{part_id, block};
  if (entries_.count(key)) return;
  lru_.push_front(key);
  entries_.emplace(key, Entry{v, bytes, lru_.begin()});
  used_ += bytes;
  EvictLocked();
}

void BufferPool::Forget(uint64_t part_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->first.part == part_id) {
      used_ -= it->second.bytes;
      lru_.erase(it->second.lru);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

void BufferPool::EvictLocked() {
  const uint64_t limit = BudgetLocked();
  while (used_ > limit && !lru_.empty()) {
    auto it = entries_.find(lru_.back());
    used_ -= it->second.bytes;
    entries_.erase(it);
    lru_.pop_back();
    ++counters_.evictions;
  }
}

}  // namespace yunhe
