// ASOF join (DuckDB semantics): for every left row, the one right row with equal keys whose time
// is the nearest on the side the inequality allows:
//   left.t >= right.t  latest right row at or before      left.t >  right.t  strictly before
//   left.t <= right.t  earliest right row at or after     left.t <  right.t  strictly after
// Ties on the right time resolve to the row that came last (>=, >) or first (<=, <) in the right
// input, so a re-sent quote replaces the earlier one. An optional tolerance drops matches whose
// time distance exceeds it. NULL keys or times never match. INNER drops left rows without a
// match; LEFT keeps them with NULLs. Output: left columns, then right columns, in left order.
//
// Build: the right input is materialized, grouped by key (hash) and sorted by time within each
// key group (skipped when a group is already in order, e.g. a designated timestamp); groups sort
// in parallel. Probe: the left input streams chunk by chunk with a binary search per row, so
// memory is bounded by the right side and one left chunk. Past work_mem with equality keys
// (asof_join_spill.cpp), the right rows and then the left rows go to kSpillPartitions files by a
// hash of their keys and each pair is joined in turn: then the output is in left order within
// each partition only.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>

#include "exec/flat_key_map.h"
#include "exec/operator.h"
#include "exec/expr.h"
#include "exec/spill_file.h"

namespace yunhe {

enum class AsofOp { kGe, kGt, kLe, kLt };  // left time <op> right time

class AsofJoinOperator : public PhysicalOperator {
 public:
  // Keys/time of the right side are expressions over the right input's columns. tolerance < 0:
  // none; otherwise in the time column's unit (ns for timestamps, days for dates).
  AsofJoinOperator(OperatorPtr left, OperatorPtr right, bool left_outer, std::vector<ExprPtr> left_keys,
                   std::vector<ExprPtr> right_keys, ExprPtr left_time, ExprPtr right_time, AsofOp op,
                   double tolerance, std::string tolerance_text);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return left_outer_ ? "ASOF Left Join" : "ASOF Join"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  static constexpr size_t kSpillPartitions = 16;

 private:
  void ResetBuild();
  // Pass 1 for one right chunk (kept as is): its groups and times; answers its bytes.
  uint64_t AddRight(DataChunk in, ExecContext& ctx);
  void FinishBuild();  // passes 2 and 3: rows by group, each group by time
  bool PullLeft(ExecContext& ctx, DataChunk& in);  // the left child, or the partition's file
  // Spilling (asof_join_spill.cpp).
  void SpillRight(const DataChunk& in, const std::vector<Vector>& keys);
  void PartitionLeft(ExecContext& ctx);
  bool LoadNextPartition(ExecContext& ctx);
  struct Spill {
    std::vector<std::unique_ptr<SpillFile>> right, left;
    size_t next = 0;           // the next partition to join
    SpillFile* left_file = nullptr;
    size_t left_chunk = 0;
    uint64_t bytes = 0;
  };
  std::unique_ptr<Spill> spill_;
  std::vector<uint32_t> row_group_;  // per right row in input order; kNoGroup = never matches
  std::vector<int64_t> row_time_;
  // Group of the key of row r, or -1 (NULL key or, when probing, a key the right side lacks).
  int64_t GroupOf(const std::vector<Vector>& keys, size_t r, bool insert);
  static int64_t TimeKey(const Vector& v, size_t r);  // order-preserving int64 of the time value
  // Right column c of the build rows `rows` (kNoMatch: NULL), as one vector.
  Vector GatherRight(size_t c, const LogicalType& type, const std::vector<uint64_t>& rows) const;
  bool WithinTolerance(const Vector& left_time, size_t l, int64_t right_key) const;

  bool left_outer_;
  std::vector<ExprPtr> left_keys_, right_keys_;
  ExprPtr left_time_, right_time_;
  AsofOp op_;
  double tolerance_;
  std::string tolerance_text_;
  bool float_time_ = false;

  // The right input as pulled (no copy); a right row is (chunk << kChunkBits) | row.
  static constexpr int kChunkBits = 32;  // chunks may exceed kChunkRows rows
  std::vector<DataChunk> right_;
  std::vector<std::vector<Vector>> right_key_vectors_;  // evaluated keys per chunk (views point into them)
  enum class KeyKind { kNone, kInt, kText, kGeneric } key_kind_ = KeyKind::kNone;
  FlatKeyMap<int64_t> int_groups_;
  FlatKeyMap<std::string_view> text_groups_;
  std::unordered_map<std::string, uint32_t> groups_;
  std::string key_buf_;
  // A text key with a dictionary (common/text_dictionary.h) is looked up once per distinct value:
  // the group of each code of the dictionary last seen, -2 until looked up; [1] when inserting
  // (the build), [0] when probing. Reset with the build.
  struct CodeGroups {
    std::shared_ptr<const TextDictionary> dict;
    std::vector<int64_t> groups;
  };
  CodeGroups code_groups_[2];
  // Right rows ordered by (group, time): group g occupies [group_begin_[g], group_begin_[g+1]).
  struct Entry {
    int64_t time;  // TimeKey of the right row
    uint64_t row;  // (chunk << kChunkBits) | row
  };
  std::vector<uint32_t> group_begin_;
  std::vector<Entry> sorted_;
  std::vector<size_t> cursor_;  // per group: where the previous probe's search ended
};

}  // namespace yunhe
