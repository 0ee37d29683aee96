#include "exec/set_operation.h"

#include "common/row_key.h"
#include "functions/cast.h"

namespace yunhe {

SetOperationOperator::SetOperationOperator(OperatorPtr left, OperatorPtr right, SetOpKind kind, bool all)
    : kind_(kind), all_(all) {
  types = left->types;
  names = left->names;
  children.push_back(std::move(left));
  children.push_back(std::move(right));
}

std::string SetOperationOperator::Name() const {
  const char* base = kind_ == SetOpKind::kUnion ? "Union" : kind_ == SetOpKind::kIntersect ? "Intersect" : "Except";
  return std::string(base) + (all_ ? " All" : "");
}

void SetOperationOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  left_done_ = false;
  right_counts_.clear();
  emitted_.clear();
  if (kind_ != SetOpKind::kUnion) {
    DataChunk in;
    while (children[1]->Pull(ctx, in)) {
      std::string key;
      for (size_t r = 0; r < in.count; ++r) {
        key.clear();
        for (auto& c : in.columns) AppendKeyCell(c, r, key);
        ++right_counts_[key];
      }
    }
  }
}

bool SetOperationOperator::Next(ExecContext& ctx, DataChunk& out) {
  DataChunk in;
  while (true) {
    bool from_left = !left_done_;
    if (from_left) {
      if (!children[0]->Pull(ctx, in)) {
        left_done_ = true;
        if (kind_ != SetOpKind::kUnion) return false;
        continue;
      }
    } else {
      if (!children[1]->Pull(ctx, in)) return false;
      // The right branch may have different (coercible) column types.
      for (size_t c = 0; c < types.size(); ++c)
        if (in.columns[c].type() != types[c]) in.columns[c] = CastVector(in.columns[c], types[c]);
    }
    if (kind_ == SetOpKind::kUnion && all_) {
      out = std::move(in);
      return true;
    }
    std::vector<uint32_t> sel;
    std::string key;
    for (size_t r = 0; r < in.count; ++r) {
      key.clear();
      for (auto& c : in.columns) AppendKeyCell(c, r, key);
      int64_t& emitted = emitted_[key];
      bool keep = false;
      if (kind_ == SetOpKind::kUnion) {
        keep = emitted == 0;
      } else {
        auto it = right_counts_.find(key);
        int64_t right = it == right_counts_.end() ? 0 : it->second;
        if (kind_ == SetOpKind::kIntersect) keep = all_ ? emitted < right : (emitted == 0 && right > 0);
        else if (all_) {
          // EXCEPT ALL: the first `right` copies are cancelled.
          keep = emitted >= right;
        } else {
          keep = emitted == 0 && right == 0;
        }
      }
      ++emitted;
      if (keep) sel.push_back(uint32_t(r));
    }
    if (sel.empty()) continue;
    if (sel.size() != in.count) in.Select(sel);
    out = std::move(in);
    return true;
  }
}

}  // namespace yunhe
