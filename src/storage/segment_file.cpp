#include "storage/segment_file.h"

#include <fmt/format.h>

#include <cstring>

#include "common/crc32c.h"
#include "common/status.h"
#include "storage/byte_io.h"
#include "storage/codecs.h"
#include "storage/wal_record.h"

namespace yunhe {

std::string EncodeSegmentFile(const TableData& data, SegmentStats* stats) {
  std::string out(kSegmentMagic, 8);
  ByteWriter w(&out);
  const auto& types = data.types();
  w.U32(uint32_t(types.size()));
  w.U64(uint64_t(data.live_count()));
  for (const auto& t : types) EncodeType(t, &out);
  // Gather live rows into row groups of kSegmentRowGroupRows.
  DataChunk group;
  group.Init(types);
  auto flush = [&]() {
    if (group.count == 0) return;
    w.U32(uint32_t(group.count));
    for (const auto& col : group.columns) {
      std::string block;
      EncodeColumnBlock(col, &block);
      w.U32(uint32_t(block.size()));
      w.U32(Crc32c(block.data(), block.size()));
      out += block;
    }
    group.Init(types);
  };
  for (size_t g = 0; g < data.group_count(); ++g) {
    const DataChunk& src = data.group(g);
    const auto& deleted = data.deleted(g);
    for (size_t r = 0; r < src.count; ++r) {
      if (deleted[r]) continue;
      group.AppendRow(src, r);
      if (group.count == kSegmentRowGroupRows) flush();
    }
  }
  flush();
  w.U32(0);  // end marker: a row group of zero rows
  uint32_t crc = Crc32c(out.data(), out.size());
  w.U32(crc);  // whole-file checksum over everything before it
  if (stats) {
    stats->rows = data.live_count();
    stats->bytes = out.size();
  }
  return out;
}

void DecodeSegmentFile(const std::string& bytes, const std::string& path, TableData* data) {
  auto corrupt = [&](size_t offset, const std::string& what) {
    throw Error(SqlState::kDataCorrupted,
                fmt::format("could not read segment file \"{}\": {} at offset {}", path, what, offset));
  };
  if (bytes.size() < 8 + 4 + 8 + 4 + 4 || std::memcmp(bytes.data(), kSegmentMagic, 8) != 0)
    corrupt(0, "bad magic number or truncated file");
  uint32_t file_crc;
  std::memcpy(&file_crc, bytes.data() + bytes.size() - 4, 4);
  if (Crc32c(bytes.data(), bytes.size() - 4) != file_crc) corrupt(bytes.size() - 4, "file checksum mismatch");
  ByteReader in(bytes.data() + 8, bytes.size() - 12);
  uint32_t columns = in.U32();
  uint64_t rows = in.U64();
  if (!in.ok() || columns != data->types().size()) corrupt(8, "column count does not match the catalog");
  for (uint32_t c = 0; c < columns; ++c) {
    LogicalType t;
    if (!DecodeType(in, &t) || t.physical() != data->types()[c].physical()) corrupt(20, "column type does not match the catalog");
  }
  uint64_t seen = 0;
  while (true) {
    size_t group_offset = size_t(in.position() - bytes.data());
    uint32_t n = in.U32();
    if (!in.ok()) corrupt(group_offset, "truncated row group header");
    if (n == 0) break;
    if (n > kSegmentRowGroupRows) corrupt(group_offset, "row group too large");
    DataChunk chunk;
    chunk.count = n;
    for (uint32_t c = 0; c < columns; ++c) {
      size_t block_offset = size_t(in.position() - bytes.data());
      uint32_t len = in.U32();
      uint32_t crc = in.U32();
      if (!in.ok() || len > in.remaining()) corrupt(block_offset, "truncated block");
      const char* block = in.position();
      if (Crc32c(block, len) != crc) corrupt(block_offset, "block checksum mismatch");
      Vector v;
      if (!DecodeColumnBlock(block, len, data->types()[c], n, &v)) corrupt(block_offset, "malformed block");
      in.Skip(len);
      chunk.columns.push_back(std::move(v));
    }
    data->Append(chunk);
    seen += n;
  }
  if (seen != rows) corrupt(12, fmt::format("row count {} does not match the header ({})", seen, rows));
}

}  // namespace yunhe
