#include "storage/table.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "common/geometry_bounds.h"
#include "common/row_key.h"

#include "common/status.h"

#include <cmath>
#include <cstdint>

namespace yunhe {

void TableData::SetPartitioning(int time_column, int64_t interval_ns) {
  time_column_ = interval_ns > 0 ? time_column : -1;
  partition_ns_ = interval_ns;
  RebuildPartitionIndex();
}

void TableData::RebuildPartitionIndex() {
  partition_open_group_.clear();
  group_partition_.resize(groups_.size(), 0);
  for (size_t g = 0; g < groups_.size(); ++g) partition_open_group_[group_partition_[g]] = uint32_t(g);
}

// Appends `rows` of `chunk` (all rows when null) to the newest group of `partition`.
void TableData::AppendRows(const DataChunk& chunk, const std::vector<uint32_t>* rows, int64_t partition, AppendMark* mark) {
  const size_t total = rows ? rows->size() : chunk.count;
  size_t offset = 0;
  while (offset < total) {
    auto it = partition_open_group_.find(partition);
    size_t g;
    if (it == partition_open_group_.end() || groups_[it->second].count == kChunkRows) {
      g = groups_.size();
      groups_.emplace_back();
      groups_.back().Init(types_);
      for (auto& col : groups_.back().columns) col.Reserve(kChunkRows);
      deleted_.emplace_back();
      group_partition_.push_back(partition);
      partition_open_group_[partition] = uint32_t(g);
    } else {
      g = it->second;
      if (mark && g < mark->groups_before) {
        bool seen = false;
        for (auto& t : mark->touched) seen |= t.first == g;
        if (!seen) mark->touched.emplace_back(uint32_t(g), uint32_t(groups_[g].count));
      }
    }
    DataChunk& dst = groups_[g];
    size_t take = std::min(kChunkRows - dst.count, total - offset);
    for (size_t c = 0; c < dst.columns.size(); ++c) {
      if (!rows) {
        dst.columns[c].AppendRange(chunk.columns[c], offset, take);
      } else {
        for (size_t k = offset; k < offset + take; ++k) dst.columns[c].AppendFrom(chunk.columns[c], (*rows)[k]);
      }
    }
    dst.count += take;
    deleted_[g].resize(dst.count, 0);
    offset += take;
    rows_ += take;
  }
}

void TableData::Append(const DataChunk& chunk, AppendMark* mark) {
  if (mark) {
    mark->groups_before = groups_.size();
    mark->touched.clear();
  }
  if (time_column_ < 0) {
    AppendRows(chunk, nullptr, 0, mark);
    return;
  }
  // Split the chunk by partition, keeping row order within each partition.
  const Vector& ts = chunk.columns[time_column_];
  const bool is_date = ts.type().id == TypeId::kDate;
  std::map<int64_t, std::vector<uint32_t>> by_partition;
  for (size_t r = 0; r < chunk.count; ++r) {
    int64_t p = INT64_MIN;  // NULL timestamps share one partition
    if (!ts.IsNull(r)) {
      int64_t v = ts.i64()[r];
      if (is_date) v = v * 86400000000000LL;
      p = v / partition_ns_ - ((v % partition_ns_ != 0) && (v < 0));
    }
    by_partition[p].push_back(uint32_t(r));
  }
  if (by_partition.size() == 1) {
    AppendRows(chunk, nullptr, by_partition.begin()->first, mark);
    return;
  }
  for (auto& [p, rows] : by_partition) AppendRows(chunk, &rows, p, mark);
}

void TableData::UndoAppend(const AppendMark& mark) {
  ++version_;
  while (groups_.size() > mark.groups_before) {
    for (uint8_t d : deleted_.back()) deleted_count_ -= d;
    rows_ -= groups_.back().count;
    groups_.pop_back();
    deleted_.pop_back();
    group_partition_.pop_back();
  }
  for (auto [g, before] : mark.touched) {
    DataChunk& dst = groups_[g];
    for (size_t r = before; r < dst.count; ++r) deleted_count_ -= deleted_[g][r];
    rows_ -= dst.count - before;
    for (auto& col : dst.columns) col.Resize(before);
    dst.count = before;
    deleted_[g].resize(before);
  }
  // Rolled-back rows may be re-appended with other values: zone maps must be recomputed.
  for (auto& per_column : zone_rows_) per_column.assign(per_column.size(), SIZE_MAX);
  RebuildPartitionIndex();
}

void TableData::Clear() {
  ++version_;
  groups_.clear();
  deleted_.clear();
  group_partition_.clear();
  zones_.clear();
  zone_rows_.clear();
  rows_ = 0;
  deleted_count_ = 0;
  RebuildPartitionIndex();
}

bool TableData::Delete(uint64_t row_id) {
  YH_ASSERT(ValidRowId(row_id));
  uint8_t& flag = deleted_[row_id / kChunkRows][row_id % kChunkRows];
  if (flag) return false;
  flag = 1;
  ++version_;
  ++deleted_count_;
  return true;
}

void TableData::Undelete(uint64_t row_id) {
  uint8_t& flag = deleted_[row_id / kChunkRows][row_id % kChunkRows];
  if (flag) {
    flag = 0;
    --deleted_count_;
    ++version_;
  }
}

const ZoneMap& TableData::Zone(size_t g, size_t column) const {
  if (zones_.size() < groups_.size()) {
    zones_.resize(groups_.size());
    zone_rows_.resize(groups_.size());
  }
  const DataChunk& chunk = groups_[g];
  if (zones_[g].size() != chunk.columns.size()) {
    zones_[g].assign(chunk.columns.size(), ZoneMap());
    zone_rows_[g].assign(chunk.columns.size(), SIZE_MAX);
  }
  ZoneMap& z = zones_[g][column];
  if (zone_rows_[g][column] == chunk.count) return z;
  z = ZoneMap();
  const Vector& v = chunk.columns[column];
  const uint8_t* nulls = v.nulls();
  if (v.type().physical() == PhysicalType::kI64) {
    const int64_t* x = v.i64();
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t r = 0; r < chunk.count; ++r) {
      if (nulls[r]) continue;
      lo = std::min(lo, x[r]);
      hi = std::max(hi, x[r]);
      z.has_values = true;
    }
    z.min_i = lo;
    z.max_i = hi;
  } else if (v.type().id == TypeId::kGeometry) {
    GeometryBoxFn box_of = GetGeometryBoxFunction();
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    const bool known = box_of != nullptr;
    for (size_t r = 0; r < chunk.count; ++r) {
      if (nulls[r]) continue;
      z.has_values = true;
      BoundingBox2D rb;
      if (!known || !box_of(v.str()[r], &rb)) continue;  // empty geometry: matches no spatial predicate
      b[0] = std::min(b[0], rb.xmin), b[1] = std::min(b[1], rb.ymin);
      b[2] = std::max(b[2], rb.xmax), b[3] = std::max(b[3], rb.ymax);
    }
    z.has_box = known;
    std::copy(b, b + 4, z.box);
  } else if (v.type().physical() == PhysicalType::kF64) {
    const double* x = v.f64();
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 0; r < chunk.count; ++r) {
      if (nulls[r]) continue;
      z.has_values = true;
      if (std::isnan(x[r])) {  // NaN sorts above everything: widen the max
        hi = INFINITY;
        continue;
      }
      lo = std::min(lo, x[r]);
      hi = std::max(hi, x[r]);
    }
    z.min_f = lo;
    z.max_f = hi;
  }
  zone_rows_[g][column] = chunk.count;
  return z;
}

void TableData::AddColumn(const LogicalType& type, const Value& fill) {
  zones_.clear();
  zone_rows_.clear();
  types_.push_back(type);
  for (auto& g : groups_) g.columns.push_back(Vector::Constant(fill, type, g.count));
  ++version_;  // caches over column positions (GiST R-trees) must not outlive a schema change
}

void TableData::DropColumn(size_t column_idx) {
  zones_.clear();
  zone_rows_.clear();
  types_.erase(types_.begin() + column_idx);
  for (auto& g : groups_) g.columns.erase(g.columns.begin() + column_idx);
  ++version_;
}

void TableData::Compact() {
  if (deleted_count_ == 0) return;
  std::vector<DataChunk> old;
  old.swap(groups_);
  std::vector<std::vector<uint8_t>> old_deleted;
  old_deleted.swap(deleted_);
  Clear();
  for (size_t g = 0; g < old.size(); ++g) {
    std::vector<uint32_t> keep;
    for (size_t r = 0; r < old[g].count; ++r)
      if (!old_deleted[g][r]) keep.push_back(uint32_t(r));
    old[g].Select(keep);
    Append(old[g]);
  }
}

const std::vector<std::string>& TableData::PartitionKeys(int64_t partition, const std::vector<int>& columns) const {
  KeySet& ks = key_sets_[{columns, partition}];
  if (ks.rows == rows_ && ks.version == version_) return ks.keys;
  ks.keys.clear();
  std::unordered_set<std::string> seen;
  std::string key;
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (group_partition_[g] != partition) continue;
    const DataChunk& chunk = groups_[g];
    if (columns.size() == 1 && chunk.columns[columns[0]].type().physical() == PhysicalType::kStr) {
      // One text key (device, host, symbol): compare the strings before serializing a new one.
      const Vector& v = chunk.columns[columns[0]];
      std::string_view last;
      bool have_last = false;
      for (size_t r = 0; r < chunk.count; ++r) {
        if (deleted_[g][r]) continue;
        if (!v.IsNull(r) && have_last && v.str()[r] == last) continue;
        key.clear();
        AppendKeyCell(v, r, key);
        if (seen.insert(key).second) ks.keys.push_back(key);
        have_last = !v.IsNull(r);
        if (have_last) last = v.str()[r];
      }
      continue;
    }
    for (size_t r = 0; r < chunk.count; ++r) {
      if (deleted_[g][r]) continue;
      key.clear();
      for (int c : columns) AppendKeyCell(chunk.columns[c], r, key);
      if (seen.insert(key).second) ks.keys.push_back(key);
    }
  }
  ks.rows = rows_;
  ks.version = version_;
  return ks.keys;
}

}  // namespace yunhe
