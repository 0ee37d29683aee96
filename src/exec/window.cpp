#include "exec/window.h"

#include <memory>

#include "exec/window_frames.h"

#include <algorithm>
#include <cmath>

#include "common/status.h"
#include "common/time_util.h"
#include "exec/expression_eval.h"
#include "functions/cast.h"
#include "functions/kernel_util.h"

namespace yunhe {

WindowOperator::WindowOperator(OperatorPtr child, std::vector<BoundWindow> windows) : windows_(std::move(windows)) {
  types = child->types;
  names = child->names;
  for (auto& w : windows_) {
    types.push_back(w.type);
    names.push_back(w.name);
  }
  children.push_back(std::move(child));
}

void WindowOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  rows_.Init(children[0]->types);
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    for (size_t c = 0; c < in.columns.size(); ++c) rows_.columns[c].AppendRange(in.columns[c], 0, in.count);
    rows_.count += in.count;
  }
  for (auto& w : windows_) {
    Vector result(w.type);
    result.Resize(rows_.count);
    Compute(ctx, w, result);
    rows_.columns.push_back(std::move(result));
  }
  emitted_ = 0;
}

bool WindowOperator::Next(ExecContext&, DataChunk& out) {
  if (emitted_ >= rows_.count) return false;
  size_t n = std::min(kChunkRows, rows_.count - emitted_);
  out.columns.clear();
  for (auto& c : rows_.columns) {
    Vector v(c.type());
    v.AppendRange(c, emitted_, n);
    out.columns.push_back(std::move(v));
  }
  out.count = n;
  emitted_ += n;
  return true;
}

namespace {

// Evaluates expressions over the whole materialized input in chunk-sized slices.
Vector EvaluateAll(const Expr& e, const DataChunk& rows, ExecContext& ctx) {
  Vector out(e.type);
  for (size_t begin = 0; begin < rows.count; begin += kChunkRows) {
    size_t n = std::min(kChunkRows, rows.count - begin);
    DataChunk slice;
    for (auto& c : rows.columns) {
      Vector v(c.type());
      v.AppendRange(c, begin, n);
      slice.columns.push_back(std::move(v));
    }
    slice.count = n;
    Vector part = Evaluate(e, slice, ctx);
    if (part.type() != out.type()) out.set_type(part.type());
    out.AppendRange(part, 0, n);
  }
  return out;
}

int64_t OffsetValue(const ExprPtr& e, ExecContext& ctx) {
  Value v = CastValue(EvaluateConstant(*e, ctx), TypeId::kInt64);
  if (v.is_null) throw Error("22013", "frame offset must not be null");
  if (v.i < 0) throw Error("22013", "frame starting offset must not be negative");
  return v.i;
}

}  // namespace

void WindowOperator::Compute(ExecContext& ctx, const BoundWindow& w, Vector& result) {
  const size_t n = rows_.count;
  const WindowSpec& spec = *w.spec;
  // Partition and order keys over all rows.
  std::vector<Vector> keys;
  std::vector<SortKey> key_spec;
  for (auto& p : spec.partition_by) {
    keys.push_back(EvaluateAll(*p, rows_, ctx));
    key_spec.push_back(SortKey{p, false, false});
  }
  const size_t partition_keys = keys.size();
  std::vector<Vector> order_keys;
  for (auto& o : spec.order_by) {
    keys.push_back(EvaluateAll(*o.expr, rows_, ctx));
    key_spec.push_back(o);
    order_keys.push_back(keys.back());
  }
  std::vector<uint32_t> order(n);
  for (size_t r = 0; r < n; ++r) order[r] = uint32_t(r);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return CompareSortKeys(keys, key_spec, a, b) < 0; });
  std::vector<Vector> part_keys(keys.begin(), keys.begin() + partition_keys);
  std::vector<SortKey> part_spec(key_spec.begin(), key_spec.begin() + partition_keys);
  std::vector<SortKey> ord_spec(key_spec.begin() + partition_keys, key_spec.end());

  std::vector<Vector> args;
  for (auto& a : w.args) args.push_back(EvaluateAll(*a, rows_, ctx));
  std::vector<Vector> agg_order;
  if (w.kind == WindowFunctionKind::kAggregate)
    for (auto& o : w.aggregate.order_by) agg_order.push_back(EvaluateAll(*o, rows_, ctx));
  std::vector<const Vector*> arg_ptrs, order_ptrs;
  for (auto& a : args) arg_ptrs.push_back(&a);
  for (auto& o : agg_order) order_ptrs.push_back(&o);
  std::vector<uint8_t> agg_keep;
  if (w.kind == WindowFunctionKind::kAggregate && w.aggregate.filter) {
    Vector f = EvaluateAll(*w.aggregate.filter, rows_, ctx);
    agg_keep.resize(n);
    for (size_t r = 0; r < n; ++r) agg_keep[r] = !f.IsNull(r) && f.i64()[r];
  }

  const int fo = spec.frame_options;
  const bool rows_mode = fo & FrameOption::kRows;
  const bool groups_mode = fo & FrameOption::kGroups;
  int64_t start_off = (fo & (FrameOption::kStartOffsetPreceding | FrameOption::kStartOffsetFollowing)) ? 0 : 0;
  int64_t end_off = 0;
  Value start_off_v, end_off_v;
  if (fo & (FrameOption::kStartOffsetPreceding | FrameOption::kStartOffsetFollowing)) {
    if (rows_mode || groups_mode) start_off = OffsetValue(spec.start_offset, ctx);
    else start_off_v = EvaluateConstant(*spec.start_offset, ctx);
  }
  if (fo & (FrameOption::kEndOffsetPreceding | FrameOption::kEndOffsetFollowing)) {
    if (rows_mode || groups_mode) end_off = OffsetValue(spec.end_offset, ctx);
    else end_off_v = EvaluateConstant(*spec.end_offset, ctx);
  }

  size_t ps = 0;
  while (ps < n) {
    size_t pe = ps + 1;
    while (pe < n && CompareSortKeys(part_keys, part_spec, order[ps], order[pe]) == 0) ++pe;
    // Peer groups inside the partition: peer_start[i], peer_end[i] (exclusive), group index.
    const size_t len = pe - ps;
    std::vector<size_t> peer_start(len), peer_end(len), group_of(len);
    {
      size_t g = 0, i = 0;
      while (i < len) {
        size_t j = i + 1;
        while (j < len && CompareSortKeys(order_keys, ord_spec, order[ps + i], order[ps + j]) == 0) ++j;
        for (size_t k = i; k < j; ++k) {
          peer_start[k] = i;
          peer_end[k] = j;
          group_of[k] = g;
        }
        ++g;
        i = j;
      }
    }
    std::vector<size_t> group_first, group_last;
    for (size_t i = 0; i < len; ++i) {
      if (i == 0 || group_of[i] != group_of[i - 1]) group_first.push_back(i);
      if (i + 1 == len || group_of[i] != group_of[i + 1]) group_last.push_back(i + 1);
    }
    // RANGE offsets compare the single ORDER BY key against the current row's key +- offset.
    auto range_bound = [&](size_t i, const Value& off, bool preceding, bool is_start) -> size_t {
      if (order_keys.size() != 1)
        throw Error(SqlState::kWindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
      const Vector& kv = order_keys[0];
      bool desc = ord_spec[0].desc;
      Value cur = kv.GetValue(order[ps + i]);
      if (cur.is_null) return is_start ? peer_start[i] : peer_end[i];
      bool subtract = preceding != desc;
      Value target;
      if (cur.type.IsTemporal() && off.type.id == TypeId::kInterval) {
        int64_t base = cur.type.id == TypeId::kDate ? cur.i * kNsPerDay : cur.i;
        target = Value::Time(cur.type.id == TypeId::kTimestampTz ? AddIntervalTz(base, off.iv, subtract ? -1 : 1)
                                                                  : AddInterval(base, off.iv, subtract ? -1 : 1), cur.type.id == TypeId::kDate ? TypeId::kTimestamp : cur.type.id);
        if (cur.type.id == TypeId::kDate) cur = Value::Time(base, TypeId::kTimestamp);
      } else {
        Value c8 = CastValue(cur, TypeId::kFloat64), o8 = CastValue(off, TypeId::kFloat64);
        target = Value::Float(subtract ? c8.f - o8.f : c8.f + o8.f);
        cur = c8;
      }
      auto key_at = [&](size_t k) {
        Value v = kv.GetValue(order[ps + k]);
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
        if (v.is_null) before = ord_spec[0].nulls_first;
        else {
          int c = CompareValues(v, target);
          if (desc) c = -c;
          before = is_start ? c < 0 : c <= 0;
        }
        if (before) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    auto frame_of = [&](size_t i, size_t* fs, size_t* fe) {
      if (fo & FrameOption::kStartUnboundedPreceding) *fs = 0;
      else if (fo & FrameOption::kStartCurrentRow) *fs = rows_mode ? i : peer_start[i];
      else if (fo & FrameOption::kStartOffsetPreceding) {
        if (rows_mode) *fs = i >= size_t(start_off) ? i - start_off : 0;
        else if (groups_mode) *fs = group_of[i] >= size_t(start_off) ? group_first[group_of[i] - start_off] : 0;
        else *fs = range_bound(i, start_off_v, true, true);
      } else {
        if (rows_mode) *fs = std::min(len, i + size_t(start_off));
        else if (groups_mode) *fs = group_of[i] + start_off < group_first.size() ? group_first[group_of[i] + start_off] : len;
        else *fs = range_bound(i, start_off_v, false, true);
      }
      if (fo & FrameOption::kEndUnboundedFollowing) *fe = len;
      else if (fo & FrameOption::kEndCurrentRow) *fe = rows_mode ? i + 1 : peer_end[i];
      else if (fo & FrameOption::kEndOffsetPreceding) {
        if (rows_mode) *fe = i >= size_t(end_off) ? i - end_off + 1 : 0;
        else if (groups_mode) *fe = group_of[i] >= size_t(end_off) ? group_last[group_of[i] - end_off] : 0;
        else *fe = range_bound(i, end_off_v, true, false);
      } else {
        if (rows_mode) *fe = std::min(len, i + size_t(end_off) + 1);
        else if (groups_mode) *fe = group_of[i] + end_off < group_last.size() ? group_last[group_of[i] + end_off] : len;
        else *fe = range_bound(i, end_off_v, false, false);
      }
      if (*fe < *fs) *fe = *fs;
    };
    const bool excludes = fo & (FrameOption::kExcludeCurrentRow | FrameOption::kExcludeGroup | FrameOption::kExcludeTies);
    auto frame_rows = [&](size_t i, size_t fs, size_t fe, std::vector<uint32_t>* out) {
      out->clear();
      for (size_t k = fs; k < fe; ++k) {
        if (excludes) {
          if ((fo & FrameOption::kExcludeCurrentRow) && k == i) continue;
          if ((fo & FrameOption::kExcludeGroup) && group_of[k] == group_of[i]) continue;
          if ((fo & FrameOption::kExcludeTies) && group_of[k] == group_of[i] && k != i) continue;
        }
        uint32_t row = order[ps + k];
        if (!agg_keep.empty() && !agg_keep[row]) continue;
        out->push_back(row);
      }
    };

    std::vector<uint32_t> frame, zeros;
    // Incremental path for aggregates whose frame only grows (UNBOUNDED PRECEDING, no exclusion).
    std::vector<AggState> running(1);
    size_t running_end = 0;
    const bool incremental = w.kind == WindowFunctionKind::kAggregate && (fo & FrameOption::kStartUnboundedPreceding) &&
                             !excludes && w.aggregate.order_by.empty() && !w.aggregate.distinct &&
                             !w.aggregate.function->ordered_set;
    // Moving frames: one pass with prefix sums / a sparse table instead of re-aggregating each frame.
    std::unique_ptr<FrameAggregator> sliding;
    if (w.kind == WindowFunctionKind::kAggregate && !incremental && !excludes && FrameAggregator::Supports(w.aggregate)) {
      std::vector<uint32_t> part_rows(order.begin() + ps, order.begin() + pe);
      sliding = std::make_unique<FrameAggregator>(w.aggregate, arg_ptrs.empty() ? nullptr : arg_ptrs[0], part_rows, agg_keep);
    }
    for (size_t i = 0; i < len; ++i) {
      const uint32_t row = order[ps + i];
      switch (w.kind) {
        case WindowFunctionKind::kRowNumber: result.SetValue(row, Value::Int(int64_t(i + 1))); break;
        case WindowFunctionKind::kRank: result.SetValue(row, Value::Int(int64_t(peer_start[i] + 1))); break;
        case WindowFunctionKind::kDenseRank: result.SetValue(row, Value::Int(int64_t(group_of[i] + 1))); break;
        case WindowFunctionKind::kPercentRank:
          result.SetValue(row, Value::Float(len > 1 ? double(peer_start[i]) / double(len - 1) : 0.0));
          break;
        case WindowFunctionKind::kCumeDist: result.SetValue(row, Value::Float(double(peer_end[i]) / double(len))); break;
        case WindowFunctionKind::kNtile: {
          Value b = args[0].GetValue(row);
          if (b.is_null) { result.SetValue(row, Value::Null(w.type)); break; }
          int64_t buckets = CastValue(b, TypeId::kInt64).i;
          if (buckets <= 0) throw Error(SqlState::kInvalidParameterValue, "argument of ntile must be greater than zero");
          // First (len % buckets) buckets get one extra row.
          int64_t per = int64_t(len) / buckets, extra = int64_t(len) % buckets;
          int64_t idx = int64_t(i), bucket;
          if (idx < extra * (per + 1)) bucket = idx / (per + 1);
          else bucket = extra + (per ? (idx - extra * (per + 1)) / per : 0);
          result.SetValue(row, Value::Int(bucket + 1));
          break;
        }
        case WindowFunctionKind::kLag:
        case WindowFunctionKind::kLead: {
          int64_t off = 1;
          if (args.size() > 1) {
            Value o = args[1].GetValue(row);
            if (o.is_null) { result.SetValue(row, Value::Null(w.type)); break; }
            off = CastValue(o, TypeId::kInt64).i;
          }
          int64_t target = w.kind == WindowFunctionKind::kLag ? int64_t(i) - off : int64_t(i) + off;
          if (target >= 0 && target < int64_t(len)) result.SetValue(row, args[0].GetValue(order[ps + target]));
          else if (args.size() > 2) result.SetValue(row, args[2].GetValue(row));
          else result.SetValue(row, Value::Null(w.type));
          break;
        }
        case WindowFunctionKind::kFirstValue:
        case WindowFunctionKind::kLastValue:
        case WindowFunctionKind::kNthValue: {
          size_t fs, fe;
          frame_of(i, &fs, &fe);
          frame_rows(i, fs, fe, &frame);
          int64_t nth = 1;
          if (w.kind == WindowFunctionKind::kNthValue) {
            Value nv = args[1].GetValue(row);
            if (nv.is_null) { result.SetValue(row, Value::Null(w.type)); break; }
            nth = CastValue(nv, TypeId::kInt64).i;
            if (nth <= 0) throw Error(SqlState::kInvalidParameterValue, "argument of nth_value must be greater than zero");
          }
          if (frame.empty() || (w.kind == WindowFunctionKind::kNthValue && size_t(nth) > frame.size())) {
            result.SetValue(row, Value::Null(w.type));
            break;
          }
          uint32_t pick = w.kind == WindowFunctionKind::kFirstValue ? frame.front()
                        : w.kind == WindowFunctionKind::kLastValue ? frame.back() : frame[nth - 1];
          result.SetValue(row, args[0].GetValue(pick));
          break;
        }
        case WindowFunctionKind::kAggregate: {
          size_t fs, fe;
          frame_of(i, &fs, &fe);
          if (incremental) {
            frame_rows(i, running_end, std::max(fe, running_end), &frame);
            running_end = std::max(fe, running_end);
            zeros.assign(frame.size(), 0);
            UpdateAggregate(w.aggregate, running, frame.data(), zeros.data(), frame.size(), arg_ptrs, order_ptrs);
            result.SetValue(row, FinalizeAggregate(w.aggregate, running[0], ctx));
          } else if (sliding) {
            AggState state = sliding->Frame(fs, fe);
            result.SetValue(row, FinalizeAggregate(w.aggregate, state, ctx));
          } else {
            std::vector<AggState> state(1);
            frame_rows(i, fs, fe, &frame);
            zeros.assign(frame.size(), 0);
            UpdateAggregate(w.aggregate, state, frame.data(), zeros.data(), frame.size(), arg_ptrs, order_ptrs);
            result.SetValue(row, FinalizeAggregate(w.aggregate, state[0], ctx));
          }
          break;
        }
      }
    }
    ps = pe;
  }
}

}  // namespace yunhe
