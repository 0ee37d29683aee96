#include "exec/window_evaluate.h"

#include <algorithm>
#include <memory>

#include "common/status.h"
#include "common/time_util.h"
#include "exec/expression_eval.h"
#include "exec/key_ids.h"
#include "exec/parallel_for.h"
#include "exec/window_frames.h"
#include "functions/cast.h"
#include "functions/kernel_util.h"

namespace yunhe {

namespace {

int64_t OffsetValue(const ExprPtr& e, ExecContext& ctx) {
  Value v = CastValue(EvaluateConstant(*e, ctx), TypeId::kInt64);
  if (v.is_null) throw Error(SqlState::kInvalidPrecedingOrFollowingSize, "frame offset must not be null");
  if (v.i < 0) throw Error(SqlState::kInvalidPrecedingOrFollowingSize, "frame starting offset must not be negative");
  return v.i;
}

bool PicksValue(WindowFunctionKind k) {
  return k == WindowFunctionKind::kLag || k == WindowFunctionKind::kLead || k == WindowFunctionKind::kFirstValue ||
         k == WindowFunctionKind::kLastValue || k == WindowFunctionKind::kNthValue;
}

bool RankLike(WindowFunctionKind k) {
  return k == WindowFunctionKind::kRank || k == WindowFunctionKind::kDenseRank ||
         k == WindowFunctionKind::kPercentRank || k == WindowFunctionKind::kCumeDist;
}

// Copies one cell between vectors of the same physical type.
void CopyCell(Vector& dst, size_t d, const Vector& src, size_t s) {
  const bool is_null = src.IsNull(s);
  dst.nulls()[d] = is_null;
  if (is_null) return;
  switch (dst.type().physical()) {
    case PhysicalType::kI64: dst.i64()[d] = src.i64()[s]; break;
    case PhysicalType::kF64: dst.f64()[d] = src.f64()[s]; break;
    case PhysicalType::kStr: dst.str()[d] = src.str()[s]; break;
    case PhysicalType::kDec: dst.dec()[d] = src.dec()[s]; break;
    case PhysicalType::kInterval: dst.iv()[d] = src.iv()[s]; break;
  }
}

}  // namespace

WindowEvaluator::WindowEvaluator(const BoundWindow& w, Inputs inputs, Vector& result, ExecContext& ctx)
    : w_(w), in_(std::move(inputs)), result_(result), fo_(w.spec->frame_options) {
  rows_mode_ = fo_ & FrameOption::kRows;
  groups_mode_ = fo_ & FrameOption::kGroups;
  excludes_ = fo_ & (FrameOption::kExcludeCurrentRow | FrameOption::kExcludeGroup | FrameOption::kExcludeTies);
  const bool uses_frame = w.kind == WindowFunctionKind::kAggregate || w.kind == WindowFunctionKind::kFirstValue ||
                          w.kind == WindowFunctionKind::kLastValue || w.kind == WindowFunctionKind::kNthValue;
  needs_peers_ = RankLike(w.kind) || (uses_frame && (!rows_mode_ || excludes_));
  if (uses_frame && (fo_ & (FrameOption::kStartOffsetPreceding | FrameOption::kStartOffsetFollowing))) {
    if (rows_mode_ || groups_mode_) start_off_ = OffsetValue(w.spec->start_offset, ctx);
    else start_off_v_ = EvaluateConstant(*w.spec->start_offset, ctx);
  }
  if (uses_frame && (fo_ & (FrameOption::kEndOffsetPreceding | FrameOption::kEndOffsetFollowing))) {
    if (rows_mode_ || groups_mode_) end_off_ = OffsetValue(w.spec->end_offset, ctx);
    else end_off_v_ = EvaluateConstant(*w.spec->end_offset, ctx);
  }
  if (in_.filter) {
    keep_.resize(result.size());
    for (size_t r = 0; r < keep_.size(); ++r) keep_[r] = !in_.filter->IsNull(r) && in_.filter->i64()[r];
  }
  if (PicksValue(w.kind)) source_.assign(result.size(), -1);
  // Touch every array now: threads then write through an unshared vector.
  result_.nulls();
}

void WindowEvaluator::Peers(const uint32_t* rows, size_t len, Scratch& s) const {
  s.peer_start.resize(len);
  s.peer_end.resize(len);
  s.group_of.resize(len);
  s.group_first.clear();
  s.group_last.clear();
  size_t g = 0, i = 0;
  while (i < len) {
    size_t j = i + 1;
    while (j < len && SameKeyValues(in_.order_keys, rows[i], rows[j])) ++j;
    for (size_t k = i; k < j; ++k) {
      s.peer_start[k] = i;
      s.peer_end[k] = j;
      s.group_of[k] = g;
    }
    s.group_first.push_back(i);
    s.group_last.push_back(j);
    ++g;
    i = j;
  }
}

// RANGE offsets compare the single ORDER BY key against the current row's key +- offset.
size_t WindowEvaluator::RangeBound(const uint32_t* rows, size_t len, size_t i, const Scratch& s, const Value& off,
                                   bool preceding, bool is_start) const {
  if (in_.order_keys.size() != 1)
    throw Error(SqlState::kWindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
  const Vector& kv = *in_.order_keys[0];
  const SortKey& spec = w_.spec->order_by[0];
  Value cur = kv.GetValue(rows[i]);
  if (cur.is_null) return is_start ? s.peer_start[i] : s.peer_end[i];
  const bool subtract = preceding != spec.desc;
  Value target;
  if (cur.type.IsTemporal() && off.type.id == TypeId::kInterval) {
    int64_t base = cur.type.id == TypeId::kDate ? cur.i * kNsPerDay : cur.i;
    target = Value::Time(cur.type.id == TypeId::kTimestampTz ? AddIntervalTz(base, off.iv, subtract ? -1 : 1)
                                                              : AddInterval(base, off.iv, subtract ? -1 : 1),
                         cur.type.id == TypeId::kDate ? TypeId::kTimestamp : cur.type.id);
    if (cur.type.id == TypeId::kDate) cur = Value::Time(base, TypeId::kTimestamp);
  } else {
    Value c8 = CastValue(cur, TypeId::kFloat64), o8 = CastValue(off, TypeId::kFloat64);
    target = Value::Float(subtract ? c8.f - o8.f : c8.f + o8.f);
    cur = c8;
  }
  auto key_at = [&](size_t k) {
    Value v = kv.GetValue(rows[k]);
    if (v.is_null) return v;
    if (cur.type.id == TypeId::kFloat64) return CastValue(v, TypeId::kFloat64);
    if (v.type.id == TypeId::kDate) return Value::Time(v.i * kNsPerDay, TypeId::kTimestamp);
    return v;
  };
  // In sort order, find the first row whose key is past (start) or beyond (end) the target.
  size_t lo = 0, hi = len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    Value v = key_at(mid);
    bool before;
    if (v.is_null) {
      before = spec.nulls_first;
    } else {
      int c = CompareValues(v, target);
      if (spec.desc) c = -c;
      before = is_start ? c < 0 : c <= 0;
    }
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

void WindowEvaluator::Frame(const uint32_t* rows, size_t len, size_t i, const Scratch& s, size_t* fs, size_t* fe) const {
  const int fo = fo_;
  if (fo & FrameOption::kStartUnboundedPreceding) *fs = 0;
  else if (fo & FrameOption::kStartCurrentRow) *fs = rows_mode_ ? i : s.peer_start[i];
  else if (fo & FrameOption::kStartOffsetPreceding) {
    if (rows_mode_) *fs = i >= size_t(start_off_) ? i - start_off_ : 0;
    else if (groups_mode_) *fs = s.group_of[i] >= size_t(start_off_) ? s.group_first[s.group_of[i] - start_off_] : 0;
    else *fs = RangeBound(rows, len, i, s, start_off_v_, true, true);
  } else {
    if (rows_mode_) *fs = std::min(len, i + size_t(start_off_));
    else if (groups_mode_) *fs = s.group_of[i] + start_off_ < s.group_first.size() ? s.group_first[s.group_of[i] + start_off_] : len;
    else *fs = RangeBound(rows, len, i, s, start_off_v_, false, true);
  }
  if (fo & FrameOption::kEndUnboundedFollowing) *fe = len;
  else if (fo & FrameOption::kEndCurrentRow) *fe = rows_mode_ ? i + 1 : s.peer_end[i];
  else if (fo & FrameOption::kEndOffsetPreceding) {
    if (rows_mode_) *fe = i >= size_t(end_off_) ? i - end_off_ + 1 : 0;
    else if (groups_mode_) *fe = s.group_of[i] >= size_t(end_off_) ? s.group_last[s.group_of[i] - end_off_] : 0;
    else *fe = RangeBound(rows, len, i, s, end_off_v_, true, false);
  } else {
    if (rows_mode_) *fe = std::min(len, i + size_t(end_off_) + 1);
    else if (groups_mode_) *fe = s.group_of[i] + end_off_ < s.group_last.size() ? s.group_last[s.group_of[i] + end_off_] : len;
    else *fe = RangeBound(rows, len, i, s, end_off_v_, false, false);
  }
  if (*fe < *fs) *fe = *fs;
}

void WindowEvaluator::FrameRows(const uint32_t* rows, size_t i, size_t fs, size_t fe, Scratch& s) const {
  s.frame.clear();
  for (size_t k = fs; k < fe; ++k) {
    if (excludes_) {
      if ((fo_ & FrameOption::kExcludeCurrentRow) && k == i) continue;
      if ((fo_ & FrameOption::kExcludeGroup) && s.group_of[k] == s.group_of[i]) continue;
      if ((fo_ & FrameOption::kExcludeTies) && s.group_of[k] == s.group_of[i] && k != i) continue;
    }
    const uint32_t row = rows[k];
    if (!keep_.empty() && !keep_[row]) continue;
    s.frame.push_back(row);
  }
}

void WindowEvaluator::Partition(const uint32_t* rows, size_t len, Scratch& s, ExecContext& ctx) {
  if (needs_peers_) Peers(rows, len, s);
  uint8_t* nulls = result_.nulls();
  switch (w_.kind) {
    case WindowFunctionKind::kRowNumber:
    case WindowFunctionKind::kRank:
    case WindowFunctionKind::kDenseRank: {
      int64_t* out = result_.i64();
      for (size_t i = 0; i < len; ++i) {
        const size_t v = w_.kind == WindowFunctionKind::kRowNumber ? i
                         : w_.kind == WindowFunctionKind::kRank    ? s.peer_start[i]
                                                                   : s.group_of[i];
        out[rows[i]] = int64_t(v + 1);
        nulls[rows[i]] = 0;
      }
      return;
    }
    case WindowFunctionKind::kPercentRank:
    case WindowFunctionKind::kCumeDist: {
      double* out = result_.f64();
      for (size_t i = 0; i < len; ++i) {
        out[rows[i]] = w_.kind == WindowFunctionKind::kCumeDist ? double(s.peer_end[i]) / double(len)
                       : len > 1                                ? double(s.peer_start[i]) / double(len - 1)
                                                                : 0.0;
        nulls[rows[i]] = 0;
      }
      return;
    }
    case WindowFunctionKind::kNtile: {
      int64_t* out = result_.i64();
      const Vector& arg = *in_.args[0];
      for (size_t i = 0; i < len; ++i) {
        const uint32_t row = rows[i];
        Value b = arg.GetValue(row);
        if (b.is_null) continue;  // stays NULL
        const int64_t buckets = CastValue(b, TypeId::kInt64).i;
        if (buckets <= 0) throw Error(SqlState::kInvalidArgumentForNtile, "argument of ntile must be greater than zero");
        // The first (len % buckets) buckets get one extra row.
        const int64_t per = int64_t(len) / buckets, extra = int64_t(len) % buckets, idx = int64_t(i);
        const int64_t bucket = idx < extra * (per + 1) ? idx / (per + 1) : extra + (per ? (idx - extra * (per + 1)) / per : 0);
        out[row] = bucket + 1;
        nulls[row] = 0;
      }
      return;
    }
    case WindowFunctionKind::kAggregate: Aggregate(rows, len, s, ctx); return;
    default: PickValues(rows, len, s); return;
  }
}

// lag, lead, first_value, last_value, nth_value: which row's value each row gets.
void WindowEvaluator::PickValues(const uint32_t* rows, size_t len, Scratch& s) {
  const WindowFunctionKind kind = w_.kind;
  if (kind == WindowFunctionKind::kLag || kind == WindowFunctionKind::kLead) {
    const Vector* offsets = in_.args.size() > 1 ? in_.args[1] : nullptr;
    const bool has_default = in_.args.size() > 2;
    for (size_t i = 0; i < len; ++i) {
      const uint32_t row = rows[i];
      int64_t off = 1;
      if (offsets) {
        Value o = offsets->GetValue(row);
        if (o.is_null) continue;  // NULL offset: NULL result
        off = CastValue(o, TypeId::kInt64).i;
      }
      const int64_t target = kind == WindowFunctionKind::kLag ? int64_t(i) - off : int64_t(i) + off;
      if (target >= 0 && target < int64_t(len)) source_[row] = rows[target];
      else if (has_default) source_[row] = -2;
    }
    return;
  }
  for (size_t i = 0; i < len; ++i) {
    const uint32_t row = rows[i];
    int64_t nth = 1;
    if (kind == WindowFunctionKind::kNthValue) {
      Value nv = in_.args[1]->GetValue(row);
      if (nv.is_null) continue;
      nth = CastValue(nv, TypeId::kInt64).i;
      if (nth <= 0) throw Error(SqlState::kInvalidParameterValue, "argument of nth_value must be greater than zero");
    }
    size_t fs, fe;
    Frame(rows, len, i, s, &fs, &fe);
    if (!excludes_) {  // the frame is rows[fs, fe): no need to list it
      if (fs >= fe) continue;
      if (kind == WindowFunctionKind::kFirstValue) source_[row] = rows[fs];
      else if (kind == WindowFunctionKind::kLastValue) source_[row] = rows[fe - 1];
      else if (size_t(nth) <= fe - fs) source_[row] = rows[fs + nth - 1];
      continue;
    }
    FrameRows(rows, i, fs, fe, s);
    if (s.frame.empty()) continue;
    if (kind == WindowFunctionKind::kFirstValue) source_[row] = s.frame.front();
    else if (kind == WindowFunctionKind::kLastValue) source_[row] = s.frame.back();
    else if (size_t(nth) <= s.frame.size()) source_[row] = s.frame[nth - 1];
  }
}

void WindowEvaluator::Aggregate(const uint32_t* rows, size_t len, Scratch& s, ExecContext& ctx) {
  const BoundAggregate& agg = w_.aggregate;
  std::vector<AggState> state(1);
  auto update = [&](const uint32_t* sel, size_t n) {
    if (UngroupedFastPathApplies(agg)) {
      UpdateUngrouped(agg, state, sel, n, in_.args);
      return;
    }
    if (s.zeros.size() < n) s.zeros.assign(n, 0);
    UpdateAggregate(agg, state, sel, s.zeros.data(), n, in_.args, in_.agg_order);
  };
  // Frames that only grow (UNBOUNDED PRECEDING, no exclusion): one running state; rows whose frame
  // ends where the previous one did (peers under RANGE) reuse its value.
  const bool incremental = (fo_ & FrameOption::kStartUnboundedPreceding) && !excludes_ && agg.order_by.empty() &&
                           !agg.distinct && !agg.function->ordered_set;
  if (incremental) {
    size_t running_end = 0;
    bool have = false;
    Value value;
    for (size_t i = 0; i < len; ++i) {
      size_t fs, fe;
      Frame(rows, len, i, s, &fs, &fe);
      if (!have || fe > running_end) {
        if (fe > running_end) {
          if (keep_.empty()) {
            update(rows + running_end, fe - running_end);
          } else {
            FrameRows(rows, i, running_end, fe, s);
            update(s.frame.data(), s.frame.size());
          }
          running_end = fe;
        }
        value = FinalizeAggregate(agg, state[0], ctx);
        have = true;
      }
      result_.SetValue(rows[i], value);
    }
    return;
  }
  // Moving frames: one pass with prefix sums / a sparse table instead of re-aggregating each frame.
  if (!excludes_ && FrameAggregator::Supports(agg)) {
    FrameAggregator sliding(agg, in_.args.empty() ? nullptr : in_.args[0], rows, len, keep_);
    AggState st;
    for (size_t i = 0; i < len; ++i) {
      size_t fs, fe;
      Frame(rows, len, i, s, &fs, &fe);
      sliding.Frame(fs, fe, st);
      result_.SetValue(rows[i], FinalizeAggregate(agg, st, ctx));
    }
    return;
  }
  for (size_t i = 0; i < len; ++i) {
    size_t fs, fe;
    Frame(rows, len, i, s, &fs, &fe);
    state.assign(1, AggState{});
    FrameRows(rows, i, fs, fe, s);
    update(s.frame.data(), s.frame.size());
    result_.SetValue(rows[i], FinalizeAggregate(agg, state[0], ctx));
  }
}

void WindowEvaluator::Finish(ExecContext& ctx) {
  if (source_.empty()) return;
  const Vector& values = *in_.args[0];
  const Vector* defaults = in_.args.size() > 2 ? in_.args[2] : nullptr;
  const size_t n = source_.size();
  const size_t chunks = (n + 65535) / 65536;
  ParallelFor(DefaultWorkers(), chunks, ctx, [&](size_t, size_t c, ExecContext&) {
    for (size_t r = c * 65536; r < std::min(n, (c + 1) * 65536); ++r) {
      const int64_t src = source_[r];
      if (src >= 0) CopyCell(result_, r, values, size_t(src));
      else if (src == -2) result_.SetValue(r, defaults->GetValue(r));
    }
  });
}

}  // namespace yunhe
