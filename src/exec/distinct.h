// DISTINCT and DISTINCT ON: passes through the first row of each distinct key, streaming.
// For DISTINCT ON the planner sorts first, so "first" is the first in ORDER BY order.
#pragma once
#include <unordered_set>

#include "exec/operator.h"
#include "exec/expr.h"

namespace yunhe {

class DistinctOperator : public PhysicalOperator {
 public:
  // keys empty = all columns
  DistinctOperator(OperatorPtr child, std::vector<ExprPtr> keys);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return keys_.empty() ? "HashDistinct" : "Unique"; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::vector<ExprPtr> keys_;
  std::unordered_set<std::string> seen_;
};

}  // namespace yunhe
