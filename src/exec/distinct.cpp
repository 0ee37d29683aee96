#include "exec/distinct.h"

#include "common/row_key.h"
#include "exec/expression_eval.h"

namespace yunhe {

DistinctOperator::DistinctOperator(OperatorPtr child, std::vector<ExprPtr> keys) : keys_(std::move(keys)) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
}

void DistinctOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  seen_.clear();
}

bool DistinctOperator::Next(ExecContext& ctx, DataChunk& in_out) {
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    std::vector<Vector> key_vectors;
    const std::vector<Vector>* keys = &in.columns;
    if (!keys_.empty()) {
      for (auto& k : keys_) key_vectors.push_back(Evaluate(*k, in, ctx));
      keys = &key_vectors;
    }
    std::vector<uint32_t> sel;
    std::string key;
    for (size_t r = 0; r < in.count; ++r) {
      key.clear();
      for (const auto& v : *keys) AppendKeyCell(v, r, key);
      if (seen_.insert(key).second) sel.push_back(uint32_t(r));
    }
    if (sel.empty()) continue;
    if (sel.size() != in.count) in.Select(sel);
    in_out = std::move(in);
    return true;
  }
  return false;
}

}  // namespace yunhe
