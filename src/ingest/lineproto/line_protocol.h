// InfluxDB line protocol parser (the 1.x/2.x text format):
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
// Escapes: in measurements `\,` and `\ `; in tag keys, tag values and field keys also `\=`;
// in string field values `\"` and `\\`; `\\` is a backslash everywhere; any other backslash is
// literal. Field values: floats (1, -1.5, 1e9), integers (12i), unsigned (12u), booleans
// (t/T/true/True/TRUE, f/F/false/False/FALSE) and double-quoted strings. The timestamp is an
// integer in the given precision. Blank lines and lines starting with `#` are skipped.
//
// The parser does no allocation per line once warmed up: names and values are string_views into
// the input, or into a scratch buffer when they had to be unescaped; both stay valid until the
// next call to Next().
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yunhe::lineproto {

enum class FieldKind : uint8_t { kFloat, kInteger, kUnsigned, kBoolean, kString };
const char* FieldKindName(FieldKind k);

struct Field {
  std::string_view key;
  FieldKind kind = FieldKind::kFloat;
  double f = 0;
  int64_t i = 0;
  uint64_t u = 0;
  bool b = false;
  std::string_view s;
};

struct Tag {
  std::string_view key;
  std::string_view value;
};

struct Point {
  std::string_view measurement;
  std::vector<Tag> tags;
  std::vector<Field> fields;
  bool has_timestamp = false;
  int64_t timestamp_ns = 0;
};

enum class Precision { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds, kMinutes, kHours };
// Accepts the names used by the InfluxDB APIs: ns, n, us, u, µs, ms, s, m, h. False if unknown.
bool ParsePrecision(std::string_view name, Precision* out);

class Parser {
 public:
  explicit Parser(std::string_view input, Precision precision = Precision::kNanoseconds)
      : in_(input), scale_(Scale(precision)) {}

  enum Result { kPoint, kError, kEnd };
  // kPoint: *p holds the next point. kError: the current line is malformed; error() says why and
  // line() where, and the parser has moved past it. kEnd: no more input.
  Result Next(Point* p);
  // Like Next, but this point's tags and fields are appended to p's (whatever they held stays in
  // front); on kError what it appended is left for the caller to drop.
  Result NextAppending(Point* p);
  const std::string& error() const { return error_; }
  size_t line() const { return line_; }           // 1-based line of the last point or error
  size_t line_offset() const { return line_start_; }  // byte offset of that line
  size_t position() const { return pos_; }        // bytes consumed so far
  // The buffer unescaped names and values of the last point view (valid until the next call).
  const std::string& scratch() const { return scratch_; }

 private:
  static int64_t Scale(Precision p);
  bool ParseLine(std::string_view line, Point* p);
  bool Fail(std::string msg) {
    error_ = std::move(msg);
    return false;
  }
  // Reads an escaped name up to one of the stop characters; false if empty.
  std::string_view ReadName(std::string_view line, size_t* pos, bool stop_at_equals);
  bool ParseFieldValue(std::string_view line, size_t* pos, Field* f);

  std::string_view in_;
  int64_t scale_;
  size_t pos_ = 0;
  size_t line_ = 0;
  size_t line_start_ = 0;
  std::string error_;
  std::string scratch_;
};

}  // namespace yunhe::lineproto
