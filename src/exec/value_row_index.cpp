#include "exec/value_row_index.h"

#include <algorithm>
#include <numeric>

#include "exec/row_index_cache.h"

namespace yunhe {

bool ValueIndexable(const LogicalType& type) {
  const PhysicalType p = type.physical();
  // Not doubles: NaN sorts above every number in PostgreSQL, which operator< cannot order.
  if (p == PhysicalType::kStr) return type.id == TypeId::kText;  // not geometry, arrays, json ...
  return p == PhysicalType::kI64;
}

namespace {

template <typename K>
void SortedKeys(const TableData& data, size_t column, const std::vector<uint32_t>& counts, const K* (*values)(const Vector&),
                std::vector<K>* keys, std::vector<uint64_t>* row_ids) {
  std::vector<K> k;
  std::vector<uint64_t> ids;
  for (size_t g = 0; g < counts.size(); ++g) {
    const Vector v = data.column(g, column);
    const K* vals = values(v);
    const auto& deleted = data.deleted(g);
    for (size_t r = 0; r < counts[g]; ++r) {
      if (deleted[r] || v.IsNull(r)) continue;
      k.push_back(vals[r]);
      ids.push_back(uint64_t(g) * kChunkRows + r);
    }
  }
  std::vector<uint32_t> order(k.size());
  std::iota(order.begin(), order.end(), 0u);
  // Stable: equal keys keep row-id order, so a lookup's rows come out in table order.
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return k[a] < k[b]; });
  keys->reserve(k.size());
  row_ids->reserve(k.size());
  for (uint32_t o : order) {
    keys->push_back(std::move(k[o]));
    row_ids->push_back(ids[o]);
  }
}

std::shared_ptr<const ValueRowIndex> Build(const TableData& data, size_t column, const std::vector<uint32_t>& counts) {
  auto idx = std::make_shared<ValueRowIndex>();
  idx->version = data.version();
  idx->counts = counts;
  idx->physical = data.types()[column].physical();
  switch (idx->physical) {
    case PhysicalType::kI64:
      SortedKeys<int64_t>(data, column, counts, [](const Vector& v) { return v.i64(); }, &idx->keys_i, &idx->row_ids);
      break;
    case PhysicalType::kStr:
      SortedKeys<std::string>(data, column, counts, [](const Vector& v) { return v.str(); }, &idx->keys_s, &idx->row_ids);
      break;
    default: break;  // not indexable: empty (the planner never asks)
  }
  return idx;
}

template <typename K>
std::pair<size_t, size_t> RangeOf(const std::vector<K>& keys, const IndexRange& r, K lo, K hi) {
  auto begin = keys.begin(), end = keys.end();
  if (!r.lo.is_null) begin = r.lo_inclusive ? std::lower_bound(keys.begin(), keys.end(), lo) : std::upper_bound(keys.begin(), keys.end(), lo);
  if (!r.hi.is_null) end = r.hi_inclusive ? std::upper_bound(keys.begin(), keys.end(), hi) : std::lower_bound(keys.begin(), keys.end(), hi);
  if (end < begin) end = begin;
  return {size_t(begin - keys.begin()), size_t(end - keys.begin())};
}

}  // namespace

std::pair<size_t, size_t> ValueRowIndex::Find(const IndexRange& r) const {
  switch (physical) {
    case PhysicalType::kI64: return RangeOf(keys_i, r, r.lo.i, r.hi.i);
    case PhysicalType::kStr: return RangeOf(keys_s, r, r.lo.s, r.hi.s);
    default: return {0, 0};
  }
}

std::shared_ptr<const ValueRowIndex> GetValueRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                      size_t column, const std::vector<uint32_t>& counts) {
  return CachedRowIndex<ValueRowIndex>(table, data, column, counts, Build);
}

}  // namespace yunhe
