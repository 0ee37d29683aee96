// ORDER BY: materializes its input, sorts row indexes by the key expressions (stable), and
// emits rows in order. PostgreSQL defaults: ASC NULLS LAST, DESC NULLS FIRST.
// External merge sort: once the rows held pass work_mem (SET work_mem; default a quarter of
// memory_limit), they are sorted and written to a temporary file as a run (exec/spill_file.h),
// and the buffer starts again; at the end the runs are merged, one chunk per run in memory.
// Ties keep input order in both paths (runs are in input order; the merge prefers the earlier
// run). EXPLAIN ANALYZE says "Sort Method: external merge" with the runs and bytes spilled.
#pragma once
#include <atomic>
#include <memory>

#include "exec/operator.h"
#include "exec/spill_file.h"
#include "exec/expr.h"

namespace yunhe {

struct SortKey {
  ExprPtr expr;
  bool desc = false;
  bool nulls_first = false;
};

class SortOperator : public PhysicalOperator {
 public:
  SortOperator(OperatorPtr child, std::vector<SortKey> keys);
  void Open(ExecContext& ctx) override;
  // ORDER BY ... LIMIT n: only the first n rows in order are needed (set by the planner with
  // n = limit + offset), so the sort keeps at most a bounded buffer.
  void SetLimit(size_t n) { limit_ = n; }
  size_t limit() const { return limit_; }
  const std::vector<SortKey>& keys() const { return keys_; }
  // Nearest-neighbour scans below read this: with a limit and an ascending double first key,
  // the sort keeps it at the k-th smallest key seen so far (no row farther can make the top k).
  void SetKthKeyBound(std::shared_ptr<std::atomic<double>> bound) { kth_bound_ = std::move(bound); }
  std::string Name() const override { return "Sort"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::vector<SortKey> keys_;
  size_t limit_ = 0;  // 0 = all rows
  std::shared_ptr<std::atomic<double>> kth_bound_;
  DataChunk rows_;
  std::vector<uint32_t> order_;
  size_t emitted_ = 0;
  // External merge: the runs on disk (row columns, then key columns) and a cursor in each.
  struct Run {
    std::unique_ptr<SpillFile> file;
    DataChunk chunk;  // the current chunk
    size_t next_chunk = 0, row = 0;
  };
  std::vector<Run> runs_;
  std::vector<size_t> heap_;  // run indexes, a min-heap on each run's current row
  uint64_t spilled_bytes_ = 0;
  void SpillRun(DataChunk& rows, std::vector<Vector>& key_vectors);
  bool RunLess(size_t a, size_t b) const;  // a's current row sorts after b's (for std heap order)
  bool NextMerged(DataChunk& out);
};


}  // namespace yunhe
