#include "exec/sort.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/memory_limit.h"
#include "common/statement_context.h"
#include "exec/expression_eval.h"
#include "exec/row_sort.h"
#include "exec/spill_file.h"
#include "functions/kernel_util.h"
#include "storage/buffer_pool.h"

namespace yunhe {

SortOperator::SortOperator(OperatorPtr child, std::vector<SortKey> keys) : keys_(std::move(keys)) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
}

std::string SortOperator::Details() const {
  std::string s = limit_ ? "Top-N (" + std::to_string(limit_) + ") Sort Key: " : "Sort Key: ";
  for (size_t k = 0; k < keys_.size(); ++k)
    s += (k ? ", " : "") + keys_[k].expr->ToString() + (keys_[k].desc ? " DESC" : "");
  if (!runs_.empty()) s += fmt::format("\nSort Method: external merge  Runs: {}  Disk: {}kB", runs_.size(), (spilled_bytes_ + 1023) / 1024);
  return s;
}

void SortOperator::SpillRun(DataChunk& rows, std::vector<Vector>& key_vectors) {
  std::vector<const Vector*> key_ptrs;
  for (auto& v : key_vectors) key_ptrs.push_back(&v);
  std::vector<uint32_t> order(rows.count);
  for (size_t r = 0; r < rows.count; ++r) order[r] = uint32_t(r);
  SortRowIndexes(order.data(), order.data() + order.size(), key_ptrs, keys_, /*parallel=*/true);
  std::vector<LogicalType> run_types = types;
  for (auto& v : key_vectors) run_types.push_back(v.type());
  Run run;
  run.file = std::make_unique<SpillFile>(run_types);
  for (size_t begin = 0; begin < order.size(); begin += kChunkRows) {
    std::vector<uint32_t> sel(order.begin() + long(begin), order.begin() + long(std::min(order.size(), begin + kChunkRows)));
    DataChunk part;
    part.count = sel.size();
    for (auto& c : rows.columns) part.columns.push_back(c.Gather(sel));
    for (auto& k : key_vectors) part.columns.push_back(k.Gather(sel));
    run.file->Append(part);
  }
  spilled_bytes_ += run.file->bytes();
  runs_.push_back(std::move(run));
  rows.Init(types);
  for (auto& v : key_vectors) v = Vector(v.type());
}

bool SortOperator::RunLess(size_t a, size_t b) const {
  // std heaps keep the greatest on top: "less" here means "sorts later".
  const Run& x = runs_[a];
  const Run& y = runs_[b];
  const size_t base = types.size();
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Vector& u = x.chunk.columns[base + k];
    const Vector& v = y.chunk.columns[base + k];
    const bool un = u.IsNull(x.row), vn = v.IsNull(y.row);
    if (un || vn) {
      if (un && vn) continue;
      const bool x_first = un == keys_[k].nulls_first;
      return !x_first;
    }
    int c = CompareCells(u, x.row, v, y.row);
    if (c != 0) return keys_[k].desc ? c < 0 : c > 0;
  }
  return a > b;  // equal keys: the earlier run (earlier input) first
}

bool SortOperator::NextMerged(DataChunk& out) {
  out.Init(types);
  auto later = [this](size_t a, size_t b) { return RunLess(a, b); };
  while (out.count < kChunkRows && !heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const size_t r = heap_.back();
    Run& run = runs_[r];
    for (size_t c = 0; c < types.size(); ++c) out.columns[c].AppendFrom(run.chunk.columns[c], run.row);
    ++out.count;
    if (++run.row == run.chunk.count) {
      run.row = 0;
      if (run.next_chunk < run.file->chunk_count()) {
        run.chunk = run.file->Read(run.next_chunk++);
      } else {
        run.chunk = DataChunk();
        heap_.pop_back();
        continue;
      }
    }
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  return out.count > 0;
}

void SortOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  rows_.Init(types);
  std::vector<Vector> key_vectors;
  for (auto& k : keys_) key_vectors.emplace_back(k.expr->type);
  // Ties keep input order (row index breaks them), so top-N and full sorts agree.
  std::vector<const Vector*> key_ptrs;
  for (auto& v : key_vectors) key_ptrs.push_back(&v);
  const RowLess less{&key_ptrs, &keys_};
  // Top-N: keep at most `limit_` rows, compacting whenever the buffer doubles past it.
  const size_t compact_at = limit_ ? std::max<size_t>(2 * limit_, 8 * kChunkRows) : SIZE_MAX;
  auto keep_best = [&]() {
    std::vector<uint32_t> idx(rows_.count);
    for (size_t r = 0; r < rows_.count; ++r) idx[r] = uint32_t(r);
    std::partial_sort(idx.begin(), idx.begin() + limit_, idx.end(), less);
    idx.resize(limit_);
    std::sort(idx.begin(), idx.end());  // keep input order among the survivors
    rows_.Select(idx);
    for (auto& v : key_vectors) v.Select(idx);
  };
  runs_.clear();
  heap_.clear();
  spilled_bytes_ = 0;
  const uint64_t work_mem = WorkMemBytes();
  uint64_t held = 0;
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    for (size_t k = 0; k < keys_.size(); ++k) {
      Vector scratch;
      const Vector& v = EvaluateRef(*keys_[k].expr, in, ctx, scratch);
      key_vectors[k].AppendRange(v, 0, in.count);
    }
    for (size_t c = 0; c < types.size(); ++c) rows_.columns[c].AppendRange(in.columns[c], 0, in.count);
    rows_.count += in.count;
    if (!limit_) {
      for (size_t c = 0; c < types.size(); ++c) held += BufferPool::VectorBytes(in.columns[c]) * in.count / std::max<size_t>(1, in.columns[c].size());
      if (held > work_mem) {
        SpillRun(rows_, key_vectors);
        held = 0;
      }
    }
    if (rows_.count >= compact_at) keep_best();
    if (kth_bound_ && limit_ && rows_.count >= limit_) {
      // k-th smallest non-NULL first key so far (NULLs sort last ascending: they never lower it).
      const Vector& k0 = key_vectors[0];
      std::vector<double> ks;
      ks.reserve(rows_.count);
      for (size_t r = 0; r < rows_.count; ++r)
        if (!k0.IsNull(r)) ks.push_back(k0.f64()[r]);
      if (ks.size() >= limit_) {
        std::nth_element(ks.begin(), ks.begin() + long(limit_ - 1), ks.end());
        kth_bound_->store(ks[limit_ - 1], std::memory_order_relaxed);
      }
    }
  }
  emitted_ = 0;
  if (!runs_.empty()) {
    if (rows_.count) SpillRun(rows_, key_vectors);
    order_.clear();
    for (size_t r = 0; r < runs_.size(); ++r) {
      runs_[r].chunk = runs_[r].file->Read(0);
      runs_[r].next_chunk = 1;
      heap_.push_back(r);
    }
    std::make_heap(heap_.begin(), heap_.end(), [this](size_t a, size_t b) { return RunLess(a, b); });
    return;
  }
  order_.resize(rows_.count);
  for (size_t r = 0; r < rows_.count; ++r) order_[r] = uint32_t(r);
  if (limit_ && limit_ < order_.size()) {
    std::partial_sort(order_.begin(), order_.begin() + limit_, order_.end(), less);
    order_.resize(limit_);
  } else {
    SortRowIndexes(order_.data(), order_.data() + order_.size(), key_ptrs, keys_, /*parallel=*/true);
  }
  emitted_ = 0;
}

bool SortOperator::Next(ExecContext&, DataChunk& out) {
  if (!runs_.empty()) return NextMerged(out);
  return EmitInOrder(rows_, order_, &emitted_, out);
}

}  // namespace yunhe
