// Joins: builds a hash table on the right input's equi-join keys (or keeps the whole right input
// when there are none, i.e. a nested-loop join), then streams the left input. Handles INNER,
// LEFT, RIGHT and FULL joins plus a residual condition evaluated on candidate pairs.
// Output rows: the left columns followed by the right columns. NULL keys never match.
// Memory: the build side is held in memory up to work_mem; past it, an equi-join becomes a grace
// hash join (hash_join_spill.cpp): both inputs are split by a hash of their keys into
// kSpillPartitions pairs of temporary files and each pair is joined on its own, so only one
// partition's build rows are held at a time (EXPLAIN ANALYZE: "Batches: N  Disk: kB"). Parallel:
// with equi-join keys and self-contained expressions, batches of probe chunks are probed on all
// cores (the build is read-only then); output keeps the input order.
#pragma once
#include <atomic>
#include <deque>
#include <memory>
#include <unordered_map>

#include "exec/bloom_filter.h"
#include "exec/flat_key_map.h"
#include "exec/join_key_filter.h"
#include "exec/spill_file.h"
#include "exec/operator.h"
#include "exec/expr.h"

namespace yunhe {

class FilterOperator;
class TableScanOperator;

enum class JoinKind { kInner, kLeft, kRight, kFull, kSemi, kAnti };

class HashJoinOperator : public PhysicalOperator {
 public:
  HashJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, std::vector<ExprPtr> left_keys,
                   std::vector<ExprPtr> right_keys, ExprPtr residual);
  void Open(ExecContext& ctx) override;
  std::string Name() const override;
  std::string Details() const override;
  JoinKind kind() const { return kind_; }
  // Outer-join simplification (sql/planner_pushdown.cpp): a WHERE that rejects the NULL-padded
  // rows makes a LEFT/RIGHT join inner and a FULL one-sided. Before Open() only; never to or from
  // SEMI/ANTI (their output has no right columns).
  void SetKind(JoinKind kind) {
    kind_ = kind;
    if (kind_ == JoinKind::kRight || kind_ == JoinKind::kFull) build_left_ = false;
  }
  const std::vector<ExprPtr>& left_keys() const { return left_keys_; }
  const std::vector<ExprPtr>& right_keys() const { return right_keys_; }
  const ExprPtr& residual() const { return residual_; }
  size_t left_width() const { return left_width_; }
  // Projection pushdown: `needed` has one flag per output column; the ones nobody above reads
  // come out as all-NULL placeholders, so the build side does not keep them and probing does
  // not gather them. Columns the residual condition reads are kept regardless.
  void SetNeededColumns(const std::vector<bool>& needed);
  // Column c of the candidate pairs (left columns, then right ones) is read above or by the
  // residual; the others are placeholders.
  bool kept(size_t c) const { return kept_.empty() || kept_[c]; }
  // SEMI/ANTI/LEFT only, before Open(): hash the left rows and stream the right ones past them
  // (the outer rows are few, the subquery's many: TPC-H Q21's 80k lines against 6M), marking
  // the left rows that match; the rows a SEMI/ANTI join keeps and a LEFT join's unmatched ones
  // come out when the right side ends. Same rows, another order.
  void SetBuildLeft(bool on) {
    build_left_ = on && (kind_ == JoinKind::kSemi || kind_ == JoinKind::kAnti || kind_ == JoinKind::kLeft);
  }
  bool build_left() const { return build_left_; }
  // The keys this join builds, for a filter below its probe side (exec/join_key_filter.h);
  // published once built when they are one or two integer-like columns. Before Open() only.
  std::shared_ptr<JoinKeyFilter> OfferKeys() {
    if (!key_filter_) key_filter_ = std::make_shared<JoinKeyFilter>(BuildKeysText());
    return key_filter_;
  }
  bool offers_keys() const { return key_filter_ != nullptr; }
  void WithdrawOffer() { key_filter_.reset(); }  // nobody took them
  // Partitions of a join that spills (hash_join_spill.cpp).
  static constexpr size_t kSpillPartitions = 32;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  // One left chunk being probed: per row the next build row to pair with (kEnd = done).
  struct ProbeState {
    DataChunk probe;
    std::vector<uint32_t> cursor;
    std::vector<uint8_t> left_matched;
    size_t row = 0;
    std::vector<uint32_t> pair_left, pair_right;
  };
  void StartProbe(ProbeState& s, ExecContext& ctx) const;
  // Pairs up to one chunk of candidates, keeps those the residual accepts (output to `out`,
  // matches marked) and, once the chunk is done, emits its unmatched (LEFT, FULL, ANTI) or
  // matched (SEMI) left rows. Returns false when the chunk is done. Safe on several threads
  // at once for different states: it only reads the build side and marks right_matched_.
  bool ProbeStep(ProbeState& s, ExecContext& ctx, std::deque<DataChunk>& out);
  // Probes a batch of left chunks on all cores, output in input order.
  bool ProbeBatchParallel(ExecContext& ctx);
  // When the probe side is a sequential table scan, alone or under a filter: the workers read
  // its row groups themselves (decoding, filtering and probing on every core), a batch of
  // morsels at a time, output in the scan's order (the parallel aggregate's way, hash_aggregate.h).
  void ChooseParallelScan();
  bool ProbeScanBatch(ExecContext& ctx);
  // Building: the rows of a build chunk (kept columns) and its evaluated keys are added; the
  // chains are made once all are in. AddBuildRows answers the bytes it added.
  uint64_t AddBuildRows(const DataChunk& in, std::vector<Vector> keys);
  void FinishBuild();
  void ResetBuild();
  // The next chunk of the probe side: its child, or the current partition's file.
  bool PullProbe(ExecContext& ctx, DataChunk& out);
  // Grace hash join (hash_join_spill.cpp): per partition a build file (the build chunk's columns,
  // those not kept as NULL placeholders, then its evaluated keys) and a probe file (whole chunks);
  // rows wait in `*_pending` until a chunk's worth is there.
  struct Spill {
    std::vector<std::unique_ptr<SpillFile>> build, probe;
    std::vector<DataChunk> build_pending, probe_pending;
    size_t next = 0;         // the next partition to join
    size_t probe_chunk = 0;  // the next chunk of the current partition's probe file
    SpillFile* probe_file = nullptr;
  };
  void StartSpill();  // the build rows held so far go to the partition files
  void SpillBuildChunk(const DataChunk& in, const std::vector<Vector>& keys);
  void PartitionProbeSide(ExecContext& ctx);
  bool LoadNextPartition();  // false when none is left
  // The partition of each row of evaluated keys (NULL keys: partition 0).
  std::vector<uint8_t> PartitionsOf(const std::vector<Vector>& keys, size_t rows) const;
  void EmitUnmatchedRight();
  void EmitDecidedLeft();  // build_left_: the left rows the SEMI/ANTI join keeps
  Vector Placeholder(size_t c, size_t rows) const;

  JoinKind kind_;
  bool build_left_ = false;
  std::string BuildKeysText() const;  // "part.p_partkey", "(a.x, a.y)": EXPLAIN's name of the keys
  // SEMI/ANTI hashing the left rows: a left row is decided by its first match.
  bool decided_once() const { return build_left_ && kind_ != JoinKind::kLeft; }
  std::shared_ptr<JoinKeyFilter> key_filter_;
  // The side hashed and the side streamed: right and left, or left and right (build_left_).
  int build_child() const { return build_left_ ? 0 : 1; }
  int probe_child() const { return build_left_ ? 1 : 0; }
  const std::vector<ExprPtr>& build_keys() const { return build_left_ ? left_keys_ : right_keys_; }
  const std::vector<ExprPtr>& probe_keys() const { return build_left_ ? right_keys_ : left_keys_; }
  size_t build_offset() const { return build_left_ ? 0 : left_width_; }  // of build_'s columns in a pair
  std::vector<ExprPtr> left_keys_, right_keys_;
  ExprPtr residual_;
  size_t left_width_ = 0;
  size_t workers_ = 1;  // > 1: probe batches of left chunks in parallel
  std::shared_ptr<TableScanOperator> probe_scan_;  // set: workers read its row groups (ChooseParallelScan)
  FilterOperator* probe_filter_ = nullptr;         // the filter between it and the join, if any
  std::vector<std::pair<size_t, size_t>> probe_morsels_;
  size_t next_morsel_ = 0;
  std::vector<bool> kept_;  // per pair column; empty: all
  std::vector<bool> residual_reads_;  // per pair column: the residual reads it (set at Open)
  std::vector<LogicalType> pair_types_;

  static constexpr uint32_t kEnd = UINT32_MAX;
  DataChunk build_;                 // all rows of the build side
  std::unique_ptr<std::atomic<uint8_t>[]> right_matched_;  // per build row
  // Build rows with equal keys form a chain: the key's id in a flat map, heads_[id] the newest
  // row with it, then next_[row].
  bool int_keys_ = false;           // one integer-like key: no key serialization
  FlatKeyMap<int64_t> int_ids_;
  bool pair_keys_ = false;          // two integer-like keys, as one 128-bit key
  FlatKeyMap<__int128> pair_ids_;
  FlatKeyMap<std::string_view> key_ids_;
  BloomFilter bloom_;               // of the integer or pair keys' hashes, for big tables (FinishBuild)
  std::deque<std::string> key_store_;  // serialized keys the views in key_ids_ point into
  std::vector<uint32_t> heads_;
  std::vector<uint32_t> next_;

  // Key vectors of the build chunks added, and their row counts, until FinishBuild.
  std::vector<std::vector<Vector>> build_key_chunks_;
  std::vector<uint32_t> build_chunk_rows_;
  std::unique_ptr<Spill> spill_;     // set once the build side passed work_mem
  uint64_t spilled_bytes_ = 0;

  ProbeState state_;                 // the serial path's current left chunk
  bool probe_valid_ = false, left_done_ = false, right_emitted_ = false;
  std::deque<DataChunk> ready_;
};

}  // namespace yunhe
