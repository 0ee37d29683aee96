// The distinct values of a text column chunk, so operators that compare or group text work once
// per distinct value instead of once per row: a filter `host = 'host_7'` tests each value once
// and then compares small integers; GROUP BY host hashes each value once. A Vector carries one
// (common/vector.h: dictionary(), codes()) when it was decoded from a dictionary-coded block or
// read from a resident row group that built one (storage/table.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace yunhe {

class Vector;

struct TextDictionary {
  // Distinct, in first-seen order, when built from a column (BuildTextDictionary, a dictionary-
  // coded block); a function's results over a dictionary may repeat a value (exec/
  // expression_eval.cpp). Users compare by value, so repeats cost only the repeated work.
  std::vector<std::string> values;
  std::vector<uint64_t> hashes;     // std::hash<std::string_view> of each value

  explicit TextDictionary(std::vector<std::string> distinct);
  TextDictionary(std::vector<std::string> distinct, std::vector<uint64_t> their_hashes)
      : values(std::move(distinct)), hashes(std::move(their_hashes)) {}
  size_t size() const { return values.size(); }
  static uint64_t Hash(std::string_view s) { return std::hash<std::string_view>()(s); }
};

// Codes of a vector's rows (NULL rows: 0, whatever value 0 is) and the dictionary they index.
// A Vector holds one behind a shared pointer; several vectors may share the dictionary.
struct DictionaryCodes {
  std::shared_ptr<const TextDictionary> dictionary;
  std::vector<uint32_t> codes;
};

// The dictionary of text vector `v`'s first `rows` rows, or a result without one (dictionary
// nullptr) when more than `max_values` distinct values appear (a column of unique values gains
// nothing from one).
DictionaryCodes BuildTextDictionary(const Vector& v, size_t rows, size_t max_values);

}  // namespace yunhe
