// UTF-8 validation for text coming in from outside (SQL text, COPY data, line protocol, wire
// parameters): the database encoding is UTF8, and like PostgreSQL it refuses invalid byte
// sequences (and NUL bytes) rather than storing them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace yunhe {

// Byte offset of the first invalid sequence (overlong forms, surrogates, code points above
// U+10FFFF, truncated sequences, stray continuation bytes, NUL), or npos when `s` is valid.
size_t FindInvalidUtf8(std::string_view s);

// PostgreSQL's message for the sequence at `offset`:
//   invalid byte sequence for encoding "UTF8": 0xe2 0x28 0xa1
std::string InvalidUtf8Message(std::string_view s, size_t offset);

// Appends code point cp (at most U+10FFFF) as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// Ok, or SQLSTATE 22021 with that message.
Status CheckUtf8(std::string_view s);

}  // namespace yunhe
