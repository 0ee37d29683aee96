// The cache behind the in-memory secondary indexes (GiST R-trees, B-tree-like value indexes):
// one index per (table, column), built on first use and reused while the table only grows (the
// rows appended since are few and the scan reads them directly); rebuilt after deletes,
// updates, rollbacks or compaction (TableData::version changes) or once the appended rows pass
// an eighth of the indexed ones. The indexes belong to their table (Table::row_indexes), so two
// databases in one process never share one and a dropped table's go with it. What they hold for
// sealed rows lives with the parts (stored B-tree indexes, per-part R-trees built on first use:
// exec/value_row_index.h, exec/spatial_row_index.h), so a rebuild after a restart or a delete
// re-reads only the rows outside parts.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/table.h"

namespace yunhe {

// Rows of group g an index built over `index_counts` covers (0 for groups added after it).
inline uint32_t IndexedRows(const std::vector<uint32_t>& index_counts, size_t g) {
  return g < index_counts.size() ? index_counts[g] : 0;
}

// Rows a reader seeing `counts` rows per group has beyond what the index covers.
inline size_t RowsPastIndex(const std::vector<uint32_t>& counts, const std::vector<uint32_t>& index_counts) {
  size_t past = 0;
  for (size_t g = 0; g < counts.size(); ++g) {
    const uint32_t have = IndexedRows(index_counts, g);
    if (counts[g] > have) past += counts[g] - have;
  }
  return past;
}

// Index must have `version`, `counts` (rows per group it covers), indexed_rows() and a static
// `kCacheKind` telling index kinds apart. build(data, column, counts) makes a new one from
// `data`: the table's live data or the snapshot its reader sees.
template <typename Index, typename Build>
std::shared_ptr<const Index> CachedRowIndex(const std::shared_ptr<Table>& table, const TableData& data, size_t column,
                                            const std::vector<uint32_t>& counts, Build build) {
  Table::RowIndexCache& cache = *table->row_indexes;
  std::lock_guard<std::mutex> lock(cache.mu);
  std::shared_ptr<const void>& slot = cache.entries[{Index::kCacheKind, column}];
  auto index = std::static_pointer_cast<const Index>(slot);
  if (index && index->version == data.version()) {
    // Still valid if few rows came after it (rows past a reader's snapshot are skipped by the scan).
    const size_t tail = RowsPastIndex(counts, index->counts);
    if (tail <= std::max<size_t>(4096, index->indexed_rows() / 8)) return index;
  }
  index = build(data, column, counts);
  slot = index;
  return index;
}

}  // namespace yunhe
