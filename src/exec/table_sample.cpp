#include "exec/table_sample.h"

#include <fmt/format.h>

namespace yunhe {

TableSampleOperator::TableSampleOperator(OperatorPtr child, bool system, double percent, std::optional<uint64_t> seed)
    : system_(system), fraction_(percent / 100.0), seed_(seed) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
}

void TableSampleOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  rng_.seed(seed_ ? *seed_ : std::random_device{}());
}

std::string TableSampleOperator::Details() const {
  return fmt::format("Sampling: {} ({}){}", system_ ? "system" : "bernoulli", fraction_ * 100,
                     seed_ ? fmt::format(" REPEATABLE ({})", *seed_) : "");
}

bool TableSampleOperator::Next(ExecContext& ctx, DataChunk& out) {
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    if (system_) {
      if (draw(rng_) >= fraction_) continue;
      out = std::move(in);
      return true;
    }
    out.Init(types);
    for (size_t r = 0; r < in.count; ++r)
      if (draw(rng_) < fraction_) out.AppendRow(in, r);
    if (out.count) return true;
  }
  return false;
}

}  // namespace yunhe
