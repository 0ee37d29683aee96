#include "engine/primary_key.h"

#include <fmt/format.h>

#include <unordered_set>

#include "common/row_key.h"
#include "common/status.h"

namespace yunhe {

std::string PrimaryKeyConstraintName(const Table& t) { return t.schema.name + "_pkey"; }

std::string PrimaryKeyOf(const Table& t, const DataChunk& rows, size_t row) {
  std::string key;
  for (int c : t.schema.primary_key) AppendKeyCell(rows.columns[c], row, key);
  return key;
}

void EnsurePrimaryKeyMap(Table& t) {
  if (t.pk_version == t.data.version()) return;
  t.pk_rows.clear();
  for (size_t g = 0; g < t.data.group_count(); ++g) {
    const DataChunk& chunk = t.data.group(g);
    const auto& deleted = t.data.deleted(g);
    for (size_t r = 0; r < chunk.count; ++r)
      if (!deleted[r]) t.pk_rows[PrimaryKeyOf(t, chunk, r)] = g * kChunkRows + r;
  }
  t.pk_version = t.data.version();
}

void CheckPrimaryKeys(Table& t, const DataChunk& rows) {
  if (t.schema.primary_key.empty()) return;
  EnsurePrimaryKeyMap(t);
  std::unordered_set<std::string> batch;
  for (size_t r = 0; r < rows.count; ++r) {
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
    for (size_t r = from; r < chunk.count; ++r) t.pk_rows[PrimaryKeyOf(t, chunk, r)] = g * kChunkRows + r;
  };
  for (auto [g, before] : mark.touched) note_range(g, before);
  for (size_t g = mark.groups_before; g < t.data.group_count(); ++g) note_range(g, 0);
}

int64_t FindPrimaryKey(Table& t, const std::string& key) {
  EnsurePrimaryKeyMap(t);
  auto it = t.pk_rows.find(key);
  return it == t.pk_rows.end() ? -1 : int64_t(it->second);
}

}  // namespace yunhe
