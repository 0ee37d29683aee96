#include "exec/sort.h"

#include <algorithm>

#include "exec/expression_eval.h"
#include "exec/row_sort.h"

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
  return s;
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
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    for (size_t k = 0; k < keys_.size(); ++k) {
      Vector scratch;
      const Vector& v = EvaluateRef(*keys_[k].expr, in, ctx, scratch);
      key_vectors[k].AppendRange(v, 0, in.count);
    }
    for (size_t c = 0; c < types.size(); ++c) rows_.columns[c].AppendRange(in.columns[c], 0, in.count);
    rows_.count += in.count;
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

bool SortOperator::Next(ExecContext&, DataChunk& out) { return EmitInOrder(rows_, order_, &emitted_, out); }

}  // namespace yunhe
