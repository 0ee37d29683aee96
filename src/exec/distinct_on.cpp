#include "exec/distinct_on.h"

#include <algorithm>
#include <numeric>

#include "exec/expression_eval.h"
#include "exec/key_ids.h"
#include "exec/row_sort.h"

namespace yunhe {

DistinctOnOperator::DistinctOnOperator(OperatorPtr child, std::vector<ExprPtr> keys, std::vector<SortKey> order)
    : keys_(std::move(keys)), order_(std::move(order)) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
  if (order_.empty())
    for (auto& k : keys_) order_.push_back(SortKey{k, false, false});
  for (size_t k = std::min(keys_.size(), order_.size()); k < order_.size(); ++k) rest_.push_back(order_[k]);
}

std::string DistinctOnOperator::Details() const {
  std::string s = "Keys: ";
  for (size_t k = 0; k < keys_.size(); ++k) s += (k ? ", " : "") + keys_[k]->ToString();
  if (!rest_.empty()) {
    s += "; First by: ";
    for (size_t k = 0; k < rest_.size(); ++k) s += (k ? ", " : "") + rest_[k].expr->ToString() + (rest_[k].desc ? " DESC" : "");
  }
  return s;
}

namespace {

std::vector<const Vector*> Pointers(const std::vector<Vector>& v) {
  std::vector<const Vector*> out;
  for (auto& x : v) out.push_back(&x);
  return out;
}

}  // namespace

std::vector<uint32_t> DistinctOnOperator::Winners(const std::vector<std::vector<Vector>>& key_chunks,
                                                  const std::vector<Vector>& rest, size_t rows) {
  const std::vector<const Vector*> rest_keys = Pointers(rest);
  const RowLess before{&rest_keys, &rest_};  // ties: the earlier row
  std::vector<uint32_t> ids;
  size_t groups = 0;
  std::vector<uint32_t> winners;
  if (DenseKeyIds(key_chunks, rows, &ids, &groups)) {
    constexpr uint32_t kNone = UINT32_MAX;
    std::vector<uint32_t> best(groups, kNone);
    for (uint32_t r = 0; r < rows; ++r) {
      uint32_t& b = best[ids[r]];
      if (b == kNone || (!rest_keys.empty() && before(r, b))) b = r;
    }
    winners = std::move(best);
  } else {
    // Keys not hashed by value: sort every row by (keys, rest) and take each group's first.
    std::vector<Vector> flat;
    for (auto& chunks : key_chunks) {
      flat.emplace_back(chunks.empty() ? LogicalType(TypeId::kNull) : chunks[0].type());
      for (const Vector& c : chunks) flat.back().AppendRange(c, 0, c.size());
    }
    std::vector<const Vector*> all = Pointers(flat);
    std::vector<SortKey> spec(flat.size());
    all.insert(all.end(), rest_keys.begin(), rest_keys.end());
    spec.insert(spec.end(), rest_.begin(), rest_.end());
    std::vector<uint32_t> order(rows);
    std::iota(order.begin(), order.end(), 0u);
    SortRowIndexes(order.data(), order.data() + rows, all, spec, /*parallel=*/true);
    const std::vector<const Vector*> group_keys = Pointers(flat);
    for (size_t i = 0; i < rows; ++i)
      if (i == 0 || !SameKeyValues(group_keys, order[i - 1], order[i])) winners.push_back(order[i]);
  }
  std::sort(winners.begin(), winners.end());
  return winners;
}

void DistinctOnOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  // The input as it came (arrays shared, not copied), the keys chunk by chunk, the rest of the
  // ORDER BY over every row.
  std::vector<DataChunk> chunks;
  std::vector<size_t> chunk_start;
  std::vector<std::vector<Vector>> key_chunks(keys_.size());
  std::vector<Vector> rest;
  for (auto& r : rest_) rest.emplace_back(r.expr->type);
  size_t rows = 0;
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    if (in.count == 0) continue;
    for (auto& c : in.columns)
      if (c.size() != in.count) c.Resize(in.count);
    for (size_t k = 0; k < keys_.size(); ++k) {
      Vector scratch;
      const Vector& v = EvaluateRef(*keys_[k], in, ctx, scratch);
      key_chunks[k].push_back(&v == &scratch ? std::move(scratch) : v);
    }
    for (size_t k = 0; k < rest_.size(); ++k) {
      Vector scratch;
      const Vector& v = EvaluateRef(*rest_[k].expr, in, ctx, scratch);
      if (rest[k].size() == 0 && v.type() != rest[k].type()) rest[k].set_type(v.type());
      rest[k].AppendRange(v, 0, in.count);
    }
    chunk_start.push_back(rows);
    rows += in.count;
    chunks.push_back(std::move(in));
    in = DataChunk();
  }
  const std::vector<uint32_t> winners = Winners(key_chunks, rest, rows);
  // Gather the winners, then sort just them by the whole ORDER BY.
  winners_.Init(types);
  std::vector<Vector> order_keys;
  for (auto& o : order_) order_keys.emplace_back(o.expr->type);
  std::vector<uint32_t> sel;
  for (size_t i = 0; i < winners.size();) {
    const size_t c = size_t(std::upper_bound(chunk_start.begin(), chunk_start.end(), winners[i]) - chunk_start.begin()) - 1;
    sel.clear();
    for (; i < winners.size() && winners[i] < chunk_start[c] + chunks[c].count; ++i) sel.push_back(winners[i] - uint32_t(chunk_start[c]));
    DataChunk part;
    for (auto& col : chunks[c].columns) part.columns.push_back(col.Gather(sel));
    part.count = sel.size();
    for (size_t k = 0; k < order_.size(); ++k) {
      Vector scratch;
      const Vector& v = EvaluateRef(*order_[k].expr, part, ctx, scratch);
      if (order_keys[k].size() == 0 && v.type() != order_keys[k].type()) order_keys[k].set_type(v.type());
      order_keys[k].AppendRange(v, 0, part.count);
    }
    for (size_t col = 0; col < part.columns.size(); ++col) winners_.columns[col].AppendRange(part.columns[col], 0, part.count);
    winners_.count += part.count;
  }
  emit_order_.resize(winners_.count);
  std::iota(emit_order_.begin(), emit_order_.end(), 0u);
  SortRowIndexes(emit_order_.data(), emit_order_.data() + emit_order_.size(), Pointers(order_keys), order_, true);
  emitted_ = 0;
}

bool DistinctOnOperator::Next(ExecContext&, DataChunk& out) { return EmitInOrder(winners_, emit_order_, &emitted_, out); }

}  // namespace yunhe
