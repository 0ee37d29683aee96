// WITH RECURSIVE: evaluates the non-recursive term, then repeatedly runs the recursive term over
// the rows produced by the previous round (the working table) until a round adds nothing.
// UNION (not ALL) discards rows already produced. Bounded by kMaxIterations.
#pragma once
#include <unordered_set>

#include "exec/basic_operators.h"

namespace yunhe {

class RecursiveCteOperator : public PhysicalOperator {
 public:
  static constexpr size_t kMaxIterations = 1000000;
  RecursiveCteOperator(OperatorPtr base, OperatorPtr recursive, std::shared_ptr<MaterializedResult> working, bool distinct);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Recursive Union"; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::shared_ptr<MaterializedResult> working_;
  bool distinct_;
  std::vector<DataChunk> result_;
  size_t next_ = 0;
};

}  // namespace yunhe
