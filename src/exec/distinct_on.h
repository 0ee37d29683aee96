// DISTINCT ON (keys) ... ORDER BY: one row per distinct key, the first of its group in ORDER BY
// order (ties: the first in input order), emitted in ORDER BY order.
//
// Keys of integer, double and text type are hashed to group ids and each group keeps its best
// row while the input streams by (a per-group arg-min on the ORDER BY keys after the DISTINCT ON
// ones); only the winners are sorted. "Latest reading per truck" over a filtered table thus
// costs one pass, not a sort of every row. Other key types sort every row and take the first of
// each group.
#pragma once
#include "exec/operator.h"
#include "exec/sort.h"
#include "exec/expr.h"

namespace yunhe {

class DistinctOnOperator : public PhysicalOperator {
 public:
  // order: the query's ORDER BY, whose leading keys are the DISTINCT ON keys (PostgreSQL's
  // rule, checked by the planner); empty orders by the keys.
  DistinctOnOperator(OperatorPtr child, std::vector<ExprPtr> keys, std::vector<SortKey> order);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Distinct On"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  // Row ids (input order) of each group's first row.
  std::vector<uint32_t> Winners(const std::vector<std::vector<Vector>>& key_chunks, const std::vector<Vector>& rest,
                                size_t rows);

  std::vector<ExprPtr> keys_;
  std::vector<SortKey> order_;
  std::vector<SortKey> rest_;  // ORDER BY keys after the DISTINCT ON ones: they pick the winner
  DataChunk winners_;          // the winning rows, in input order
  std::vector<uint32_t> emit_order_;
  size_t emitted_ = 0;
};

}  // namespace yunhe
