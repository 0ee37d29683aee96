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

TableData::TableData() : key_sets_(std::make_shared<KeySets>()) {}

TableData::RowGroup::RowGroup(const RowGroup& o) : chunk(o.chunk), deleted(o.deleted), partition(o.partition) {
  std::lock_guard<std::mutex> lock(o.zone_mu);
  zones = o.zones;
  zone_rows = o.zone_rows;
}

std::shared_ptr<const TableData> TableData::Snapshot() const {
  if (published_ && published_at_ == changes_) return published_;
  auto copy = std::make_shared<TableData>(*this);
  copy->published_.reset();  // a snapshot does not keep older ones alive
  published_ = std::move(copy);
  published_at_ = changes_;
  return published_;
}

TableData::RowGroup& TableData::MutableGroup(size_t g) {
  ++changes_;  // every change to a group comes through here
  // Let go of the cached snapshot first: if no reader holds it, the group is ours alone again.
  published_.reset();
  std::shared_ptr<RowGroup>& p = groups_[g];
  if (p.use_count() > 1) {
    p = std::make_shared<RowGroup>(*p);  // a snapshot reads the old one
  } else {
    // Sole owner: whoever dropped the last other copy is done reading it.
    std::atomic_thread_fence(std::memory_order_acquire);
  }
  return *p;
}

void TableData::SetPartitioning(int time_column, int64_t interval_ns) {
  ++changes_;
  time_column_ = interval_ns > 0 ? time_column : -1;
  partition_ns_ = interval_ns;
  RebuildPartitionIndex();
}

void TableData::RebuildPartitionIndex() {
  partition_open_group_.clear();
  for (size_t g = 0; g < groups_.size(); ++g) partition_open_group_[groups_[g]->partition] = uint32_t(g);
}

// Appends `rows` of `chunk` (all rows when null) to the newest group of `partition`.
void TableData::AppendRows(const DataChunk& chunk, const std::vector<uint32_t>* rows, int64_t partition, AppendMark* mark) {
  const size_t total = rows ? rows->size() : chunk.count;
  size_t offset = 0;
  while (offset < total) {
    auto it = partition_open_group_.find(partition);
    size_t g;
    if (it == partition_open_group_.end() || groups_[it->second]->chunk.count == kChunkRows) {
      g = groups_.size();
      auto fresh = std::make_shared<RowGroup>();
      fresh->chunk.Init(types_);
      for (auto& col : fresh->chunk.columns) col.Reserve(kChunkRows);
      fresh->partition = partition;
      groups_.push_back(std::move(fresh));
      partition_open_group_[partition] = uint32_t(g);
    } else {
      g = it->second;
      if (mark && g < mark->groups_before) {
        bool seen = false;
        for (auto& t : mark->touched) seen |= t.first == g;
        if (!seen) mark->touched.emplace_back(uint32_t(g), uint32_t(groups_[g]->chunk.count));
      }
    }
    RowGroup& grp = MutableGroup(g);
    DataChunk& dst = grp.chunk;
    size_t take = std::min(kChunkRows - dst.count, total - offset);
    for (size_t c = 0; c < dst.columns.size(); ++c) {
      if (!rows) {
        dst.columns[c].AppendRange(chunk.columns[c], offset, take);
      } else {
        for (size_t k = offset; k < offset + take; ++k) dst.columns[c].AppendFrom(chunk.columns[c], (*rows)[k]);
      }
    }
    dst.count += take;
    grp.deleted.resize(dst.count, 0);
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
  ++changes_;
  while (groups_.size() > mark.groups_before) {
    for (uint8_t d : groups_.back()->deleted) deleted_count_ -= d;
    rows_ -= groups_.back()->chunk.count;
    groups_.pop_back();
  }
  for (auto [g, before] : mark.touched) {
    RowGroup& grp = MutableGroup(g);
    DataChunk& dst = grp.chunk;
    for (size_t r = before; r < dst.count; ++r) deleted_count_ -= grp.deleted[r];
    rows_ -= dst.count - before;
    for (auto& col : dst.columns) col.Resize(before);
    dst.count = before;
    grp.deleted.resize(before);
    // Rolled-back rows may be re-appended with other values: zone maps must be recomputed.
    std::lock_guard<std::mutex> lock(grp.zone_mu);
    grp.zone_rows.assign(grp.zone_rows.size(), SIZE_MAX);
  }
  RebuildPartitionIndex();
}

void TableData::Clear() {
  ++version_;
  ++changes_;
  groups_.clear();
  rows_ = 0;
  deleted_count_ = 0;
  RebuildPartitionIndex();
}

bool TableData::Delete(uint64_t row_id) {
  YH_ASSERT(ValidRowId(row_id));
  const size_t g = row_id / kChunkRows, r = row_id % kChunkRows;
  if (groups_[g]->deleted[r]) return false;
  MutableGroup(g).deleted[r] = 1;
  ++version_;
  ++deleted_count_;
  return true;
}

void TableData::Undelete(uint64_t row_id) {
  const size_t g = row_id / kChunkRows, r = row_id % kChunkRows;
  if (groups_[g]->deleted[r]) {
    MutableGroup(g).deleted[r] = 0;
    --deleted_count_;
    ++version_;
  }
}

ZoneMap TableData::Zone(size_t g, size_t column) const {
  const RowGroup& grp = *groups_[g];
  const DataChunk& chunk = grp.chunk;
  std::lock_guard<std::mutex> lock(grp.zone_mu);
  if (grp.zones.size() != chunk.columns.size()) {
    grp.zones.assign(chunk.columns.size(), ZoneMap());
    grp.zone_rows.assign(chunk.columns.size(), SIZE_MAX);
  }
  ZoneMap& z = grp.zones[column];
  if (grp.zone_rows[column] == chunk.count) return z;
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
  grp.zone_rows[column] = chunk.count;
  return z;
}

void TableData::AddColumn(const LogicalType& type, const Value& fill) {
  ++changes_;
  types_.push_back(type);
  for (size_t g = 0; g < groups_.size(); ++g) {
    RowGroup& grp = MutableGroup(g);
    grp.chunk.columns.push_back(Vector::Constant(fill, type, grp.chunk.count));
    std::lock_guard<std::mutex> lock(grp.zone_mu);
    grp.zones.clear();
    grp.zone_rows.clear();
  }
  ++version_;  // caches over column positions (GiST R-trees) must not outlive a schema change
}

void TableData::DropColumn(size_t column_idx) {
  ++changes_;
  types_.erase(types_.begin() + column_idx);
  for (size_t g = 0; g < groups_.size(); ++g) {
    RowGroup& grp = MutableGroup(g);
    grp.chunk.columns.erase(grp.chunk.columns.begin() + column_idx);
    std::lock_guard<std::mutex> lock(grp.zone_mu);
    grp.zones.clear();
    grp.zone_rows.clear();
  }
  ++version_;
}

void TableData::Compact() {
  if (deleted_count_ == 0) return;
  std::vector<std::shared_ptr<RowGroup>> old;
  old.swap(groups_);
  Clear();
  for (auto& grp : old) {
    std::vector<uint32_t> keep;
    for (size_t r = 0; r < grp->chunk.count; ++r)
      if (!grp->deleted[r]) keep.push_back(uint32_t(r));
    DataChunk rows = grp->chunk;  // shares the arrays; Select makes its own
    rows.Select(keep);
    Append(rows);
  }
}

std::shared_ptr<const std::vector<std::string>> TableData::PartitionKeys(int64_t partition, const std::vector<int>& columns) const {
  {
    std::lock_guard<std::mutex> lock(key_sets_->mu);
    const KeySet& ks = key_sets_->sets[{columns, partition}];
    if (ks.rows == rows_ && ks.version == version_ && ks.keys) return ks.keys;
  }
  auto keys = std::make_shared<std::vector<std::string>>();
  std::unordered_set<std::string> seen;
  std::string key;
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g]->partition != partition) continue;
    const DataChunk& chunk = groups_[g]->chunk;
    const std::vector<uint8_t>& deleted = groups_[g]->deleted;
    if (columns.size() == 1 && chunk.columns[columns[0]].type().physical() == PhysicalType::kStr) {
      // One text key (device, host, symbol): compare the strings before serializing a new one.
      const Vector& v = chunk.columns[columns[0]];
      std::string_view last;
      bool have_last = false;
      for (size_t r = 0; r < chunk.count; ++r) {
        if (deleted[r]) continue;
        if (!v.IsNull(r) && have_last && v.str()[r] == last) continue;
        key.clear();
        AppendKeyCell(v, r, key);
        if (seen.insert(key).second) keys->push_back(key);
        have_last = !v.IsNull(r);
        if (have_last) last = v.str()[r];
      }
      continue;
    }
    for (size_t r = 0; r < chunk.count; ++r) {
      if (deleted[r]) continue;
      key.clear();
      for (int c : columns) AppendKeyCell(chunk.columns[c], r, key);
      if (seen.insert(key).second) keys->push_back(key);
    }
  }
  std::lock_guard<std::mutex> lock(key_sets_->mu);
  KeySet& ks = key_sets_->sets[{columns, partition}];
  ks.rows = rows_;
  ks.version = version_;
  ks.keys = keys;
  return keys;
}

}  // namespace yunhe
