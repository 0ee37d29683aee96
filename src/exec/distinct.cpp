#include "exec/distinct.h"

#include <fmt/format.h>

#include "common/memory_limit.h"
#include "common/row_key.h"
#include "exec/expression_eval.h"

namespace yunhe {

DistinctOperator::DistinctOperator(OperatorPtr child) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
}

std::string DistinctOperator::Details() const {
  if (spill_.empty()) return "";
  return fmt::format("Batches: {}  Disk: {}kB", spill_.size() + 1, (spilled_bytes_ + 1023) / 1024);
}

void DistinctOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  seen_.clear();
  seen_bytes_ = 0;
  frozen_ = false;
  spill_.clear();
  partition_ = chunk_ = 0;
  spilled_bytes_ = 0;
}

std::vector<uint32_t> DistinctOperator::FirstOccurrences(const DataChunk& in, bool spill_into_files) {
  const std::vector<Vector>* keys = &in.columns;
  std::vector<uint32_t> sel;
  std::vector<std::vector<uint32_t>> spill(spill_into_files ? kSpillPartitions : 0);
  std::string key;
  for (size_t r = 0; r < in.count; ++r) {
    key.clear();
    for (const auto& v : *keys) AppendKeyCell(v, r, key);
    if (spill_into_files) {
      if (!seen_.count(key)) spill[KeyPartition(key, kSpillPartitions)].push_back(uint32_t(r));
    } else if (seen_.insert(key).second) {
      sel.push_back(uint32_t(r));
      seen_bytes_ += key.size() + 64;  // the string and its hash node
    }
  }
  if (spill_into_files) AppendPartitions(spill_, in, spill);
  return sel;
}

bool DistinctOperator::Next(ExecContext& ctx, DataChunk& in_out) {
  if (frozen_ && partition_ > 0) return NextFromSpill(ctx, in_out);
  const uint64_t work_mem = WorkMemBytes();
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    std::vector<uint32_t> sel = FirstOccurrences(in, frozen_);
    if (!frozen_ && seen_bytes_ > work_mem) {
      frozen_ = true;
      for (size_t p = 0; p < kSpillPartitions; ++p) spill_.push_back(std::make_unique<SpillFile>(types));
    }
    if (sel.empty()) continue;
    if (sel.size() != in.count) in.Select(sel);
    in_out = std::move(in);
    return true;
  }
  if (!frozen_) return false;
  for (auto& f : spill_) spilled_bytes_ += f->bytes();
  partition_ = 1;  // reading back from here on (partition_ - 1 is the file)
  return NextFromSpill(ctx, in_out);
}

bool DistinctOperator::NextFromSpill(ExecContext& ctx, DataChunk& out) {
  // Each file on its own, with a set of its own (its keys are none of the frozen set's).
  while (partition_ <= spill_.size()) {
    SpillFile& file = *spill_[partition_ - 1];
    if (chunk_ == 0) {
      seen_.clear();
      seen_bytes_ = 0;
    }
    while (chunk_ < file.chunk_count()) {
      DataChunk in = file.Read(chunk_++);
      std::vector<uint32_t> sel = FirstOccurrences(in, /*spill_into_files=*/false);
      if (sel.empty()) continue;
      if (sel.size() != in.count) in.Select(sel);
      out = std::move(in);
      return true;
    }
    spill_[partition_ - 1].reset();
    ++partition_;
    chunk_ = 0;
  }
  return false;
}

}  // namespace yunhe
