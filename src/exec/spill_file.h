// A temporary file of DataChunks for operators that spill (exec/sort.cpp's sorted runs): written
// once, in order, then read back chunk by chunk. It lives in temp_directory
// (common/memory_limit.h) and is unlinked as soon as it is created, so nothing is left behind
// however the process ends; the descriptor closes with the object. Columns are stored in the WAL's
// raw vector layout (docs/format.md), no checksum: the file never outlives the statement.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/vector.h"

namespace yunhe {

class SpillFile {
 public:
  explicit SpillFile(std::vector<LogicalType> types);  // throws 53100 (no space) or 58030
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  void Append(const DataChunk& chunk);
  size_t chunk_count() const { return offsets_.size(); }
  DataChunk Read(size_t k) const;
  uint64_t bytes() const { return size_; }

 private:
  std::vector<LogicalType> types_;
  int fd_ = -1;
  std::string path_;
  uint64_t size_ = 0;
  std::vector<std::pair<uint64_t, uint32_t>> offsets_;  // (offset, rows) per chunk
};

// Appends rows[p] of `in` (gathered) to files[p], for every partition p that has any: how the
// spilling operators write an input chunk split by key hash.
void AppendPartitions(std::vector<std::unique_ptr<SpillFile>>& files, const DataChunk& in,
                      const std::vector<std::vector<uint32_t>>& rows);

// The partition, among n, of a key serialized with common/row_key.h's AppendKeyCell.
size_t KeyPartition(std::string_view key, size_t n);

// Appends each row of `in` to files[p], p the partition of its `keys` (evaluated over `in`); a
// row with a NULL key goes to files[0]. Equal keys land in one file.
void AppendByKeys(std::vector<std::unique_ptr<SpillFile>>& files, const DataChunk& in, const std::vector<Vector>& keys);

}  // namespace yunhe
