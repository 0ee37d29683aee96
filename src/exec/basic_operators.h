// Small streaming operators: filter, projection, limit, values, and a scan over a shared
// materialized result (CTEs, subqueries in FROM that are referenced more than once).
#pragma once
#include "exec/operator.h"
#include "exec/expr.h"

namespace yunhe {

class FilterOperator : public PhysicalOperator {
 public:
  FilterOperator(OperatorPtr child, ExprPtr predicate);
  std::string Name() const override { return "Filter"; }
  std::string Details() const override { return "Filter: " + predicate_->ToString(); }
  const ExprPtr& predicate() const { return predicate_; }
  void SetPredicate(ExprPtr p) { predicate_ = std::move(p); }  // before Open() only

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  ExprPtr predicate_;
};

class ProjectionOperator : public PhysicalOperator {
 public:
  ProjectionOperator(OperatorPtr child, std::vector<ExprPtr> exprs, std::vector<std::string> names);
  std::string Name() const override { return "Projection"; }
  const std::vector<ExprPtr>& exprs() const { return exprs_; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::vector<ExprPtr> exprs_;
};

class LimitOperator : public PhysicalOperator {
 public:
  LimitOperator(OperatorPtr child, ExprPtr limit, ExprPtr offset);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Limit"; }
  const ExprPtr& limit_expr() const { return limit_expr_; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  ExprPtr limit_expr_, offset_expr_;
  int64_t limit_ = -1, offset_ = 0, seen_ = 0, emitted_ = 0;
};

class ValuesOperator : public PhysicalOperator {
 public:
  ValuesOperator(std::vector<std::vector<ExprPtr>> rows, std::vector<LogicalType> types, std::vector<std::string> names);
  void Open(ExecContext& ctx) override { next_row_ = 0; }
  std::string Name() const override { return "Values Scan"; }
  size_t row_count() const { return rows_.size(); }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::vector<std::vector<ExprPtr>> rows_;
  size_t next_row_ = 0;
};

// A result computed once per statement and read by one or more scans.
struct MaterializedResult {
  OperatorPtr source;
  bool done = false;
  std::vector<DataChunk> chunks;
  void Ensure(ExecContext& ctx);
};

class MaterializedScanOperator : public PhysicalOperator {
 public:
  MaterializedScanOperator(std::shared_ptr<MaterializedResult> result, std::vector<LogicalType> types,
                           std::vector<std::string> names, std::string label);
  void Open(ExecContext& ctx) override { next_ = 0; }
  std::string Name() const override { return "CTE Scan"; }
  std::string Details() const override { return "on " + label_; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::shared_ptr<MaterializedResult> result_;
  std::string label_;
  size_t next_ = 0;
};

}  // namespace yunhe
