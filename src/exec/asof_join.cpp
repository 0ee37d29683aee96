#include "exec/asof_join.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <thread>

#include "common/row_key.h"
#include "exec/expression_eval.h"

namespace yunhe {

namespace {
constexpr uint32_t kNoGroup = UINT32_MAX;
constexpr uint32_t kNoMatch = UINT32_MAX;

const char* OpText(AsofOp op) {
  switch (op) {
    case AsofOp::kGe: return ">=";
    case AsofOp::kGt: return ">";
    case AsofOp::kLe: return "<=";
    case AsofOp::kLt: return "<";
  }
  return "?";
}
}  // namespace

AsofJoinOperator::AsofJoinOperator(OperatorPtr left, OperatorPtr right, bool left_outer, std::vector<ExprPtr> left_keys,
                                   std::vector<ExprPtr> right_keys, ExprPtr left_time, ExprPtr right_time, AsofOp op,
                                   double tolerance, std::string tolerance_text)
    : left_outer_(left_outer),
      left_keys_(std::move(left_keys)),
      right_keys_(std::move(right_keys)),
      left_time_(std::move(left_time)),
      right_time_(std::move(right_time)),
      op_(op),
      tolerance_(tolerance),
      tolerance_text_(std::move(tolerance_text)) {
  types = left->types;
  names = left->names;
  types.insert(types.end(), right->types.begin(), right->types.end());
  names.insert(names.end(), right->names.begin(), right->names.end());
  float_time_ = left_time_->type.physical() == PhysicalType::kF64;
  children.push_back(std::move(left));
  children.push_back(std::move(right));
}

std::string AsofJoinOperator::Details() const {
  std::string s = "Match Cond: ";
  for (size_t k = 0; k < left_keys_.size(); ++k) s += left_keys_[k]->ToString() + " = " + right_keys_[k]->ToString() + " AND ";
  s += left_time_->ToString() + " " + OpText(op_) + " " + right_time_->ToString();
  if (!tolerance_text_.empty()) s += "; Tolerance: " + tolerance_text_;
  return s;
}

int64_t AsofJoinOperator::TimeKey(const Vector& v, size_t r) {
  if (v.type().physical() != PhysicalType::kF64) return v.i64()[r];
  // Order-preserving map of a double onto int64: flip the magnitude bits of negatives.
  int64_t bits = std::bit_cast<int64_t>(v.f64()[r]);
  return bits >= 0 ? bits : bits ^ INT64_MAX;
}

int64_t AsofJoinOperator::GroupOf(const std::vector<Vector>& keys, size_t r, bool insert) {
  if (keys.empty()) return 0;
  if (int_key_) {
    if (keys[0].IsNull(r)) return -1;
    const int64_t k = keys[0].i64()[r];
    if (insert) return int_groups_.try_emplace(k, uint32_t(int_groups_.size())).first->second;
    auto it = int_groups_.find(k);
    return it == int_groups_.end() ? -1 : int64_t(it->second);
  }
  key_buf_.clear();
  for (auto& k : keys) {
    if (k.IsNull(r)) return -1;
    AppendKeyCell(k, r, key_buf_);
  }
  if (insert) return groups_.try_emplace(key_buf_, uint32_t(groups_.size())).first->second;
  auto it = groups_.find(key_buf_);
  return it == groups_.end() ? -1 : int64_t(it->second);
}

void AsofJoinOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  build_.Init(children[1]->types);
  build_time_ = Vector(right_time_->type);
  int_groups_.clear();
  groups_.clear();
  int_key_ = right_keys_.size() == 1 && right_keys_[0]->type.physical() == PhysicalType::kI64;
  std::vector<uint32_t> row_group;
  std::vector<int64_t> row_time;
  DataChunk in;
  while (children[1]->Pull(ctx, in)) {
    std::vector<Vector> keys;
    for (auto& k : right_keys_) keys.push_back(Evaluate(*k, in, ctx));
    Vector scratch;
    const Vector& t = EvaluateRef(*right_time_, in, ctx, scratch);
    for (size_t r = 0; r < in.count; ++r) {
      int64_t g = t.IsNull(r) ? -1 : GroupOf(keys, r, true);
      row_group.push_back(g < 0 ? kNoGroup : uint32_t(g));
      row_time.push_back(t.IsNull(r) ? 0 : TimeKey(t, r));
    }
    for (size_t c = 0; c < build_.columns.size(); ++c) build_.columns[c].AppendRange(in.columns[c], 0, in.count);
    build_time_.AppendRange(t, 0, in.count);
    build_.count += in.count;
  }
  // Counting sort by group keeps the input order inside each group.
  const size_t ngroups = right_keys_.empty() ? 1 : (int_key_ ? int_groups_.size() : groups_.size());
  group_begin_.assign(ngroups + 1, 0);
  for (uint32_t g : row_group)
    if (g != kNoGroup) ++group_begin_[g + 1];
  for (size_t g = 0; g < ngroups; ++g) group_begin_[g + 1] += group_begin_[g];
  sorted_rows_.resize(group_begin_[ngroups]);
  {
    std::vector<uint32_t> fill(group_begin_.begin(), group_begin_.end() - 1);
    for (size_t r = 0; r < row_group.size(); ++r)
      if (row_group[r] != kNoGroup) sorted_rows_[fill[row_group[r]]++] = uint32_t(r);
  }
  // Sort each group by time (stable: equal times keep input order), groups split over threads.
  auto sort_groups = [&](size_t from, size_t to) {
    for (size_t g = from; g < to; ++g) {
      auto b = sorted_rows_.begin() + group_begin_[g], e = sorted_rows_.begin() + group_begin_[g + 1];
      auto by_time = [&](uint32_t x, uint32_t y) { return row_time[x] < row_time[y]; };
      if (!std::is_sorted(b, e, by_time)) std::stable_sort(b, e, by_time);
    }
  };
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), ngroups);
  if (threads > 1 && sorted_rows_.size() > 100000) {
    std::vector<std::thread> pool;
    const size_t per = sorted_rows_.size() / threads;
    size_t from = 0;
    for (size_t t = 0; t < threads && from < ngroups; ++t) {
      size_t to = from;
      if (t + 1 == threads) to = ngroups;
      else
        while (to < ngroups && group_begin_[to] - group_begin_[from] < per) ++to;
      pool.emplace_back(sort_groups, from, to);
      from = to;
    }
    for (auto& th : pool) th.join();
  } else {
    sort_groups(0, ngroups);
  }
  sorted_time_.resize(sorted_rows_.size());
  for (size_t k = 0; k < sorted_rows_.size(); ++k) sorted_time_[k] = row_time[sorted_rows_[k]];
}

bool AsofJoinOperator::WithinTolerance(const Vector& left_time, size_t l, uint32_t right_row) const {
  if (tolerance_ < 0) return true;
  if (float_time_) return std::fabs(left_time.f64()[l] - build_time_.f64()[right_row]) <= tolerance_;
  __int128 diff = __int128(left_time.i64()[l]) - __int128(build_time_.i64()[right_row]);
  if (diff < 0) diff = -diff;
  return diff <= __int128(tolerance_);
}

bool AsofJoinOperator::Next(ExecContext& ctx, DataChunk& out) {
  DataChunk in;
  std::vector<uint32_t> sel_left, sel_right;
  while (children[0]->Pull(ctx, in)) {
    std::vector<Vector> keys;
    for (auto& k : left_keys_) keys.push_back(Evaluate(*k, in, ctx));
    Vector scratch;
    const Vector& t = EvaluateRef(*left_time_, in, ctx, scratch);
    sel_left.clear();
    sel_right.clear();
    bool any_match = false;
    for (size_t r = 0; r < in.count; ++r) {
      uint32_t match = kNoMatch;
      int64_t g = t.IsNull(r) ? -1 : GroupOf(keys, r, false);
      if (g >= 0) {
        const int64_t* base = sorted_time_.data();
        const int64_t* b = base + group_begin_[g];
        const int64_t* e = base + group_begin_[g + 1];
        const int64_t x = TimeKey(t, r);
        // Index of the candidate in sorted_time_, or -1.
        ptrdiff_t at = -1;
        switch (op_) {
          case AsofOp::kGe: at = (std::upper_bound(b, e, x) - base) - 1; break;
          case AsofOp::kGt: at = (std::lower_bound(b, e, x) - base) - 1; break;
          case AsofOp::kLe: at = std::lower_bound(b, e, x) - base; break;
          case AsofOp::kLt: at = std::upper_bound(b, e, x) - base; break;
        }
        if (at >= b - base && at < e - base) {
          uint32_t row = sorted_rows_[size_t(at)];
          if (WithinTolerance(t, r, row)) match = row;
        }
      }
      if (match == kNoMatch && !left_outer_) continue;
      any_match = any_match || match != kNoMatch;
      sel_left.push_back(uint32_t(r));
      sel_right.push_back(match);
    }
    if (sel_left.empty()) continue;
    out.columns.clear();
    for (auto& c : in.columns) out.columns.push_back(sel_left.size() == in.count ? std::move(c) : c.Gather(sel_left));
    if (!any_match) {
      for (auto& c : build_.columns) out.columns.push_back(Vector::Constant(Value::Null(c.type()), c.type(), sel_left.size()));
    } else {
      std::vector<uint32_t> gather(sel_right);
      for (auto& g : gather)
        if (g == kNoMatch) g = 0;
      for (auto& c : build_.columns) {
        Vector v = c.Gather(gather);
        for (size_t k = 0; k < sel_right.size(); ++k)
          if (sel_right[k] == kNoMatch) v.SetNull(k, true);
        out.columns.push_back(std::move(v));
      }
    }
    out.count = sel_left.size();
    return true;
  }
  return false;
}

}  // namespace yunhe
