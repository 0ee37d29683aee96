#include "ingest/lineproto/line_protocol.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>

#include "common/utf8.h"

namespace yunhe::lineproto {

const char* FieldKindName(FieldKind k) {
  switch (k) {
    case FieldKind::kFloat: return "float";
    case FieldKind::kInteger: return "integer";
    case FieldKind::kUnsigned: return "unsigned";
    case FieldKind::kBoolean: return "boolean";
    case FieldKind::kString: return "string";
  }
  return "?";
}

bool ParsePrecision(std::string_view name, Precision* out) {
  if (name.empty() || name == "ns" || name == "n") *out = Precision::kNanoseconds;
  else if (name == "us" || name == "u" || name == "\xC2\xB5s") *out = Precision::kMicroseconds;
  else if (name == "ms") *out = Precision::kMilliseconds;
  else if (name == "s") *out = Precision::kSeconds;
  else if (name == "m") *out = Precision::kMinutes;
  else if (name == "h") *out = Precision::kHours;
  else return false;
  return true;
}

int64_t Parser::Scale(Precision p) {
  switch (p) {
    case Precision::kNanoseconds: return 1;
    case Precision::kMicroseconds: return 1000;
    case Precision::kMilliseconds: return 1000000;
    case Precision::kSeconds: return 1000000000;
    case Precision::kMinutes: return 60LL * 1000000000;
    case Precision::kHours: return 3600LL * 1000000000;
  }
  return 1;
}

Parser::Result Parser::Next(Point* p) {
  p->tags.clear();
  p->fields.clear();
  return NextAppending(p);
}

Parser::Result Parser::NextAppending(Point* p) {
  while (pos_ < in_.size()) {
    const char* base = in_.data();
    const void* nl = memchr(base + pos_, '\n', in_.size() - pos_);
    size_t eol = nl ? size_t(static_cast<const char*>(nl) - base) : in_.size();
    std::string_view line(base + pos_, eol - pos_);
    line_start_ = pos_;
    ++line_;
    pos_ = nl ? eol + 1 : eol;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t')) ++lead;
    if (lead == line.size() || line[lead] == '#') continue;
    line.remove_prefix(lead);
    if (size_t bad = FindInvalidUtf8(line); bad != std::string_view::npos) {
      error_ = InvalidUtf8Message(line, bad) + " at byte " + std::to_string(lead + bad + 1) + " of the line";
      return kError;
    }
    // Unescaped text never outgrows its line, so views into scratch_ survive the whole line.
    scratch_.clear();
    if (scratch_.capacity() < line.size()) scratch_.reserve(line.size());
    p->has_timestamp = false;
    p->timestamp_ns = 0;
    if (ParseLine(line, p)) return kPoint;
    return kError;
  }
  return kEnd;
}

namespace {

// Per byte: 1 ends a measurement (`,` or space), 2 ends a key or tag value too (`=`), 4 starts
// an escape. One table lookup per byte instead of four comparisons.
constexpr auto kNameStops = [] {
  std::array<uint8_t, 256> t{};
  t[uint8_t(',')] = 1 | 2;
  t[uint8_t(' ')] = 1 | 2;
  t[uint8_t('=')] = 2;
  t[uint8_t('\\')] = 4;
  return t;
}();

// Eight bytes at a time (SWAR: one 64-bit word holds them, little-endian): the lowest set bit of
// the result marks the first byte equal to c. A byte above a match may be marked too (a borrow),
// never one below it, so the lowest mark is exact.
static_assert(std::endian::native == std::endian::little, "the word-at-a-time scans read bytes little-endian");
inline uint64_t BytesEqual(uint64_t w, uint8_t c) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const uint64_t x = w ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}

inline uint64_t Load8(const char* p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return w;
}

// How many decimal digits the eight bytes at p start with (0 to 8), and their value: the digits
// are moved to the top of the word (the bytes below become zeros, leading zeros of the number);
// adjacent digits are combined into pairs, pairs into the whole with two multiplications whose
// high halves add up to it. The bytes after the first non-digit are shifted out, with any
// borrow or carry they caused.
inline int LeadingDigits(const char* p, uint32_t* value) {
  const uint64_t w = Load8(p);
  constexpr uint64_t kNibbles = 0xF0F0F0F0F0F0F0F0ull, kLow7 = 0x7F7F7F7F7F7F7F7Full;
  const uint64_t other = ((w & kNibbles) | (((w + 0x0606060606060606ull) & kNibbles) >> 4)) ^ 0x3333333333333333ull;
  const uint64_t marks = (((other & kLow7) + kLow7) | other) & 0x8080808080808080ull;  // bytes that are not digits
  const int n = marks ? __builtin_ctzll(marks) / 8 : 8;
  if (n == 0) {
    *value = 0;
    return 0;
  }
  uint64_t d = (w - 0x3030303030303030ull) << (8 * (8 - n));
  d = d * 10 + (d >> 8);
  constexpr uint64_t kPairs = 0x000000FF000000FFull;
  *value = uint32_t(((d & kPairs) * (100 + (1000000ull << 32)) + ((d >> 16) & kPairs) * (1 + (10000ull << 32))) >> 32);
  return n;
}

// std::from_chars for int64 (an optional '-', then digits, nothing else), without its checks
// per digit while fewer than 19 digits cannot overflow. errc::invalid_argument when there are no
// digits, result_out_of_range past int64; *end is where the digits stopped.
std::errc ParseInt64(const char* b, const char* e, int64_t* out, const char** end) {
  const bool neg = b < e && *b == '-';
  const char* p = b + neg;
  const char* digits = p;
  uint64_t v = 0;
  for (uint32_t eight; e - p >= 8 && p - digits <= 10 && LeadingDigits(p, &eight) == 8; p += 8) v = v * 100000000 + eight;
  while (p < e && p - digits < 18 && unsigned(*p - '0') < 10) v = v * 10 + unsigned(*p++ - '0');
  while (p < e && unsigned(*p - '0') < 10) {
    if (__builtin_mul_overflow(v, uint64_t(10), &v) || __builtin_add_overflow(v, uint64_t(*p - '0'), &v)) {
      while (p < e && unsigned(*p - '0') < 10) ++p;
      *end = p;
      return std::errc::result_out_of_range;
    }
    ++p;
  }
  *end = p;
  if (p == digits) return std::errc::invalid_argument;
  if (v > uint64_t(INT64_MAX) + neg) return std::errc::result_out_of_range;
  *out = neg ? int64_t(0 - v) : int64_t(v);
  return std::errc();
}

}  // namespace

std::string_view Parser::ReadName(std::string_view line, size_t* pos, bool stop_at_equals) {
  const size_t start = *pos;
  size_t k = start;
  bool escaped = false;
  const uint8_t stop = stop_at_equals ? 2 : 1;
  // To the first stop or backslash eight bytes at a time; the loop below takes it from there
  // (and the last few bytes of the line).
  while (line.size() - k >= 8) {
    const uint64_t w = Load8(line.data() + k);
    const uint64_t marks = BytesEqual(w, ',') | BytesEqual(w, ' ') | BytesEqual(w, '\\') | (stop_at_equals ? BytesEqual(w, '=') : 0);
    if (marks) {
      k += size_t(__builtin_ctzll(marks)) / 8;
      break;
    }
    k += 8;
  }
  while (k < line.size()) {
    const uint8_t kind = kNameStops[uint8_t(line[k])];
    if (kind & stop) break;
    if ((kind & 4) && k + 1 < line.size()) {
      escaped = true;
      k += 2;
      continue;
    }
    ++k;
  }
  *pos = k;
  if (!escaped) return line.substr(start, k - start);
  const size_t out = scratch_.size();
  for (size_t j = start; j < k; ++j) {
    char c = line[j];
    if (c == '\\' && j + 1 < k) {
      char n = line[j + 1];
      if (n == ',' || n == ' ' || n == '\\' || (stop_at_equals && n == '=')) {
        scratch_.push_back(n);
        ++j;
        continue;
      }
    }
    scratch_.push_back(c);
  }
  return std::string_view(scratch_.data() + out, scratch_.size() - out);
}

namespace {
bool IsBooleanToken(std::string_view t, bool* value) {
  if (t == "t" || t == "T" || t == "true" || t == "True" || t == "TRUE") {
    *value = true;
    return true;
  }
  if (t == "f" || t == "F" || t == "false" || t == "False" || t == "FALSE") {
    *value = false;
    return true;
  }
  return false;
}
}  // namespace

namespace {

// Powers of ten a double holds exactly.
constexpr double kExactPowersOf10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

bool EndsValue(std::string_view line, size_t k) { return k == line.size() || line[k] == ',' || line[k] == ' '; }

// Appends the digits at *j to *mantissa while fewer than 19 (which cannot overflow), eight at a
// time where they are; *digits counts them.
inline void ReadDigits(std::string_view line, size_t* j, uint64_t* mantissa, int* digits) {
  static constexpr uint64_t kScale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  while (line.size() - *j >= 8 && *digits <= 11) {
    uint32_t value;
    const int n = LeadingDigits(line.data() + *j, &value);
    *mantissa = *mantissa * kScale[n] + value;
    *j += size_t(n), *digits += n;
    if (n < 8) return;
  }
  while (*j < line.size() && unsigned(line[*j] - '0') < 10 && *digits < 19) *mantissa = *mantissa * 10 + unsigned(line[(*j)++] - '0'), ++*digits;
}

// The values most lines carry, read in one pass: `-?digits(.digits)?` as a float, `-?digits i` as
// an integer, `digits u` as an unsigned, each ending the value. A float is its digits as an
// integer divided by a power of ten when both are exact doubles (below 2^53 and 1e22): one
// correctly rounded division, the same double std::from_chars gives. Anything else (exponents,
// long mantissas, bad text) is left to the general path (false), which also words the errors.
bool QuickNumber(std::string_view line, size_t k, Field* f, size_t* end) {
  const bool neg = k < line.size() && line[k] == '-';
  size_t j = k + neg;
  uint64_t mantissa = 0;
  int digits = 0, fraction = 0;
  ReadDigits(line, &j, &mantissa, &digits);
  const int whole_digits = digits;
  if (j < line.size() && line[j] == '.') {
    ++j;
    ReadDigits(line, &j, &mantissa, &digits);
    fraction = digits - whole_digits;
  }
  if (digits == 0 || (j < line.size() && unsigned(line[j] - '0') < 10)) return false;  // no digits, or too many
  if (fraction == 0 && whole_digits == digits && j < line.size() && (line[j] == 'i' || line[j] == 'u') && EndsValue(line, j + 1) &&
      (j == k + neg + size_t(digits))) {
    if (line[j] == 'i') {
      if (digits > 18) return false;  // may not fit: ParseInt64 says so
      f->kind = FieldKind::kInteger;
      f->i = neg ? -int64_t(mantissa) : int64_t(mantissa);
    } else {
      if (neg) return false;  // the general path words the error
      f->kind = FieldKind::kUnsigned;
      f->u = mantissa;
    }
    *end = j + 1;
    return true;
  }
  if (!EndsValue(line, j) || mantissa > (uint64_t(1) << 53)) return false;
  f->kind = FieldKind::kFloat;
  f->f = double(mantissa) / kExactPowersOf10[fraction];
  if (neg) f->f = -f->f;
  *end = j;
  return true;
}

}  // namespace

bool Parser::ParseFieldValue(std::string_view line, size_t* pos, Field* f) {
  size_t k = *pos;
  if (k >= line.size() || line[k] == ',' || line[k] == ' ')
    return Fail("missing value for field \"" + std::string(f->key) + "\"");
  if (line[k] == '"') {
    ++k;
    const size_t start = k;
    bool escaped = false;
    while (k < line.size() && line[k] != '"') {
      if (line[k] == '\\' && k + 1 < line.size()) {
        escaped = true;
        ++k;
      }
      ++k;
    }
    if (k >= line.size()) return Fail("unterminated string value for field \"" + std::string(f->key) + "\"");
    f->kind = FieldKind::kString;
    if (!escaped) {
      f->s = line.substr(start, k - start);
    } else {
      const size_t out = scratch_.size();
      for (size_t j = start; j < k; ++j) {
        if (line[j] == '\\' && j + 1 < k && (line[j + 1] == '"' || line[j + 1] == '\\')) ++j;
        scratch_.push_back(line[j]);
      }
      f->s = std::string_view(scratch_.data() + out, scratch_.size() - out);
    }
    *pos = k + 1;
    return true;
  }
  if (size_t end; QuickNumber(line, k, f, &end)) {
    *pos = end;
    return true;
  }
  const size_t start = k;
  while (k < line.size() && line[k] != ',' && line[k] != ' ') ++k;
  std::string_view tok = line.substr(start, k - start);
  *pos = k;
  auto key = [f] { return std::string(f->key); };
  if (IsBooleanToken(tok, &f->b)) {
    f->kind = FieldKind::kBoolean;
    return true;
  }
  const char first = tok[0];
  if (!(first == '-' || first == '.' || (first >= '0' && first <= '9')))
    return Fail("invalid value \"" + std::string(tok) + "\" for field \"" + key() + "\"");
  const char* b = tok.data();
  const char* e = b + tok.size();
  if (tok.back() == 'i') {
    const char* ptr;
    const std::errc ec = ParseInt64(b, e - 1, &f->i, &ptr);
    if (ec == std::errc::result_out_of_range) return Fail("integer value " + std::string(tok) + " out of range for field \"" + key() + "\"");
    if (ec != std::errc() || ptr != e - 1 || b == e - 1)
      return Fail("invalid integer value \"" + std::string(tok) + "\" for field \"" + key() + "\"");
    f->kind = FieldKind::kInteger;
    return true;
  }
  if (tok.back() == 'u') {
    if (first == '-') return Fail("unsigned value " + std::string(tok) + " out of range for field \"" + key() + "\"");
    auto [ptr, ec] = std::from_chars(b, e - 1, f->u);
    if (ec == std::errc::result_out_of_range) return Fail("unsigned value " + std::string(tok) + " out of range for field \"" + key() + "\"");
    if (ec != std::errc() || ptr != e - 1 || b == e - 1)
      return Fail("invalid unsigned value \"" + std::string(tok) + "\" for field \"" + key() + "\"");
    f->kind = FieldKind::kUnsigned;
    return true;
  }
  auto [ptr, ec] = std::from_chars(b, e, f->f);
  if (ec == std::errc::result_out_of_range) return Fail("float value " + std::string(tok) + " out of range for field \"" + key() + "\"");
  if (ec != std::errc() || ptr != e) return Fail("invalid value \"" + std::string(tok) + "\" for field \"" + key() + "\"");
  f->kind = FieldKind::kFloat;
  return true;
}

bool Parser::ParseLine(std::string_view line, Point* p) {
  size_t pos = 0;
  if (line[0] == ',') return Fail("missing measurement name");
  p->measurement = ReadName(line, &pos, false);
  if (p->measurement.empty()) return Fail("missing measurement name");
  while (pos < line.size() && line[pos] == ',') {
    ++pos;
    Tag t;
    t.key = ReadName(line, &pos, true);
    if (t.key.empty()) return Fail("missing tag key");
    if (pos >= line.size() || line[pos] != '=') return Fail("missing \"=\" after tag key \"" + std::string(t.key) + "\"");
    ++pos;
    t.value = ReadName(line, &pos, true);
    if (t.value.empty()) return Fail("missing value for tag \"" + std::string(t.key) + "\"");
    if (pos < line.size() && line[pos] == '=')
      return Fail("unescaped \"=\" in value of tag \"" + std::string(t.key) + "\"");
    p->tags.push_back(t);
  }
  if (pos >= line.size()) return Fail("missing fields");
  while (pos < line.size() && line[pos] == ' ') ++pos;
  if (pos >= line.size()) return Fail("missing fields");
  while (true) {
    Field f;
    f.key = ReadName(line, &pos, true);
    if (f.key.empty()) return Fail("missing field key");
    if (pos >= line.size() || line[pos] != '=') return Fail("missing \"=\" after field key \"" + std::string(f.key) + "\"");
    ++pos;
    if (!ParseFieldValue(line, &pos, &f)) return false;
    p->fields.push_back(f);
    if (pos < line.size() && line[pos] == ',') {
      ++pos;
      continue;
    }
    if (pos < line.size() && line[pos] != ' ')
      return Fail("unexpected character after value of field \"" + std::string(f.key) + "\"");
    break;
  }
  while (pos < line.size() && line[pos] == ' ') ++pos;
  if (pos == line.size()) return true;
  size_t end = pos;
  while (end < line.size() && line[end] != ' ') ++end;
  std::string_view tok = line.substr(pos, end - pos);
  for (size_t k = end; k < line.size(); ++k)
    if (line[k] != ' ') return Fail("unexpected text after timestamp");
  int64_t ts;
  const char* ptr;
  const std::errc ec = ParseInt64(tok.data(), tok.data() + tok.size(), &ts, &ptr);
  if (ec == std::errc::result_out_of_range) return Fail("timestamp " + std::string(tok) + " out of range");
  if (ec != std::errc() || ptr != tok.data() + tok.size()) return Fail("invalid timestamp \"" + std::string(tok) + "\"");
  if (scale_ != 1) {
    if (ts > std::numeric_limits<int64_t>::max() / scale_ || ts < std::numeric_limits<int64_t>::min() / scale_)
      return Fail("timestamp " + std::string(tok) + " out of range");
    ts *= scale_;
  }
  p->has_timestamp = true;
  p->timestamp_ns = ts;
  return true;
}

}  // namespace yunhe::lineproto
