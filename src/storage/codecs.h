// Per-column block codecs (docs/format.md "Column block"). The encoder tries the codecs that
// apply to the column's physical type and keeps the smallest result:
//   integers/timestamps: delta-of-delta + zig-zag varints, or frame-of-reference bit packing;
//   doubles: XOR with the previous value, leading/trailing zero bytes trimmed (Gorilla-style);
//   text: dictionary + bit-packed codes when few distinct values, else length-prefixed;
// each optionally wrapped in zstd when that is smaller still.
#pragma once
#include <cstdint>
#include <string>

#include "common/vector.h"

namespace yunhe {

enum class BlockCodec : uint8_t {
  kRaw = 0,
  kDeltaOfDelta = 1,
  kFrameOfReference = 2,
  kXorFloat = 3,
  kDictionary = 4,
};
inline constexpr uint8_t kZstdWrapped = 0x80;

void EncodeColumnBlock(const Vector& v, std::string* out);
bool DecodeColumnBlock(const char* data, size_t size, const LogicalType& type, size_t count, Vector* out);

// Exposed for unit tests and benchmarks.
void EncodeWithCodec(const Vector& v, BlockCodec codec, std::string* out);
const char* BlockCodecName(uint8_t codec_byte);

}  // namespace yunhe
