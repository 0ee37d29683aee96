// The R-tree behind `CREATE INDEX ... USING gist (geom)`: entries are rows with their geometry's
// bounding box. Sealed row groups are indexed per part file: one R-tree per (part, column),
// built from the part's blocks on first use and kept with the part (PartFile::Attachment), so a
// restart, a checkpoint or a delete never rebuilds the trees of unchanged parts — only the
// table's map from part groups to its row groups, and a small tree over the rows not in a part
// (the resident tail, groups changed by ALTER TABLE). Deleted rows stay in part trees; readers
// skip them. The table-level index is cached per (table, column) as exec/row_index_cache.h says.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "functions/geo/rtree.h"
#include "storage/table.h"

namespace yunhe {

// One part column's tree: item k is slot slots[k] (part group * kChunkRows + row).
struct PartRTree {
  std::unique_ptr<geo::PackedRTree> tree;
  std::vector<uint64_t> slots;
};

struct SpatialRowIndex {
  static constexpr int kCacheKind = 1;  // exec/row_index_cache.h
  uint64_t version = 0;
  std::vector<uint32_t> counts;  // rows per row group covered by the index
  struct PartPiece {
    std::shared_ptr<const PartRTree> tree;
    std::vector<int64_t> table_group;  // part group -> the table's row group (-1: not in the table)
  };
  std::vector<PartPiece> parts;
  std::unique_ptr<geo::PackedRTree> rest;  // rows outside parts: item k is row id rest_ids[k]
  std::vector<uint64_t> rest_ids;
  size_t rows = 0;
  size_t indexed_rows() const { return rows; }
};

// Nearest-first over every tree of an index: row ids in order of increasing distance between
// their box and the query box (rows of part groups the table no longer has are skipped).
class SpatialNearestCursor {
 public:
  SpatialNearestCursor(const SpatialRowIndex& index, const geo::Box& q);
  double PeekDistance();  // INFINITY when none is left
  bool Next(uint64_t* row_id, double* d);

 private:
  struct Source {
    geo::PackedRTree::NearestCursor cursor;
    const SpatialRowIndex::PartPiece* piece;  // nullptr: the rest tree
  };
  std::vector<Source> sources_;
  std::vector<std::pair<double, size_t>> heap_;  // (source's next distance, source), nearest on top
  const SpatialRowIndex& index_;
};

// The bounding box of row r of a GEOMETRY vector; false for NULL or empty geometries, which the
// index leaves out (their distance is NULL).
bool RowBox(const Vector& v, size_t r, geo::Box* box);

// The index over `column` of `table` for a reader that sees `data` (the live rows or a
// snapshot) with `counts` rows per group.
std::shared_ptr<const SpatialRowIndex> GetSpatialRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                          size_t column, const std::vector<uint32_t>& counts);

// Part trees built in this process (tests: a restart or a new part builds only what is new).
uint64_t SpatialPartTreesBuilt();

}  // namespace yunhe
