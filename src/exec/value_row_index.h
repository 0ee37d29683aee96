// The B-tree-like index behind `CREATE INDEX ... (col, ...)` (method btree, the default): the
// live rows' non-NULL values of the first indexed column, sorted, each with its row id, so an
// equality, IN list or range on that column is a binary search instead of a scan. Integer,
// timestamp, date, boolean and text columns (byte order, as the engine compares text). Cached per (table, column) as
// exec/row_index_cache.h says; CREATE INDEX builds it at once.
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

struct ValueRowIndex {
  uint64_t version = 0;
  std::vector<uint32_t> counts;  // rows per row group covered by the index
  PhysicalType physical = PhysicalType::kI64;
  std::vector<int64_t> keys_i;
  std::vector<std::string> keys_s;
  std::vector<uint64_t> row_ids;  // parallel to the keys, ascending within equal keys
  size_t indexed_rows() const { return row_ids.size(); }
  // [begin, end) positions of the keys in range.
  std::pair<size_t, size_t> Find(const IndexRange& r) const;
};

// True for the column types the index can hold.
bool ValueIndexable(const LogicalType& type);

// The index over `column` of `table` for a reader that sees `data` (live rows or a snapshot).
std::shared_ptr<const ValueRowIndex> GetValueRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                      size_t column, const std::vector<uint32_t>& counts);

}  // namespace yunhe
