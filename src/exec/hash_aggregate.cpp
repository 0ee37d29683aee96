#include "exec/hash_aggregate.h"

#include "common/row_key.h"
#include "exec/expression_eval.h"

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

std::string HashAggregateOperator::Details() const {
  std::string s;
  for (size_t k = 0; k < groups_.size(); ++k) s += (k ? ", " : "Group Key: ") + groups_[k]->ToString();
  return s;
}

void HashAggregateOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  group_index_.clear();
  std::vector<LogicalType> key_types;
  for (auto& g : groups_) key_types.push_back(g->type);
  group_keys_.Init(key_types);
  states_.assign(aggregates_.size(), {});
  group_count_ = 0;
  emitted_ = 0;
  if (groups_.empty()) {
    group_count_ = 1;
    for (auto& s : states_) s.resize(1);
  }
  DataChunk in;
  while (children[0]->Pull(ctx, in)) Consume(ctx, in);
}

void HashAggregateOperator::Consume(ExecContext& ctx, const DataChunk& in) {
  const size_t n = in.count;
  std::vector<uint32_t> group_of_row(n, 0);
  if (!groups_.empty()) {
    std::vector<Vector> keys;
    keys.reserve(groups_.size());
    for (auto& g : groups_) keys.push_back(Evaluate(*g, in, ctx));
    std::string key;
    for (size_t r = 0; r < n; ++r) {
      key.clear();
      for (auto& k : keys) AppendKeyCell(k, r, key);
      auto [it, inserted] = group_index_.try_emplace(key, uint32_t(group_count_));
      if (inserted) {
        for (size_t c = 0; c < keys.size(); ++c) group_keys_.columns[c].AppendFrom(keys[c], r);
        ++group_keys_.count;
        ++group_count_;
        for (auto& s : states_) s.emplace_back();
      }
      group_of_row[r] = it->second;
    }
  }
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    const BoundAggregate& agg = aggregates_[a];
    std::vector<Vector> args, order_keys;
    for (auto& e : agg.args) args.push_back(Evaluate(*e, in, ctx));
    for (auto& e : agg.order_by) order_keys.push_back(Evaluate(*e, in, ctx));
    std::vector<uint32_t> rows, groups;
    rows.reserve(n);
    groups.reserve(n);
    if (agg.filter) {
      Vector f = Evaluate(*agg.filter, in, ctx);
      for (size_t r = 0; r < n; ++r)
        if (!f.IsNull(r) && f.i64()[r]) {
          rows.push_back(uint32_t(r));
          groups.push_back(group_of_row[r]);
        }
    } else {
      for (size_t r = 0; r < n; ++r) rows.push_back(uint32_t(r));
      groups = group_of_row;
    }
    UpdateAggregate(agg, states_[a], rows.data(), groups.data(), rows.size(), args, order_keys);
  }
}

bool HashAggregateOperator::Next(ExecContext& ctx, DataChunk& out) {
  if (emitted_ >= group_count_) return false;
  out.Init(types);
  size_t end = std::min(group_count_, emitted_ + kChunkRows);
  for (size_t g = emitted_; g < end; ++g) {
    for (size_t c = 0; c < groups_.size(); ++c) out.columns[c].AppendFrom(group_keys_.columns[c], g);
    for (size_t a = 0; a < aggregates_.size(); ++a)
      out.columns[groups_.size() + a].Append(FinalizeAggregate(aggregates_[a], states_[a][g], ctx));
  }
  out.count = end - emitted_;
  emitted_ = end;
  return true;
}

}  // namespace yunhe
