// A primary key's map from key digest (common/row_key.h) to row id: open addressing with linear
// probing over a power-of-two array of 24-byte slots, at most half full. One cache line per
// lookup and no allocation per key, where a node-based map took two misses and a malloc (the
// line-protocol series key made this the ingest's hottest spot). Erase leaves a tombstone;
// tombstones are dropped when the array grows or is rebuilt.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/row_key.h"

namespace yunhe {

class KeyMap128 {
 public:
  // Row ids are below 2^62 (group * 2048 + row): the two top bits of a slot's row word hold its
  // state, so a slot is 24 bytes, not 32.
  static constexpr uint64_t kMaxRow = (uint64_t(1) << 62) - 1;

  // The row id of `key` into *row; false when absent.
  bool Find(const KeyDigest& key, uint64_t* row) const {
    if (slots_.empty()) return false;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.state() == kEmpty) return false;
      if (s.state() == kFull && s.key == key) {
        *row = s.row();
        return true;
      }
    }
  }
  // Sets the row id of `key` (adding it if absent).
  void Set(const KeyDigest& key, uint64_t row) {
    if ((used_ + 1) * 2 > slots_.size()) Grow(std::max<size_t>(8, (size_ + 1) * 2));
    size_t tomb = SIZE_MAX;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.state() == kFull && s.key == key) {
        s.Put(row, kFull);
        return;
      }
      if (s.state() == kTomb && tomb == SIZE_MAX) tomb = i;
      if (s.state() == kEmpty) {
        Slot& put = slots_[tomb != SIZE_MAX ? tomb : i];
        if (put.state() == kEmpty) ++used_;
        put.key = key;
        put.Put(row, kFull);
        ++size_;
        return;
      }
    }
  }
  // Removes `key` when it maps to `row` (a newer row with the same key stays).
  void EraseIf(const KeyDigest& key, uint64_t row) {
    if (slots_.empty()) return;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.state() == kEmpty) return;
      if (s.state() == kFull && s.key == key) {
        if (s.row() == row) {
          s.Put(s.row(), kTomb);
          --size_;
        }
        return;
      }
    }
  }
  // Moves every key to the row id `new_row` gives for its row; false (the map half moved:
  // clear or rebuild it) when that is UINT64_MAX for some key.
  template <typename F>
  bool RemapRows(F&& new_row) {
    for (Slot& s : slots_) {
      if (s.state() != kFull) continue;
      const uint64_t to = new_row(s.row());
      if (to > kMaxRow) return false;
      s.Put(to, kFull);
    }
    return true;
  }
  // Removes every key whose row id is below `limit`.
  void EraseRowsBelow(uint64_t limit) {
    for (Slot& s : slots_)
      if (s.state() == kFull && s.row() < limit) {
        s.Put(s.row(), kTomb);
        --size_;
      }
  }
  void Clear() {
    slots_.clear();
    slots_.shrink_to_fit();
    mask_ = 0;
    size_ = used_ = 0;
  }
  // Removes every key, keeping the array (a map emptied and refilled often: no reallocation).
  void ClearKeepingCapacity() {
    if (used_ == 0) return;
    std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = used_ = 0;
  }
  // Room for `n` keys without growing.
  void Reserve(size_t n) {
    if (n * 2 > slots_.size()) Grow(n);
  }
  size_t size() const { return size_; }
  size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  enum State : uint64_t { kEmpty = 0, kFull = 1, kTomb = 2 };
  struct Slot {
    KeyDigest key;
    uint64_t tagged = 0;  // state << 62 | row
    State state() const { return State(tagged >> 62); }
    uint64_t row() const { return tagged & kMaxRow; }
    void Put(uint64_t row, State st) { tagged = uint64_t(st) << 62 | (row & kMaxRow); }
  };
  static_assert(sizeof(Slot) == 24);
  size_t Home(const KeyDigest& key) const { return size_t(key.low) & mask_; }
  // Rehashes the live keys into an array with room for `n` keys at half load.
  void Grow(size_t n) {
    size_t capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    size_ = used_ = 0;
    for (const Slot& s : old)
      if (s.state() == kFull) Set(s.key, s.row());
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;  // keys
  size_t used_ = 0;  // keys and tombstones: what probing walks over
};

}  // namespace yunhe
