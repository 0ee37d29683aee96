#include "exec/window_order.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <string_view>

#include "exec/flat_key_map.h"
#include "exec/parallel_for.h"
#include "exec/row_sort.h"
#include "functions/kernel_util.h"

namespace yunhe {

namespace {

// Equal doubles (as SQL compares them: -0 = 0, NaN = NaN) map to equal bit patterns.
int64_t DoubleKey(double d) {
  if (d == 0) d = 0;
  if (d != d) d = std::nan("");
  return std::bit_cast<int64_t>(d);
}

// Dense id per row of one key (NULLs share one id), or false when the type cannot be hashed by
// value here (NUMERIC, INTERVAL: equal values with different representations).
bool KeyIds(const Vector& key, size_t n, std::vector<uint32_t>* ids) {
  const PhysicalType p = key.type().physical();
  if (p != PhysicalType::kI64 && p != PhysicalType::kF64 && p != PhysicalType::kStr) return false;
  ids->resize(n);
  const uint8_t* nulls = key.nulls();
  constexpr uint32_t kNull = UINT32_MAX;  // renumbered to the id after the last value's below
  size_t values = 0;
  bool any_null = false;
  if (p == PhysicalType::kStr) {
    FlatKeyMap<std::string_view> map;
    const std::string* s = key.str();
    for (size_t r = 0; r < n; ++r) (*ids)[r] = nulls[r] ? kNull : map.Insert(std::string_view(s[r]));
    values = map.size();
  } else {
    FlatKeyMap<int64_t> map;
    const bool ints = p == PhysicalType::kI64;
    for (size_t r = 0; r < n; ++r)
      (*ids)[r] = nulls[r] ? kNull : map.Insert(ints ? key.i64()[r] : DoubleKey(key.f64()[r]));
    values = map.size();
  }
  for (size_t r = 0; r < n && !any_null; ++r) any_null = nulls[r];
  if (any_null)
    for (auto& id : *ids)
      if (id == kNull) id = uint32_t(values);
  return true;
}

// Dense partition id per row over all partition keys; false if a key cannot be hashed.
bool PartitionIds(const std::vector<const Vector*>& keys, size_t n, std::vector<uint32_t>* ids, size_t* count) {
  if (!KeyIds(*keys[0], n, ids)) return false;
  std::vector<uint32_t> next;
  for (size_t k = 1; k < keys.size(); ++k) {
    if (!KeyIds(*keys[k], n, &next)) return false;
    FlatKeyMap<int64_t> pairs;  // (id so far, id of this key) -> combined id
    for (size_t r = 0; r < n; ++r) (*ids)[r] = pairs.Insert(int64_t((uint64_t((*ids)[r]) << 32) | next[r]));
  }
  *count = n ? *std::max_element(ids->begin(), ids->end()) + 1 : 0;
  return true;
}

bool SameKeys(const std::vector<const Vector*>& keys, uint32_t a, uint32_t b) {
  for (const Vector* v : keys) {
    const bool an = v->IsNull(a), bn = v->IsNull(b);
    if (an != bn) return false;
    if (!an && CompareCells(*v, a, *v, b) != 0) return false;
  }
  return true;
}

}  // namespace

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

WindowOrder OrderForWindow(const std::vector<const Vector*>& partition_keys, const std::vector<const Vector*>& order_keys,
                           const std::vector<SortKey>& order_spec, size_t n, ExecContext& ctx) {
  WindowOrder out;
  std::vector<uint32_t> ids;
  size_t parts = 1;
  if (partition_keys.empty() || n == 0) {
    out.rows.resize(n);
    std::iota(out.rows.begin(), out.rows.end(), 0u);
    out.bounds = {0, n};
  } else if (PartitionIds(partition_keys, n, &ids, &parts)) {
    // Counting sort by partition id: stable, so each partition keeps input order.
    out.bounds.assign(parts + 1, 0);
    for (size_t r = 0; r < n; ++r) ++out.bounds[ids[r] + 1];
    for (size_t k = 0; k < parts; ++k) out.bounds[k + 1] += out.bounds[k];
    std::vector<size_t> fill(out.bounds.begin(), out.bounds.end() - 1);
    out.rows.resize(n);
    for (size_t r = 0; r < n; ++r) out.rows[fill[ids[r]]++] = uint32_t(r);
  } else {
    // Sort everything by (partition keys, order keys), then cut where the partition keys change.
    std::vector<const Vector*> keys = partition_keys;
    std::vector<SortKey> spec(partition_keys.size());
    keys.insert(keys.end(), order_keys.begin(), order_keys.end());
    spec.insert(spec.end(), order_spec.begin(), order_spec.end());
    out.rows.resize(n);
    std::iota(out.rows.begin(), out.rows.end(), 0u);
    SortRowIndexes(out.rows.data(), out.rows.data() + n, keys, spec, /*parallel=*/true);
    out.bounds = {0};
    for (size_t i = 1; i < n; ++i)
      if (!SameKeys(partition_keys, out.rows[i - 1], out.rows[i])) out.bounds.push_back(i);
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
