#include "exec/key_ids.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string_view>

#include "exec/flat_key_map.h"
#include "functions/kernel_util.h"

namespace yunhe {

namespace {

// Equal doubles (as SQL compares them: -0 = 0, NaN = NaN) map to equal bit patterns.
int64_t DoubleKey(double d) {
  if (d == 0) d = 0;
  if (d != d) d = std::nan("");
  return std::bit_cast<int64_t>(d);
}

// Dense ids for the values of one key, in order of first appearance (NULLs share one id), or
// false for types not hashed by value here (NUMERIC, INTERVAL: equal values may differ in
// representation). Text keys are viewed, not copied: the key vectors outlive the map.
class KeyIds {
 public:
  static bool Supports(const LogicalType& t) {
    const PhysicalType p = t.physical();
    return p == PhysicalType::kI64 || p == PhysicalType::kF64 || p == PhysicalType::kStr;
  }
  // Appends the id of each of the vector's `count` rows to ids.
  void Add(const Vector& key, size_t count, std::vector<uint32_t>* ids) {
    const uint8_t* nulls = key.nulls();
    const PhysicalType p = key.type().physical();
    const TextDictionary* dict = key.dictionary();
    if (dict && dict->size() <= count) {
      // One map lookup per distinct value (common/text_dictionary.h); the dictionary lives as
      // long as the key vector, so the map may view its values.
      code_ids_.assign(dict->size(), UINT32_MAX);
      const uint32_t* codes = key.codes();
      for (size_t r = 0; r < count; ++r) {
        if (nulls[r]) {
          ids->push_back(NullId());
          continue;
        }
        uint32_t& id = code_ids_[codes[r]];
        if (id == UINT32_MAX) id = Handed(strs_.Insert(std::string_view(dict->values[codes[r]])));
        ids->push_back(id);
      }
      return;
    }
    for (size_t r = 0; r < count; ++r) {
      if (nulls[r]) {
        ids->push_back(NullId());
        continue;
      }
      ids->push_back(Handed(p == PhysicalType::kStr ? strs_.Insert(std::string_view(key.str()[r]))
                            : p == PhysicalType::kI64 ? ints_.Insert(key.i64()[r])
                                                      : ints_.Insert(DoubleKey(key.f64()[r]))));
    }
  }

 private:
  FlatKeyMap<int64_t> ints_;
  FlatKeyMap<std::string_view> strs_;
  std::vector<uint32_t> global_;  // map id -> id handed out (the NULL id takes one in between)
  std::vector<uint32_t> code_ids_;  // Add of a vector with a dictionary: id per code
  uint32_t NullId() {
    if (null_id_ < 0) null_id_ = next_++;
    return uint32_t(null_id_);
  }
  // The id handed out for map id `map_id` (a new one when the map just added it).
  uint32_t Handed(uint32_t map_id) {
    if (map_id == global_.size()) global_.push_back(next_++);
    return global_[map_id];
  }
  int64_t null_id_ = -1;
  uint32_t next_ = 0;
};

}  // namespace

bool DenseKeyIds(const std::vector<std::vector<Vector>>& keys, size_t n, std::vector<uint32_t>* ids, size_t* count) {
  for (auto& chunks : keys)
    if (!chunks.empty() && !KeyIds::Supports(chunks[0].type())) return false;
  ids->clear();
  ids->reserve(n);
  std::vector<uint32_t> next;
  for (size_t k = 0; k < keys.size(); ++k) {
    KeyIds map;
    std::vector<uint32_t>* out = k == 0 ? ids : &next;
    out->clear();
    for (const Vector& chunk : keys[k]) map.Add(chunk, chunk.size(), out);
    if (k == 0) continue;
    FlatKeyMap<int64_t> pairs;  // (id so far, id of this key) -> combined id
    for (size_t r = 0; r < n; ++r) (*ids)[r] = pairs.Insert(int64_t((uint64_t((*ids)[r]) << 32) | next[r]));
  }
  *count = n ? *std::max_element(ids->begin(), ids->end()) + 1 : 0;
  return true;
}

bool SameKeyValues(const std::vector<const Vector*>& keys, uint32_t a, uint32_t b) {
  for (const Vector* v : keys) {
    const bool an = v->IsNull(a), bn = v->IsNull(b);
    if (an != bn) return false;
    if (an) continue;
    if (v->type().physical() == PhysicalType::kI64) {  // the common case, without CompareCells
      if (v->i64()[a] != v->i64()[b]) return false;
    } else if (CompareCells(*v, a, *v, b) != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace yunhe
