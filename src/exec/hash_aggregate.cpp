#include "exec/hash_aggregate.h"

#include "exec/parallel_for.h"

#include <atomic>
#include <exception>
#include <thread>

#include "exec/expression_eval.h"
#include "exec/table_scan.h"

namespace yunhe {

HashAggregateOperator::HashAggregateOperator(OperatorPtr child, std::vector<ExprPtr> groups,
                                             std::vector<BoundAggregate> aggregates)
    : groups_(std::move(groups)), aggregates_(std::move(aggregates)) {
  for (auto& g : groups_) {
    types.push_back(g->type);
    names.push_back(g->ToString());
  }
  for (auto& a : aggregates_) {
    types.push_back(a.type);
    names.push_back(a.function->name);
  }
  children.push_back(std::move(child));
}

std::string HashAggregateOperator::Name() const {
  std::string base = groups_.empty() ? "Aggregate" : "HashAggregate";
  return parallel_scan_ ? "Parallel " + base : base;
}

std::string HashAggregateOperator::Details() const {
  std::string s;
  for (size_t k = 0; k < groups_.size(); ++k) s += (k ? ", " : "Group Key: ") + groups_[k]->ToString();
  if (parallel_scan_)
    s += (s.empty() ? "" : "; ") + std::string("Workers: ") + std::to_string(workers_used_) +
         " (the scan and filter below run inside the workers)";
  return s;
}

void HashAggregateOperator::EnableParallel(std::shared_ptr<TableScanOperator> scan, ExprPtr filter, size_t workers) {
  parallel_scan_ = std::move(scan);
  parallel_filter_ = std::move(filter);
  workers_ = workers;
  workers_used_ = workers;  // EXPLAIN shows the plan; EXPLAIN ANALYZE the number that ran
}

void HashAggregateOperator::Open(ExecContext& ctx) {
  table_ = std::make_unique<AggregateTable>(&groups_, &aggregates_);
  emitted_ = 0;
  if (parallel_scan_ && workers_ > 1) {
    parallel_scan_->OpenTimed(ctx);
    ConsumeParallel(ctx);
    return;
  }
  PhysicalOperator::Open(ctx);
  DataChunk in;
  while (children[0]->Pull(ctx, in)) table_->Consume(ctx, in);
}

namespace {

bool ColumnOrConstant(const ExprPtr& e) { return !e || e->kind == ExprKind::kColumn || e->kind == ExprKind::kConstant; }

}  // namespace

void HashAggregateOperator::ConsumeParallel(ExecContext& ctx) {
  inputs_are_columns_ = true;
  for (const ExprPtr& g : groups_) inputs_are_columns_ &= ColumnOrConstant(g);
  for (const BoundAggregate& a : aggregates_) {
    inputs_are_columns_ &= ColumnOrConstant(a.filter);
    for (const ExprPtr& x : a.args) inputs_are_columns_ &= ColumnOrConstant(x);
    for (const ExprPtr& x : a.order_by) inputs_are_columns_ &= ColumnOrConstant(x);
  }
  TableScanOperator& scan = *parallel_scan_;
  scan.PrepareParallel();  // zone maps computed up front: workers only read them
  const size_t groups = scan.group_count();
  workers_used_ = std::max<size_t>(1, std::min(workers_, groups));
  std::vector<std::unique_ptr<AggregateTable>> tables;
  for (size_t w = 0; w < workers_used_; ++w) tables.push_back(std::make_unique<AggregateTable>(&groups_, &aggregates_));
  std::vector<DataChunk> chunks(workers_used_);
  ParallelFor(workers_used_, groups, ctx, [&](size_t w, size_t g, ExecContext& local) {
    DataChunk& chunk = chunks[w];
    if (!scan.ReadGroup(g, chunk, /*keep_placeholders=*/true)) return;  // only read or selected below
    if (parallel_filter_) {
      std::vector<uint32_t> sel = EvaluateFilter(*parallel_filter_, chunk, local);
      if (sel.empty()) return;
      if (sel.size() != chunk.count) {
        // Aggregates read the passing rows in place when nothing they compute could fail on a
        // row the filter removed (1 / x where x = 0 was filtered out); otherwise gather first.
        if (inputs_are_columns_) {
          tables[w]->Consume(local, chunk, &sel);
          return;
        }
        chunk.Select(sel);
      }
    }
    tables[w]->Consume(local, chunk);
  });
  for (size_t w = 1; w < workers_used_; ++w) tables[0]->MergeFrom(*tables[w]);
  table_ = std::move(tables[0]);
}

bool HashAggregateOperator::Next(ExecContext& ctx, DataChunk& out) {
  const size_t group_count = table_->group_count();
  if (emitted_ >= group_count) return false;
  out.Init(types);
  size_t end = std::min(group_count, emitted_ + kChunkRows);
  for (size_t g = emitted_; g < end; ++g) {
    for (size_t c = 0; c < groups_.size(); ++c) out.columns[c].AppendFrom(table_->keys().columns[c], g);
    for (size_t a = 0; a < aggregates_.size(); ++a)
      out.columns[groups_.size() + a].Append(FinalizeAggregate(aggregates_[a], table_->state(a, g), ctx));
  }
  out.count = end - emitted_;
  emitted_ = end;
  return true;
}

}  // namespace yunhe
