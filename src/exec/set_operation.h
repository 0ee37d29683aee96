// UNION / INTERSECT / EXCEPT [ALL] with PostgreSQL's bag semantics: for the ALL forms a row
// appearing m times on the left and n on the right appears m+n, min(m,n), max(m-n,0) times.
#pragma once
#include <unordered_map>

#include "exec/operator.h"

namespace yunhe {

enum class SetOpKind { kUnion, kIntersect, kExcept };

class SetOperationOperator : public PhysicalOperator {
 public:
  SetOperationOperator(OperatorPtr left, OperatorPtr right, SetOpKind kind, bool all);
  void Open(ExecContext& ctx) override;
  std::string Name() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  SetOpKind kind_;
  bool all_;
  bool left_done_ = false;
  std::unordered_map<std::string, int64_t> right_counts_;  // INTERSECT / EXCEPT
  std::unordered_map<std::string, int64_t> emitted_;       // distinct forms
};

}  // namespace yunhe
