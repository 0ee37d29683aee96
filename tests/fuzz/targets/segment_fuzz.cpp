// Fuzz target: version-1 segment files (docs/format.md "Segment file"), as opening a version-1
// directory reads them to upgrade it: header, column types, every row group and block. A
// damaged file must fail with XX001, never crash or allocate without bound.
// Random bytes rarely carry valid CRC-32Cs, which would stop every input at the first checksum:
// each input is decoded twice, as it is and with its block and file checksums recomputed (and
// the table's column types taken from its own header), so the block decoders see mutated blocks.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/crc32c.h"
#include "common/status.h"
#include "storage/byte_io.h"
#include "storage/segment_file.h"
#include "storage/wal_record.h"

namespace {

void Decode(const std::string& bytes, const std::vector<yunhe::LogicalType>& types) {
  yunhe::TableData table;
  table.Init(types);
  try {
    yunhe::DecodeSegmentFile(bytes, "fuzz.seg", &table);
  } catch (const yunhe::Error&) {
    // refused: what a damaged segment must do
  }
}

// The header's column types and the input with every checksum made to match; false when the
// layout itself does not parse that far.
bool Repair(std::string* bytes, std::vector<yunhe::LogicalType>* types) {
  if (bytes->size() < 24 || std::memcmp(bytes->data(), yunhe::kSegmentMagic, 8) != 0) return false;
  yunhe::ByteReader in(bytes->data() + 8, bytes->size() - 12);
  const uint32_t columns = in.U32();
  in.U64();  // rows
  if (!in.ok() || columns > 64) return false;
  for (uint32_t c = 0; c < columns; ++c) {
    yunhe::LogicalType t;
    if (!yunhe::DecodeType(in, &t)) return false;
    types->push_back(t);
  }
  for (int group = 0; group < 1024; ++group) {
    const uint32_t n = in.U32();
    if (!in.ok() || n == 0) break;
    for (uint32_t c = 0; c < columns; ++c) {
      const uint32_t len = in.U32();
      char* crc_at = const_cast<char*>(in.position());
      in.U32();
      if (!in.ok() || len > in.remaining()) return true;
      const uint32_t crc = yunhe::Crc32c(in.position(), len);
      std::memcpy(crc_at, &crc, 4);
      in.Skip(len);
    }
  }
  const uint32_t file_crc = yunhe::Crc32c(bytes->data(), bytes->size() - 4);
  std::memcpy(bytes->data() + bytes->size() - 4, &file_crc, 4);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<yunhe::LogicalType> types;
  Decode(bytes, types);
  if (Repair(&bytes, &types)) Decode(bytes, types);
  return 0;
}
