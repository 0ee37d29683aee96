// AsofJoinOperator past work_mem (asof_join.h): both inputs split by a hash of their equality
// keys — the serialized key cells, the same bytes the join's generic key groups compare, so equal
// keys land in the same partition — and each pair of files joined as an ASOF join in memory.
// Rows with a NULL key match nothing; the left ones of a LEFT join must still come out: they go
// to partition 0 like every NULL key.
#include "exec/asof_join.h"
#include "exec/expression_eval.h"

namespace yunhe {

void AsofJoinOperator::SpillRight(const DataChunk& in, const std::vector<Vector>& keys) { AppendByKeys(spill_->right, in, keys); }

void AsofJoinOperator::PartitionLeft(ExecContext& ctx) {
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    std::vector<Vector> keys;
    for (auto& k : left_keys_) keys.push_back(Evaluate(*k, in, ctx));
    AppendByKeys(spill_->left, in, keys);
  }
  for (size_t p = 0; p < kSpillPartitions; ++p) spill_->bytes += spill_->right[p]->bytes() + spill_->left[p]->bytes();
}

bool AsofJoinOperator::LoadNextPartition(ExecContext& ctx) {
  while (spill_->next < kSpillPartitions) {
    const size_t p = spill_->next++;
    if (p > 0) spill_->left[p - 1].reset();  // that pair is done: its disk space goes
    spill_->left_file = spill_->left[p].get();
    spill_->left_chunk = 0;
    if (spill_->left_file->chunk_count() == 0) continue;  // no left rows: nothing comes out
    ResetBuild();
    std::unique_ptr<SpillFile> right = std::move(spill_->right[p]);
    for (size_t k = 0; k < right->chunk_count(); ++k) {
      CheckCancel();
      AddRight(right->Read(k), ctx);
    }
    FinishBuild();
    return true;
  }
  spill_->left_file = nullptr;
  return false;
}

}  // namespace yunhe
