// CRC-32C (Castagnoli), the checksum on every WAL frame and storage block (docs/format.md).
// Uses the SSE4.2 crc32 instruction when the CPU has it, a table otherwise; both give the same value.
#pragma once
#include <cstddef>
#include <cstdint>

namespace yunhe {
uint32_t Crc32c(const void* data, size_t length, uint32_t crc = 0);
}
