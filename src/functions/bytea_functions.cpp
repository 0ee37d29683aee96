// PostgreSQL's binary string functions (9.5): length, ||, substr, get_byte / set_byte, the
// digests (md5, sha224 .. sha512, through OpenSSL), encode / decode (base64, hex, escape) and
// convert_to / convert_from between text and the bytes of an encoding (UTF8, LATIN1, SQL_ASCII).
#include <openssl/evp.h>

#include <fmt/format.h>

#include "common/utf8.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId Y = TypeId::kBytea, T = TypeId::kText, I4 = TypeId::kInt32;

constexpr char kHexDigits[] = "0123456789abcdef";

std::string Digest(const std::string& s, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(s.data(), s.size(), digest, &len, md, nullptr) != 1)
    throw Error(SqlState::kInternalError, "could not compute the digest");
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::string Hex(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) out += kHexDigits[c >> 4], out += kHexDigits[c & 15];
  return out;
}

[[noreturn]] void Invalid(std::string message, const char* hint = nullptr) {
  Status st = Status::Error(SqlState::kInvalidParameterValue, std::move(message));
  if (hint) st.WithHint(hint);
  throw Error(st);
}

// What an escape sequence needs in messages: the byte itself when printable.
std::string Shown(char c) { return std::string(1, c); }

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// base64 with a newline after every 76 characters (after the last one too), as PostgreSQL's.
std::string Base64Encode(const std::string& in) {
  std::string out;
  size_t line = 0;
  for (size_t k = 0; k < in.size(); k += 3) {
    const uint32_t b0 = uint8_t(in[k]), b1 = k + 1 < in.size() ? uint8_t(in[k + 1]) : 0, b2 = k + 2 < in.size() ? uint8_t(in[k + 2]) : 0;
    const uint32_t v = b0 << 16 | b1 << 8 | b2;
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += k + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=';
    out += k + 2 < in.size() ? kBase64[v & 63] : '=';
    if (k + 3 <= in.size() && (line += 4) >= 76) out += '\n', line = 0;
  }
  return out;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// PostgreSQL's reading of base64: white space skipped; "=" after two or three symbols of a group
// counts as a zero symbol and marks how many bytes the groups give from then on.
std::string Base64Decode(const std::string& in) {
  std::string out;
  uint32_t buffer = 0;
  int have = 0, end = 0;
  for (char c : in) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    int v = 0;
    if (c == '=') {
      if (end == 0) {
        if (have == 2) end = 1;
        else if (have == 3) end = 2;
        else Invalid("unexpected \"=\" while decoding base64 sequence");
      }
    } else if ((v = Base64Value(c)) < 0) {
      Invalid(fmt::format("invalid symbol \"{}\" found while decoding base64 sequence", Shown(c)));
    }
    buffer = buffer << 6 | uint32_t(v);
    if (++have == 4) {
      out += char(buffer >> 16);
      if (end == 0 || end > 1) out += char(buffer >> 8);
      if (end == 0 || end > 2) out += char(buffer);
      buffer = 0, have = 0;
    }
  }
  if (have != 0) Invalid("invalid base64 end sequence", "Input data is missing padding, is truncated, or is otherwise corrupted.");
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  Invalid(fmt::format("invalid hexadecimal digit: \"{}\"", Shown(c)));
}

// Hex digits in pairs; white space between pairs is skipped, as PostgreSQL's hex_decode does.
std::string HexDecode(const std::string& in) {
  std::string out;
  for (size_t k = 0; k < in.size();) {
    const char c = in[k];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++k;
      continue;
    }
    const int hi = HexValue(c);
    if (k + 1 >= in.size()) Invalid("invalid hexadecimal data: odd number of digits");
    out += char(hi << 4 | HexValue(in[k + 1]));
    k += 2;
  }
  return out;
}

// escape: a zero byte and bytes with the high bit as \ooo, a backslash doubled, the rest as is.
std::string EscapeEncode(const std::string& in) {
  std::string out;
  for (unsigned char c : in) {
    if (c == 0 || c >= 0x80) out += fmt::format("\\{:03o}", c);
    else if (c == '\\') out += "\\\\";
    else out += char(c);
  }
  return out;
}

std::string EscapeDecode(const std::string& in) {
  std::string out;
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  for (size_t k = 0; k < in.size(); ++k) {
    if (in[k] != '\\') {
      out += in[k];
    } else if (k + 1 < in.size() && in[k + 1] == '\\') {
      out += '\\';
      ++k;
    } else if (k + 3 < in.size() + 0 && in[k + 1] >= '0' && in[k + 1] <= '3' && octal(in[k + 2]) && octal(in[k + 3])) {
      out += char((in[k + 1] - '0') << 6 | (in[k + 2] - '0') << 3 | (in[k + 3] - '0'));
      k += 3;
    } else {
      throw Error(SqlState::kInvalidTextRepresentation, "invalid input syntax for type bytea");
    }
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = char(tolower(uint8_t(c)));
  return s;
}

std::string Encode(const std::string& bytes, const std::string& format) {
  const std::string f = Lower(format);
  if (f == "base64") return Base64Encode(bytes);
  if (f == "hex") return Hex(bytes);
  if (f == "escape") return EscapeEncode(bytes);
  Invalid(fmt::format("unrecognized encoding: \"{}\"", format));
}

std::string Decode(const std::string& text, const std::string& format) {
  const std::string f = Lower(format);
  if (f == "base64") return Base64Decode(text);
  if (f == "hex") return HexDecode(text);
  if (f == "escape") return EscapeDecode(text);
  Invalid(fmt::format("unrecognized encoding: \"{}\"", format));
}

// The encodings text converts to and from here (the database's is UTF8).
enum class Charset { kUtf8, kLatin1, kAscii };

Charset CharsetNamed(const std::string& name) {
  std::string n;
  for (char c : name)
    if (c != '_' && c != '-') n += char(toupper(uint8_t(c)));
  if (n == "UTF8" || n == "UNICODE") return Charset::kUtf8;
  if (n == "LATIN1" || n == "ISO88591") return Charset::kLatin1;
  if (n == "SQLASCII") return Charset::kAscii;
  Invalid(fmt::format("invalid destination encoding name \"{}\"", name));
}

[[noreturn]] void NoEquivalent(std::string_view character, const char* to) {
  std::string bytes;
  for (unsigned char c : character) bytes += fmt::format("{}0x{:02x}", bytes.empty() ? "" : " ", c);
  throw Error(SqlState::kUntranslatableCharacter,
              fmt::format("character with byte sequence {} in encoding \"UTF8\" has no equivalent in encoding \"{}\"", bytes, to));
}

// convert_to(text, encoding): the text's characters as that encoding's bytes.
std::string ConvertTo(const std::string& s, Charset to) {
  if (to != Charset::kLatin1) return s;
  std::string out;
  for (size_t k = 0; k < s.size();) {
    const unsigned char c = uint8_t(s[k]);
    if (c < 0x80) {
      out += char(c), ++k;
    } else if ((c == 0xC2 || c == 0xC3) && k + 1 < s.size()) {
      out += char((c & 0x03) << 6 | (uint8_t(s[k + 1]) & 0x3F)), k += 2;
    } else {
      const size_t n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      NoEquivalent(std::string_view(s).substr(k, n), "LATIN1");
    }
  }
  return out;
}

// convert_from(bytes, encoding): the bytes read in that encoding, as text (checked UTF-8).
std::string ConvertFrom(const std::string& bytes, Charset from) {
  if (from == Charset::kLatin1) {
    std::string out;
    for (unsigned char c : bytes) {
      if (c < 0x80) out += char(c);
      else out += char(0xC0 | (c >> 6)), out += char(0x80 | (c & 0x3F));
    }
    return out;
  }
  if (size_t bad = FindInvalidUtf8(bytes); bad != std::string::npos)
    throw Error(SqlState::kCharacterNotInRepertoire, InvalidUtf8Message(bytes, bad));
  return bytes;
}

// substr(bytes, start [, count]) in bytes, 1-based, PostgreSQL's bounds rules.
std::string ByteSubstr(const std::string& s, int64_t start, int64_t count, bool has_count) {
  if (has_count && count < 0) throw Error(SqlState::kSubstringError, "negative substring length not allowed");
  const int64_t end = has_count ? (start > INT64_MAX - count ? INT64_MAX : start + count) : INT64_MAX;
  const int64_t b = std::max<int64_t>(start, 1), e = std::min<int64_t>(end, int64_t(s.size()) + 1);
  return e <= b ? std::string() : s.substr(size_t(b - 1), size_t(e - b));
}

void CheckByteIndex(const std::string& s, int64_t k) {
  if (k < 0 || k >= int64_t(s.size()))
    throw Error(SqlState::kArraySubscriptError, fmt::format("index {} out of valid range, 0..{}", k, int64_t(s.size()) - 1));
}

template <const EVP_MD* (*Md)()>
void DigestKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) { o.str()[r] = Digest(a[0]->str()[r], Md()); });
}

}  // namespace

void RegisterByteaFunctions(FunctionRegistry& r) {
  AddScalar(r, "length", {Y}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = int64_t(a[0]->str()[r].size()); });
  }, "number of bytes", "length('\\x1234567890'::bytea) → 5");
  AddScalar(r, "octet_length", {Y}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = int64_t(a[0]->str()[r].size()); });
  }, "number of bytes", "octet_length('\\x123456'::bytea) → 3");
  AddScalar(r, "bit_length", {Y}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = int64_t(a[0]->str()[r].size()) * 8; });
  }, "number of bits", "bit_length('\\x123456'::bytea) → 24");
  AddScalar(r, "||", {Y, Y}, Y, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = a[0]->str()[r] + a[1]->str()[r]; });
  }, "concatenation", "'\\x123456'::bytea || '\\x789a'::bytea → \\x123456789a");
  AddScalar(r, "md5", {Y}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Hex(Digest(a[0]->str()[r], EVP_md5())); });
  }, "MD5 hash in hex", "md5('abc'::bytea) → 900150983cd24fb0d6963f7d28e17f72");
  AddScalar(r, "sha224", {Y}, Y, DigestKernel<EVP_sha224>, "SHA-224 hash", "sha224('abc'::bytea) → \\x23097d22...");
  AddScalar(r, "sha256", {Y}, Y, DigestKernel<EVP_sha256>, "SHA-256 hash", "sha256('abc'::bytea) → \\xba7816bf...");
  AddScalar(r, "sha384", {Y}, Y, DigestKernel<EVP_sha384>, "SHA-384 hash", "sha384('abc'::bytea) → \\xcb00753f...");
  AddScalar(r, "sha512", {Y}, Y, DigestKernel<EVP_sha512>, "SHA-512 hash", "sha512('abc'::bytea) → \\xddaf35a1...");
  AddScalar(r, "encode", {Y, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Encode(a[0]->str()[r], a[1]->str()[r]); });
  }, "bytes as text: base64, hex or escape", "encode('123\\000\\001', 'base64') → MTIzAAE=");
  AddScalar(r, "decode", {T, T}, Y, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Decode(a[0]->str()[r], a[1]->str()[r]); });
  }, "text encoded as base64, hex or escape back to bytes", "decode('MTIzAAE=', 'base64') → \\x3132330001");
  AddScalar(r, "convert_to", {T, T}, Y, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = ConvertTo(a[0]->str()[r], CharsetNamed(a[1]->str()[r])); });
  }, "text as the bytes of an encoding (UTF8, LATIN1, SQL_ASCII)", "convert_to('é', 'LATIN1') → \\xe9");
  AddScalar(r, "convert_from", {Y, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = ConvertFrom(a[0]->str()[r], CharsetNamed(a[1]->str()[r])); });
  }, "bytes of an encoding (UTF8, LATIN1, SQL_ASCII) as text", "convert_from('\\xe9', 'LATIN1') → é");
  AddScalar(r, "get_byte", {Y, I4}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      const std::string& s = a[0]->str()[r];
      CheckByteIndex(s, a[1]->i64()[r]);
      o.i64()[r] = uint8_t(s[size_t(a[1]->i64()[r])]);
    });
  }, "the byte at an offset (from 0)", "get_byte('\\x1234567890'::bytea, 4) → 144");
  AddScalar(r, "set_byte", {Y, I4, I4}, Y, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      std::string s = a[0]->str()[r];
      CheckByteIndex(s, a[1]->i64()[r]);
      s[size_t(a[1]->i64()[r])] = char(a[2]->i64()[r]);
      o.str()[r] = std::move(s);
    });
  }, "the bytes with one replaced (offset from 0)", "set_byte('\\x1234567890'::bytea, 4, 64) → \\x1234567840");
  for (const char* name : {"substr", "substring"}) {
    AddScalar(r, name, {Y, I4}, Y, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t r) { o.str()[r] = ByteSubstr(a[0]->str()[r], a[1]->i64()[r], 0, false); });
    }, "the bytes from start (from 1)", "substr('\\x1234567890'::bytea, 3) → \\x567890");
    AddScalar(r, name, {Y, I4, I4}, Y, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t r) { o.str()[r] = ByteSubstr(a[0]->str()[r], a[1]->i64()[r], a[2]->i64()[r], true); });
    }, "count bytes from start (from 1)", "substr('\\x1234567890'::bytea, 3, 2) → \\x5678");
  }
}

}  // namespace yunhe
