#include "exec/hash_aggregate.h"

#include "exec/parallel_for.h"

#include <atomic>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include "common/memory_limit.h"
#include "common/statement_context.h"
#include "exec/basic_operators.h"
#include "exec/expression_eval.h"
#include "exec/table_scan.h"

namespace yunhe {

namespace {

bool ColumnOrConstant(const ExprPtr& e) { return !e || e->kind == ExprKind::kColumn || e->kind == ExprKind::kConstant; }

// Aggregates the rows of `in` whose group `table` already has; writes the others to `files`,
// partitioned by a hash of their key.
void ConsumeOrSpill(AggregateTable& table, ExecContext& ctx, const DataChunk& in, std::vector<std::unique_ptr<SpillFile>>& files) {
  std::vector<uint32_t> present;
  std::vector<std::vector<uint32_t>> absent(files.size());
  table.SplitByPresence(ctx, in, &present, &absent);
  if (!present.empty()) table.Consume(ctx, in, &present);
  AppendPartitions(files, in, absent);
}

}  // namespace

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
  return parallel_scan_ && workers_ > 1 ? "Parallel " + base : base;
}

std::string HashAggregateOperator::Details() const {
  std::string s;
  for (size_t k = 0; k < groups_.size(); ++k) s += (k ? ", " : "Group Key: ") + groups_[k]->ToString();
  if (parallel_scan_ && workers_ > 1)
    s += (s.empty() ? "" : "; ") + std::string("Workers: ") + std::to_string(workers_used_) +
         " (the scan and filter below run inside the workers)";
  else if (parallel_scan_)
    s += (s.empty() ? "" : "; ") + std::string("Reads the scan's row groups itself (the scan and filter below run inside it)");
  if (!spill_.empty()) s += (s.empty() ? "" : "\n") + fmt::format("Batches: {}  Disk: {}kB", spill_.size() + 1, (spilled_bytes_ + 1023) / 1024);
  return s;
}

void HashAggregateOperator::EnableParallel(std::shared_ptr<TableScanOperator> scan, ExprPtr filter, size_t workers) {
  parallel_scan_ = std::move(scan);
  parallel_filter_ = std::move(filter);
  workers_ = workers;
  workers_used_ = workers;  // EXPLAIN shows the plan; EXPLAIN ANALYZE the number that ran
}

void HashAggregateOperator::RefreshParallelFilter() {
  if (!parallel_scan_) return;
  if (children[0] == parallel_scan_) {
    parallel_filter_ = nullptr;
    return;
  }
  auto* filter = dynamic_cast<FilterOperator*>(children[0].get());
  if (filter && filter->children[0] == parallel_scan_ && SelfContained(filter->predicate())) {
    parallel_filter_ = filter->predicate();
    return;
  }
  parallel_scan_ = nullptr;  // no longer Aggregate <- [Filter] <- Seq Scan: serial
  parallel_filter_ = nullptr;
}

void HashAggregateOperator::Open(ExecContext& ctx) {
  table_ = std::make_unique<AggregateTable>(&groups_, &aggregates_);
  emitted_ = 0;
  if (parallel_scan_) {  // one worker: this thread reads the groups the same way
    parallel_scan_->OpenTimed(ctx);
    ConsumeParallel(ctx);
    return;
  }
  PhysicalOperator::Open(ctx);
  ConsumeSerial(ctx);
}

void HashAggregateOperator::ConsumeSerial(ExecContext& ctx) {
  spill_.clear();
  next_partition_ = 0;
  spilled_bytes_ = 0;
  const uint64_t work_mem = WorkMemBytes();
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    if (spill_.empty()) {
      table_->Consume(ctx, in);
      if (!groups_.empty() && table_->ApproxBytes() > work_mem)
        for (size_t p = 0; p < kSpillPartitions; ++p) spill_.push_back(std::make_unique<SpillFile>(children[0]->types));
      continue;
    }
    ConsumeOrSpill(*table_, ctx, in, spill_);
  }
  for (auto& f : spill_) spilled_bytes_ += f->bytes();
}


void HashAggregateOperator::ConsumeParallel(ExecContext& ctx) {
  inputs_are_columns_ = true;
  for (const ExprPtr& g : groups_) inputs_are_columns_ &= ColumnOrConstant(g);
  for (const BoundAggregate& a : aggregates_) {
    inputs_are_columns_ &= ColumnOrConstant(a.filter);
    for (const ExprPtr& x : a.args) inputs_are_columns_ &= ColumnOrConstant(x);
    for (const ExprPtr& x : a.order_by) inputs_are_columns_ &= ColumnOrConstant(x);
  }
  TableScanOperator& scan = *parallel_scan_;
  const size_t groups = scan.group_count();
  workers_used_ = std::max<size_t>(1, std::min(workers_, groups));
  std::vector<std::unique_ptr<AggregateTable>> tables;
  for (size_t w = 0; w < workers_used_; ++w) tables.push_back(std::make_unique<AggregateTable>(&groups_, &aggregates_));
  std::vector<DataChunk> chunks(workers_used_);
  // Spilling: once the workers' tables together pass work_mem, each worker keeps aggregating the
  // groups its table has and writes rows of new groups to its own partition files.
  spill_.clear();
  next_partition_ = 0;
  spilled_bytes_ = 0;
  const uint64_t work_mem = WorkMemBytes();
  std::atomic<bool> overflow{false};
  std::vector<std::vector<std::unique_ptr<SpillFile>>> worker_spill(workers_used_);
  auto consume = [&](size_t w, DataChunk& chunk, const std::vector<uint32_t>* sel, ExecContext& local) {
    AggregateTable& table = *tables[w];
    if (groups_.empty() || !overflow.load(std::memory_order_relaxed)) {
      table.Consume(local, chunk, sel);
      if (!groups_.empty() && table.ApproxBytes() * workers_used_ > work_mem) overflow.store(true, std::memory_order_relaxed);
      return;
    }
    if (sel) chunk.Select(*sel);
    auto& files = worker_spill[w];
    if (files.empty())
      for (size_t k = 0; k < kSpillPartitions; ++k) files.push_back(std::make_unique<SpillFile>(scan.types));
    ConsumeOrSpill(table, local, chunk, files);
  };
  // A WHERE made only of zone-map comparisons (a time range) need not run on row groups the
  // zone maps pass whole, nor read the columns only it reads (the time column).
  std::vector<bool> filter_only(scan.types.size(), false);
  const bool zones_decide = parallel_filter_ && scan.FilterIsZonePredicates(parallel_filter_);
  if (zones_decide) {
    std::vector<bool> read_by_aggregate(scan.types.size(), false);
    bool known = MarkColumnsRead(parallel_filter_, &filter_only);
    for (const ExprPtr& e : groups_) known = known && MarkColumnsRead(e, &read_by_aggregate);
    for (const BoundAggregate& a : aggregates_) {
      for (const ExprPtr& e : a.args) known = known && MarkColumnsRead(e, &read_by_aggregate);
      for (const ExprPtr& e : a.order_by) known = known && MarkColumnsRead(e, &read_by_aggregate);
      known = known && MarkColumnsRead(a.filter, &read_by_aggregate) && MarkColumnsRead(a.direct_arg, &read_by_aggregate);
    }
    for (size_t c = 0; c < filter_only.size(); ++c) filter_only[c] = known && filter_only[c] && !read_by_aggregate[c];
  }
  // Rows the workers read from the scan and let through its filter, per worker: EXPLAIN ANALYZE
  // counts them on the scan and the filter this aggregate reads around.
  std::vector<uint64_t> rows_read(workers_used_, 0), rows_passed(workers_used_, 0);
  auto one_group = [&](size_t w, size_t g, ExecContext& local) {
    DataChunk& chunk = chunks[w];
    bool decided = false;  // only read or selected below: placeholders may be kept
    if (!(zones_decide ? scan.ReadGroupForFilter(g, chunk, /*keep_placeholders=*/true, filter_only, &decided)
                       : scan.ReadGroup(g, chunk, /*keep_placeholders=*/true)))
      return;
    rows_read[w] += chunk.count;
    if (parallel_filter_ && !decided) {
      std::vector<uint32_t> sel = EvaluateFilter(*parallel_filter_, chunk, local);
      rows_passed[w] += sel.size();
      if (sel.empty()) return;
      if (sel.size() != chunk.count) {
        // Aggregates read the passing rows in place when nothing they compute could fail on a
        // row the filter removed (1 / x where x = 0 was filtered out); otherwise gather first.
        if (inputs_are_columns_) {
          consume(w, chunk, &sel, local);
          return;
        }
        chunk.Select(sel);
      }
    } else {
      rows_passed[w] += chunk.count;
    }
    consume(w, chunk, nullptr, local);
  };
  // Morsels of consecutive row groups (within a part's stripe of 32, decoded together): a scan
  // that reads around the pool decodes each stripe in one worker instead of in every worker
  // that takes one of its groups; at least 8 morsels per worker keep the cores evenly busy.
  const auto morsels = scan.Morsels(std::clamp<size_t>(groups / (workers_used_ * 8), 1, 32));
  ParallelFor(workers_used_, morsels.size(), ctx, [&](size_t w, size_t m, ExecContext& local) {
    for (size_t g = morsels[m].first; g < morsels[m].second; ++g) one_group(w, g, local);
  });
  for (size_t w = 0; w < workers_used_; ++w) {
    scan.CountRowsOut(rows_read[w]);
    if (children[0].get() != &scan) children[0]->CountRowsOut(rows_passed[w]);
  }
  for (size_t w = 1; w < workers_used_; ++w) tables[0]->MergeFrom(*tables[w]);
  table_ = std::move(tables[0]);
  // A group one worker spilled may be in the merged table (another worker had it): such rows go
  // into the table now; the rest go to the final partitions (same hash, same partition).
  bool any = false;
  for (auto& files : worker_spill) any = any || !files.empty();
  if (!any) return;
  for (size_t p = 0; p < kSpillPartitions; ++p) spill_.push_back(std::make_unique<SpillFile>(scan.types));
  for (auto& files : worker_spill)
    for (auto& file : files)
      for (size_t k = 0; k < file->chunk_count(); ++k) ConsumeOrSpill(*table_, ctx, file->Read(k), spill_);
  for (auto& f : spill_) spilled_bytes_ += f->bytes();
}

bool HashAggregateOperator::Next(ExecContext& ctx, DataChunk& out) {
  while (emitted_ >= table_->group_count()) {
    // The table is done: the next spilled partition, aggregated on its own.
    if (next_partition_ >= spill_.size()) return false;
    SpillFile& file = *spill_[next_partition_++];
    table_ = std::make_unique<AggregateTable>(&groups_, &aggregates_);
    for (size_t k = 0; k < file.chunk_count(); ++k) table_->Consume(ctx, file.Read(k));
    emitted_ = 0;
  }
  const size_t group_count = table_->group_count();
  out.Init(types);
  size_t end = std::min(group_count, emitted_ + kChunkRows);
  for (size_t g = emitted_; g < end; ++g) {
    for (size_t c = 0; c < groups_.size(); ++c) out.columns[c].AppendFrom(table_->keys().columns[c], g);
    for (size_t a = 0; a < aggregates_.size(); ++a)
      out.columns[groups_.size() + a].Append(table_->Finalize(a, g, ctx));
  }
  out.count = end - emitted_;
  emitted_ = end;
  return true;
}

}  // namespace yunhe
