// The in-memory R-tree behind `CREATE INDEX ... USING gist (geom)`: one entry per live row with
// its geometry's bounding box. Cached per (table, column) as exec/row_index_cache.h says.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "functions/geo/rtree.h"
#include "storage/table.h"

namespace yunhe {

struct SpatialRowIndex {
  static constexpr int kCacheKind = 1;  // exec/row_index_cache.h
  uint64_t version = 0;
  std::vector<uint32_t> counts;   // rows per row group covered by the index
  std::vector<uint64_t> row_ids;  // tree item -> row id (group * kChunkRows + row)
  std::unique_ptr<geo::PackedRTree> tree;
  size_t indexed_rows() const { return row_ids.size(); }
};

// The bounding box of row r of a GEOMETRY vector; false for NULL or empty geometries, which the
// index leaves out (their distance is NULL).
bool RowBox(const Vector& v, size_t r, geo::Box* box);

// The index over `column` of `table` for a reader that sees `data` (the live rows or a
// snapshot) with `counts` rows per group.
std::shared_ptr<const SpatialRowIndex> GetSpatialRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                          size_t column, const std::vector<uint32_t>& counts);

}  // namespace yunhe
