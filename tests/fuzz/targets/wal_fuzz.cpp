// Fuzz target: WAL record frames as recovery decodes them. A damaged record must be refused
// (false), never crash or be half-applied.
#include <cstddef>
#include <cstdint>

#include "storage/wal_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  yunhe::WalRecord record;
  (void)yunhe::DecodeWalRecord(reinterpret_cast<const char*>(data), size, &record);
  return 0;
}
