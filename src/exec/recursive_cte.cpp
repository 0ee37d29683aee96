#include "exec/recursive_cte.h"

#include "common/row_key.h"
#include "common/status.h"
#include "functions/cast.h"

namespace yunhe {

RecursiveCteOperator::RecursiveCteOperator(OperatorPtr base, OperatorPtr recursive,
                                           std::shared_ptr<MaterializedResult> working, bool distinct)
    : working_(std::move(working)), distinct_(distinct) {
  types = base->types;
  names = base->names;
  children.push_back(std::move(base));
  children.push_back(std::move(recursive));
}

void RecursiveCteOperator::Open(ExecContext& ctx) {
  result_.clear();
  next_ = 0;
  std::unordered_set<std::string> seen;
  // Keeps only rows not seen before (UNION) and casts the recursive term to the CTE's types.
  auto admit = [&](DataChunk& c) {
    for (size_t col = 0; col < types.size(); ++col)
      if (c.columns[col].type() != types[col]) c.columns[col] = CastVector(c.columns[col], types[col]);
    if (!distinct_) return;
    std::vector<uint32_t> sel;
    std::string key;
    for (size_t r = 0; r < c.count; ++r) {
      key.clear();
      for (auto& v : c.columns) AppendKeyCell(v, r, key);
      if (seen.insert(key).second) sel.push_back(uint32_t(r));
    }
    if (sel.size() != c.count) c.Select(sel);
  };
  children[0]->OpenTimed(ctx);
  std::vector<DataChunk> round;
  for (auto& c : CollectAll(*children[0], ctx)) {
    admit(c);
    if (c.count) round.push_back(std::move(c));
  }
  for (size_t iteration = 0; !round.empty(); ++iteration) {
    if (iteration >= kMaxIterations)
      throw Error(SqlState::kInvalidRecursion, "recursive query did not terminate after 1000000 iterations");
    for (auto& c : round) result_.push_back(c);
    working_->chunks = std::move(round);
    working_->done = true;
    round.clear();
    children[1]->OpenTimed(ctx);
    for (auto& c : CollectAll(*children[1], ctx)) {
      admit(c);
      if (c.count) round.push_back(std::move(c));
    }
  }
}

bool RecursiveCteOperator::Next(ExecContext&, DataChunk& out) {
  if (next_ >= result_.size()) return false;
  out = result_[next_++];
  return true;
}

}  // namespace yunhe
