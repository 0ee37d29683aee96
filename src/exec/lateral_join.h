// LATERAL join: for every left row, re-runs the right plan with that row visible as the
// innermost outer row (its kOuterColumn depth-1 references), then pairs the row with each
// result row. INNER drops left rows without results, LEFT keeps them with NULLs.
#pragma once
#include <deque>

#include "exec/hash_join.h"
#include "exec/operator.h"
#include "exec/expr.h"

namespace yunhe {

class LateralJoinOperator : public PhysicalOperator {
 public:
  LateralJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, ExprPtr condition);
  JoinKind kind() const { return kind_; }
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return kind_ == JoinKind::kLeft ? "Nested Loop Left Join (lateral)" : "Nested Loop (lateral)"; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  JoinKind kind_;
  ExprPtr condition_;
  std::deque<DataChunk> ready_;
};

}  // namespace yunhe
