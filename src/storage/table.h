// In-memory column store of one table: rows live in row groups of kChunkRows rows (the last one
// may be partial), each a DataChunk, with a deleted-row mask per group. Row ids are positions:
// row_id = group_index * kChunkRows + row. They are stable until a checkpoint compacts the table.
//
// Thread: one writer at a time (the database's write lock); readers take a row-count snapshot at
// scan start and never look past it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/vector.h"

namespace yunhe {

struct ColumnInfo {
  std::string name;
  LogicalType type;
  bool not_null = false;
  std::string default_sql;  // expression text, "" = NULL
};

struct TableSchema {
  std::string name;
  std::vector<ColumnInfo> columns;
  int time_column = -1;               // designated timestamp (PARTITION BY RANGE (ts)), -1 = none
  int64_t partition_interval_ns = 0;  // width of a time partition
  std::vector<int> primary_key;       // column indexes

  int ColumnIndex(const std::string& name) const {
    for (size_t c = 0; c < columns.size(); ++c)
      if (columns[c].name == name) return int(c);
    return -1;
  }
  std::vector<LogicalType> Types() const {
    std::vector<LogicalType> t;
    for (auto& c : columns) t.push_back(c.type);
    return t;
  }
};

// Min/max of one column in one row group (integers, timestamps and doubles), for skipping
// row groups that cannot satisfy a predicate. Computed lazily; deletes keep it valid (it
// stays a bound), appends and rollbacks recompute it.
struct ZoneMap {
  bool has_values = false;  // false: every row is NULL
  int64_t min_i = 0, max_i = 0;
  double min_f = 0, max_f = 0;
};

class TableData {
 public:
  size_t row_count() const { return rows_; }  // including deleted rows
  size_t live_count() const { return rows_ - deleted_count_; }
  size_t group_count() const { return groups_.size(); }
  const DataChunk& group(size_t g) const { return groups_[g]; }
  const std::vector<uint8_t>& deleted(size_t g) const { return deleted_[g]; }
  bool IsDeleted(uint64_t row_id) const { return deleted_[row_id / kChunkRows][row_id % kChunkRows] != 0; }

  void Init(const std::vector<LogicalType>& types) { types_ = types; }
  const std::vector<LogicalType>& types() const { return types_; }
  void Append(const DataChunk& chunk);
  // Marks a row deleted; returns false when it already was.
  bool Delete(uint64_t row_id);
  void Undelete(uint64_t row_id);
  // Drops rows past `rows` (rolls back appends).
  void Truncate(size_t rows);
  // Schema changes rewrite the columns.
  void AddColumn(const LogicalType& type, const Value& fill);
  void DropColumn(size_t column_idx);
  // Copies live rows into fresh groups (after many deletes, at checkpoint).
  void Compact();
  // Zone map of column `column` in group `g` (physical I64 or F64 columns only).
  const ZoneMap& Zone(size_t g, size_t column) const;

 private:
  std::vector<LogicalType> types_;
  std::vector<DataChunk> groups_;
  std::vector<std::vector<uint8_t>> deleted_;
  size_t rows_ = 0;
  size_t deleted_count_ = 0;
  // zones_[g][column], valid while zone_rows_[g][column] == groups_[g].count
  mutable std::vector<std::vector<ZoneMap>> zones_;
  mutable std::vector<std::vector<size_t>> zone_rows_;
};

struct Table {
  uint64_t id = 0;
  TableSchema schema;
  TableData data;
  // Set when the table's segment file failed its checks at open: reads raise XX001 with this text.
  std::string corrupt;
};

}  // namespace yunhe
