#include "exec/external_scan.h"

#include <algorithm>

namespace yunhe {

ExternalScanOperator::ExternalScanOperator(std::shared_ptr<const ExternalRelation> relation)
    : relation_(std::move(relation)) {
  types = relation_->types;
  names = relation_->names;
}

bool ExternalScanOperator::Next(ExecContext& ctx, DataChunk& out) {
  if (next_ >= relation_->rows) return false;
  const size_t n = std::min(kChunkRows, relation_->rows - next_);
  out.Init(types);
  relation_->fill(next_, n, out);
  out.count = n;
  next_ += n;
  return true;
}

}  // namespace yunhe
