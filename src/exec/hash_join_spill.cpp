// HashJoinOperator's grace hash join (hash_join.h): once the build rows held pass work_mem, they
// and every later build row go to one of kSpillPartitions files by a hash of their join key, then
// the probe side is read to its end into the matching probe files; each pair of files is then
// joined as an ordinary in-memory hash join. Equal keys hash alike on both sides (the same
// integer / 128-bit pair / serialized form the hash table uses), so a row meets every row it can
// match in its own partition. Rows with a NULL key match nothing but may still have to come out
// (outer and anti joins): they go to partition 0, where the join treats them as always.
#include <xxhash.h>

#include <numeric>

#include "exec/expression_eval.h"
#include "exec/hash_join.h"
#include "exec/join_util.h"

namespace yunhe {
namespace {

static_assert(HashJoinOperator::kSpillPartitions == 32, "PartitionOf takes the hash's top five bits");
inline uint8_t PartitionOf(uint64_t hash) { return uint8_t(hash >> 59); }

std::vector<Vector> EvaluateKeys(const std::vector<ExprPtr>& keys, const DataChunk& in, ExecContext& ctx) {
  std::vector<Vector> out;
  for (auto& k : keys) {
    Vector scratch;
    const Vector& v = EvaluateRef(*k, in, ctx, scratch);
    out.push_back(&v == &scratch ? std::move(scratch) : v);
  }
  return out;
}

// Rows `sel` of `columns` join the partition's pending chunk; a full chunk goes to the file.
void Stage(DataChunk& pending, SpillFile& file, const std::vector<const Vector*>& columns, const std::vector<uint32_t>& sel) {
  for (size_t c = 0; c < columns.size(); ++c) pending.columns[c].AppendRange(columns[c]->Gather(sel), 0, sel.size());
  pending.count += sel.size();
  if (pending.count >= kChunkRows) {
    file.Append(pending);
    pending.Init(pending.Types());
  }
}

// Writes each row of `columns` to its partition.
void Distribute(const std::vector<uint8_t>& partition, size_t rows, const std::vector<const Vector*>& columns,
                std::vector<DataChunk>& pending, std::vector<std::unique_ptr<SpillFile>>& files) {
  std::vector<std::vector<uint32_t>> sel(files.size());
  for (uint32_t r = 0; r < rows; ++r) sel[partition[r]].push_back(r);
  for (size_t p = 0; p < files.size(); ++p)
    if (!sel[p].empty()) Stage(pending[p], *files[p], columns, sel[p]);
}

}  // namespace

std::vector<uint8_t> HashJoinOperator::PartitionsOf(const std::vector<Vector>& keys, size_t rows) const {
  std::vector<uint8_t> partition(rows, 0);
  if (int_keys_) {
    const int64_t* values = keys[0].i64();
    for (size_t r = 0; r < rows; ++r)
      if (!keys[0].IsNull(r)) partition[r] = PartitionOf(XXH3_64bits(&values[r], sizeof(int64_t)));
  } else if (pair_keys_) {
    __int128 key;
    for (size_t r = 0; r < rows; ++r)
      if (PairKey(keys, r, &key)) partition[r] = PartitionOf(XXH3_64bits(&key, sizeof key));
  } else {
    std::string key;
    for (size_t r = 0; r < rows; ++r)
      if (JoinKey(keys, r, &key)) partition[r] = PartitionOf(XXH3_64bits(key.data(), key.size()));
  }
  return partition;
}

void HashJoinOperator::StartSpill() {
  spill_ = std::make_unique<Spill>();
  std::vector<LogicalType> build_types = children[size_t(build_child())]->types;
  for (auto& k : build_keys()) build_types.push_back(k->type);
  const std::vector<LogicalType>& probe_types = children[size_t(probe_child())]->types;
  for (size_t p = 0; p < kSpillPartitions; ++p) {
    spill_->build.push_back(std::make_unique<SpillFile>(build_types));
    spill_->probe.push_back(std::make_unique<SpillFile>(probe_types));
    spill_->build_pending.emplace_back().Init(build_types);
    spill_->probe_pending.emplace_back().Init(probe_types);
  }
  // The rows held so far, chunk by chunk as they were added.
  uint32_t base = 0;
  for (size_t c = 0; c < build_chunk_rows_.size(); ++c) {
    const uint32_t rows = build_chunk_rows_[c];
    std::vector<uint32_t> range(rows);
    std::iota(range.begin(), range.end(), base);
    DataChunk held;
    held.count = rows;
    for (size_t col = 0; col < build_.columns.size(); ++col)
      held.columns.push_back(kept(build_offset() + col) ? build_.columns[col].Gather(range) : Vector::Nulls(build_.columns[col].type(), rows));
    SpillBuildChunk(held, build_key_chunks_[c]);
    base += rows;
  }
  ResetBuild();
}

void HashJoinOperator::SpillBuildChunk(const DataChunk& in, const std::vector<Vector>& keys) {
  // Columns nobody reads are written as NULL placeholders; the keys follow, evaluated.
  std::vector<Vector> placeholders;
  placeholders.reserve(in.columns.size());
  std::vector<const Vector*> columns;
  for (size_t c = 0; c < in.columns.size(); ++c) {
    if (kept(build_offset() + c)) {
      columns.push_back(&in.columns[c]);
    } else {
      placeholders.push_back(Vector::Nulls(in.columns[c].type(), in.count));
      columns.push_back(&placeholders.back());
    }
  }
  for (const Vector& k : keys) columns.push_back(&k);
  Distribute(PartitionsOf(keys, in.count), in.count, columns, spill_->build_pending, spill_->build);
}

void HashJoinOperator::PartitionProbeSide(ExecContext& ctx) {
  DataChunk in;
  while (children[size_t(probe_child())]->Pull(ctx, in)) {
    std::vector<const Vector*> columns;
    for (const Vector& c : in.columns) columns.push_back(&c);
    Distribute(PartitionsOf(EvaluateKeys(probe_keys(), in, ctx), in.count), in.count, columns, spill_->probe_pending,
               spill_->probe);
  }
  for (size_t p = 0; p < kSpillPartitions; ++p) {
    if (spill_->build_pending[p].count) spill_->build[p]->Append(spill_->build_pending[p]);
    if (spill_->probe_pending[p].count) spill_->probe[p]->Append(spill_->probe_pending[p]);
    spilled_bytes_ += spill_->build[p]->bytes() + spill_->probe[p]->bytes();
  }
  spill_->build_pending.clear();
  spill_->probe_pending.clear();
}

bool HashJoinOperator::LoadNextPartition() {
  const size_t build_width = children[size_t(build_child())]->types.size();
  while (spill_->next < kSpillPartitions) {
    const size_t p = spill_->next++;
    if (p > 0) spill_->probe[p - 1].reset();  // that pair is done: its disk space goes
    ResetBuild();
    std::unique_ptr<SpillFile> build = std::move(spill_->build[p]);
    for (size_t k = 0; k < build->chunk_count(); ++k) {
      DataChunk chunk = build->Read(k);
      std::vector<Vector> keys(std::make_move_iterator(chunk.columns.begin() + long(build_width)),
                               std::make_move_iterator(chunk.columns.end()));
      chunk.columns.resize(build_width);
      AddBuildRows(chunk, std::move(keys));
    }
    FinishBuild();
    spill_->probe_file = spill_->probe[p].get();
    spill_->probe_chunk = 0;
    probe_valid_ = left_done_ = right_emitted_ = false;
    if (build->chunk_count() > 0 || spill_->probe_file->chunk_count() > 0) return true;
  }
  spill_->probe_file = nullptr;
  return false;
}

}  // namespace yunhe
