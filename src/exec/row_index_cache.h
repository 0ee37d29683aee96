// The cache behind the in-memory secondary indexes (GiST R-trees, B-tree-like value indexes):
// one index per (table, column), built on first use and reused while the table only grows (the
// rows appended since are few and the scan reads them directly); rebuilt after deletes,
// updates, rollbacks or compaction (TableData::version changes) or once the appended rows pass
// an eighth of the indexed ones. Not persisted: rebuilt after a restart.
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

// Index must have `version`, `counts` (rows per group it covers) and indexed_rows().
// build(data, column, counts) makes a new one from `data`: the table's live data or the snapshot
// its reader sees.
template <typename Index, typename Build>
std::shared_ptr<const Index> CachedRowIndex(const std::shared_ptr<Table>& table, const TableData& data, size_t column,
                                            const std::vector<uint32_t>& counts, Build build) {
  struct Entry {
    std::weak_ptr<Table> owner;
    std::shared_ptr<const Index> index;
  };
  static std::mutex mu;
  static std::map<std::pair<const Table*, size_t>, Entry> cache;
  std::lock_guard<std::mutex> lock(mu);
  // Entries of dropped tables go (a new table may reuse the address).
  for (auto it = cache.begin(); it != cache.end();) it = it->second.owner.expired() ? cache.erase(it) : std::next(it);
  Entry& e = cache[{table.get(), column}];
  if (e.index && e.index->version == data.version()) {
    // Still valid if few rows came after it (rows past a reader's snapshot are skipped by the scan).
    const size_t tail = RowsPastIndex(counts, e.index->counts);
    if (tail <= std::max<size_t>(4096, e.index->indexed_rows() / 8)) return e.index;
  }
  e.owner = table;
  e.index = build(data, column, counts);
  return e.index;
}

}  // namespace yunhe
