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

// Dense ids for the values of one key, in order of first appearance (NULLs share one id), or
// false for types not hashed by value here (NUMERIC, INTERVAL: equal values may differ in
// representation). Text keys are viewed, not copied: the key vectors outlive the map.
class KeyIds {
 public:
  static bool Supports(const LogicalType& t) {
    const PhysicalType p = t.physical();
    return p == PhysicalType::kI64 || p == PhysicalType::kF64 || p == PhysicalType::kStr;
  }
  // Appends the id of each of the vector's `count` rows to ids.
  void Add(const Vector& key, size_t count, std::vector<uint32_t>* ids) {
    const uint8_t* nulls = key.nulls();
    const PhysicalType p = key.type().physical();
    for (size_t r = 0; r < count; ++r) {
      if (nulls[r]) {
        if (null_id_ < 0) null_id_ = next_++;
        ids->push_back(uint32_t(null_id_));
        continue;
      }
      const uint32_t id = p == PhysicalType::kStr ? strs_.Insert(std::string_view(key.str()[r]))
                          : p == PhysicalType::kI64 ? ints_.Insert(key.i64()[r])
                                                    : ints_.Insert(DoubleKey(key.f64()[r]));
      if (id == global_.size()) global_.push_back(next_++);
      ids->push_back(global_[id]);
    }
  }

 private:
  FlatKeyMap<int64_t> ints_;
  FlatKeyMap<std::string_view> strs_;
  std::vector<uint32_t> global_;  // map id -> id handed out (the NULL id takes one in between)
  int64_t null_id_ = -1;
  uint32_t next_ = 0;
};

// Dense partition id per row over all partition keys; false if a key cannot be hashed.
bool PartitionIds(const std::vector<std::vector<Vector>>& keys, size_t n, std::vector<uint32_t>* ids, size_t* count) {
  for (auto& chunks : keys)
    if (!chunks.empty() && !KeyIds::Supports(chunks[0].type())) return false;
  ids->clear();
  ids->reserve(n);
  std::vector<uint32_t> next;
  for (size_t k = 0; k < keys.size(); ++k) {
    KeyIds map;
    std::vector<uint32_t>* out = k == 0 ? ids : &next;
    out->clear();
    for (const Vector& chunk : keys[k]) map.Add(chunk, chunk.size(), out);
    if (k == 0) continue;
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
  } else if (PartitionIds(partition_key_chunks, n, &ids, &parts)) {
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
