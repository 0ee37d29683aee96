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

void TableData::Truncate(size_t rows) {
  YH_ASSERT(rows <= rows_);
  for (auto& per_column : zone_rows_)  // rolled-back rows may be re-appended with other values
    per_column.assign(per_column.size(), SIZE_MAX);
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
