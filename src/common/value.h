// Scalar values: one cell of any LogicalType, used for constants, parameters and row-at-a-time paths.
// Hot paths work on Vector, never on Value.
#pragma once
#include <cstdint>
#include <string>

#include "common/types.h"

namespace yunhe {

struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t ns = 0;
  bool operator==(const Interval& o) const { return months == o.months && days == o.days && ns == o.ns; }
  // PostgreSQL compares intervals by their span with 30-day months and 24-hour days.
  __int128 SortKey() const;
};

// Exact decimal: unscaled * 10^-scale. 38 significant digits.
struct Decimal {
  __int128 v = 0;
  int32_t scale = 0;
};

struct Value {
  LogicalType type;
  bool is_null = true;
  int64_t i = 0;   // bool, integers, date (days), timestamps (ns)
  double f = 0;    // real, double
  std::string s;   // text, bytea, geometry (EWKB)
  Decimal d;       // numeric
  Interval iv;     // interval

  static Value Null(LogicalType t = LogicalType(TypeId::kNull)) { Value v; v.type = t; return v; }
  static Value Bool(bool b) { Value v; v.type = TypeId::kBool; v.is_null = false; v.i = b; return v; }
  static Value Int(int64_t x, TypeId t = TypeId::kInt64) { Value v; v.type = t; v.is_null = false; v.i = x; return v; }
  static Value Float(double x, TypeId t = TypeId::kFloat64) { Value v; v.type = t; v.is_null = false; v.f = x; return v; }
  static Value Text(std::string x) { Value v; v.type = TypeId::kText; v.is_null = false; v.s = std::move(x); return v; }
  static Value Numeric(Decimal x) { Value v; v.type = TypeId::kNumeric; v.is_null = false; v.d = x; return v; }
  static Value Time(int64_t x, TypeId t) { Value v; v.type = t; v.is_null = false; v.i = x; return v; }
  static Value Span(Interval x) { Value v; v.type = TypeId::kInterval; v.is_null = false; v.iv = x; return v; }

  // PostgreSQL's text output for the value (NULL prints as the empty string; callers decide).
  std::string ToString() const;
};

// Formats a double the way PostgreSQL 15 does (shortest round-trip digits, exponent past 15 digits).
std::string FormatFloat8(double x);
std::string FormatFloat4(float x);
// Bytes as hexadecimal digits (bytea output, hex EWKB).
std::string HexBytes(const std::string& bytes, bool upper);

}  // namespace yunhe
