// Column segment files of format version 1 (docs/format.md "Segment file"), read only to upgrade
// a version-1 directory on open (parts replaced them). A file holds row groups; each row group
// holds one block per column; each block is checksummed (CRC-32C) and encoded with a per-column
// codec (storage/codecs.h). Blocks carry no zone map: the upgrade recomputes zone maps while it
// writes parts. Readers verify every checksum: a mismatch, a short file or an impossible length
// is reported as XX001 naming the file and offset.
#pragma once
#include <string>

#include "storage/table.h"

namespace yunhe {

inline constexpr char kSegmentMagic[8] = {'Y', 'H', 'S', 'E', 'G', '0', '0', '1'};
inline constexpr size_t kSegmentRowGroupRows = 65536;

struct SegmentStats {
  size_t rows = 0;
  size_t bytes = 0;
};

// Serializes the live rows of `data` (deleted rows are dropped).
std::string EncodeSegmentFile(const TableData& data, SegmentStats* stats);
// Appends the rows of a segment file to `data`; throws Error(XX001) on any corruption.
void DecodeSegmentFile(const std::string& bytes, const std::string& path, TableData* data);

}  // namespace yunhe
