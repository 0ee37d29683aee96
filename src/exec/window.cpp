#include "exec/window.h"

#include <algorithm>

#include "common/memory_limit.h"
#include "exec/expression_eval.h"
#include "exec/parallel_for.h"
#include "exec/window_evaluate.h"
#include "exec/window_order.h"
#include "storage/buffer_pool.h"

namespace yunhe {

namespace {

bool SameOrdering(const WindowSpec& a, const WindowSpec& b) {
  if (a.partition_by.size() != b.partition_by.size() || a.order_by.size() != b.order_by.size()) return false;
  for (size_t k = 0; k < a.partition_by.size(); ++k)
    if (!a.partition_by[k]->Equals(*b.partition_by[k])) return false;
  for (size_t k = 0; k < a.order_by.size(); ++k) {
    const SortKey &x = a.order_by[k], &y = b.order_by[k];
    if (x.desc != y.desc || x.nulls_first != y.nulls_first || !x.expr->Equals(*y.expr)) return false;
  }
  return true;
}

}  // namespace

WindowOperator::WindowOperator(OperatorPtr child, std::vector<BoundWindow> windows) : windows_(std::move(windows)) {
  types = child->types;
  names = child->names;
  for (size_t i = 0; i < windows_.size(); ++i) {
    const BoundWindow& w = windows_[i];
    types.push_back(w.type);
    names.push_back(w.name);
    InputIndexes in;
    for (auto& p : w.spec->partition_by) in.partition.push_back(InputOf(p));
    for (auto& o : w.spec->order_by) in.order.push_back(InputOf(o.expr));
    for (auto& a : w.args) in.args.push_back(InputOf(a));
    if (w.kind == WindowFunctionKind::kAggregate) {
      for (auto& o : w.aggregate.order_by) in.agg_order.push_back(InputOf(o));
      if (w.aggregate.filter) in.filter = int64_t(InputOf(w.aggregate.filter));
    }
    for (auto* list : {&in.order, &in.args, &in.agg_order})
      for (size_t k : *list) by_position_[k] = 1;
    if (in.filter >= 0) by_position_[size_t(in.filter)] = 1;
    input_indexes_.push_back(std::move(in));
    size_t group = i;
    for (size_t j = 0; j < i && group == i; ++j)
      if (SameOrdering(*windows_[j].spec, *w.spec)) group = order_group_[j];
    order_group_.push_back(group);
  }
  partition_key_.assign(exprs_.size(), 0);
  for (auto& ii : input_indexes_)
    for (size_t k : ii.partition) partition_key_[k] = 1;
  children.push_back(std::move(child));
}

size_t WindowOperator::InputOf(const ExprPtr& e) {
  for (size_t k = 0; k < exprs_.size(); ++k)
    if (exprs_[k] == e || exprs_[k]->Equals(*e)) return k;
  exprs_.push_back(e);
  by_position_.push_back(0);
  return exprs_.size() - 1;
}

void WindowOperator::Reset() {
  chunks_.clear();
  inputs_.clear();
  per_chunk_.assign(exprs_.size(), {});
  for (auto& e : exprs_) inputs_.emplace_back(e->type);
  results_.clear();
  rows_ = 0;
  next_chunk_ = next_row_ = 0;
}

void WindowOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  Reset();
  spill_.clear();
  next_spilled_ = 0;
  spilled_bytes_ = 0;
  spill_keys_ = SharedPartitionKeys();
  const uint64_t work_mem = WorkMemBytes();
  uint64_t held = 0;
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    if (in.count == 0) continue;
    if (!spill_.empty()) {
      SpillChunk(in, ctx);
      continue;
    }
    held += Consume(std::move(in), ctx);
    in = DataChunk();
    if (held > work_mem && !spill_keys_.empty()) {
      for (size_t p = 0; p < kSpillPartitions; ++p) spill_.push_back(std::make_unique<SpillFile>(children[0]->types));
      for (const DataChunk& held_chunk : chunks_) SpillChunk(held_chunk, ctx);
      Reset();
    }
  }
  if (spill_.empty()) {
    Compute(ctx);
    return;
  }
  for (auto& f : spill_) spilled_bytes_ += f->bytes();
  LoadNextSpilled(ctx);
}

uint64_t WindowOperator::Consume(DataChunk in, ExecContext& ctx) {
  uint64_t bytes = 0;
  for (auto& c : in.columns) {
    if (c.size() != in.count) c.Resize(in.count);
    bytes += BufferPool::VectorBytes(c);
  }
  for (size_t k = 0; k < exprs_.size(); ++k) {
    Vector scratch;
    const Vector& v = EvaluateRef(*exprs_[k], in, ctx, scratch);
    if (by_position_[k]) {
      if (inputs_[k].size() == 0 && v.type() != inputs_[k].type()) inputs_[k].set_type(v.type());
      inputs_[k].AppendRange(v, 0, in.count);
      bytes += BufferPool::VectorBytes(v);
    }
    if (partition_key_[k]) per_chunk_[k].push_back(&v == &scratch ? std::move(scratch) : v);
  }
  const size_t count = in.count;
  rows_ += count;
  chunks_.push_back(std::move(in));
  return bytes + 16 * count;  // and the orderings' row lists
}

void WindowOperator::Compute(ExecContext& ctx) {
  const size_t n = rows_;
  auto pointers = [&](const std::vector<size_t>& indexes) {
    std::vector<const Vector*> out;
    for (size_t k : indexes) out.push_back(&inputs_[k]);
    return out;
  };
  results_.clear();
  for (auto& w : windows_) results_.emplace_back(w.type);
  const size_t workers = DefaultWorkers();
  for (size_t g = 0; g < windows_.size(); ++g) {
    if (order_group_[g] != g) continue;
    const InputIndexes& gi = input_indexes_[g];
    std::vector<std::vector<Vector>> partition_keys;
    for (size_t k : gi.partition) partition_keys.push_back(per_chunk_[k]);
    const WindowOrder order = OrderForWindow(partition_keys, pointers(gi.order), windows_[g].spec->order_by, n, ctx);
    const std::vector<size_t> runs = PartitionRuns(order, workers);
    for (size_t i = g; i < windows_.size(); ++i) {
      if (order_group_[i] != g) continue;
      const InputIndexes& ii = input_indexes_[i];
      WindowEvaluator::Inputs inputs{pointers(ii.args), pointers(ii.order), pointers(ii.agg_order),
                                     ii.filter >= 0 ? &inputs_[size_t(ii.filter)] : nullptr};
      results_[i].Resize(n);
      WindowEvaluator eval(windows_[i], std::move(inputs), results_[i], ctx);
      ParallelFor(workers, runs.size() - 1, ctx, [&](size_t, size_t t, ExecContext& local) {
        WindowEvaluator::Scratch scratch;
        for (size_t k = runs[t]; k < runs[t + 1]; ++k) {
          // All partitions are evaluated inside one pull: cancel, timeout and memory cap per partition.
          CheckCancel();
          eval.Partition(order.rows.data() + order.bounds[k], order.bounds[k + 1] - order.bounds[k], scratch, local);
        }
      });
      eval.Finish(ctx);
    }
  }
  inputs_.clear();
  per_chunk_.clear();
  next_chunk_ = next_row_ = 0;
}

bool WindowOperator::Next(ExecContext& ctx, DataChunk& out) {
  while (next_chunk_ >= chunks_.size())
    if (spill_.empty() || !LoadNextSpilled(ctx)) return false;
  DataChunk& chunk = chunks_[next_chunk_++];
  out.columns = std::move(chunk.columns);
  out.count = chunk.count;
  for (auto& r : results_) {
    Vector v(r.type());
    v.AppendRange(r, next_row_, chunk.count);
    out.columns.push_back(std::move(v));
  }
  next_row_ += chunk.count;
  return true;
}

}  // namespace yunhe
