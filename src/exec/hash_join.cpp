#include "exec/hash_join.h"

#include "common/row_key.h"
#include "exec/expression_eval.h"
#include "exec/join_util.h"

namespace yunhe {
namespace {

// Serializes the join key of row r; false when any key column is NULL (NULL never matches).
bool JoinKey(const std::vector<Vector>& keys, size_t r, std::string* key) {
  key->clear();
  for (auto& k : keys) {
    if (k.IsNull(r)) return false;
    AppendKeyCell(k, r, *key);
  }
  return true;
}

}  // namespace

HashJoinOperator::HashJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, std::vector<ExprPtr> left_keys,
                                   std::vector<ExprPtr> right_keys, ExprPtr residual)
    : kind_(kind), left_keys_(std::move(left_keys)), right_keys_(std::move(right_keys)), residual_(std::move(residual)) {
  left_width_ = left->types.size();
  AdoptJoinInputs(*this, std::move(left), std::move(right), kind_ != JoinKind::kSemi && kind_ != JoinKind::kAnti);
}

std::string HashJoinOperator::Name() const {
  const char* k = kind_ == JoinKind::kInner ? "Inner" : kind_ == JoinKind::kLeft ? "Left" : kind_ == JoinKind::kRight ? "Right"
                : kind_ == JoinKind::kFull ? "Full" : kind_ == JoinKind::kSemi ? "Semi" : "Anti";
  return std::string(left_keys_.empty() ? "Nested Loop " : "Hash ") + k + " Join";
}

std::string HashJoinOperator::Details() const {
  std::string s;
  for (size_t k = 0; k < left_keys_.size(); ++k)
    s += (k ? " AND " : "Hash Cond: ") + left_keys_[k]->ToString() + " = " + right_keys_[k]->ToString();
  if (residual_) s += (s.empty() ? "Join Filter: " : "; Join Filter: ") + residual_->ToString();
  return s;
}

void HashJoinOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  build_.Init(children[1]->types);
  heads_.clear();
  int_heads_.clear();
  next_.clear();
  ready_.clear();
  pair_left_.clear();
  pair_right_.clear();
  probe_valid_ = left_done_ = right_emitted_ = false;
  int_keys_ = right_keys_.size() == 1 && right_keys_[0]->type.physical() == PhysicalType::kI64;
  DataChunk in;
  while (children[1]->Pull(ctx, in)) {
    const uint32_t base = uint32_t(build_.count);
    next_.resize(base + in.count, kEnd);
    if (int_keys_) {
      Vector scratch;
      const Vector& k = EvaluateRef(*right_keys_[0], in, ctx, scratch);
      for (size_t r = 0; r < in.count; ++r) {
        if (k.IsNull(r)) continue;
        auto [it, inserted] = int_heads_.try_emplace(k.i64()[r], base + uint32_t(r));
        if (!inserted) {
          next_[base + r] = it->second;
          it->second = base + uint32_t(r);
        }
      }
    } else if (!right_keys_.empty()) {
      std::vector<Vector> keys;
      for (auto& k : right_keys_) keys.push_back(Evaluate(*k, in, ctx));
      std::string key;
      for (size_t r = 0; r < in.count; ++r) {
        if (!JoinKey(keys, r, &key)) continue;
        auto [it, inserted] = heads_.try_emplace(key, base + uint32_t(r));
        if (!inserted) {
          next_[base + r] = it->second;
          it->second = base + uint32_t(r);
        }
      }
    }
    for (size_t c = 0; c < build_.columns.size(); ++c) build_.columns[c].AppendRange(in.columns[c], 0, in.count);
    build_.count += in.count;
  }
  if (right_keys_.empty()) {
    // Nested loop: every build row is a candidate, chained in order.
    for (size_t r = 0; r + 1 < build_.count; ++r) next_[r] = uint32_t(r + 1);
  }
  right_matched_.assign(build_.count, 0);
}

void HashJoinOperator::FlushPairs(ExecContext& ctx) {
  if (pair_left_.empty()) return;
  DataChunk pairs;
  for (auto& c : probe_.columns) pairs.columns.push_back(c.Gather(pair_left_));
  for (auto& c : build_.columns) pairs.columns.push_back(c.Gather(pair_right_));
  pairs.count = pair_left_.size();
  std::vector<uint32_t> sel;
  if (residual_) {
    sel = EvaluateFilter(*residual_, pairs, ctx);
  } else {
    sel.resize(pairs.count);
    for (size_t k = 0; k < sel.size(); ++k) sel[k] = uint32_t(k);
  }
  for (uint32_t k : sel) {
    left_matched_[pair_left_[k]] = 1;
    right_matched_[pair_right_[k]] = 1;
  }
  if (kind_ != JoinKind::kSemi && kind_ != JoinKind::kAnti && !sel.empty()) {
    if (sel.size() != pairs.count) pairs.Select(sel);
    ready_.push_back(std::move(pairs));
  }
  pair_left_.clear();
  pair_right_.clear();
}

void HashJoinOperator::EmitUnmatchedRight() {
  DataChunk out;
  out.Init(types);
  for (size_t r = 0; r < build_.count; ++r) {
    if (right_matched_[r]) continue;
    for (size_t c = 0; c < left_width_; ++c) out.columns[c].Append(Value::Null(types[c]));
    for (size_t c = 0; c < build_.columns.size(); ++c) out.columns[left_width_ + c].AppendFrom(build_.columns[c], r);
    if (++out.count == kChunkRows) {
      ready_.push_back(std::move(out));
      out.Init(types);
    }
  }
  if (out.count) ready_.push_back(std::move(out));
}

bool HashJoinOperator::Next(ExecContext& ctx, DataChunk& out) {
  while (ready_.empty()) {
    if (!probe_valid_) {
      if (left_done_ || !children[0]->Pull(ctx, probe_)) {
        left_done_ = true;
        if (!right_emitted_ && (kind_ == JoinKind::kRight || kind_ == JoinKind::kFull)) {
          right_emitted_ = true;
          EmitUnmatchedRight();
          continue;
        }
        return false;
      }
      probe_valid_ = true;
      probe_row_ = 0;
      left_matched_.assign(probe_.count, 0);
      probe_cursor_.assign(probe_.count, kEnd);
      if (int_keys_) {
        Vector scratch;
        const Vector& k = EvaluateRef(*left_keys_[0], probe_, ctx, scratch);
        for (size_t r = 0; r < probe_.count; ++r) {
          if (k.IsNull(r)) continue;
          auto it = int_heads_.find(k.i64()[r]);
          if (it != int_heads_.end()) probe_cursor_[r] = it->second;
        }
      } else if (!left_keys_.empty()) {
        std::vector<Vector> keys;
        for (auto& k : left_keys_) keys.push_back(Evaluate(*k, probe_, ctx));
        std::string key;
        for (size_t r = 0; r < probe_.count; ++r) {
          if (!JoinKey(keys, r, &key)) continue;
          auto it = heads_.find(key);
          if (it != heads_.end()) probe_cursor_[r] = it->second;
        }
      } else if (build_.count > 0) {
        std::fill(probe_cursor_.begin(), probe_cursor_.end(), 0u);
      }
    }
    // Generate candidate pairs, at most one chunk's worth before evaluating them.
    while (probe_row_ < probe_.count && pair_left_.size() < kChunkRows) {
      uint32_t& cursor = probe_cursor_[probe_row_];
      while (cursor != kEnd && pair_left_.size() < kChunkRows) {
        pair_left_.push_back(uint32_t(probe_row_));
        pair_right_.push_back(cursor);
        cursor = next_[cursor];
      }
      if (cursor == kEnd) ++probe_row_;
    }
    FlushPairs(ctx);
    if (probe_row_ >= probe_.count) {
      probe_valid_ = false;
      if (kind_ == JoinKind::kLeft || kind_ == JoinKind::kFull || kind_ == JoinKind::kSemi || kind_ == JoinKind::kAnti) {
        std::vector<uint32_t> sel;
        bool want_matched = kind_ == JoinKind::kSemi;
        for (size_t r = 0; r < probe_.count; ++r)
          if ((left_matched_[r] != 0) == want_matched) sel.push_back(uint32_t(r));
        if (!sel.empty())
          ready_.push_back(LeftRowsWithNullRight(probe_, build_, sel, kind_ == JoinKind::kLeft || kind_ == JoinKind::kFull));
      }
    }
  }
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace yunhe
