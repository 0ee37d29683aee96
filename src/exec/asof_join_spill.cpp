// AsofJoinOperator past work_mem (asof_join.h): both inputs split by a hash of their equality
// keys — the serialized key cells, the same bytes the join's generic key groups compare, so equal
// keys land in the same partition — and each pair of files joined as an ASOF join in memory.
// Rows with a NULL key match nothing; the left ones of a LEFT join must still come out: they go
// to partition 0 like every NULL key.
#include <xxhash.h>

#include "common/row_key.h"
#include "exec/asof_join.h"
#include "exec/expression_eval.h"

namespace yunhe {
namespace {

// Writes each row of `in` to the file of its key's partition.
void Distribute(const DataChunk& in, const std::vector<Vector>& keys, std::vector<std::unique_ptr<SpillFile>>& files) {
  std::vector<std::vector<uint32_t>> rows(files.size());
  std::string key;
  for (size_t r = 0; r < in.count; ++r) {
    key.clear();
    bool null = false;
    for (const Vector& k : keys) {
      null = null || k.IsNull(r);
      if (!null) AppendKeyCell(k, r, key);
    }
    rows[null ? 0 : XXH3_64bits(key.data(), key.size()) % files.size()].push_back(uint32_t(r));
  }
  AppendPartitions(files, in, rows);
}

}  // namespace

void AsofJoinOperator::SpillRight(const DataChunk& in, const std::vector<Vector>& keys) { Distribute(in, keys, spill_->right); }

void AsofJoinOperator::PartitionLeft(ExecContext& ctx) {
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    std::vector<Vector> keys;
    for (auto& k : left_keys_) keys.push_back(Evaluate(*k, in, ctx));
    Distribute(in, keys, spill_->left);
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
