// A scan over a relation the embedding program holds (functions/user_functions.h): its fill
// function hands out the rows a chunk at a time.
#pragma once
#include <memory>

#include "exec/operator.h"
#include "functions/user_functions.h"

namespace yunhe {

class ExternalScanOperator : public PhysicalOperator {
 public:
  explicit ExternalScanOperator(std::shared_ptr<const ExternalRelation> relation);
  void Open(ExecContext& ctx) override { next_ = 0; }
  std::string Name() const override { return "External Scan"; }
  std::string Details() const override { return "on " + relation_->name; }
  size_t row_count() const { return relation_->rows; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::shared_ptr<const ExternalRelation> relation_;  // alive while the plan is, registered or not
  size_t next_ = 0;
};

}  // namespace yunhe
