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
  int_index_.clear();
  text_index_.clear();
  null_group_ = -1;
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
    const PhysicalType pt = groups_[0]->type.physical();
    if (groups_.size() == 1 && (pt == PhysicalType::kI64 || pt == PhysicalType::kStr)) {
      Vector scratch;
      const Vector& k = EvaluateRef(*groups_[0], in, ctx, scratch);
      auto new_group = [&](size_t r) {
        group_keys_.columns[0].AppendFrom(k, r);
        ++group_keys_.count;
        for (auto& s : states_) s.emplace_back();
        return uint32_t(group_count_++);
      };
      for (size_t r = 0; r < n; ++r) {
        if (k.IsNull(r)) {
          if (null_group_ < 0) null_group_ = new_group(r);
          group_of_row[r] = uint32_t(null_group_);
        } else if (pt == PhysicalType::kI64) {
          auto it = int_index_.find(k.i64()[r]);
          group_of_row[r] = it != int_index_.end() ? it->second : (int_index_[k.i64()[r]] = new_group(r));
        } else {
          auto it = text_index_.find(k.str()[r]);
          group_of_row[r] = it != text_index_.end() ? it->second : (text_index_[k.str()[r]] = new_group(r));
        }
      }
    } else {
      for (auto& g : groups_) keys.push_back(Evaluate(*g, in, ctx));
      std::string key;
      for (size_t r = 0; r < n; ++r) {
        key.clear();
        for (auto& kv : keys) AppendKeyCell(kv, r, key);
        auto it = group_index_.find(key);
        group_of_row[r] = it != group_index_.end() ? it->second : (group_index_[key] = NewGroup(keys, r));
      }
    }
  }
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    const BoundAggregate& agg = aggregates_[a];
    // Plain column arguments are read in place; computed ones live in `scratch`.
    std::vector<Vector> scratch(agg.args.size() + agg.order_by.size());
    std::vector<const Vector*> args, order_keys;
    for (size_t k = 0; k < agg.args.size(); ++k) args.push_back(&EvaluateRef(*agg.args[k], in, ctx, scratch[k]));
    for (size_t k = 0; k < agg.order_by.size(); ++k)
      order_keys.push_back(&EvaluateRef(*agg.order_by[k], in, ctx, scratch[agg.args.size() + k]));
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

uint32_t HashAggregateOperator::NewGroup(const std::vector<Vector>& keys, size_t row) {
  for (size_t c = 0; c < keys.size(); ++c) group_keys_.columns[c].AppendFrom(keys[c], row);
  ++group_keys_.count;
  for (auto& s : states_) s.emplace_back();
  return uint32_t(group_count_++);
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
