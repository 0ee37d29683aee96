#include "exec/value_row_index.h"

#include <algorithm>
#include <numeric>

#include "exec/row_index_cache.h"

#include <map>

#include "storage/part_file.h"

namespace yunhe {

bool ValueIndexable(const LogicalType& type) { return SortedIndexable(type); }

namespace {

// Appends the non-NULL values of v's first `rows` rows (not deleted) with their positions.
template <typename K>
void Gather(const Vector& v, const K* vals, size_t rows, const std::vector<uint8_t>* deleted, uint64_t base,
            std::vector<K>* keys, std::vector<uint64_t>* positions) {
  for (size_t r = 0; r < rows; ++r) {
    if ((deleted && (*deleted)[r]) || v.IsNull(r)) continue;
    keys->push_back(vals[r]);
    positions->push_back(base + r);
  }
}

// Sorts keys with their positions; stable, so equal keys keep position order.
template <typename K>
void SortByKey(std::vector<K>& k, std::vector<uint64_t>& pos, std::vector<K>* keys, std::vector<uint64_t>* positions) {
  std::vector<uint32_t> order(k.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return k[a] < k[b]; });
  keys->reserve(k.size());
  positions->reserve(k.size());
  for (uint32_t o : order) {
    keys->push_back(std::move(k[o]));
    positions->push_back(pos[o]);
  }
}

// Sorted keys of type K (read by `values` from each vector) of the column vectors column_of(i),
// i < n, each with rows_of(i) rows.
template <typename K, typename Values, typename ColumnOf, typename RowsOf, typename DeletedOf>
void SortedOf(Values values, size_t n, ColumnOf column_of, RowsOf rows_of, DeletedOf deleted_of, std::vector<K>* keys,
              std::vector<uint64_t>* positions) {
  std::vector<K> k;
  std::vector<uint64_t> pos;
  for (size_t i = 0; i < n; ++i) {
    const size_t rows = rows_of(i);
    if (rows == 0) continue;
    const Vector v = column_of(i);
    Gather(v, values(v), rows, deleted_of(i), uint64_t(i) * kChunkRows, &k, &pos);
  }
  SortByKey(k, pos, keys, positions);
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
