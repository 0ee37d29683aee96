#include "exec/lateral_join.h"

#include "exec/join_util.h"

#include "exec/expression_eval.h"

namespace yunhe {

LateralJoinOperator::LateralJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, ExprPtr condition)
    : kind_(kind), condition_(std::move(condition)) {
  AdoptJoinInputs(*this, std::move(left), std::move(right));
}

void LateralJoinOperator::Open(ExecContext& ctx) {
  children[0]->OpenTimed(ctx);
  ready_.clear();
}

bool LateralJoinOperator::Next(ExecContext& ctx, DataChunk& out) {
  const auto& right_types = children[1]->types;
  while (ready_.empty()) {
    DataChunk left;
    if (!children[0]->Pull(ctx, left)) return false;
    for (size_t row = 0; row < left.count; ++row) {
      ctx.outer.push_back(OuterRow{&left, row});
      std::vector<DataChunk> right;
      try {
        children[1]->OpenTimed(ctx);
        right = CollectAll(*children[1], ctx);
      } catch (...) {
        ctx.outer.pop_back();
        throw;
      }
      ctx.outer.pop_back();
      bool matched = false;
      for (auto& r : right) {
        DataChunk pairs;
        std::vector<uint32_t> same(r.count, uint32_t(row));
        for (auto& c : left.columns) pairs.columns.push_back(c.Gather(same));
        for (auto& c : r.columns) pairs.columns.push_back(std::move(c));
        pairs.count = r.count;
        if (condition_) {
          std::vector<uint32_t> sel = EvaluateFilter(*condition_, pairs, ctx);
          if (sel.empty()) continue;
          if (sel.size() != pairs.count) pairs.Select(sel);
        }
        matched = true;
        ready_.push_back(std::move(pairs));
      }
      if (!matched && kind_ == JoinKind::kLeft) {
        DataChunk one;
        std::vector<uint32_t> same{uint32_t(row)};
        for (auto& c : left.columns) one.columns.push_back(c.Gather(same));
        for (auto& t : right_types) one.columns.push_back(Vector::Constant(Value::Null(t), t, 1));
        one.count = 1;
        ready_.push_back(std::move(one));
      }
    }
  }
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace yunhe
