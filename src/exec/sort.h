// ORDER BY: materializes its input, sorts row indexes by the key expressions (stable), and
// emits rows in order. PostgreSQL defaults: ASC NULLS LAST, DESC NULLS FIRST.
#pragma once
#include <atomic>
#include <memory>

#include "exec/operator.h"
#include "sql/expr.h"

namespace yunhe {

struct SortKey {
  ExprPtr expr;
  bool desc = false;
  bool nulls_first = false;
};

class SortOperator : public PhysicalOperator {
 public:
  SortOperator(OperatorPtr child, std::vector<SortKey> keys);
  void Open(ExecContext& ctx) override;
  // ORDER BY ... LIMIT n: only the first n rows in order are needed (set by the planner with
  // n = limit + offset), so the sort keeps at most a bounded buffer.
  void SetLimit(size_t n) { limit_ = n; }
  size_t limit() const { return limit_; }
  const std::vector<SortKey>& keys() const { return keys_; }
  // Nearest-neighbour scans below read this: with a limit and an ascending double first key,
  // the sort keeps it at the k-th smallest key seen so far (no row farther can make the top k).
  void SetKthKeyBound(std::shared_ptr<std::atomic<double>> bound) { kth_bound_ = std::move(bound); }
  std::string Name() const override { return "Sort"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::vector<SortKey> keys_;
  size_t limit_ = 0;  // 0 = all rows
  std::shared_ptr<std::atomic<double>> kth_bound_;
  DataChunk rows_;
  std::vector<uint32_t> order_;
  size_t emitted_ = 0;
};


}  // namespace yunhe
