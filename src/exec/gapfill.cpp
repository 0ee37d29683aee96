#include "exec/gapfill.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/row_key.h"
#include "common/status.h"
#include "common/time_util.h"

namespace yunhe {

namespace {
// A gap-filling query over a very long range with a tiny bucket would emit without bound.
constexpr int64_t kMaxBucketsPerGroup = 10'000'000;
}  // namespace

GapFillOperator::GapFillOperator(OperatorPtr input, int bucket_col, std::vector<int> group_cols, Interval width,
                                 int64_t start, int64_t finish, std::vector<FillMode> modes)
    : bucket_col_(bucket_col),
      group_cols_(std::move(group_cols)),
      width_(width),
      start_(start),
      finish_(finish),
      modes_(std::move(modes)) {
  types = input->types;
  names = input->names;
  is_date_ = types[bucket_col_].id == TypeId::kDate;
  children.push_back(std::move(input));
}

std::string GapFillOperator::Details() const {
  const LogicalType& t = types[bucket_col_];
  auto show = [&](int64_t v) { return Value::Time(v, t.id).ToString(); };
  return fmt::format("Bucket: {}, from {} to {}", FormatInterval(width_), show(start_), show(finish_));
}

int64_t GapFillOperator::NextBucket(int64_t b) const {
  if (is_date_) return FloorDiv(AddInterval(b * kNsPerDay, width_), kNsPerDay);
  return AddInterval(b, width_);
}

void GapFillOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  if (width_.months < 0 || width_.days < 0 || width_.ns < 0 || (width_.months == 0 && width_.days == 0 && width_.ns == 0))
    throw Error(SqlState::kInvalidParameterValue, "interval must be greater than 0");
  if (is_date_ && width_.ns % kNsPerDay != 0)
    throw Error(SqlState::kInvalidParameterValue, "interval must not have sub-day precision for date buckets");
  DataChunk all;
  all.Init(types);
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    for (size_t c = 0; c < types.size(); ++c) all.columns[c].AppendRange(in.columns[c], 0, in.count);
    all.count += in.count;
  }
  // Order rows by (group key, bucket); NULL buckets sort last and are passed through.
  std::vector<std::string> keys(all.count);
  for (size_t r = 0; r < all.count; ++r)
    for (int c : group_cols_) AppendKeyCell(all.columns[c], r, keys[r]);
  const Vector& bucket = all.columns[bucket_col_];
  std::vector<uint32_t> order(all.count);
  for (size_t r = 0; r < all.count; ++r) order[r] = uint32_t(r);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (keys[a] != keys[b]) return keys[a] < keys[b];
    if (bucket.IsNull(a) || bucket.IsNull(b)) return !bucket.IsNull(a) && bucket.IsNull(b);
    return bucket.i64()[a] < bucket.i64()[b];
  });
  ready_.clear();
  next_ready_ = 0;
  DataChunk out;
  out.Init(types);
  std::vector<uint32_t> group_rows;
  auto flush_group = [&]() {
    if (!group_rows.empty()) FillGroup(all, group_rows, out);
    group_rows.clear();
  };
  for (size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && keys[order[k]] != keys[order[k - 1]]) flush_group();
    group_rows.push_back(order[k]);
  }
  flush_group();
  // Without any input row there is no group to fill, unless there are no other group columns:
  // then the single group is filled (as TimescaleDB does).
  if (all.count == 0 && group_cols_.empty()) FillGroup(all, {}, out);
  for (size_t from = 0; from < out.count; from += kChunkRows) {
    DataChunk piece;
    piece.Init(types);
    piece.count = std::min<size_t>(kChunkRows, out.count - from);
    for (size_t c = 0; c < types.size(); ++c) piece.columns[c].AppendRange(out.columns[c], from, piece.count);
    ready_.push_back(std::move(piece));
  }
}

void GapFillOperator::FillGroup(const DataChunk& in, const std::vector<uint32_t>& rows, DataChunk& out) {
  const Vector& bucket = in.columns[bucket_col_];
  // The output rows of this group: an input row index, or -1 for a filled bucket (with its time).
  struct Slot {
    int64_t row;
    int64_t time;
  };
  std::vector<Slot> slots;
  size_t k = 0;
  auto take_rows_before = [&](int64_t limit, bool inclusive) {
    while (k < rows.size() && !bucket.IsNull(rows[k]) &&
           (bucket.i64()[rows[k]] < limit || (inclusive && bucket.i64()[rows[k]] == limit))) {
      slots.push_back({int64_t(rows[k]), bucket.i64()[rows[k]]});
      ++k;
    }
  };
  int64_t count = 0;
  for (int64_t b = start_; b < finish_; b = NextBucket(b)) {
    if (++count > kMaxBucketsPerGroup)
      throw Error(SqlState::kProgramLimitExceeded,
                  fmt::format("time_bucket_gapfill would create more than {} buckets per group", kMaxBucketsPerGroup));
    take_rows_before(b, false);
    if (k < rows.size() && !bucket.IsNull(rows[k]) && bucket.i64()[rows[k]] == b) {
      take_rows_before(b, true);
    } else {
      slots.push_back({-1, b});
    }
  }
  while (k < rows.size()) {
    slots.push_back({int64_t(rows[k]), bucket.IsNull(rows[k]) ? 0 : bucket.i64()[rows[k]]});
    ++k;
  }
  const size_t first_out = out.count;
  // Group columns of filled rows come from any row of the group.
  const int64_t sample = rows.empty() ? -1 : int64_t(rows[0]);
  for (const Slot& s : slots) {
    for (size_t c = 0; c < types.size(); ++c) {
      if (s.row >= 0) {
        out.columns[c].AppendFrom(in.columns[c], size_t(s.row));
      } else if (int(c) == bucket_col_) {
        out.columns[c].Append(Value::Time(s.time, types[c].id));
      } else if (std::find(group_cols_.begin(), group_cols_.end(), int(c)) != group_cols_.end() && sample >= 0) {
        out.columns[c].AppendFrom(in.columns[c], size_t(sample));
      } else {
        out.columns[c].Append(Value::Null(types[c]));
      }
    }
    ++out.count;
  }
  // Fill the aggregate columns of the added rows.
  for (size_t c = 0; c < types.size(); ++c) {
    if (modes_[c] == FillMode::kNull) continue;
    Vector& col = out.columns[c];
    const bool is_float = types[c].physical() == PhysicalType::kF64;
    if (modes_[c] == FillMode::kLocf) {
      int64_t last = -1;  // output row holding the last non-NULL value
      for (size_t s = 0; s < slots.size(); ++s) {
        size_t r = first_out + s;
        if (slots[s].row >= 0) {
          if (!col.IsNull(r)) last = int64_t(r);
        } else if (last >= 0) {
          col.SetValue(r, col.GetValue(size_t(last)));
        }
      }
      continue;
    }
    // interpolate: between the nearest earlier and later rows that have a value.
    std::vector<int64_t> prev(slots.size(), -1), next(slots.size(), -1);
    int64_t p = -1;
    for (size_t s = 0; s < slots.size(); ++s) {
      prev[s] = p;
      if (slots[s].row >= 0 && !col.IsNull(first_out + s)) p = int64_t(s);
    }
    p = -1;
    for (size_t s = slots.size(); s-- > 0;) {
      next[s] = p;
      if (slots[s].row >= 0 && !col.IsNull(first_out + s)) p = int64_t(s);
    }
    for (size_t s = 0; s < slots.size(); ++s) {
      if (slots[s].row >= 0 || prev[s] < 0 || next[s] < 0) continue;
      auto y = [&](int64_t slot) {
        size_t r = first_out + size_t(slot);
        return is_float ? col.f64()[r] : double(col.i64()[r]);
      };
      const double t0 = double(slots[prev[s]].time), t1 = double(slots[next[s]].time), t = double(slots[s].time);
      const double y0 = y(prev[s]), y1 = y(next[s]);
      const double v = y0 + (y1 - y0) * (t - t0) / (t1 - t0);
      const size_t r = first_out + s;
      if (is_float) col.f64()[r] = types[c].id == TypeId::kFloat32 ? double(float(v)) : v;
      else col.i64()[r] = int64_t(std::llround(v));
      col.SetNull(r, false);
    }
  }
}

bool GapFillOperator::Next(ExecContext&, DataChunk& out) {
  if (next_ready_ >= ready_.size()) return false;
  out = std::move(ready_[next_ready_++]);
  return true;
}

}  // namespace yunhe
