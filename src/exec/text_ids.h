// Dense ids (0, 1, 2, ...) for the distinct strings of one text GROUP BY key, so the aggregate's
// hash table hashes and compares integers: equal strings get equal ids, byte for byte. A chunk
// whose column carries a dictionary (common/text_dictionary.h) is mapped one distinct value at a
// time, with its precomputed hash, instead of one row at a time; consecutive chunks sharing a
// dictionary (the row groups of one part stripe) reuse the mapping.
// Thread: one owner (each worker's aggregate table has its own).
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/vector.h"

namespace yunhe {

class TextIds {
 public:
  // ids (an I64 vector of v's size, NULL where v is) of the rows of text vector v listed in
  // rows[0..m) (every row when rows is nullptr); other rows' ids are unspecified.
  void Map(const Vector& v, const uint32_t* rows, size_t m, Vector* ids);
  // The id of s (hash: TextDictionary::Hash(s)), adding it when new.
  int64_t Intern(std::string_view s, uint64_t hash);
  size_t size() const { return strings_.size(); }
  size_t ApproxBytes() const;

 private:
  void Grow();
  struct Slot {
    uint64_t hash = 0;
    int64_t id = -1;  // -1: empty
  };
  std::vector<Slot> slots_ = std::vector<Slot>(64);
  std::deque<std::string> strings_;  // by id; a deque keeps them in place as it grows
  size_t string_bytes_ = 0;
  // The last dictionary mapped and its values' ids (-1: not looked up yet).
  std::shared_ptr<const TextDictionary> last_dict_;
  std::vector<int64_t> last_dict_ids_;
};

}  // namespace yunhe
