// WindowOperator past work_mem (window.h): rows split by a hash of the partition keys every
// window shares, each file's rows computed on their own.
#include <fmt/format.h>

#include "exec/expression_eval.h"
#include "exec/window.h"

namespace yunhe {

std::string WindowOperator::Details() const {
  if (spill_.empty()) return "";
  return fmt::format("Batches: {}  Disk: {}kB", spill_.size(), (spilled_bytes_ + 1023) / 1024);
}

std::vector<ExprPtr> WindowOperator::SharedPartitionKeys() const {
  std::vector<ExprPtr> shared;
  if (windows_.empty()) return shared;
  for (const ExprPtr& e : windows_[0].spec->partition_by) {
    bool everywhere = true;
    for (const BoundWindow& w : windows_) {
      bool here = false;
      for (const ExprPtr& p : w.spec->partition_by) here = here || p->Equals(*e);
      everywhere = everywhere && here;
    }
    if (everywhere && SelfContained(e)) shared.push_back(e);
  }
  return shared;
}

void WindowOperator::SpillChunk(const DataChunk& in, ExecContext& ctx) {
  std::vector<Vector> keys;
  for (const ExprPtr& e : spill_keys_) keys.push_back(Evaluate(*e, in, ctx));
  AppendByKeys(spill_, in, keys);
}

bool WindowOperator::LoadNextSpilled(ExecContext& ctx) {
  while (next_spilled_ < spill_.size()) {
    std::unique_ptr<SpillFile> file = std::move(spill_[next_spilled_++]);
    if (!file || file->chunk_count() == 0) continue;
    Reset();
    for (size_t k = 0; k < file->chunk_count(); ++k) {
      CheckCancel();
      Consume(file->Read(k), ctx);
    }
    Compute(ctx);
    return true;
  }
  return false;
}

}  // namespace yunhe
