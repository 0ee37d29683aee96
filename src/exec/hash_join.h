// Joins: builds a hash table on the right input's equi-join keys (or keeps the whole right input
// when there are none, i.e. a nested-loop join), then streams the left input. Handles INNER,
// LEFT, RIGHT and FULL joins plus a residual condition evaluated on candidate pairs.
// Output rows: the left columns followed by the right columns. NULL keys never match.
// Memory: the right (build) side is held in memory; the planner puts the smaller input there
// when it can tell.
#pragma once
#include <deque>
#include <unordered_map>

#include "exec/operator.h"
#include "sql/expr.h"

namespace yunhe {

enum class JoinKind { kInner, kLeft, kRight, kFull, kSemi, kAnti };

class HashJoinOperator : public PhysicalOperator {
 public:
  HashJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, std::vector<ExprPtr> left_keys,
                   std::vector<ExprPtr> right_keys, ExprPtr residual);
  void Open(ExecContext& ctx) override;
  std::string Name() const override;
  std::string Details() const override;
  JoinKind kind() const { return kind_; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  // Evaluates the residual on the pending pairs and moves the survivors to the output queue.
  void FlushPairs(ExecContext& ctx);
  void EmitUnmatchedRight();

  JoinKind kind_;
  std::vector<ExprPtr> left_keys_, right_keys_;
  ExprPtr residual_;
  size_t left_width_ = 0;

  static constexpr uint32_t kEnd = UINT32_MAX;
  DataChunk build_;                 // all right rows
  std::vector<uint8_t> right_matched_;
  // Build rows with equal keys form a chain: head from the map, then next_[row].
  bool int_keys_ = false;           // one integer-like key: no key serialization
  std::unordered_map<int64_t, uint32_t> int_heads_;
  std::unordered_map<std::string, uint32_t> heads_;
  std::vector<uint32_t> next_;

  DataChunk probe_;                  // current left chunk
  std::vector<uint32_t> probe_cursor_;  // per left row: next build row to pair with, kEnd = done
  std::vector<uint8_t> left_matched_;
  size_t probe_row_ = 0;
  bool probe_valid_ = false, left_done_ = false, right_emitted_ = false;

  std::vector<uint32_t> pair_left_, pair_right_;
  std::deque<DataChunk> ready_;
};

}  // namespace yunhe
