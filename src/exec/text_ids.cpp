#include "exec/text_ids.h"

namespace yunhe {

int64_t TextIds::Intern(std::string_view s, uint64_t hash) {
  if ((strings_.size() + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  for (; slots_[i].id >= 0; i = (i + 1) & mask)
    if (slots_[i].hash == hash && strings_[size_t(slots_[i].id)] == s) return slots_[i].id;
  const int64_t id = int64_t(strings_.size());
  strings_.emplace_back(s);
  string_bytes_ += s.size() > 15 ? s.size() + 1 : 0;
  slots_[i] = Slot{hash, id};
  return id;
}

void TextIds::Grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& o : old) {
    if (o.id < 0) continue;
    size_t i = o.hash & mask;
    while (slots_[i].id >= 0) i = (i + 1) & mask;
    slots_[i] = o;
  }
}

void TextIds::Map(const Vector& v, const uint32_t* rows, size_t m, Vector* ids) {
  const size_t n = v.size();
  *ids = Vector(LogicalType(TypeId::kInt64));
  ids->Resize(n);
  int64_t* out = ids->i64();
  uint8_t* out_nulls = ids->nulls();
  const uint8_t* nulls = v.nulls();
  const std::string* s = v.str();
  const TextDictionary* dict = v.dictionary();
  auto for_rows = [&](auto&& f) {
    if (rows) {
      for (size_t i = 0; i < m; ++i) f(rows[i]);
    } else {
      for (size_t r = 0; r < n; ++r) f(r);
    }
  };
  if (dict && dict->size() <= m) {
    // One lookup per distinct value, on first use in this chunk or an earlier one.
    if (last_dict_.get() != dict) {
      last_dict_ = v.shared_dictionary();
      last_dict_ids_.assign(dict->size(), -1);
    }
    const uint32_t* codes = v.codes();
    for_rows([&](size_t r) {
      out_nulls[r] = nulls[r];
      if (nulls[r]) return;
      int64_t& id = last_dict_ids_[codes[r]];
      if (id < 0) id = Intern(dict->values[codes[r]], dict->hashes[codes[r]]);
      out[r] = id;
    });
    return;
  }
  // Runs of one value (rows clustered by the key) need one lookup.
  size_t last = SIZE_MAX;
  for_rows([&](size_t r) {
    out_nulls[r] = nulls[r];
    if (nulls[r]) return;
    if (last != SIZE_MAX && s[r] == s[last]) {
      out[r] = out[last];
    } else {
      out[r] = Intern(s[r], TextDictionary::Hash(s[r]));
    }
    last = r;
  });
}

size_t TextIds::ApproxBytes() const {
  return slots_.size() * sizeof(Slot) + strings_.size() * sizeof(std::string) + string_bytes_ +
         last_dict_ids_.size() * sizeof(int64_t);
}

}  // namespace yunhe
