// Fuzz target: version-1 segment files (docs/format.md "Segment file"), as opening a version-1
// directory reads them to upgrade it: header, column types, every row group and block. A
// damaged file must fail with XX001, never crash or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "storage/segment_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  yunhe::TableData table;
  try {
    yunhe::DecodeSegmentFile(bytes, "fuzz.seg", &table);
  } catch (const yunhe::Error&) {
    // refused: what a damaged segment must do
  }
  return 0;
}
