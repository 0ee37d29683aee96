#include "functions/uuid.h"

#include <fmt/format.h>

#include <cctype>
#include <random>

#include "common/status.h"

namespace yunhe {

std::string UuidInput(const std::string& text) {
  auto bad = [&]() { return Error(SqlState::kInvalidTextRepresentation, fmt::format("invalid input syntax for type uuid: \"{}\"", text)); };
  size_t b = 0, e = text.size();
  if (e >= 2 && text[0] == '{') {
    if (text[e - 1] != '}') throw bad();
    ++b, --e;
  }
  std::string hex;
  for (size_t k = b; k < e; ++k) {
    const char c = text[k];
    if (c == '-') {
      // PostgreSQL: a hyphen may follow any group of four digits, never two in a row or at an end.
      if (hex.empty() || hex.size() % 4 || k + 1 == e || text[k + 1] == '-') throw bad();
      continue;
    }
    if (!isxdigit((unsigned char)c)) throw bad();
    hex += char(tolower((unsigned char)c));
  }
  if (hex.size() != 32) throw bad();
  return UuidFromHex(hex);
}

std::string UuidFromHex(const std::string& hex) {
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string RandomUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;                     // version 4
  lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);     // variant 10
  return UuidFromHex(fmt::format("{:016x}{:016x}", hi, lo));
}

}  // namespace yunhe
