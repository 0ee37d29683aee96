// The row order a window needs: rows grouped into partitions (PARTITION BY) and sorted inside
// each by the window's ORDER BY, ties in input order.
//
// Partition keys of integer, double and text type are hashed to dense partition ids and the rows
// counting-sorted by id (no comparison of partition keys at all); each partition is then sorted
// on its own, partitions spread over all cores. Other key types sort every row by (partition
// keys, order keys). Partitions come out in no particular order: window results do not depend on
// it, and the operator emits rows in input order.
#pragma once
#include <cstdint>
#include <vector>

#include "common/vector.h"
#include "exec/operator.h"
#include "exec/sort.h"

namespace yunhe {

struct WindowOrder {
  std::vector<uint32_t> rows;  // row indexes, partition after partition, each in window order
  std::vector<size_t> bounds;  // partition k is rows[bounds[k], bounds[k + 1])
  size_t partitions() const { return bounds.size() - 1; }
};

// partition_keys[k][c]: partition key k over input chunk c (chunks in input order, `rows` in all).
WindowOrder OrderForWindow(const std::vector<std::vector<Vector>>& partition_keys,
                           const std::vector<const Vector*>& order_keys, const std::vector<SortKey>& order_spec,
                           size_t rows, ExecContext& ctx);

// Splits partitions into contiguous runs of about equal row counts for `workers` threads (a few
// runs per thread so a large partition does not leave the others idle): run t covers partitions
// [result[t], result[t + 1]).
std::vector<size_t> PartitionRuns(const WindowOrder& order, size_t workers);

}  // namespace yunhe
