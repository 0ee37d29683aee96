#include "exec/value_row_index.h"

#include <algorithm>
#include <numeric>

#include "exec/row_index_cache.h"

#include <map>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "storage/part_file.h"

namespace yunhe {

bool ValueIndexable(const LogicalType& type) { return SortedIndexable(type); }

namespace {

// Appends the non-NULL values of v's first `rows` rows (not deleted) with their positions.
template <typename V, typename K>
void Gather(const Vector& v, const V* vals, size_t rows, const std::vector<uint8_t>* deleted, uint64_t base,
            std::vector<K>* keys, std::vector<uint64_t>* positions) {
  for (size_t r = 0; r < rows; ++r) {
    if ((deleted && (*deleted)[r]) || v.IsNull(r)) continue;
    keys->push_back(vals[r]);
    positions->push_back(base + r);
  }
}

// Moves (or, from views, copies) k[order[i]] and pos[order[i]] to the outputs, in that order.
template <typename K, typename Out>
void EmitInOrder(const std::vector<uint32_t>& order, std::vector<K>& k, const std::vector<uint64_t>& pos, std::vector<Out>* keys,
                 std::vector<uint64_t>* positions) {
  keys->reserve(k.size());
  positions->reserve(k.size());
  for (uint32_t o : order) {
    keys->emplace_back(std::move(k[o]));
    positions->push_back(pos[o]);
  }
}

// Sorts keys with their positions; stable, so equal keys keep position order.
template <typename K>
void SortByKey(std::vector<K>& k, std::vector<uint64_t>& pos, std::vector<K>* keys, std::vector<uint64_t>* positions) {
  std::vector<uint32_t> order(k.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return k[a] < k[b]; });
  EmitInOrder(order, k, pos, keys, positions);
}

// Text keys are mostly tags (hosts, devices, symbols): few distinct values repeated over
// millions of rows. One hashing pass numbers the distinct values, only those are sorted, and a
// counting sort by their rank places the rows (stable) -- instead of ~n log n string compares
// (8.6M host names: 5.8-8 s). Many distinct values fall back to the comparison sort.
// The keys are views into the table's column vectors, copied once into the index.
void SortTextKeys(std::vector<std::string_view>& k, std::vector<uint64_t>& pos, std::vector<std::string>* keys,
                  std::vector<uint64_t>* positions) {
  const size_t n = k.size();
  const size_t max_distinct = std::max<size_t>(1024, n / 16);
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<std::string_view> distinct;
  std::vector<uint32_t> id_of(n);
  for (size_t i = 0; i < n; ++i) {
    auto [it, fresh] = ids.try_emplace(k[i], uint32_t(distinct.size()));
    if (fresh) {
      distinct.push_back(k[i]);
      if (distinct.size() > max_distinct) {
        ids.clear();
        std::vector<uint32_t> order(n);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return k[a] < k[b]; });
        EmitInOrder(order, k, pos, keys, positions);
        return;
      }
    }
    id_of[i] = it->second;
  }
  std::vector<uint32_t> by_value(distinct.size());
  std::iota(by_value.begin(), by_value.end(), 0u);
  std::sort(by_value.begin(), by_value.end(), [&](uint32_t a, uint32_t b) { return distinct[a] < distinct[b]; });
  std::vector<size_t> start(distinct.size() + 1, 0);  // first output slot of each id
  for (uint32_t id : id_of) ++start[id + 1];
  std::vector<size_t> slot(distinct.size());
  size_t at = 0;
  for (uint32_t id : by_value) {
    slot[id] = at;
    at += start[id + 1];
  }
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[slot[id_of[i]]++] = uint32_t(i);
  EmitInOrder(order, k, pos, keys, positions);
}

// Sorted keys of type K (read by `values` from each vector) of the column vectors column_of(i),
// i < n, each with rows_of(i) rows.
template <typename K, typename Values, typename ColumnOf, typename RowsOf, typename DeletedOf>
void SortedOf(Values values, size_t n, ColumnOf column_of, RowsOf rows_of, DeletedOf deleted_of, std::vector<K>* keys,
              std::vector<uint64_t>* positions) {
  // Text is gathered as views into the column vectors (held here) and copied once, in order,
  // into the index.
  using Gathered = std::conditional_t<std::is_same_v<K, std::string>, std::string_view, K>;
  std::vector<Vector> held;
  std::vector<Gathered> k;
  std::vector<uint64_t> pos;
  size_t total = 0;  // reserved up front: growing millions of keys moved each one ~twice
  for (size_t i = 0; i < n; ++i) total += rows_of(i);
  k.reserve(total);
  pos.reserve(total);
  for (size_t i = 0; i < n; ++i) {
    const size_t rows = rows_of(i);
    if (rows == 0) continue;
    held.push_back(column_of(i));
    const Vector& v = held.back();  // its arrays stay put when `held` grows (shared, on the heap)
    Gather(v, values(v), rows, deleted_of(i), uint64_t(i) * kChunkRows, &k, &pos);
  }
  if constexpr (std::is_same_v<K, std::string>) SortTextKeys(k, pos, keys, positions);
  else SortByKey(k, pos, keys, positions);
}

// Fills `out` from the column vectors `column_of(i)`, i < n, each with `rows_of(i)` rows.
template <typename ColumnOf, typename RowsOf, typename DeletedOf>
void BuildSorted(PhysicalType physical, size_t n, ColumnOf column_of, RowsOf rows_of, DeletedOf deleted_of, SortedValues* out) {
  out->physical = physical;
  if (physical == PhysicalType::kI64)
    SortedOf<int64_t>([](const Vector& v) { return v.i64(); }, n, column_of, rows_of, deleted_of, &out->keys_i, &out->positions);
  else if (physical == PhysicalType::kStr)
    SortedOf<std::string>([](const Vector& v) { return v.str(); }, n, column_of, rows_of, deleted_of, &out->keys_s, &out->positions);
}

std::shared_ptr<const PartValueIndex> PartIndexOf(const PartFile& part, size_t part_column) {
  auto made = part.Attachment("btree:" + std::to_string(part_column), [&]() -> std::shared_ptr<const void> {
    auto idx = std::make_shared<PartValueIndex>();
    BuildSorted(part.types()[part_column].physical(), part.groups().size(),
                [&](size_t g) { return part.ReadColumn(g, part_column); }, [&](size_t g) { return size_t(part.groups()[g].rows); },
                [](size_t) { return static_cast<const std::vector<uint8_t>*>(nullptr); }, idx.get());
    return idx;
  });
  return std::static_pointer_cast<const PartValueIndex>(made);
}

std::shared_ptr<const ValueRowIndex> Build(const TableData& data, size_t column, const std::vector<uint32_t>& counts) {
  auto idx = std::make_shared<ValueRowIndex>();
  idx->version = data.version();
  idx->counts = counts;
  // Sealed groups: their part's index, and where each of its groups sits in the table.
  std::vector<bool> in_part(counts.size(), false);
  std::map<const PartFile*, size_t> slot;
  for (size_t g = 0; g < counts.size(); ++g) {
    const int pc = data.group_part_column(g, column);
    if (pc < 0) continue;
    const PartFile& part = *data.group_part(g);
    auto [it, fresh] = slot.try_emplace(&part, idx->parts.size());
    if (fresh) {
      ValueRowIndex::PartRows rows{data.group_part(g), size_t(pc), nullptr, std::vector<int64_t>(part.groups().size(), -1)};
      if (!part.HasStoredIndex(size_t(pc))) rows.index = PartIndexOf(part, size_t(pc));
      idx->parts.push_back(std::move(rows));
    }
    idx->parts[it->second].table_group[data.group_part_index(g)] = int64_t(g);
    in_part[g] = true;
  }
  BuildSorted(data.types()[column].physical(), counts.size(), [&](size_t g) { return data.column(g, column); },
              [&](size_t g) { return in_part[g] ? size_t(0) : size_t(counts[g]); }, [&](size_t g) { return &data.deleted(g); },
              &idx->resident);
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

std::pair<size_t, size_t> SortedValues::Find(const IndexRange& r) const {
  switch (physical) {
    case PhysicalType::kI64: return RangeOf(keys_i, r, r.lo.i, r.hi.i);
    case PhysicalType::kStr: return RangeOf(keys_s, r, r.lo.s, r.hi.s);
    default: return {0, 0};
  }
}

size_t ValueRowIndex::PartRows::Lookup(const IndexRange& r, std::vector<uint64_t>* slots) const {
  if (!index) return part->StoredIndexLookup(part_column, r.lo, r.lo_inclusive, r.hi, r.hi_inclusive, slots);
  auto [b, e] = index->Find(r);
  if (slots) slots->insert(slots->end(), index->positions.begin() + long(b), index->positions.begin() + long(e));
  return e - b;
}

size_t ValueRowIndex::indexed_rows() const {
  size_t n = resident.positions.size();
  for (const auto& p : parts)
    for (const auto& g : p.part->groups()) n += g.rows;
  return n;
}

size_t ValueRowIndex::Count(const IndexRange& r) const {
  auto [b, e] = resident.Find(r);
  size_t n = e - b;
  for (const auto& p : parts) n += p.Lookup(r, nullptr);
  return n;
}

void ValueRowIndex::Collect(const IndexRange& r, std::vector<uint64_t>* ids) const {
  auto [b, e] = resident.Find(r);
  ids->insert(ids->end(), resident.positions.begin() + long(b), resident.positions.begin() + long(e));
  std::vector<uint64_t> slots;
  for (const auto& p : parts) {
    slots.clear();
    p.Lookup(r, &slots);
    for (uint64_t slot : slots) {
      const int64_t g = p.table_group[slot / kChunkRows];
      if (g >= 0) ids->push_back(uint64_t(g) * kChunkRows + slot % kChunkRows);
    }
  }
}

std::shared_ptr<const ValueRowIndex> GetValueRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                      size_t column, const std::vector<uint32_t>& counts) {
  return CachedRowIndex<ValueRowIndex>(table, data, column, counts, Build);
}

}  // namespace yunhe
