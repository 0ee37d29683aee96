// The B-tree-like index behind `CREATE INDEX ... (col, ...)` (method btree, the default): the
// non-NULL values of the first indexed column, sorted, each with where its row is, so an
// equality, IN list or range on that column is a binary search instead of a scan. Integer,
// timestamp, date, boolean and text columns (byte order, as the engine compares text).
// Two layers: each sealed part has its own index (stored in the part when it was written after
// the index existed, docs/format.md "Part file", read block by block through the buffer pool;
// else a PartValueIndex built from its blocks on first use and kept with the part, which never
// changes, so a checkpoint or restart rebuilds nothing for unchanged parts), and
// the resident rows get one cached per (table, column) as exec/row_index_cache.h says, which also
// maps each part's groups to the table's row ids. CREATE INDEX builds both at once.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/table.h"

namespace yunhe {

// Keys in [lo, hi]; a NULL bound is open on that side.
struct IndexRange {
  Value lo, hi;
  bool lo_inclusive = true, hi_inclusive = true;
};

// Sorted keys with a position each (a row id, or a slot in a part: group * kChunkRows + row),
// equal keys in position order.
struct SortedValues {
  PhysicalType physical = PhysicalType::kI64;
  std::vector<int64_t> keys_i;
  std::vector<std::string> keys_s;
  std::vector<uint64_t> positions;
  // [begin, end) of the keys in range.
  std::pair<size_t, size_t> Find(const IndexRange& r) const;
};

// One part's rows of one column (deleted rows included: readers check visibility).
using PartValueIndex = SortedValues;

struct ValueRowIndex {
  static constexpr int kCacheKind = 2;  // exec/row_index_cache.h
  uint64_t version = 0;
  std::vector<uint32_t> counts;  // rows per row group covered by the index
  SortedValues resident;         // rows of groups not in a part (positions are row ids)
  struct PartRows {
    std::shared_ptr<const PartFile> part;
    size_t part_column = 0;
    std::shared_ptr<const PartValueIndex> index;  // built in memory; null: the part's stored index
    std::vector<int64_t> table_group;  // per group of the part: its group in the table, -1 = none
    size_t Lookup(const IndexRange& r, std::vector<uint64_t>* slots) const;  // slots null: count only
  };
  std::vector<PartRows> parts;
  size_t indexed_rows() const;
  // Rows with keys in range: how many (an upper bound), or their row ids appended to *ids.
  size_t Count(const IndexRange& r) const;
  void Collect(const IndexRange& r, std::vector<uint64_t>* ids) const;
};

// True for the column types the index can hold.
bool ValueIndexable(const LogicalType& type);

// The index over `column` of `table` for a reader that sees `data` (live rows or a snapshot).
std::shared_ptr<const ValueRowIndex> GetValueRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                      size_t column, const std::vector<uint32_t>& counts);

}  // namespace yunhe
