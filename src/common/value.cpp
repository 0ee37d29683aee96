#include "common/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/decimal.h"
#include "common/time_util.h"

namespace yunhe {
namespace {

// PostgreSQL 15 prints floats with the shortest digits that round-trip, in exponent form when the
// decimal exponent is < -4 or >= the type's digit count (15 for float8, 6 for float4).
template <typename F>
std::string FormatShortest(F x, int max_fixed_exp) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0) return std::signbit(x) ? "-0" : "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  size_t epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::atoi(sci.c_str() + epos + 1);
  bool neg = mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant) if (c != '.') digits.push_back(c);
  std::string out;
  if (exp < -4 || exp >= max_fixed_exp) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += eb;
  } else if (exp < 0) {
    out = "0." + std::string(-exp - 1, '0') + digits;
  } else if ((int)digits.size() <= exp + 1) {
    out = digits + std::string(exp + 1 - digits.size(), '0');
  } else {
    out = digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
  }
  return neg ? "-" + out : out;
}

}  // namespace

std::string HexBytes(const std::string& bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t k = 0; k < bytes.size(); ++k) {
    out[2 * k] = digits[(unsigned char)bytes[k] >> 4];
    out[2 * k + 1] = digits[(unsigned char)bytes[k] & 15];
  }
  return out;
}

std::string FormatFloat8(double x) { return FormatShortest(x, 15); }
std::string FormatFloat4(float x) { return FormatShortest(x, 6); }

std::string Value::ToString() const {
  if (is_null) return "";
  switch (type.id) {
    case TypeId::kNull: return "";
    case TypeId::kBool: return i ? "t" : "f";
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: return std::to_string(i);
    case TypeId::kFloat32: return FormatFloat4(float(f));
    case TypeId::kFloat64: return FormatFloat8(f);
    case TypeId::kNumeric: return FormatDecimal(d);
    case TypeId::kText: return s;
    case TypeId::kDate: return FormatDate(i);
    case TypeId::kTimestamp: return FormatTimestamp(i);
    case TypeId::kTimestampTz: return FormatTimestampTz(i);
    case TypeId::kInterval: return FormatInterval(iv);
    case TypeId::kTime: return FormatTime(i);
    case TypeId::kGeometry: return HexBytes(s, true);  // hex EWKB, as PostGIS prints geometry
    case TypeId::kBytea: return "\\x" + HexBytes(s, false);
    case TypeId::kArray: return s;
  }
  return "";
}

}  // namespace yunhe
