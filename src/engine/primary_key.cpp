#include "engine/primary_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "common/row_key.h"
#include "common/status.h"

namespace yunhe {

std::string PrimaryKeyConstraintName(const Table& t) {
  if (!t.schema.key_is_unique) return t.schema.name + "_pkey";
  std::string name = t.schema.name;
  for (int c : t.schema.primary_key) name += "_" + t.schema.columns[c].name;
  return name + "_key";
}

std::string PrimaryKeyOf(const Table& t, const DataChunk& rows, size_t row) {
  std::string key;
  for (int c : t.schema.primary_key) AppendKeyCell(rows.columns[c], row, key);
  return key;
}

bool KeyHasNull(const Table& t, const DataChunk& rows, size_t row) {
  for (int c : t.schema.primary_key)
    if (rows.columns[c].IsNull(row)) return true;
  return false;
}

void EnsurePrimaryKeyMap(Table& t) {
  if (t.pk_version == t.data.version()) return;
  t.pk_rows.clear();
  for (size_t g = 0; g < t.data.group_count(); ++g) {
    const DataChunk& chunk = t.data.group(g);
    const auto& deleted = t.data.deleted(g);
    for (size_t r = 0; r < chunk.count; ++r)
      if (!deleted[r] && !KeyHasNull(t, chunk, r)) t.pk_rows[PrimaryKeyOf(t, chunk, r)] = g * kChunkRows + r;
  }
  t.pk_version = t.data.version();
}

void CheckPrimaryKeys(Table& t, const DataChunk& rows) {
  if (t.schema.primary_key.empty()) return;
  EnsurePrimaryKeyMap(t);
  std::unordered_set<std::string> batch;
  for (size_t r = 0; r < rows.count; ++r) {
    if (KeyHasNull(t, rows, r)) continue;  // NULLs are never equal (UNIQUE keys)
    std::string key = PrimaryKeyOf(t, rows, r);
    if (t.pk_rows.count(key) || !batch.insert(key).second) {
      std::string cols, vals;
      for (size_t k = 0; k < t.schema.primary_key.size(); ++k) {
        int c = t.schema.primary_key[k];
        cols += (k ? ", " : "") + t.schema.columns[c].name;
        vals += (k ? ", " : "") + rows.columns[c].GetValue(r).ToString();
      }
      throw Error(Status::Error(SqlState::kUniqueViolation,
                                fmt::format("duplicate key value violates unique constraint \"{}\"", PrimaryKeyConstraintName(t)))
                      .WithDetail(fmt::format("Key ({})=({}) already exists.", cols, vals)));
    }
  }
}

void NotePrimaryKeys(Table& t, const TableData::AppendMark& mark) {
  if (t.schema.primary_key.empty() || t.pk_version != t.data.version()) return;
  auto note_range = [&](size_t g, size_t from) {
    const DataChunk& chunk = t.data.group(g);
    for (size_t r = from; r < chunk.count; ++r)
      if (!KeyHasNull(t, chunk, r)) t.pk_rows[PrimaryKeyOf(t, chunk, r)] = g * kChunkRows + r;
  };
  for (auto [g, before] : mark.touched) note_range(g, before);
  for (size_t g = mark.groups_before; g < t.data.group_count(); ++g) note_range(g, 0);
}

bool ResolveUpserts(Table& t, const DataChunk& rows, std::vector<uint64_t>* replaced, std::vector<std::string>* replaced_keys,
                    std::vector<uint32_t>* keep) {
  EnsurePrimaryKeyMap(t);
  replaced->clear();
  replaced_keys->clear();
  keep->clear();
  std::unordered_map<std::string, uint32_t> last;  // key -> last row of the batch holding it
  bool repeats = false;
  for (size_t r = 0; r < rows.count; ++r) {
    if (KeyHasNull(t, rows, r)) continue;
    auto [it, fresh] = last.try_emplace(PrimaryKeyOf(t, rows, r), uint32_t(r));
    if (!fresh) {
      it->second = uint32_t(r);
      repeats = true;
    }
  }
  for (auto& [key, row] : last) {
    auto it = t.pk_rows.find(key);
    if (it == t.pk_rows.end()) continue;
    replaced->push_back(it->second);
    replaced_keys->push_back(key);
  }
  std::sort(replaced->begin(), replaced->end());
  if (repeats) {
    for (size_t r = 0; r < rows.count; ++r)
      if (KeyHasNull(t, rows, r) || last[PrimaryKeyOf(t, rows, r)] == r) keep->push_back(uint32_t(r));
  }
  return repeats || !replaced->empty();
}

void ForgetPrimaryKeys(Table& t, const std::vector<std::string>& keys) {
  for (auto& k : keys) t.pk_rows.erase(k);
  t.pk_version = t.data.version();
}

int64_t FindPrimaryKey(Table& t, const std::string& key) {
  EnsurePrimaryKeyMap(t);
  auto it = t.pk_rows.find(key);
  return it == t.pk_rows.end() ? -1 : int64_t(it->second);
}

}  // namespace yunhe
