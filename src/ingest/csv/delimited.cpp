#include "ingest/csv/delimited.h"

#include <cctype>
#include <charconv>

#include "common/time_util.h"
#include "common/timezone.h"

namespace yunhe {

bool ParseFieldFast(const std::string& f, const LogicalType& t, Vector& out, size_t row) {
  const char* b = f.data();
  const char* e = b + f.size();
  switch (t.id) {
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t v;
      auto [ptr, ec] = std::from_chars(b, e, v);
      if (ec != std::errc() || ptr != e || b == e) return false;
      if (t.id == TypeId::kInt16 && (v < INT16_MIN || v > INT16_MAX)) return false;
      if (t.id == TypeId::kInt32 && (v < INT32_MIN || v > INT32_MAX)) return false;
      out.i64()[row] = v;
      out.SetNull(row, false);
      return true;
    }
    case TypeId::kFloat64: {
      if (b == e || !(isdigit((unsigned char)*b) || *b == '-' || *b == '.')) return false;
      double v;
      auto [ptr, ec] = std::from_chars(b, e, v);
      if (ec != std::errc() || ptr != e) return false;
      out.f64()[row] = v;
      out.SetNull(row, false);
      return true;
    }
    case TypeId::kText:
      if (t.precision) return false;
      out.str()[row].assign(f);
      out.SetNull(row, false);
      return true;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t ns;
      bool zone;
      if (!ParseTimestamp(f, &ns, &zone) || (zone && t.id == TypeId::kTimestamp)) return false;
      if (!zone && t.id == TypeId::kTimestampTz && !SessionZone().is_utc()) ns = SessionZone().LocalToUtc(ns);
      out.i64()[row] = ns;
      out.SetNull(row, false);
      return true;
    }
    default: return false;
  }
}

std::string EscapeText(const std::string& s, char delimiter) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += delimiter == '\t' ? "\\t" : "\t"; break;
      default:
        if (c == delimiter) out.push_back('\\');
        out.push_back(c);
    }
  }
  return out;
}

std::string QuoteCsv(const std::string& s, const DelimitedFormat& o) {
  bool needs = s.empty() || s == o.null_string || s.find(o.delimiter) != std::string::npos ||
               s.find(o.quote) != std::string::npos || s.find('\n') != std::string::npos ||
               s.find('\r') != std::string::npos;
  if (!needs) return s;
  std::string out(1, o.quote);
  for (char c : s) {
    if (c == o.quote || c == o.escape) out.push_back(o.escape);
    out.push_back(c);
  }
  out.push_back(o.quote);
  return out;
}

}  // namespace yunhe
