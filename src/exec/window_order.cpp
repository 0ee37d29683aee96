#include "exec/window_order.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <string_view>

#include "exec/key_ids.h"
#include "exec/parallel_for.h"
#include "exec/row_sort.h"
#include "functions/kernel_util.h"

namespace yunhe {

std::vector<size_t> PartitionRuns(const WindowOrder& order, size_t workers) {
  const size_t parts = order.partitions();
  const size_t target = std::max<size_t>(4096, order.rows.size() / std::max<size_t>(1, workers * 8));
  std::vector<size_t> runs{0};
  size_t start_row = 0;
  for (size_t k = 0; k < parts; ++k) {
    if (order.bounds[k + 1] - start_row >= target) {
      runs.push_back(k + 1);
      start_row = order.bounds[k + 1];
    }
  }
  if (runs.back() != parts) runs.push_back(parts);
  return runs;
}

WindowOrder OrderForWindow(const std::vector<std::vector<Vector>>& partition_key_chunks,
                           const std::vector<const Vector*>& order_keys, const std::vector<SortKey>& order_spec, size_t n,
                           ExecContext& ctx) {
  WindowOrder out;
  std::vector<uint32_t> ids;
  size_t parts = 1;
  if (partition_key_chunks.empty() || n == 0) {
    out.rows.resize(n);
    std::iota(out.rows.begin(), out.rows.end(), 0u);
    out.bounds = {0, n};
  } else if (DenseKeyIds(partition_key_chunks, n, &ids, &parts)) {
    // Counting sort by partition id: stable, so each partition keeps input order.
    out.bounds.assign(parts + 1, 0);
    for (size_t r = 0; r < n; ++r) ++out.bounds[ids[r] + 1];
    for (size_t k = 0; k < parts; ++k) out.bounds[k + 1] += out.bounds[k];
    std::vector<size_t> fill(out.bounds.begin(), out.bounds.end() - 1);
    out.rows.resize(n);
    for (size_t r = 0; r < n; ++r) out.rows[fill[ids[r]]++] = uint32_t(r);
  } else {
    // Sort everything by (partition keys, order keys), then cut where the partition keys change.
    std::vector<Vector> flat;
    for (auto& chunks : partition_key_chunks) {
      flat.emplace_back(chunks[0].type());
      for (const Vector& c : chunks) flat.back().AppendRange(c, 0, c.size());
    }
    std::vector<const Vector*> partition_keys;
    for (auto& v : flat) partition_keys.push_back(&v);
    std::vector<const Vector*> keys = partition_keys;
    std::vector<SortKey> spec(partition_keys.size());
    keys.insert(keys.end(), order_keys.begin(), order_keys.end());
    spec.insert(spec.end(), order_spec.begin(), order_spec.end());
    out.rows.resize(n);
    std::iota(out.rows.begin(), out.rows.end(), 0u);
    SortRowIndexes(out.rows.data(), out.rows.data() + n, keys, spec, /*parallel=*/true);
    out.bounds = {0};
    for (size_t i = 1; i < n; ++i)
      if (!SameKeyValues(partition_keys, out.rows[i - 1], out.rows[i])) out.bounds.push_back(i);
    out.bounds.push_back(n);
    return out;
  }
  if (order_keys.empty()) return out;
  if (out.partitions() == 1) {
    SortRowIndexes(out.rows.data(), out.rows.data() + n, order_keys, order_spec, /*parallel=*/true);
    return out;
  }
  const std::vector<size_t> runs = PartitionRuns(out, DefaultWorkers());
  ParallelFor(DefaultWorkers(), runs.size() - 1, ctx, [&](size_t, size_t t, ExecContext&) {
    for (size_t k = runs[t]; k < runs[t + 1]; ++k)
      SortRowIndexes(out.rows.data() + out.bounds[k], out.rows.data() + out.bounds[k + 1], order_keys, order_spec, false);
  });
  return out;
}

}  // namespace yunhe
