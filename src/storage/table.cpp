#include "storage/table.h"

#include "common/status.h"

#include <cmath>
#include <cstdint>

namespace yunhe {

void TableData::Append(const DataChunk& chunk) {
  size_t offset = 0;
  while (offset < chunk.count) {
    if (groups_.empty() || groups_.back().count == kChunkRows) {
      groups_.emplace_back();
      groups_.back().Init(types_);
      for (auto& col : groups_.back().columns) col.Reserve(kChunkRows);
      deleted_.emplace_back();
    }
    DataChunk& g = groups_.back();
    size_t take = std::min(kChunkRows - g.count, chunk.count - offset);
    for (size_t c = 0; c < g.columns.size(); ++c) g.columns[c].AppendRange(chunk.columns[c], offset, take);
    g.count += take;
    deleted_.back().resize(g.count, 0);
    offset += take;
    rows_ += take;
  }
}

bool TableData::Delete(uint64_t row_id) {
  YH_ASSERT(row_id < rows_);
  uint8_t& flag = deleted_[row_id / kChunkRows][row_id % kChunkRows];
  if (flag) return false;
  flag = 1;
  ++deleted_count_;
  return true;
}

void TableData::Undelete(uint64_t row_id) {
  uint8_t& flag = deleted_[row_id / kChunkRows][row_id % kChunkRows];
  if (flag) {
    flag = 0;
    --deleted_count_;
  }
}

const ZoneMap& TableData::Zone(size_t g, size_t column) const {
  if (zones_.size() < groups_.size()) {
    zones_.resize(groups_.size());
    zone_rows_.resize(groups_.size(), SIZE_MAX);
  }
  const DataChunk& chunk = groups_[g];
  if (zone_rows_[g] != chunk.count || zones_[g].size() != chunk.columns.size()) {
    zones_[g].assign(chunk.columns.size(), ZoneMap());
    for (size_t c = 0; c < chunk.columns.size(); ++c) {
      const Vector& v = chunk.columns[c];
      ZoneMap& z = zones_[g][c];
      const PhysicalType pt = v.type().physical();
      if (pt != PhysicalType::kI64 && pt != PhysicalType::kF64) continue;
      for (size_t r = 0; r < chunk.count; ++r) {
        if (v.IsNull(r)) continue;
        if (pt == PhysicalType::kI64) {
          int64_t x = v.i64()[r];
          if (!z.has_values) z.min_i = z.max_i = x;
          z.min_i = std::min(z.min_i, x);
          z.max_i = std::max(z.max_i, x);
        } else {
          double x = v.f64()[r];
          if (x != x) {  // NaN sorts above everything: widen the max to infinity
            if (!z.has_values) z.min_f = INFINITY;
            z.max_f = INFINITY;
          } else {
            if (!z.has_values) z.min_f = z.max_f = x;
            z.min_f = std::min(z.min_f, x);
            z.max_f = std::max(z.max_f, x);
          }
        }
        z.has_values = true;
      }
    }
    zone_rows_[g] = chunk.count;
  }
  return zones_[g][column];
}

void TableData::Truncate(size_t rows) {
  YH_ASSERT(rows <= rows_);
  zone_rows_.assign(zone_rows_.size(), SIZE_MAX);  // rolled-back rows may be re-appended with other values
  while (rows_ > rows) {
    DataChunk& g = groups_.back();
    size_t drop = std::min(g.count, rows_ - rows);
    size_t keep = g.count - drop;
    for (size_t r = keep; r < g.count; ++r) deleted_count_ -= deleted_.back()[r];
    for (auto& col : g.columns) col.Resize(keep);
    g.count = keep;
    deleted_.back().resize(keep);
    rows_ -= drop;
    if (keep == 0) {
      groups_.pop_back();
      deleted_.pop_back();
    }
  }
}

void TableData::AddColumn(const LogicalType& type, const Value& fill) {
  zones_.clear();
  zone_rows_.clear();
  types_.push_back(type);
  for (auto& g : groups_) g.columns.push_back(Vector::Constant(fill, type, g.count));
}

void TableData::DropColumn(size_t column_idx) {
  zones_.clear();
  zone_rows_.clear();
  types_.erase(types_.begin() + column_idx);
  for (auto& g : groups_) g.columns.erase(g.columns.begin() + column_idx);
}

void TableData::Compact() {
  if (deleted_count_ == 0) return;
  zones_.clear();
  zone_rows_.clear();
  std::vector<DataChunk> old;
  old.swap(groups_);
  std::vector<std::vector<uint8_t>> old_deleted;
  old_deleted.swap(deleted_);
  rows_ = 0;
  deleted_count_ = 0;
  for (size_t g = 0; g < old.size(); ++g) {
    std::vector<uint32_t> keep;
    for (size_t r = 0; r < old[g].count; ++r)
      if (!old_deleted[g][r]) keep.push_back(uint32_t(r));
    old[g].Select(keep);
    Append(old[g]);
  }
}

}  // namespace yunhe
