#include "exec/table_scan.h"

#include "common/status.h"

namespace yunhe {

TableScanOperator::TableScanOperator(std::shared_ptr<Table> table, std::vector<int> column_ids, bool emit_row_id)
    : table_(std::move(table)), column_ids_(std::move(column_ids)), emit_row_id_(emit_row_id) {
  for (int c : column_ids_) {
    types.push_back(table_->schema.columns[c].type);
    names.push_back(table_->schema.columns[c].name);
  }
  if (emit_row_id_) {
    types.push_back(TypeId::kInt64);
    names.push_back("ctid");
  }
}

void TableScanOperator::Open(ExecContext&) {
  if (!table_->corrupt.empty()) throw Error(SqlState::kDataCorrupted, table_->corrupt);
  group_ = 0;
  rows_snapshot_ = table_->data.row_count();
}

std::string TableScanOperator::Details() const { return "on " + table_->schema.name; }

bool TableScanOperator::Next(ExecContext&, DataChunk& out) {
  const TableData& data = table_->data;
  while (group_ * kChunkRows < rows_snapshot_ && group_ < data.group_count()) {
    const size_t g = group_++;
    const DataChunk& src = data.group(g);
    const size_t limit = std::min(src.count, rows_snapshot_ - g * kChunkRows);
    const auto& deleted = data.deleted(g);
    std::vector<uint32_t> sel;
    sel.reserve(limit);
    for (size_t r = 0; r < limit; ++r)
      if (!deleted[r]) sel.push_back(uint32_t(r));
    if (sel.empty()) continue;
    out.columns.clear();
    const bool all = sel.size() == src.count;
    for (int c : column_ids_) {
      if (all) out.columns.push_back(src.columns[c]);
      else out.columns.push_back(src.columns[c].Gather(sel));
    }
    if (emit_row_id_) {
      Vector ids(TypeId::kInt64);
      ids.Resize(sel.size());
      for (size_t k = 0; k < sel.size(); ++k) {
        ids.i64()[k] = int64_t(g * kChunkRows + sel[k]);
        ids.SetNull(k, false);
      }
      out.columns.push_back(std::move(ids));
    }
    out.count = sel.size();
    return true;
  }
  return false;
}

}  // namespace yunhe
