#include "common/text_dictionary.h"

#include <bit>

#include "common/vector.h"

namespace yunhe {

TextDictionary::TextDictionary(std::vector<std::string> distinct) : values(std::move(distinct)) {
  hashes.reserve(values.size());
  for (const std::string& v : values) hashes.push_back(Hash(v));
}

DictionaryCodes BuildTextDictionary(const Vector& v, size_t rows, size_t max_values) {
  if (v.type().physical() != PhysicalType::kStr || rows > v.size()) return {};
  const std::string* s = v.str();
  const uint8_t* nulls = v.nulls();
  // Open addressing over indexes into `values`, at most half full.
  const size_t slots_size = std::bit_ceil(std::max<size_t>(16, max_values * 2 + 2));
  const size_t mask = slots_size - 1;
  std::vector<uint32_t> slots(slots_size, UINT32_MAX);
  std::vector<uint64_t> slot_hash(slots_size, 0);
  std::vector<std::string> values;
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> codes(rows, 0);
  uint32_t* out = codes.data();
  // Runs of one value (a column sorted or clustered by it) find their code without hashing.
  size_t last_row = SIZE_MAX;
  for (size_t r = 0; r < rows; ++r) {
    if (nulls[r]) continue;
    if (last_row != SIZE_MAX && s[r] == s[last_row]) {
      out[r] = out[last_row];
      continue;
    }
    last_row = r;
    const uint64_t h = TextDictionary::Hash(s[r]);
    size_t i = h & mask;
    for (; slots[i] != UINT32_MAX; i = (i + 1) & mask)
      if (slot_hash[i] == h && values[slots[i]] == s[r]) break;
    if (slots[i] == UINT32_MAX) {
      if (values.size() == max_values) return {};
      slots[i] = uint32_t(values.size());
      slot_hash[i] = h;
      values.push_back(s[r]);
      hashes.push_back(h);
    }
    out[r] = slots[i];
  }
  return DictionaryCodes{std::make_shared<const TextDictionary>(std::move(values), std::move(hashes)), std::move(codes)};
}

}  // namespace yunhe
