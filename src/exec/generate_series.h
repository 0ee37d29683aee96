// generate_series(start, stop [, step]) as a FROM item: integers, numerics or timestamps with an
// interval step. Arguments are evaluated at Open() (they may read outer columns).
#pragma once
#include "exec/operator.h"
#include "exec/expr.h"

namespace yunhe {

class GenerateSeriesOperator : public PhysicalOperator {
 public:
  GenerateSeriesOperator(std::vector<ExprPtr> args, LogicalType type, std::string name);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Function Scan"; }
  std::string Details() const override { return "on generate_series"; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::vector<ExprPtr> args_;
  Value current_, stop_, step_;
  bool done_ = true;
};

}  // namespace yunhe
