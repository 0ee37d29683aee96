#include "functions/cast.h"

#include "functions/json_value.h"
#include "functions/uuid.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/decimal.h"
#include "common/status.h"
#include "common/time_util.h"
#include "common/timezone.h"
#include "functions/array_value.h"
#include "functions/geo/geometry.h"

namespace yunhe {
namespace {

[[noreturn]] void BadInput(const LogicalType& t, const std::string& text) {
  throw Error(SqlState::kInvalidTextRepresentation,
              fmt::format("invalid input syntax for type {}: \"{}\"", t.ToString(), text));
}

// Date/time input errors as PostgreSQL's DateTimeParseError words them: 22008 for a field out
// of range, else 22007 naming the type as its input function does ("timestamp", not
// "timestamp without time zone").
[[noreturn]] void BadDateTimeInput(const LogicalType& t, const std::string& text) {
  if (t.id != TypeId::kInterval && DateTimeFieldOutOfRange(text))
    throw Error(SqlState::kDatetimeFieldOverflow, fmt::format("date/time field value out of range: \"{}\"", text));
  const char* name = t.id == TypeId::kDate ? "date" : t.id == TypeId::kTimestamp ? "timestamp"
                     : t.id == TypeId::kTimestampTz ? "timestamp with time zone" : "interval";
  throw Error(SqlState::kInvalidDatetimeFormat, fmt::format("invalid input syntax for type {}: \"{}\"", name, text));
}

std::string Trimmed(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && isspace((unsigned char)s[b])) ++b;
  while (e > b && isspace((unsigned char)s[e - 1])) --e;
  return s.substr(b, e - b);
}

const char* IntTypeName(TypeId t) {
  return t == TypeId::kInt16 ? "smallint" : t == TypeId::kInt32 ? "integer" : "bigint";
}

bool FitsInt(int64_t v, TypeId t) {
  if (t == TypeId::kInt16) return v >= INT16_MIN && v <= INT16_MAX;
  if (t == TypeId::kInt32) return v >= INT32_MIN && v <= INT32_MAX;
  return true;
}

int64_t CheckIntRange(int64_t v, TypeId t) {
  if (!FitsInt(v, t)) throw Error(SqlState::kNumericValueOutOfRange, fmt::format("{} out of range", IntTypeName(t)));
  return v;
}

int64_t DoubleToInt(double d, TypeId t) {
  double r = std::nearbyint(d);  // PostgreSQL rounds half to even (rint)
  if (std::isnan(r) || r < -9.223372036854775808e18 || r >= 9.223372036854775808e18)
    throw Error(SqlState::kNumericValueOutOfRange, fmt::format("{} out of range", IntTypeName(t)));
  return CheckIntRange(int64_t(r), t);
}

Decimal ApplyTypmod(const Decimal& d, const LogicalType& t) {
  if (t.precision == 0) return d;
  Decimal r = DecimalRescale(d, t.scale);
  // At scale s, at most p - s integer digits means |v| < 10^p.
  if (r.v >= DecimalPow10(t.precision) || r.v <= -DecimalPow10(t.precision)) {
    throw Error(Status::Error(SqlState::kNumericValueOutOfRange, "numeric field overflow")
                    .WithDetail(fmt::format("A field with precision {}, scale {} must round to an absolute value less than 10^{}.",
                                            t.precision, t.scale, t.precision - t.scale)));
  }
  return r;
}

double ParseDouble(const std::string& text, const LogicalType& t) {
  std::string s = Trimmed(text);
  std::string lower;
  for (char c : s) lower.push_back(char(tolower((unsigned char)c)));
  if (lower == "nan") return NAN;
  if (lower == "infinity" || lower == "inf" || lower == "+infinity" || lower == "+inf") return INFINITY;
  if (lower == "-infinity" || lower == "-inf") return -INFINITY;
  if (s.empty()) BadInput(t, text);
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || lower.find("inf") != std::string::npos || lower.find("nan") != std::string::npos ||
      lower.find('x') != std::string::npos)
    BadInput(t, text);
  if (errno == ERANGE && std::isinf(d))
    throw Error(SqlState::kNumericValueOutOfRange, fmt::format("\"{}\" is out of range for type {}", s, t.ToString()));
  if (t.id == TypeId::kFloat32 && std::isfinite(d) && std::fabs(d) > 3.4028234663852886e38)
    throw Error(SqlState::kNumericValueOutOfRange, fmt::format("\"{}\" is out of range for type real", s));
  return d;
}

// bytea input: hex ("\\x0a0b") or escape format (backslash + three octal digits, "\\\\").
std::string ParseBytea(const std::string& text, const LogicalType& t) {
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    for (size_t k = 2; k < text.size();) {
      if (isspace((unsigned char)text[k])) { ++k; continue; }
      for (size_t d = k; d < std::min(k + 2, text.size()); ++d)
        if (hex(text[d]) < 0) throw Error(SqlState::kInvalidParameterValue, fmt::format("invalid hexadecimal digit: \"{}\"", text[d]));
      if (k + 1 >= text.size()) throw Error(SqlState::kInvalidParameterValue, "invalid hexadecimal data: odd number of digits");
      out.push_back(char(hex(text[k]) * 16 + hex(text[k + 1])));
      k += 2;
    }
    return out;
  }
  for (size_t k = 0; k < text.size(); ++k) {
    if (text[k] != '\\') { out.push_back(text[k]); continue; }
    if (k + 1 < text.size() && text[k + 1] == '\\') { out.push_back('\\'); ++k; continue; }
    if (k + 3 < text.size() && text[k + 1] >= '0' && text[k + 1] <= '3' && text[k + 2] >= '0' && text[k + 2] <= '7' &&
        text[k + 3] >= '0' && text[k + 3] <= '7') {
      out.push_back(char((text[k + 1] - '0') * 64 + (text[k + 2] - '0') * 8 + (text[k + 3] - '0')));
      k += 3;
      continue;
    }
    BadInput(t, text);
  }
  return out;
}

// geometry(Type, srid) columns check values as PostGIS does: a value without SRID takes the
// column's, any other SRID, type or dimension mismatch is an error.
Value CheckGeometryTypmod(Value v, const LogicalType& to) {
  v.type = to;
  if (to.precision == 0 && to.scale == 0) return v;
  geo::Geometry g = geo::ReadWKB(v.s);
  if (to.scale != 0 && g.srid == 0) {
    g.srid = to.scale;
    v.s = geo::WriteEWKB(g);
  }
  if (to.scale != 0 && g.srid != to.scale)
    throw Error(SqlState::kInvalidParameterValue, fmt::format("Geometry SRID ({}) does not match column SRID ({})", g.srid, to.scale));
  const int want = to.precision & 7;
  if (want != 0 && int(g.type) != want)
    throw Error(SqlState::kInvalidParameterValue, fmt::format("Geometry type ({}) does not match column type ({})",
                                                              geo::StTypeName(g.type) + 3, GeometryTypmodName(int16_t(want))));
  const bool col_z = to.precision & 16, col_m = to.precision & 32;
  if (col_z && !g.has_z) throw Error(SqlState::kInvalidParameterValue, "Column has Z dimension but geometry does not");
  if (!col_z && g.has_z) throw Error(SqlState::kInvalidParameterValue, "Geometry has Z dimension but column does not");
  if (col_m && !g.has_m) throw Error(SqlState::kInvalidParameterValue, "Column has M dimension but geometry does not");
  if (!col_m && g.has_m) throw Error(SqlState::kInvalidParameterValue, "Geometry has M dimension but column does not");
  return v;
}

}  // namespace

Value ParseValue(const std::string& text, const LogicalType& to) {
  switch (to.id) {
    case TypeId::kNull:
    case TypeId::kText: {
      if (to.precision && (int)text.size() > to.precision) {
        // Count characters, not bytes, as PostgreSQL does for varchar(n).
        size_t chars = 0;
        for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
        if ((int)chars > to.precision)
          throw Error(SqlState::kStringDataRightTruncation,
                      fmt::format("value too long for type character varying({})", to.precision));
      }
      if (IsUuid(to)) {
        Value v = Value::Text(UuidInput(text));
        v.type = to;
        return v;
      }
      if (IsJsonOrJsonb(to)) {  // validated; jsonb kept in its canonical form
        Value v = Value::Text(JsonInput(text, IsJsonb(to)));
        v.type = to;
        return v;
      }
      return Value::Text(text);
    }
    case TypeId::kArray: return ParseArray(text, to);
    case TypeId::kGeometry: {
      Value v;
      v.type = to;
      v.is_null = false;
      v.s = geo::WriteEWKB(geo::ParseGeometryText(text));
      return CheckGeometryTypmod(std::move(v), to);
    }
    case TypeId::kBytea: {
      Value v;
      v.type = to;
      v.is_null = false;
      v.s = ParseBytea(text, to);
      return v;
    }
    case TypeId::kBool: {
      std::string s;
      for (char c : Trimmed(text)) s.push_back(char(tolower((unsigned char)c)));
      if (s == "t" || s == "true" || s == "yes" || s == "y" || s == "on" || s == "1") return Value::Bool(true);
      if (s == "f" || s == "false" || s == "no" || s == "n" || s == "off" || s == "0") return Value::Bool(false);
      BadInput(to, text);
    }
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      std::string s = Trimmed(text);
      int64_t v = 0;
      const char* b = s.data();
      if (!s.empty() && s[0] == '+') ++b;
      auto [ptr, ec] = std::from_chars(b, s.data() + s.size(), v);
      if (s.empty() || ptr != s.data() + s.size()) BadInput(to, text);
      if (ec == std::errc::result_out_of_range || !FitsInt(v, to.id))
        throw Error(SqlState::kNumericValueOutOfRange,
                    fmt::format("value \"{}\" is out of range for type {}", text, to.ToString()));
      if (ec != std::errc()) BadInput(to, text);
      return Value::Int(v, to.id);
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d = ParseDouble(text, to);
      if (to.id == TypeId::kFloat32) d = float(d);
      return Value::Float(d, to.id);
    }
    case TypeId::kNumeric: {
      Decimal d;
      if (!ParseDecimal(text, &d)) BadInput(to, text);
      Value v = Value::Numeric(ApplyTypmod(d, to));
      v.type = to;
      return v;
    }
    case TypeId::kDate: {
      int64_t days;
      if (!ParseDate(text, &days)) {
        int64_t ns;
        bool zone;
        if (!ParseTimestamp(text, &ns, &zone)) BadDateTimeInput(to, text);
        days = ns >= 0 ? ns / kNsPerDay : -((-ns + kNsPerDay - 1) / kNsPerDay);
      }
      return Value::Time(days, TypeId::kDate);
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t ns;
      bool zone;
      if (!ParseTimestamp(text, &ns, &zone)) {
        // A trailing zone name: '2024-03-31 02:30 Europe/Berlin'.
        size_t cut = text.find_last_of(' ');
        std::shared_ptr<const TimeZone> named;
        if (cut == std::string::npos || !ParseTimestamp(text.substr(0, cut), &ns, &zone) || zone ||
            !(named = TimeZone::Find(text.substr(cut + 1))))
          BadDateTimeInput(to, text);
        if (to.id == TypeId::kTimestampTz) ns = named->LocalToUtc(ns);
        return Value::Time(ns, to.id);
      }
      // timestamp without time zone ignores a zone in its input, as PostgreSQL does; a
      // timestamptz without one is local time of the session zone.
      if (to.id == TypeId::kTimestamp && zone) ns += ZoneOffsetOf(text);
      if (to.id == TypeId::kTimestampTz && !zone) ns = SessionZone().LocalToUtc(ns);
      return Value::Time(ns, to.id);
    }
    case TypeId::kInterval: {
      Interval iv;
      if (!ParseInterval(text, &iv)) BadDateTimeInput(to, text);
      return Value::Span(iv);
    }
    case TypeId::kTime: {
      int64_t ns = 0;
      bool out_of_range = false;
      if (!ParseTime(text, &ns, &out_of_range)) {
        if (out_of_range) throw Error(SqlState::kDatetimeFieldOverflow, fmt::format("date/time field value out of range: \"{}\"", text));
        throw Error(SqlState::kInvalidDatetimeFormat, fmt::format("invalid input syntax for type time: \"{}\"", text));
      }
      return Value::Time(ns, TypeId::kTime);
    }
  }
  BadInput(to, text);
}

bool CastExists(const LogicalType& from, const LogicalType& to) {
  if (from.id == to.id || from.id == TypeId::kNull || from.id == TypeId::kText || to.id == TypeId::kText) return true;
  if (from.IsNumeric() && to.IsNumeric()) return true;
  if (from.IsTemporal() && to.IsTemporal()) return true;
  // time from a timestamp's time part or an interval; time to interval.
  if (to.id == TypeId::kTime && (from.id == TypeId::kTimestamp || from.id == TypeId::kTimestampTz || from.id == TypeId::kInterval))
    return true;
  if (from.id == TypeId::kTime && to.id == TypeId::kInterval) return true;
  if ((from.id == TypeId::kBool && to.id == TypeId::kInt32) || (from.id == TypeId::kInt32 && to.id == TypeId::kBool))
    return true;
  if ((from.id == TypeId::kGeometry && to.id == TypeId::kBytea) || (from.id == TypeId::kBytea && to.id == TypeId::kGeometry))
    return true;
  if (from.id == TypeId::kArray && to.id == TypeId::kArray)
    return from.precision == 0 || to.precision == 0 || CastExists(ArrayElementType(from), ArrayElementType(to));
  return false;
}

Value CastValue(const Value& v, const LogicalType& to) {
  if (v.is_null) return Value::Null(to);
  const TypeId from = v.type.id;
  if (v.type == to) return v;
  if (to.id == TypeId::kText) {
    // boolean's text form is 'true'/'false' (its output form, 't'/'f', differs: PostgreSQL's boolout vs bool::text).
    if (from == TypeId::kBool) return ParseValue(v.i ? "true" : "false", to);
    return ParseValue(v.ToString(), to);
  }
  if (IsJsonOrJsonb(v.type) && (to.IsNumeric() || to.id == TypeId::kBool)) {
    // jsonb::numeric, ::int, ::float8, ::bool of a scalar of that kind (PostgreSQL 11+).
    const Json doc = ParseJson(v.s, IsJsonb(v.type));
    const bool number = doc.kind == Json::Kind::kNumber, boolean = doc.kind == Json::Kind::kTrue || doc.kind == Json::Kind::kFalse;
    if ((to.IsNumeric() && !number) || (to.id == TypeId::kBool && !boolean)) {
      const char* kind = doc.kind == Json::Kind::kObject ? "object" : doc.kind == Json::Kind::kArray ? "array"
                       : doc.kind == Json::Kind::kString ? "string" : doc.kind == Json::Kind::kNull ? "null" : number ? "numeric" : "boolean";
      throw Error(SqlState::kInvalidParameterValue, fmt::format("cannot cast {} {} to type {}", v.type.ToString(), kind, to.ToString()));
    }
    return ParseValue(JsonScalarText(doc), to);
  }
  if (from == TypeId::kText || from == TypeId::kNull) return ParseValue(v.s, to);
  Value out;
  out.type = to;
  out.is_null = false;
  switch (to.id) {
    case TypeId::kBool:
      if (v.type.IsInteger()) { out.i = v.i != 0; return out; }
      break;
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      if (v.type.IsInteger() || from == TypeId::kBool) { out.i = CheckIntRange(v.i, to.id); return out; }
      if (from == TypeId::kFloat32 || from == TypeId::kFloat64) { out.i = DoubleToInt(v.f, to.id); return out; }
      if (from == TypeId::kNumeric) {
        int64_t x;
        if (!DecimalToInt64(v.d, &x, true)) throw Error(SqlState::kNumericValueOutOfRange, fmt::format("{} out of range", IntTypeName(to.id)));
        out.i = CheckIntRange(x, to.id);
        return out;
      }
      break;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d;
      if (v.type.IsInteger()) d = double(v.i);
      else if (from == TypeId::kNumeric) d = DecimalToDouble(v.d);
      else if (from == TypeId::kFloat32 || from == TypeId::kFloat64) d = v.f;
      else break;
      if (to.id == TypeId::kFloat32) {
        if (std::isfinite(d) && std::fabs(d) > 3.4028234663852886e38)
          throw Error(SqlState::kNumericValueOutOfRange, "value out of range: overflow");
        d = float(d);
      }
      out.f = d;
      return out;
    }
    case TypeId::kNumeric: {
      Decimal d;
      if (v.type.IsInteger()) d = DecimalFromInt(v.i);
      else if (from == TypeId::kNumeric) d = v.d;
      else if (from == TypeId::kFloat32) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.6g", v.f);
        ParseDecimal(buf, &d);
      } else if (from == TypeId::kFloat64) d = DecimalFromDouble(v.f);
      else break;
      out.d = ApplyTypmod(d, to);
      return out;
    }
    // timestamptz <-> timestamp/date go through the session time zone's local time.
    case TypeId::kDate:
      if (from == TypeId::kTimestamp || from == TypeId::kTimestampTz) {
        out.i = FloorDiv(from == TypeId::kTimestampTz ? SessionZone().UtcToLocal(v.i) : v.i, kNsPerDay);
        return out;
      }
      break;
    case TypeId::kTimestamp:
      if (from == TypeId::kDate) { out.i = DateToTimestamp(v.i); return out; }
      if (from == TypeId::kTimestampTz) { out.i = SessionZone().UtcToLocal(v.i); return out; }
      break;
    case TypeId::kTimestampTz:
      if (from == TypeId::kDate) { out.i = SessionZone().LocalToUtc(DateToTimestamp(v.i)); return out; }
      if (from == TypeId::kTimestamp) { out.i = SessionZone().LocalToUtc(v.i); return out; }
      break;
    case TypeId::kTime:
      if (from == TypeId::kTimestamp || from == TypeId::kTimestampTz) {
        const int64_t local = from == TypeId::kTimestampTz ? SessionZone().UtcToLocal(v.i) : v.i;
        out.i = local - FloorDiv(local, kNsPerDay) * kNsPerDay;
        return out;
      }
      if (from == TypeId::kInterval) {  // PostgreSQL: the interval's time modulo a day (its days ignored)
        int64_t ns = v.iv.ns % kNsPerDay;
        if (ns < 0) ns += kNsPerDay;
        out.i = ns;
        return out;
      }
      break;
    case TypeId::kInterval:
      if (from == TypeId::kTime) { out.iv = Interval{0, 0, v.i}; return out; }
      break;
    case TypeId::kBytea:
      if (from == TypeId::kGeometry) { out.s = v.s; return out; }
      break;
    case TypeId::kGeometry:
      if (from == TypeId::kBytea) { out.s = geo::WriteEWKB(geo::ReadWKB(v.s)); return CheckGeometryTypmod(std::move(out), to); }
      if (from == TypeId::kGeometry) { out.s = v.s; return CheckGeometryTypmod(std::move(out), to); }
      break;
    case TypeId::kArray:
      if (from == TypeId::kArray) {  // element by element
        if (to.precision == 0) return v;
        std::vector<Value> elements = ArrayElements(v);
        for (auto& e : elements) e = CastValue(e, ArrayElementType(to));
        return MakeArray(elements, to);
      }
      break;
    default: break;
  }
  throw Error(SqlState::kCannotCoerce,
              fmt::format("cannot cast type {} to {}", v.type.ToString(), to.ToString()));
}

bool IsRelabelCast(const LogicalType& from, const LogicalType& to) {
  if (from == to) return true;
  if (from.IsInteger() && to.IsInteger()) return int(to.id) >= int(from.id);  // widening
  if (from.id != to.id) return false;
  switch (to.id) {
    case TypeId::kNumeric:  // to unconstrained, or to the same scale with room for every digit
      return to.precision == 0 || (from.precision != 0 && from.scale == to.scale && from.precision <= to.precision);
    case TypeId::kText:  // text/varchar(n) to text or a longer varchar; scale tells uuid/json apart
      return from.scale == to.scale && (to.precision == 0 || (from.precision != 0 && from.precision <= to.precision));
    case TypeId::kGeometry:
    case TypeId::kArray:
      return to.precision == 0;
    default:
      return false;
  }
}

namespace {

// Applies f(x) to every non-NULL row and keeps the NULL flags: the per-type loops of CastVector.
template <typename In, typename Out, typename F>
void MapRows(const In* x, const uint8_t* nulls, size_t n, Out* out, const F& f) {
  for (size_t r = 0; r < n; ++r)
    if (!nulls[r]) out[r] = f(x[r]);
}

}  // namespace

Vector CastVector(const Vector& in, const LogicalType& to) {
  const LogicalType& from = in.type();
  if (IsRelabelCast(from, to)) {  // same values, same representation: share the arrays
    Vector out = in;
    out.set_type(to);
    return out;
  }
  const size_t n = in.size();
  Vector out(to);
  out.Resize(n);
  const uint8_t* nulls = in.nulls();
  std::copy(nulls, nulls + n, out.nulls());
  // Typed loops for the conversions the binder inserts most often (mixed arithmetic,
  // comparisons of dates with timestamps, numeric typmods), without a Value per row.
  if (from.IsInteger() && to.id == TypeId::kFloat64) {
    MapRows(in.i64(), nulls, n, out.f64(), [](int64_t x) { return double(x); });
    return out;
  }
  if (from.IsInteger() && to.id == TypeId::kNumeric) {
    MapRows(in.i64(), nulls, n, out.dec(), [&](int64_t x) { return ApplyTypmod(DecimalFromInt(x), to); });
    return out;
  }
  if (from.id == TypeId::kNumeric && to.id == TypeId::kNumeric) {
    MapRows(in.dec(), nulls, n, out.dec(), [&](const Decimal& d) { return ApplyTypmod(d, to); });
    return out;
  }
  if (from.id == TypeId::kNumeric && to.id == TypeId::kFloat64) {
    MapRows(in.dec(), nulls, n, out.f64(), [](const Decimal& d) { return DecimalToDouble(d); });
    return out;
  }
  if (from.id == TypeId::kDate && to.id == TypeId::kTimestamp) {
    MapRows(in.i64(), nulls, n, out.i64(), [](int64_t days) { return DateToTimestamp(days); });
    return out;
  }
  for (size_t r = 0; r < n; ++r) {
    if (nulls[r]) continue;
    out.SetValue(r, CastValue(in.GetValue(r), to));
  }
  return out;
}

}  // namespace yunhe
