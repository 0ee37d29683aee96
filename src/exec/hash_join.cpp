#include "exec/hash_join.h"

#include "common/memory_limit.h"
#include "common/row_key.h"
#include "exec/basic_operators.h"
#include "exec/expression_eval.h"
#include "exec/join_util.h"
#include "exec/parallel_for.h"
#include "exec/table_scan.h"

#include <fmt/format.h>

#include <thread>

#include "storage/buffer_pool.h"

namespace yunhe {
namespace {

bool IntegerLike(const ExprPtr& e) { return e->type.physical() == PhysicalType::kI64; }

}  // namespace

HashJoinOperator::HashJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, std::vector<ExprPtr> left_keys,
                                   std::vector<ExprPtr> right_keys, ExprPtr residual)
    : kind_(kind), left_keys_(std::move(left_keys)), right_keys_(std::move(right_keys)), residual_(std::move(residual)) {
  left_width_ = left->types.size();
  pair_types_ = left->types;
  pair_types_.insert(pair_types_.end(), right->types.begin(), right->types.end());
  AdoptJoinInputs(*this, std::move(left), std::move(right), kind_ != JoinKind::kSemi && kind_ != JoinKind::kAnti);
}

std::string HashJoinOperator::Name() const {
  const char* k = kind_ == JoinKind::kInner ? "Inner" : kind_ == JoinKind::kLeft ? "Left" : kind_ == JoinKind::kRight ? "Right"
                : kind_ == JoinKind::kFull ? "Full" : kind_ == JoinKind::kSemi ? "Semi" : "Anti";
  return std::string(left_keys_.empty() ? "Nested Loop " : "Hash ") + k + " Join";
}

std::string HashJoinOperator::Details() const {
  std::string s;
  for (size_t k = 0; k < left_keys_.size(); ++k)
    s += (k ? " AND " : "Hash Cond: ") + left_keys_[k]->ToString() + " = " + right_keys_[k]->ToString();
  if (residual_) s += (s.empty() ? "Join Filter: " : "; Join Filter: ") + residual_->ToString();
  if (build_left_) s += "; Hashed: left rows";
  if (probe_scan_) s += fmt::format("; Workers: {} (the probe side's scan and filter run inside the workers)", workers_);
  if (spill_) s += fmt::format("\nBatches: {}  Disk: {}kB", kSpillPartitions, (spilled_bytes_ + 1023) / 1024);
  return s;
}

std::string HashJoinOperator::BuildKeysText() const {
  std::string s;
  for (const ExprPtr& k : build_keys()) s += (s.empty() ? "" : ", ") + k->ToString();
  return build_keys().size() == 1 ? s : "(" + s + ")";
}

void HashJoinOperator::SetNeededColumns(const std::vector<bool>& needed) {
  std::vector<bool> kept(pair_types_.size(), false);
  for (size_t c = 0; c < needed.size() && c < kept.size(); ++c) kept[c] = needed[c];
  if (!MarkColumnsRead(residual_, &kept)) kept.assign(pair_types_.size(), true);
  kept_ = std::move(kept);
}

Vector HashJoinOperator::Placeholder(size_t c, size_t rows) const {
  return Vector::Nulls(pair_types_[c], rows);
}

void HashJoinOperator::ResetBuild() {
  if (key_filter_) key_filter_->Withdraw();
  build_.Init(children[size_t(build_child())]->types);
  heads_.clear();
  int_ids_.Clear();
  pair_ids_.Clear();
  key_ids_.Clear();
  key_store_.clear();
  next_.clear();
  build_key_chunks_.clear();
  build_chunk_rows_.clear();
}

void HashJoinOperator::Open(ExecContext& ctx) {
  // The build side first, all of it; the probe side is opened only then, because operators
  // below it may do their work in Open (an aggregate) and read the keys published here.
  children[size_t(build_child())]->OpenTimed(ctx);
  // A semi or anti join outputs only left rows: the build side keeps just what the residual reads.
  if ((kind_ == JoinKind::kSemi || kind_ == JoinKind::kAnti) && kept_.empty())
    SetNeededColumns(std::vector<bool>(left_width_, true));
  ResetBuild();
  residual_reads_.assign(pair_types_.size(), false);
  if (!MarkColumnsRead(residual_, &residual_reads_)) residual_reads_.assign(pair_types_.size(), true);
  ready_.clear();
  probe_valid_ = left_done_ = right_emitted_ = false;
  spill_.reset();
  spilled_bytes_ = 0;
  const std::vector<ExprPtr>& build_keys = this->build_keys();
  int_keys_ = build_keys.size() == 1 && IntegerLike(build_keys[0]);
  // (Integers of any width join as int64: the binder gave both sides one type per key.)
  pair_keys_ = build_keys.size() == 2 && IntegerLike(build_keys[0]) && IntegerLike(build_keys[1]) &&
               IntegerLike(probe_keys()[0]) && IntegerLike(probe_keys()[1]);
  const uint64_t work_mem = WorkMemBytes();
  // Pull the whole build side first, keeping its key columns, so the map is sized once.
  uint64_t held = 0;
  DataChunk in;
  while (children[size_t(build_child())]->Pull(ctx, in)) {
    std::vector<Vector> keys;
    for (auto& k : build_keys) {
      Vector scratch;
      const Vector& v = EvaluateRef(*k, in, ctx, scratch);
      keys.push_back(&v == &scratch ? std::move(scratch) : v);
    }
    if (spill_) {
      SpillBuildChunk(in, keys);
      continue;
    }
    held += AddBuildRows(in, std::move(keys));
    if (held > work_mem && !build_keys.empty()) StartSpill();
  }
  if (!spill_) {
    FinishBuild();
    // A spilled join holds one partition's keys at a time: it offers none.
    const BloomFilter* bloom = bloom_.empty() ? nullptr : &bloom_;
    if (key_filter_ && int_keys_) key_filter_->Publish(&int_ids_, bloom);
    if (key_filter_ && pair_keys_) key_filter_->Publish(&pair_ids_, bloom);
  }
  children[size_t(probe_child())]->OpenTimed(ctx);
  if (spill_) {
    PartitionProbeSide(ctx);
    LoadNextPartition();
  }
  // Expressions evaluated on workers must need nothing but the chunk. A batch of one chunk (a
  // small input) runs on this thread alone.
  bool self_contained = SelfContained(residual_);
  for (auto& k : probe_keys()) self_contained = self_contained && SelfContained(k);
  workers_ = 1;
  if (!probe_keys().empty() && self_contained)
    workers_ = DefaultWorkers();
  ChooseParallelScan();
}

void HashJoinOperator::ChooseParallelScan() {
  constexpr size_t kParallelMinGroups = 16;
  probe_scan_ = nullptr;
  probe_filter_ = nullptr;
  probe_morsels_.clear();
  next_morsel_ = 0;
  if (workers_ < 2 || spill_) return;  // a spilled join reads its probe side into partitions first
  const OperatorPtr& probe = children[size_t(probe_child())];
  auto* filter = dynamic_cast<FilterOperator*>(probe.get());
  auto scan = std::dynamic_pointer_cast<TableScanOperator>(filter ? filter->children[0] : probe);
  if (!scan || !scan->sequential() || scan->GroupsMayMatch(kParallelMinGroups) < kParallelMinGroups) return;
  if (filter && !SelfContained(filter->predicate())) return;
  probe_scan_ = std::move(scan);
  probe_filter_ = filter;
  // Small morsels: a batch's output waits in ready_ until pulled (a join that fans out).
  probe_morsels_ = probe_scan_->Morsels(4);
}

bool HashJoinOperator::ProbeScanBatch(ExecContext& ctx) {
  const size_t n = std::min(workers_ * 4, probe_morsels_.size() - next_morsel_);
  if (n == 0) {
    left_done_ = true;
    return false;
  }
  std::vector<std::deque<DataChunk>> outs(n);
  std::vector<uint64_t> read(n, 0), passed(n, 0);
  ParallelFor(workers_, n, ctx, [&](size_t, size_t i, ExecContext& local) {
    const auto [first, end] = probe_morsels_[next_morsel_ + i];
    ProbeState s;
    for (size_t g = first; g < end; ++g) {
      if (!probe_scan_->ReadGroup(g, s.probe, /*keep_placeholders=*/true)) continue;
      read[i] += s.probe.count;
      if (probe_filter_) {
        std::vector<uint32_t> sel = EvaluateFilter(*probe_filter_->predicate(), s.probe, local);
        if (sel.empty()) continue;
        if (sel.size() != s.probe.count) s.probe.Select(sel);
      }
      passed[i] += s.probe.count;
      StartProbe(s, local);
      while (ProbeStep(s, local, outs[i])) {
      }
    }
  });
  next_morsel_ += n;
  for (size_t i = 0; i < n; ++i) {
    probe_scan_->CountRowsOut(read[i]);
    if (probe_filter_) probe_filter_->CountRowsOut(passed[i]);
    for (auto& c : outs[i]) ready_.push_back(std::move(c));
  }
  return true;
}

uint64_t HashJoinOperator::AddBuildRows(const DataChunk& in, std::vector<Vector> keys) {
  uint64_t bytes = 16 * in.count;  // chain link and hash slot per row
  for (size_t c = 0; c < build_.columns.size(); ++c) {
    if (!kept(build_offset() + c)) continue;
    build_.columns[c].AppendRange(in.columns[c], 0, in.count);
    bytes += BufferPool::VectorBytes(in.columns[c]) * in.count / std::max<size_t>(1, in.columns[c].size());
  }
  for (const Vector& k : keys) bytes += BufferPool::VectorBytes(k) * in.count / std::max<size_t>(1, k.size());
  build_.count += in.count;
  build_chunk_rows_.push_back(uint32_t(in.count));
  build_key_chunks_.push_back(std::move(keys));
  return bytes;
}

void HashJoinOperator::FinishBuild() {
  next_.assign(build_.count, kEnd);
  // Chains the row to the key with this id (a new id starts a chain).
  auto link = [&](uint32_t id, uint32_t row) {
    if (id == heads_.size()) {
      heads_.push_back(row);
    } else {
      next_[row] = heads_[id];
      heads_[id] = row;
    }
  };
  uint32_t base = 0;
  const std::vector<uint32_t>& chunk_rows = build_chunk_rows_;
  // A table past what the caches hold is first asked through a Bloom filter of its keys: a
  // probe key it does not hold costs one bit test instead of a walk over the table's slots.
  bloom_.Clear();
  constexpr size_t kBloomFromRows = 16384;
  if ((int_keys_ || pair_keys_) && build_.count >= kBloomFromRows) bloom_.Reset(build_.count);
  if (int_keys_) {
    int_ids_.Reserve(build_.count);
    for (size_t c = 0; c < build_key_chunks_.size(); ++c) {
      const uint8_t* nulls = build_key_chunks_[c][0].nulls();
      const int64_t* values = build_key_chunks_[c][0].i64();
      const uint32_t rows = chunk_rows[c];
      for (uint32_t r = 0; r < rows; ++r) {
        if (nulls[r]) continue;
        link(int_ids_.Insert(values[r]), base + r);
        if (!bloom_.empty()) bloom_.Add(FlatKeyMap<int64_t>::HashOf(values[r]));
      }
      base += rows;
    }
  } else if (pair_keys_) {
    pair_ids_.Reserve(build_.count);
    for (size_t c = 0; c < build_key_chunks_.size(); ++c) {
      __int128 key;
      const std::vector<Vector>& keys = build_key_chunks_[c];
      const uint32_t rows = chunk_rows[c];
      for (uint32_t r = 0; r < rows; ++r) {
        if (!PairKey(keys, r, &key)) continue;
        link(pair_ids_.Insert(key), base + r);
        if (!bloom_.empty()) bloom_.Add(FlatKeyMap<__int128>::HashOf(key));
      }
      base += rows;
    }
  } else if (!build_keys().empty()) {
    key_ids_.Reserve(build_.count);
    std::string key;
    for (size_t c = 0; c < build_key_chunks_.size(); ++c) {
      const std::vector<Vector>& keys = build_key_chunks_[c];
      const uint32_t rows = chunk_rows[c];
      for (uint32_t r = 0; r < rows; ++r) {
        if (!JoinKey(keys, r, &key)) continue;
        int64_t id = key_ids_.Find(key);
        if (id < 0) {
          key_store_.push_back(key);
          id = key_ids_.Insert(std::string_view(key_store_.back()));
        }
        link(uint32_t(id), base + r);
      }
      base += rows;
    }
  }
  build_key_chunks_.clear();
  build_chunk_rows_.clear();
  if (build_keys().empty()) {
    // Nested loop: every build row is a candidate, chained in order.
    for (size_t r = 0; r + 1 < build_.count; ++r) next_[r] = uint32_t(r + 1);
  }
  right_matched_ = std::make_unique<std::atomic<uint8_t>[]>(build_.count);
  for (size_t r = 0; r < build_.count; ++r) right_matched_[r].store(0, std::memory_order_relaxed);
}

bool HashJoinOperator::PullProbe(ExecContext& ctx, DataChunk& out) {
  if (!spill_) return children[size_t(probe_child())]->Pull(ctx, out);
  if (!spill_->probe_file || spill_->probe_chunk >= spill_->probe_file->chunk_count()) return false;
  CheckCancel();
  out = spill_->probe_file->Read(spill_->probe_chunk++);
  return true;
}

void HashJoinOperator::StartProbe(ProbeState& s, ExecContext& ctx) const {
  s.row = 0;
  s.left_matched.assign(s.probe.count, 0);
  s.cursor.assign(s.probe.count, kEnd);
  s.pair_left.clear();
  s.pair_right.clear();
  const std::vector<ExprPtr>& probe_keys = this->probe_keys();
  if (int_keys_) {
    Vector scratch;
    const Vector& k = EvaluateRef(*probe_keys[0], s.probe, ctx, scratch);
    const uint8_t* nulls = k.nulls();
    const int64_t* values = k.i64();
    for (size_t r = 0; r < s.probe.count; ++r) {
      if (nulls[r]) continue;
      const uint64_t h = FlatKeyMap<int64_t>::HashOf(values[r]);
      if (!bloom_.empty() && !bloom_.MayContain(h)) continue;
      const int64_t id = int_ids_.FindHashed(values[r], h);
      if (id >= 0) s.cursor[r] = heads_[size_t(id)];
    }
  } else if (pair_keys_) {
    std::vector<Vector> keys;
    for (auto& k : probe_keys) keys.push_back(Evaluate(*k, s.probe, ctx));
    __int128 key;
    for (size_t r = 0; r < s.probe.count; ++r) {
      if (!PairKey(keys, r, &key)) continue;
      const uint64_t h = FlatKeyMap<__int128>::HashOf(key);
      if (!bloom_.empty() && !bloom_.MayContain(h)) continue;
      const int64_t id = pair_ids_.FindHashed(key, h);
      if (id >= 0) s.cursor[r] = heads_[size_t(id)];
    }
  } else if (!probe_keys.empty()) {
    std::vector<Vector> keys;
    for (auto& k : probe_keys) keys.push_back(Evaluate(*k, s.probe, ctx));
    std::string key;
    for (size_t r = 0; r < s.probe.count; ++r) {
      if (!JoinKey(keys, r, &key)) continue;
      const int64_t id = key_ids_.Find(key);
      if (id >= 0) s.cursor[r] = heads_[size_t(id)];
    }
  } else if (build_.count > 0) {
    std::fill(s.cursor.begin(), s.cursor.end(), 0u);
  }
}

bool HashJoinOperator::ProbeStep(ProbeState& s, ExecContext& ctx, std::deque<DataChunk>& out) {
  // A probe batch of a join that fans out may emit thousands of chunks before the next pull: the
  // statement's cancel request, timeout and the memory cap are checked per chunk (workers share
  // the statement's context).
  CheckCancel();
  // Candidate pairs, at most one chunk's worth before evaluating them.
  // (pair_left holds probe rows and pair_right build rows, whichever side each is.)
  while (s.row < s.probe.count && s.pair_left.size() < kChunkRows) {
    uint32_t& cursor = s.cursor[s.row];
    while (cursor != kEnd && s.pair_left.size() < kChunkRows) {
      // A left row a SEMI/ANTI join already matched is decided: no need to pair it again.
      if (!decided_once() || !right_matched_[cursor].load(std::memory_order_relaxed)) {
        s.pair_left.push_back(uint32_t(s.row));
        s.pair_right.push_back(cursor);
      }
      cursor = next_[cursor];
    }
    if (cursor == kEnd) ++s.row;
  }
  if (!s.pair_left.empty()) {
    DataChunk pairs;
    const size_t n = s.pair_left.size();
    // Pairs in the residual's layout: left columns, then right ones.
    const DataChunk& left = build_left_ ? build_ : s.probe;
    const DataChunk& right = build_left_ ? s.probe : build_;
    const std::vector<uint32_t>& left_rows = build_left_ ? s.pair_right : s.pair_left;
    const std::vector<uint32_t>& right_rows = build_left_ ? s.pair_left : s.pair_right;
    // SEMI/ANTI pairs only decide which rows match: they need what the residual reads, if any.
    const bool semi = kind_ == JoinKind::kSemi || kind_ == JoinKind::kAnti;
    auto gathered = [&](size_t c) { return semi ? residual_reads_[c] : kept(c); };
    for (size_t c = 0; c < left.columns.size(); ++c)
      pairs.columns.push_back(gathered(c) ? left.columns[c].Gather(left_rows) : Placeholder(c, n));
    for (size_t c = 0; c < right.columns.size(); ++c)
      pairs.columns.push_back(gathered(left_width_ + c) ? right.columns[c].Gather(right_rows) : Placeholder(left_width_ + c, n));
    pairs.count = n;
    std::vector<uint32_t> sel;
    if (residual_) {
      sel = EvaluateFilter(*residual_, pairs, ctx);
    } else {
      sel.resize(pairs.count);
      for (size_t k = 0; k < sel.size(); ++k) sel[k] = uint32_t(k);
    }
    for (uint32_t k : sel) {
      s.left_matched[s.pair_left[k]] = 1;
      right_matched_[s.pair_right[k]].store(1, std::memory_order_relaxed);
    }
    if (kind_ != JoinKind::kSemi && kind_ != JoinKind::kAnti && !sel.empty()) {
      if (sel.size() != pairs.count) pairs.Select(sel);
      out.push_back(std::move(pairs));
    }
    s.pair_left.clear();
    s.pair_right.clear();
  }
  if (s.row < s.probe.count) return true;
  if (build_left_) return false;  // the left rows come out when the right side is done
  if (kind_ == JoinKind::kLeft || kind_ == JoinKind::kFull || kind_ == JoinKind::kSemi || kind_ == JoinKind::kAnti) {
    std::vector<uint32_t> sel;
    const bool want_matched = kind_ == JoinKind::kSemi;
    for (size_t r = 0; r < s.probe.count; ++r)
      if ((s.left_matched[r] != 0) == want_matched) sel.push_back(uint32_t(r));
    if (!sel.empty())
      out.push_back(LeftRowsWithNullRight(s.probe, build_, sel, kind_ == JoinKind::kLeft || kind_ == JoinKind::kFull));
  }
  return false;
}

bool HashJoinOperator::ProbeBatchParallel(ExecContext& ctx) {
  // Pulling stays on this thread (operators below are not thread-safe); probing, gathering and
  // the residual run on all cores, one left chunk per task.
  constexpr size_t kChunksPerWorker = 4;
  std::vector<ProbeState> batch(workers_ * kChunksPerWorker);
  size_t n = 0;
  while (n < batch.size() && PullProbe(ctx, batch[n].probe)) ++n;
  if (n < batch.size()) left_done_ = true;  // the input ended: never pull it again
  if (n == 0) return false;
  std::vector<std::deque<DataChunk>> outs(n);
  ParallelFor(workers_, n, ctx, [&](size_t, size_t i, ExecContext& local) {
    StartProbe(batch[i], local);
    while (ProbeStep(batch[i], local, outs[i])) {
    }
  });
  for (auto& o : outs)
    for (auto& c : o) ready_.push_back(std::move(c));
  return true;
}

void HashJoinOperator::EmitUnmatchedRight() {
  DataChunk out;
  out.Init(types);
  for (size_t r = 0; r < build_.count; ++r) {
    if (right_matched_[r].load(std::memory_order_relaxed)) continue;
    for (size_t c = 0; c < left_width_; ++c) out.columns[c].Append(Value::Null(types[c]));
    for (size_t c = 0; c < build_.columns.size(); ++c) {
      if (kept(left_width_ + c)) out.columns[left_width_ + c].AppendFrom(build_.columns[c], r);
      else out.columns[left_width_ + c].Append(Value::Null(types[left_width_ + c]));
    }
    if (++out.count == kChunkRows) {
      ready_.push_back(std::move(out));
      out.Init(types);
    }
  }
  if (out.count) ready_.push_back(std::move(out));
}

void HashJoinOperator::EmitDecidedLeft() {
  // SEMI: the matched left rows; ANTI and LEFT: the unmatched ones (LEFT pads the right columns).
  const bool want_matched = kind_ == JoinKind::kSemi;
  const bool pad_right = kind_ == JoinKind::kLeft;
  std::vector<uint32_t> sel;
  for (uint32_t r = 0; r < build_.count; ++r) {
    if ((right_matched_[r].load(std::memory_order_relaxed) != 0) == want_matched) sel.push_back(r);
    if (sel.size() == kChunkRows || (r + 1 == build_.count && !sel.empty())) {
      DataChunk out;
      for (size_t c = 0; c < build_.columns.size(); ++c)
        out.columns.push_back(kept(c) ? build_.columns[c].Gather(sel) : Placeholder(c, sel.size()));
      if (pad_right)
        for (size_t c = left_width_; c < pair_types_.size(); ++c) out.columns.push_back(Placeholder(c, sel.size()));
      out.count = sel.size();
      ready_.push_back(std::move(out));
      sel.clear();
    }
  }
}

bool HashJoinOperator::Next(ExecContext& ctx, DataChunk& out) {
  while (ready_.empty()) {
    if (!left_done_ && probe_scan_) {
      ProbeScanBatch(ctx);
      continue;
    }
    if (!left_done_ && workers_ > 1) {
      ProbeBatchParallel(ctx);
      continue;
    }
    if (!probe_valid_) {
      if (left_done_ || !PullProbe(ctx, state_.probe)) {
        left_done_ = true;
        // (A LEFT join hashing its left rows may have become inner: it emits no unmatched rows.)
        if (!right_emitted_ && (kind_ == JoinKind::kRight || kind_ == JoinKind::kFull || (build_left_ && kind_ != JoinKind::kInner))) {
          right_emitted_ = true;
          if (build_left_) EmitDecidedLeft();
          else EmitUnmatchedRight();
          continue;
        }
        // Spilled: the next partition's pair, joined the same way.
        if (spill_ && LoadNextPartition()) continue;
        return false;
      }
      probe_valid_ = true;
      StartProbe(state_, ctx);
    }
    if (!ProbeStep(state_, ctx, ready_)) probe_valid_ = false;
  }
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace yunhe
