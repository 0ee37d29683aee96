// ROWS FROM (f1(...), f2(...), ...) and several set-returning functions in one select list:
// the functions' rows side by side, row k of each in row k of the output, as many rows as the
// longest one gives; the shorter ones are padded with NULLs (PostgreSQL's rule since 10).
// Each child is one function scan; they are pulled in step, a chunk at a time.
#pragma once
#include "exec/operator.h"

namespace yunhe {

class RowsFromOperator : public PhysicalOperator {
 public:
  explicit RowsFromOperator(std::vector<OperatorPtr> functions);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Function Scan"; }
  std::string Details() const override { return "on ROWS FROM"; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  struct Input {
    DataChunk chunk;
    size_t pos = 0;
    bool done = false;
  };
  std::vector<Input> inputs_;
};

}  // namespace yunhe
