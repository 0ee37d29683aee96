// FROM t TABLESAMPLE BERNOULLI (p) | SYSTEM (p) [REPEATABLE (seed)]: about p percent of the rows.
// BERNOULLI keeps each row with probability p/100; SYSTEM keeps or drops whole chunks (PostgreSQL
// samples pages; a chunk is our page). REPEATABLE seeds the draw, so the same seed over the same
// data gives the same rows.
#pragma once
#include <optional>
#include <random>

#include "exec/operator.h"

namespace yunhe {

class TableSampleOperator : public PhysicalOperator {
 public:
  TableSampleOperator(OperatorPtr child, bool system, double percent, std::optional<uint64_t> seed);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "Sample Scan"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  bool system_;
  double fraction_;
  std::optional<uint64_t> seed_;
  std::mt19937_64 rng_;
};

}  // namespace yunhe
