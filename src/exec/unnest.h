// unnest(array) as a FROM item: one row per element, in order, NULL elements included. The
// argument is evaluated at Open() (it may read outer columns, as FROM functions see the items to
// their left).
#pragma once
#include "exec/operator.h"
#include "exec/expr.h"

namespace yunhe {

class UnnestOperator : public PhysicalOperator {
 public:
  UnnestOperator(ExprPtr array, LogicalType element, std::string name, bool ordinality);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Function Scan"; }
  std::string Details() const override { return "on unnest"; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  ExprPtr array_;
  bool ordinality_;
  std::vector<Value> elements_;
  size_t next_ = 0;
};

}  // namespace yunhe
