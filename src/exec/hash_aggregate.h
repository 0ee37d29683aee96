// GROUP BY: hashes the group key of every input row to a group and updates that group's
// aggregate states. Output: the group key columns, then one column per aggregate. Without GROUP
// BY there is exactly one group, even for empty input (count(*) = 0).
//
// Parallel mode (set by the planner for Aggregate <- [Filter] <- Seq Scan over a large table):
// worker threads take row groups from a shared counter (morsels), filter and aggregate into
// their own AggregateTable, and the tables are merged at the end.
//
// Spilling (serial mode, with GROUP BY): once the table passes work_mem, rows of groups already
// in it keep being aggregated there, and rows of new groups are written to one of kSpillPartitions
// temporary files by a hash of their key (exec/spill_file.h). Every group is then complete in
// exactly one place: the table is emitted first, then each partition is aggregated and emitted
// in turn, one partition's groups in memory at a time. EXPLAIN ANALYZE: "Batches: N  Disk: NkB".
#pragma once
#include <memory>

#include "exec/aggregate_table.h"
#include "exec/spill_file.h"
#include "exec/operator.h"

namespace yunhe {

class TableScanOperator;

class HashAggregateOperator : public PhysicalOperator {
 public:
  HashAggregateOperator(OperatorPtr child, std::vector<ExprPtr> groups, std::vector<BoundAggregate> aggregates);
  void Open(ExecContext& ctx) override;
  std::string Name() const override;
  std::string Details() const override;
  // Runs the scan (and filter) below in `workers` threads. The expressions must not contain
  // subqueries and the aggregates must not be DISTINCT (checked by the planner).
  void EnableParallel(std::shared_ptr<TableScanOperator> scan, ExprPtr filter, size_t workers);
  // After the optimizer changed the filter or scan below (sql/optimizer/join_key_filters.cpp):
  // the parallel workers take the filter of the input as it is now.
  void RefreshParallelFilter();
  const std::vector<ExprPtr>& groups() const { return groups_; }
  const std::vector<BoundAggregate>& aggregates() const { return aggregates_; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  void ConsumeParallel(ExecContext& ctx);

  std::vector<ExprPtr> groups_;
  std::vector<BoundAggregate> aggregates_;
  std::unique_ptr<AggregateTable> table_;
  size_t emitted_ = 0;
  std::shared_ptr<TableScanOperator> parallel_scan_;
  ExprPtr parallel_filter_;
  size_t workers_ = 1;
  size_t workers_used_ = 1;
  bool inputs_are_columns_ = false;  // keys and aggregate inputs are plain columns or constants
  static constexpr size_t kSpillPartitions = 16;
  std::vector<std::unique_ptr<SpillFile>> spill_;  // empty: nothing spilled
  size_t next_partition_ = 0;
  uint64_t spilled_bytes_ = 0;
  void ConsumeSerial(ExecContext& ctx);
};

}  // namespace yunhe
