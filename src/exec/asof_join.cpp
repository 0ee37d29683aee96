#include "exec/asof_join.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "common/memory_limit.h"
#include "common/row_key.h"
#include "exec/expression_eval.h"
#include "exec/join_util.h"
#include "storage/buffer_pool.h"

namespace yunhe {

namespace {
constexpr uint64_t kNoMatch = UINT64_MAX;
constexpr uint32_t kNoGroup = UINT32_MAX;

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
  float_time_ = left_time_->type.physical() == PhysicalType::kF64;
  AdoptJoinInputs(*this, std::move(left), std::move(right));
}

std::string AsofJoinOperator::Details() const {
  std::string s = "Match Cond: ";
  for (size_t k = 0; k < left_keys_.size(); ++k) s += left_keys_[k]->ToString() + " = " + right_keys_[k]->ToString() + " AND ";
  s += left_time_->ToString() + " " + OpText(op_) + " " + right_time_->ToString();
  if (!tolerance_text_.empty()) s += "; Tolerance: " + tolerance_text_;
  if (spill_) s += fmt::format("\nBatches: {}  Disk: {}kB", kSpillPartitions, (spill_->bytes + 1023) / 1024);
  return s;
}

int64_t AsofJoinOperator::TimeKey(const Vector& v, size_t r) {
  if (v.type().physical() != PhysicalType::kF64) return v.i64()[r];
  // Order-preserving map of a double onto int64: flip the magnitude bits of negatives.
  int64_t bits = std::bit_cast<int64_t>(v.f64()[r]);
  return bits >= 0 ? bits : bits ^ INT64_MAX;
}

int64_t AsofJoinOperator::GroupOf(const std::vector<Vector>& keys, size_t r, bool insert) {
  switch (key_kind_) {
    case KeyKind::kNone: return 0;
    case KeyKind::kInt: {
      if (keys[0].IsNull(r)) return -1;
      const int64_t k = keys[0].i64()[r];
      return insert ? int64_t(int_groups_.Insert(k)) : int_groups_.Find(k);
    }
    case KeyKind::kText: {
      const Vector& v = keys[0];
      if (v.IsNull(r)) return -1;
      auto lookup = [&](std::string_view k) { return insert ? int64_t(text_groups_.Insert(k)) : text_groups_.Find(k); };
      const TextDictionary* d = v.dictionary();
      if (!d || d->size() > v.size()) return lookup(v.str()[r]);
      CodeGroups& memo = code_groups_[insert ? 1 : 0];
      if (memo.dict.get() != d) {
        memo.dict = v.shared_dictionary();
        memo.groups.assign(d->size(), -2);
      }
      const uint32_t code = v.codes()[r];
      int64_t& g = memo.groups[code];
      if (g == -2) g = lookup(d->values[code]);  // (the dictionary lives as long as the key vector)
      return g;
    }
    case KeyKind::kGeneric: break;
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

void AsofJoinOperator::ResetBuild() {
  right_.clear();
  right_key_vectors_.clear();
  int_groups_.Clear();
  text_groups_.Clear();
  for (CodeGroups& m : code_groups_) m = CodeGroups{};
  groups_.clear();
  row_group_.clear();
  row_time_.clear();
}

void AsofJoinOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  ResetBuild();
  spill_.reset();
  if (right_keys_.empty()) key_kind_ = KeyKind::kNone;
  else if (right_keys_.size() == 1 && right_keys_[0]->type.physical() == PhysicalType::kI64) key_kind_ = KeyKind::kInt;
  else if (right_keys_.size() == 1 && right_keys_[0]->type.physical() == PhysicalType::kStr) key_kind_ = KeyKind::kText;
  else key_kind_ = KeyKind::kGeneric;
  const uint64_t work_mem = WorkMemBytes();
  uint64_t held = 0;
  DataChunk in;
  while (children[1]->Pull(ctx, in)) {
    if (spill_) {
      std::vector<Vector> keys;
      for (auto& k : right_keys_) keys.push_back(Evaluate(*k, in, ctx));
      SpillRight(in, keys);
      continue;
    }
    held += AddRight(std::move(in), ctx);
    in = DataChunk();
    if (held > work_mem && !right_keys_.empty()) {
      // Past work_mem: what is held goes to the partition files, and so does all that follows.
      spill_ = std::make_unique<Spill>();
      for (size_t p = 0; p < kSpillPartitions; ++p) {
        spill_->right.push_back(std::make_unique<SpillFile>(children[1]->types));
        spill_->left.push_back(std::make_unique<SpillFile>(children[0]->types));
      }
      for (size_t c = 0; c < right_.size(); ++c) SpillRight(right_[c], right_key_vectors_[c]);
      ResetBuild();
    }
  }
  if (spill_) {
    PartitionLeft(ctx);
    LoadNextPartition(ctx);
    return;
  }
  FinishBuild();
}

uint64_t AsofJoinOperator::AddRight(DataChunk in, ExecContext& ctx) {
  std::vector<Vector> keys;
  for (auto& k : right_keys_) keys.push_back(Evaluate(*k, in, ctx));
  Vector scratch;
  const Vector& t = EvaluateRef(*right_time_, in, ctx, scratch);
  right_key_vectors_.push_back(std::move(keys));
  const std::vector<Vector>& kv = right_key_vectors_.back();
  if (row_group_.capacity() < row_group_.size() + in.count) {
    row_group_.reserve(std::max(row_group_.size() * 2, size_t(1) << 16));
    row_time_.reserve(row_group_.capacity());
  }
  for (size_t r = 0; r < in.count; ++r) {
    int64_t g = t.IsNull(r) ? -1 : GroupOf(kv, r, true);
    row_group_.push_back(g < 0 ? kNoGroup : uint32_t(g));
    row_time_.push_back(g < 0 ? 0 : TimeKey(t, r));
  }
  uint64_t bytes = 28 * in.count;  // group, time and a sorted entry per row
  for (const Vector& c : in.columns) bytes += BufferPool::VectorBytes(c);
  for (const Vector& k : kv) bytes += BufferPool::VectorBytes(k);
  right_.push_back(std::move(in));
  return bytes;
}

void AsofJoinOperator::FinishBuild() {
  std::vector<uint32_t>& row_group = row_group_;
  std::vector<int64_t>& row_time = row_time_;
  // Pass 2: counting sort by group (keeps input order inside a group) straight into sorted_.
  const size_t ngroups = key_kind_ == KeyKind::kNone ? 1
                         : key_kind_ == KeyKind::kInt ? int_groups_.size()
                         : key_kind_ == KeyKind::kText ? text_groups_.size() : groups_.size();
  group_begin_.assign(ngroups + 1, 0);
  for (uint32_t g : row_group)
    if (g != kNoGroup) ++group_begin_[g + 1];
  for (size_t g = 0; g < ngroups; ++g) group_begin_[g + 1] += group_begin_[g];
  const size_t n = group_begin_[ngroups];
  sorted_.resize(n);
  {
    std::vector<uint32_t> fill(group_begin_.begin(), group_begin_.end() - 1);
    size_t k = 0;
    for (uint64_t c = 0; c < right_.size(); ++c)
      for (size_t r = 0; r < right_[c].count; ++r, ++k)
        if (row_group[k] != kNoGroup) sorted_[fill[row_group[k]]++] = Entry{row_time[k], (c << kChunkBits) | r};
  }
  // Pass 3: sort each group by time (stable: equal times keep input order), skipped for groups
  // already in order (a designated timestamp); groups split over threads.
  auto sort_groups = [&](size_t from, size_t to) {
    for (size_t g = from; g < to; ++g) {
      auto b = sorted_.begin() + group_begin_[g], e = sorted_.begin() + group_begin_[g + 1];
      auto by_time = [](const Entry& x, const Entry& y) { return x.time < y.time; };
      if (!std::is_sorted(b, e, by_time)) std::stable_sort(b, e, by_time);
    }
  };
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), ngroups);
  if (threads > 1 && n > 100000) {
    std::vector<std::thread> pool;
    const size_t per = n / threads;
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
  cursor_.assign(group_begin_.begin(), group_begin_.end() - 1);
  row_group_ = {};
  row_time_ = {};
}

bool AsofJoinOperator::PullLeft(ExecContext& ctx, DataChunk& in) {
  if (!spill_) return children[0]->Pull(ctx, in);
  if (!spill_->left_file || spill_->left_chunk >= spill_->left_file->chunk_count()) return false;
  CheckCancel();
  in = spill_->left_file->Read(spill_->left_chunk++);
  return true;
}

bool AsofJoinOperator::WithinTolerance(const Vector& left_time, size_t l, int64_t right_key) const {
  if (tolerance_ < 0) return true;
  if (float_time_) {
    const double rt = std::bit_cast<double>(right_key >= 0 ? right_key : right_key ^ INT64_MAX);
    return std::fabs(left_time.f64()[l] - rt) <= tolerance_;
  }
  __int128 diff = __int128(left_time.i64()[l]) - __int128(right_key);
  if (diff < 0) diff = -diff;
  return diff <= __int128(tolerance_);
}

Vector AsofJoinOperator::GatherRight(size_t c, const LogicalType& type, const std::vector<uint64_t>& rows) const {
  const size_t n = rows.size();
  Vector v(type);
  v.Resize(n);  // every row NULL until a match fills it
  uint8_t* nulls = v.nulls();
  // One typed loop per physical type: the matched rows lie anywhere in the build side.
  auto gather = [&](auto* out, auto get) {
    for (size_t k = 0; k < n; ++k) {
      const uint64_t id = rows[k];
      if (id == kNoMatch) continue;
      const Vector& src = right_[id >> kChunkBits].columns[c];
      const size_t row = id & ((uint64_t(1) << kChunkBits) - 1);
      if (src.IsNull(row)) continue;
      out[k] = get(src, row);
      nulls[k] = 0;
    }
  };
  switch (type.physical()) {
    case PhysicalType::kI64: gather(v.i64(), [](const Vector& s, size_t r) { return s.i64()[r]; }); break;
    case PhysicalType::kF64: gather(v.f64(), [](const Vector& s, size_t r) { return s.f64()[r]; }); break;
    case PhysicalType::kStr: gather(v.str(), [](const Vector& s, size_t r) -> const std::string& { return s.str()[r]; }); break;
    case PhysicalType::kDec: gather(v.dec(), [](const Vector& s, size_t r) { return s.dec()[r]; }); break;
    case PhysicalType::kInterval: gather(v.iv(), [](const Vector& s, size_t r) { return s.iv()[r]; }); break;
  }
  return v;
}

bool AsofJoinOperator::Next(ExecContext& ctx, DataChunk& out) {
  DataChunk in;
  std::vector<uint32_t> sel_left;
  std::vector<uint64_t> sel_right;
  for (;;) {
    if (!PullLeft(ctx, in)) {
      if (spill_ && LoadNextPartition(ctx)) continue;  // the next pair of files
      return false;
    }
    std::vector<Vector> keys;
    for (auto& k : left_keys_) keys.push_back(Evaluate(*k, in, ctx));
    Vector scratch;
    const Vector& t = EvaluateRef(*left_time_, in, ctx, scratch);
    sel_left.clear();
    sel_right.clear();
    bool any_match = false;
    const Entry* base = sorted_.data();
    for (size_t r = 0; r < in.count; ++r) {
      uint64_t match = kNoMatch;
      int64_t g = t.IsNull(r) || group_begin_.size() < 2 ? -1 : GroupOf(keys, r, false);
      if (g >= 0) {
        const size_t b = group_begin_[g], e = group_begin_[g + 1];
        const int64_t x = TimeKey(t, r);
        // First index whose time is > x (upper) or >= x (lower), searched from where this group's
        // previous probe ended: left rows in time order then walk forward a few entries
        // instead of binary-searching the whole group (and stay in cache).
        const bool upper = op_ == AsofOp::kGe || op_ == AsofOp::kLt;
        auto before = [&](size_t i) { return upper ? base[i].time <= x : base[i].time < x; };
        size_t& hint = cursor_[g];
        size_t lo = b, hi = e;
        if (hint >= b && hint <= e && (hint == b || before(hint - 1))) {
          // The bound is at or after the hint: gallop forward, 1, 2, 4, ... entries.
          lo = hint;
          size_t probe = hint, step = 1;
          while (probe < e && before(probe)) {
            lo = probe + 1;
            probe = lo + step;
            step <<= 1;
          }
          hi = std::min(probe, e);
        } else if (hint > b && hint <= e) {
          hi = hint - 1;  // before(hint - 1) is false: the bound is at or before it
        }
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (before(mid)) lo = mid + 1;
          else hi = mid;
        }
        hint = lo;
        // >= and > take the entry before the bound, <= and < the entry at it.
        ptrdiff_t at = (op_ == AsofOp::kGe || op_ == AsofOp::kGt) ? ptrdiff_t(lo) - 1 : ptrdiff_t(lo);
        if (at >= ptrdiff_t(b) && at < ptrdiff_t(e) && WithinTolerance(t, r, base[at].time)) match = base[at].row;
      }
      if (match == kNoMatch && !left_outer_) continue;
      any_match = any_match || match != kNoMatch;
      sel_left.push_back(uint32_t(r));
      sel_right.push_back(match);
    }
    if (sel_left.empty()) continue;
    out.columns.clear();
    for (auto& c : in.columns) out.columns.push_back(sel_left.size() == in.count ? std::move(c) : c.Gather(sel_left));
    const size_t right_width = types.size() - out.columns.size();
    for (size_t c = 0; c < right_width; ++c) {
      const LogicalType& type = types[out.columns.size()];
      if (!any_match) {
        out.columns.push_back(Vector::Constant(Value::Null(type), type, sel_left.size()));
        continue;
      }
      out.columns.push_back(GatherRight(c, type, sel_right));
    }
    out.count = sel_left.size();
    return true;
  }
}

}  // namespace yunhe
