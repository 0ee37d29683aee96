// Scans a table's row groups, skipping deleted rows, up to the row count seen at Open()
// (so INSERT INTO t SELECT ... FROM t never reads its own output).
#pragma once
#include "exec/operator.h"
#include "storage/table.h"

namespace yunhe {

class TableScanOperator : public PhysicalOperator {
 public:
  // column_ids: which table columns to emit; emit_row_id appends a BIGINT row id (for UPDATE/DELETE).
  TableScanOperator(std::shared_ptr<Table> table, std::vector<int> column_ids, bool emit_row_id);
  void Open(ExecContext& ctx) override;
  // Column pruning: columns not in `needed` are emitted as all-NULL placeholders (no copy of
  // the table's data); the planner guarantees nothing reads them.
  void KeepOnly(const std::vector<bool>& needed);
  std::string Name() const override { return "Seq Scan"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::shared_ptr<Table> table_;
  std::vector<int> column_ids_;
  bool emit_row_id_;
  std::vector<bool> needed_;           // per emitted column; empty = all
  std::vector<Vector> placeholders_;   // all-NULL chunk-sized vectors for pruned columns
  size_t group_ = 0;
  size_t rows_snapshot_ = 0;
};

}  // namespace yunhe
