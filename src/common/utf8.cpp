#include "common/utf8.h"

#include <cstdint>
#include <cstring>

namespace yunhe {

namespace {
// Length of the sequence a lead byte announces (1 for bytes that cannot lead one).
size_t LeadLength(unsigned char c) {
  if (c >= 0xC0 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF7) return 4;
  return 1;
}
}  // namespace

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII runs eight bytes at a time: no high bit and no zero byte.
    while (i + 8 <= n) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      const bool high = w & 0x8080808080808080ull;
      const bool zero = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
      if (high || zero) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = p[i];
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return i;  // continuation byte, C0/C1 (always overlong), F5..FF
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += char(cp);
  } else if (cp < 0x800) {
    *out += char(0xC0 | (cp >> 6));
    *out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += char(0xE0 | (cp >> 12));
    *out += char(0x80 | ((cp >> 6) & 0x3F));
    *out += char(0x80 | (cp & 0x3F));
  } else {
    *out += char(0xF0 | (cp >> 18));
    *out += char(0x80 | ((cp >> 12) & 0x3F));
    *out += char(0x80 | ((cp >> 6) & 0x3F));
    *out += char(0x80 | (cp & 0x3F));
  }
}

std::string InvalidUtf8Message(std::string_view s, size_t offset) {
  std::string msg = "invalid byte sequence for encoding \"UTF8\":";
  size_t len = LeadLength(static_cast<unsigned char>(s[offset]));
  if (offset + len > s.size()) len = s.size() - offset;
  static const char* hex = "0123456789abcdef";
  for (size_t k = 0; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[offset + k]);
    msg += " 0x";
    msg += hex[b >> 4];
    msg += hex[b & 15];
  }
  return msg;
}

Status CheckUtf8(std::string_view s) {
  const size_t bad = FindInvalidUtf8(s);
  if (bad == std::string_view::npos) return Status::Ok();
  return Status::Error(SqlState::kCharacterNotInRepertoire, InvalidUtf8Message(s, bad));
}

}  // namespace yunhe
