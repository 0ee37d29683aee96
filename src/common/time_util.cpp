#include "common/time_util.h"

#include "common/timezone.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/status.h"

namespace yunhe {

// Proleptic Gregorian day count (the era-based civil-from-days method).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads an unsigned integer of 1..max_len digits.
bool ReadNum(const char*& p, const char* end, int64_t* out, int max_len = 18) {
  const char* start = p;
  int64_t v = 0;
  while (p < end && isdigit((unsigned char)*p) && p - start < max_len) v = v * 10 + (*p++ - '0');
  *out = v;
  return p > start;
}

// With out_of_range set, fields beyond their range (month 13, Feb 29 of a common year, hour
// 25) do not fail the parse: *out_of_range is set instead, so callers can tell PostgreSQL's
// "field value out of range" (22008) from bad syntax (22007).
bool ParseDateAt(const char*& p, const char* end, int64_t* days, bool* out_of_range = nullptr) {
  int64_t y, m, d;
  if (!ReadNum(p, end, &y, 6) || p >= end || *p != '-') return false;
  ++p;
  if (!ReadNum(p, end, &m, 2) || p >= end || *p != '-') return false;
  ++p;
  if (!ReadNum(p, end, &d, 2)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, unsigned(m))) {
    if (!out_of_range) return false;
    *out_of_range = true;
    m = 1, d = 1;
  }
  *days = DaysFromCivil(y, unsigned(m), unsigned(d));
  return true;
}

// HH:MM[:SS[.frac]] -> ns since midnight
bool ParseTimeAt(const char*& p, const char* end, int64_t* ns, bool* out_of_range = nullptr) {
  int64_t h, mi, s = 0, frac = 0;
  if (!ReadNum(p, end, &h, 2) || p >= end || *p != ':') return false;
  ++p;
  if (!ReadNum(p, end, &mi, 2)) return false;
  if (p < end && *p == ':') {
    ++p;
    if (!ReadNum(p, end, &s, 2)) return false;
    if (p < end && *p == '.') {
      ++p;
      int digits = 0;
      while (p < end && isdigit((unsigned char)*p)) {
        if (digits < 9) { frac = frac * 10 + (*p - '0'); ++digits; }
        ++p;
      }
      while (digits++ < 9) frac *= 10;
    }
  }
  if (h > 24 || mi > 59 || s > 60 || (h == 24 && (mi != 0 || s != 0 || frac != 0))) {
    if (!out_of_range) return false;
    *out_of_range = true;
    h = mi = s = frac = 0;
  }
  *ns = h * kNsPerHour + mi * kNsPerMin + s * kNsPerSec + frac;
  return true;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && isspace((unsigned char)s[b])) ++b;
  while (e > b && isspace((unsigned char)s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string Lower(std::string s) {
  for (auto& c : s) c = char(tolower((unsigned char)c));
  return s;
}

}  // namespace

namespace {
bool ParseTimestampFields(const std::string& s_in, int64_t* ns, bool* had_zone, bool* out_of_range);
}  // namespace

bool ParseDate(const std::string& s_in, int64_t* days) {
  std::string s = Trim(s_in);
  // An era after the date: BC counts back from 1 BC (year 0 of the proleptic calendar).
  bool bc = false;
  if (s.size() > 3 && isspace(static_cast<unsigned char>(s[s.size() - 3]))) {
    const std::string era = {char(toupper(static_cast<unsigned char>(s[s.size() - 2]))), char(toupper(static_cast<unsigned char>(s[s.size() - 1])))};
    if (era == "BC" || era == "AD") {
      bc = era == "BC";
      s = Trim(s.substr(0, s.size() - 3));
    }
  }
  const char* p = s.data();
  const char* end = p + s.size();
  const char* year_start = p;
  if (!ParseDateAt(p, end, days)) return false;
  if (std::strtoll(year_start, nullptr, 10) == 0) return false;  // there is no year 0
  if (p != end) {
    // A time of day (and a zone) may follow, as in '2024-01-01 12:34:56+02'::date: checked, dropped.
    if (!isspace(static_cast<unsigned char>(*p)) && *p != 'T') return false;
    ++p;
    while (p < end && isspace(static_cast<unsigned char>(*p))) ++p;
    int64_t tod;
    if (!ParseTimeAt(p, end, &tod)) return false;
    while (p < end && isspace(static_cast<unsigned char>(*p))) ++p;
    if (p < end && *p != '+' && *p != '-' && !isalpha(static_cast<unsigned char>(*p))) return false;
  }
  if (bc) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(*days, &y, &m, &d);
    *days = DaysFromCivil(1 - y, m, d);
    int64_t cy;
    unsigned cm, cd;
    CivilFromDays(*days, &cy, &cm, &cd);
    if (cm != m || cd != d) return false;  // Feb 29 of a year that is not leap BC
  }
  return true;
}

int64_t ZoneOffsetOf(const std::string& s) {
  int64_t with_zone, local;
  bool zone;
  if (!ParseTimestamp(s, &with_zone, &zone) || !zone) return 0;
  std::string t = Trim(s);
  size_t cut = t.find_last_of("+-Zz ");
  while (cut != std::string::npos && cut > 10) {
    if (ParseTimestamp(t.substr(0, cut), &local, &zone) && !zone) return local - with_zone;
    cut = t.find_last_of("+-Zz ", cut - 1);
  }
  return 0;
}

bool ParseTimestamp(const std::string& s_in, int64_t* ns, bool* had_zone) {
  return ParseTimestampFields(s_in, ns, had_zone, nullptr);
}

bool DateTimeFieldOutOfRange(const std::string& s) {
  int64_t ns;
  bool zone, out_of_range = false;
  return ParseTimestampFields(s, &ns, &zone, &out_of_range) && out_of_range;
}

namespace {
bool ParseTimestampFields(const std::string& s_in, int64_t* ns, bool* had_zone, bool* out_of_range) {
  std::string s = Trim(s_in);
  *had_zone = false;
  if (!s.empty() && isalpha((unsigned char)s[0]) && Lower(s) == "epoch") {
    *ns = 0;
    return true;
  }
  const char* p = s.data();
  const char* end = p + s.size();
  int64_t days;
  if (!ParseDateAt(p, end, &days, out_of_range)) return false;
  int64_t tod = 0;
  if (p < end && (*p == ' ' || *p == 'T' || *p == 't')) {
    while (p < end && (*p == ' ' || *p == 'T' || *p == 't')) ++p;
    if (!ParseTimeAt(p, end, &tod, out_of_range)) return false;
  }
  while (p < end && *p == ' ') ++p;
  int64_t offset_ns = 0;
  if (p < end) {
    if (*p == 'Z' || *p == 'z') {
      ++p;
      *had_zone = true;
    } else if (end - p == 3 && (Lower(std::string(p, end)) == "utc" || Lower(std::string(p, end)) == "gmt")) {
      p = end;
      *had_zone = true;
    } else if (*p == '+' || *p == '-') {
      int sign = *p++ == '-' ? -1 : 1;
      int64_t hh, mm = 0;
      const char* start = p;
      if (!ReadNum(p, end, &hh, 2)) return false;
      if (p - start == 2 && p < end && *p == ':') {
        ++p;
        if (!ReadNum(p, end, &mm, 2)) return false;
      } else if (p < end && isdigit((unsigned char)*p)) {
        if (!ReadNum(p, end, &mm, 2)) return false;
      }
      if (hh > 15 || mm > 59) return false;
      offset_ns = sign * (hh * kNsPerHour + mm * kNsPerMin);
      *had_zone = true;
    }
  }
  if (p != end) return false;
  // Nanoseconds since 1970 hold about 1677-2262: a date beyond is refused, not wrapped around
  // (found by fuzz_sql under UBSan).
  int64_t day_ns = 0;
  if (__builtin_mul_overflow(days, kNsPerDay, &day_ns) || __builtin_add_overflow(day_ns, tod - offset_ns, ns)) {
    if (!out_of_range) return false;
    *out_of_range = true;  // 22008, as a field out of range
  }
  return true;
}

}  // namespace

bool ParseInterval(const std::string& s_in, Interval* out) {
  std::string s = Lower(Trim(s_in));
  Interval iv;
  if (!s.empty() && s[0] == '@') s = Trim(s.substr(1));
  bool ago = false;
  if (s.size() >= 3 && s.compare(s.size() - 3, 3, "ago") == 0) {
    ago = true;
    s = Trim(s.substr(0, s.size() - 3));
  }
  if (s.empty()) return false;
  // ISO 8601 form: P[nY][nM][nW][nD][T[nH][nM][nS]]
  if (s[0] == 'p') {
    bool in_time = false;
    size_t i = 1;
    bool any = false;
    while (i < s.size()) {
      if (s[i] == 't') { in_time = true; ++i; continue; }
      size_t j = i;
      while (j < s.size() && (isdigit((unsigned char)s[j]) || s[j] == '.' || s[j] == '-')) ++j;
      if (j == i || j >= s.size()) return false;
      double n = std::strtod(s.substr(i, j - i).c_str(), nullptr);
      char u = s[j];
      if (!in_time && u == 'y') iv.months += int32_t(n * 12);
      else if (!in_time && u == 'm') iv.months += int32_t(n);
      else if (!in_time && u == 'w') iv.days += int32_t(n * 7);
      else if (!in_time && u == 'd') iv.days += int32_t(n);
      else if (in_time && u == 'h') iv.ns += int64_t(std::llround(n * kNsPerHour));
      else if (in_time && u == 'm') iv.ns += int64_t(std::llround(n * kNsPerMin));
      else if (in_time && u == 's') iv.ns += int64_t(std::llround(n * kNsPerSec));
      else return false;
      any = true;
      i = j + 1;
    }
    if (!any) return false;
    *out = iv;
    return true;
  }
  std::vector<std::string> tokens;
  {
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && (isspace((unsigned char)s[i]) || s[i] == ',')) ++i;
      size_t j = i;
      if (j < s.size() && (isdigit((unsigned char)s[j]) || s[j] == '-' || s[j] == '+' || s[j] == '.')) {
        ++j;
        while (j < s.size() && (isdigit((unsigned char)s[j]) || s[j] == '.' || s[j] == ':')) ++j;
      } else {
        while (j < s.size() && isalpha((unsigned char)s[j])) ++j;
      }
      if (j == i) return false;
      tokens.push_back(s.substr(i, j - i));
      i = j;
    }
  }
  bool any = false;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const std::string& t = tokens[k];
    if (isalpha((unsigned char)t[0])) return false;  // unit without a number
    if (t.find(':') != std::string::npos) {
      // [-]HH:MM[:SS[.frac]]
      bool neg = t[0] == '-';
      std::string body = (t[0] == '-' || t[0] == '+') ? t.substr(1) : t;
      const char* p = body.data();
      const char* end = p + body.size();
      int64_t h, m, sec = 0, frac = 0;
      if (!ReadNum(p, end, &h) || p >= end || *p++ != ':' || !ReadNum(p, end, &m, 2)) return false;
      if (p < end && *p == ':') {
        ++p;
        if (!ReadNum(p, end, &sec, 2)) return false;
        if (p < end && *p == '.') {
          ++p;
          int digits = 0;
          while (p < end && isdigit((unsigned char)*p)) {
            if (digits < 9) { frac = frac * 10 + (*p - '0'); ++digits; }
            ++p;
          }
          while (digits++ < 9) frac *= 10;
        }
      }
      if (p != end) return false;
      int64_t v = h * kNsPerHour + m * kNsPerMin + sec * kNsPerSec + frac;
      iv.ns += neg ? -v : v;
      any = true;
      continue;
    }
    char* endp = nullptr;
    double n = std::strtod(t.c_str(), &endp);
    if (*endp != '\0') return false;
    std::string unit = k + 1 < tokens.size() && isalpha((unsigned char)tokens[k + 1][0]) ? tokens[++k] : "second";
    auto is = [&](std::initializer_list<const char*> names) {
      for (auto* nm : names) if (unit == nm) return true;
      return false;
    };
    if (is({"microsecond", "microseconds", "us", "usec", "usecs"})) iv.ns += std::llround(n * kNsPerUs);
    else if (is({"millisecond", "milliseconds", "ms", "msec", "msecs"})) iv.ns += std::llround(n * kNsPerMs);
    else if (is({"second", "seconds", "s", "sec", "secs"})) iv.ns += std::llround(n * kNsPerSec);
    else if (is({"minute", "minutes", "m", "min", "mins"})) iv.ns += std::llround(n * kNsPerMin);
    else if (is({"hour", "hours", "h", "hr", "hrs"})) iv.ns += std::llround(n * kNsPerHour);
    else if (is({"day", "days", "d"})) {
      double whole = std::trunc(n);
      iv.days += int32_t(whole);
      iv.ns += std::llround((n - whole) * kNsPerDay);
    } else if (is({"week", "weeks", "w"})) {
      double days = n * 7, whole = std::trunc(days);
      iv.days += int32_t(whole);
      iv.ns += std::llround((days - whole) * kNsPerDay);
    } else if (is({"month", "months", "mon", "mons"})) {
      double whole = std::trunc(n);
      iv.months += int32_t(whole);
      double days = (n - whole) * 30, wd = std::trunc(days);
      iv.days += int32_t(wd);
      iv.ns += std::llround((days - wd) * kNsPerDay);
    } else if (is({"year", "years", "y", "yr", "yrs"})) iv.months += int32_t(std::llround(n * 12));
    else if (is({"decade", "decades"})) iv.months += int32_t(std::llround(n * 120));
    else if (is({"century", "centuries"})) iv.months += int32_t(std::llround(n * 1200));
    else if (is({"millennium", "millennia"})) iv.months += int32_t(std::llround(n * 12000));
    else return false;
    any = true;
  }
  if (!any) return false;
  if (ago) { iv.months = -iv.months; iv.days = -iv.days; iv.ns = -iv.ns; }
  *out = iv;
  return true;
}

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y <= 0) return fmt::format("{:04}-{:02}-{:02} BC", 1 - y, m, d);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

namespace {
std::string FormatTimeOfDay(int64_t tod) {
  int64_t h = tod / kNsPerHour, mi = tod / kNsPerMin % 60, s = tod / kNsPerSec % 60, frac = tod % kNsPerSec;
  std::string out = fmt::format("{:02}:{:02}:{:02}", h, mi, s);
  if (frac) {
    std::string f = fmt::format("{:09}", frac);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}
}  // namespace

bool ParseTime(const std::string& s_in, int64_t* ns, bool* out_of_range) {
  const std::string s = Trim(s_in);
  const char* p = s.data();
  const char* end = p + s.size();
  bool range = false;
  int64_t tod = 0;
  if (ParseTimeAt(p, end, &tod, &range) && (p == end || *p == '+' || *p == '-' || *p == 'Z' || *p == 'z' || *p == ' ')) {
    // A zone after the time is ignored, as time without time zone ignores it.
  } else {
    int64_t ts = 0;
    bool zone = false;
    range = false;
    if (!ParseTimestampFields(s, &ts, &zone, &range)) return false;
    if (zone) ts += ZoneOffsetOf(s);  // the time as written
    tod = ts % kNsPerDay;
    if (tod < 0) tod += kNsPerDay;
  }
  if (range) {
    *out_of_range = true;
    return false;
  }
  tod = (tod + 500) / 1000 * 1000;  // microseconds, half up
  *ns = std::min(tod, kNsPerDay);
  return true;
}

std::string FormatTime(int64_t ns) { return FormatTimeOfDay(ns); }

std::string FormatTimestamp(int64_t ns) {
  int64_t days = ns >= 0 ? ns / kNsPerDay : -((-ns + kNsPerDay - 1) / kNsPerDay);
  int64_t tod = ns - days * kNsPerDay;
  std::string date = FormatDate(days);
  bool bc = date.size() > 3 && date.compare(date.size() - 3, 3, " BC") == 0;
  if (bc) date.resize(date.size() - 3);
  return date + " " + FormatTimeOfDay(tod) + (bc ? " BC" : "");
}

std::string FormatTimestampTz(int64_t ns) {
  const TimeZone& zone = SessionZone();
  if (zone.is_utc()) return FormatTimestamp(ns) + "+00";
  int32_t off = zone.OffsetAt(ns);
  return FormatTimestamp(ns + int64_t(off) * kNsPerSec) + FormatUtcOffset(off);
}

int64_t AddIntervalTz(int64_t ts_ns, const Interval& iv, int sign) {
  const TimeZone& zone = SessionZone();
  if (zone.is_utc() || (iv.months == 0 && iv.days == 0)) return AddInterval(ts_ns, iv, sign);
  // Months and days move the local calendar date; the time part is elapsed time (PostgreSQL).
  int64_t local = AddInterval(zone.UtcToLocal(ts_ns), Interval{iv.months, iv.days, 0}, sign);
  return zone.LocalToUtc(local) + sign * iv.ns;
}

std::string FormatInterval(const Interval& iv) {
  std::string out;
  auto part = [&](int64_t n, const char* unit, const char* units) {
    if (n == 0) return;
    if (!out.empty()) out += " ";
    out += fmt::format("{} {}", n, n == 1 ? unit : units);
  };
  int32_t years = iv.months / 12, months = iv.months % 12;
  part(years, "year", "years");
  part(months, "mon", "mons");
  part(iv.days, "day", "days");
  if (iv.ns != 0 || out.empty()) {
    if (!out.empty()) out += " ";
    int64_t t = iv.ns;
    bool neg = t < 0;
    if (neg) t = -t;
    bool signed_before = iv.months < 0 || iv.days < 0;
    if (neg) out += "-";
    else if (signed_before && !out.empty()) out += "+";
    out += FormatTimeOfDay(t);
  }
  return out;
}

int64_t AddInterval(int64_t ts, const Interval& iv, int sign) {
  if (iv.months) {
    int64_t days = ts >= 0 ? ts / kNsPerDay : -((-ts + kNsPerDay - 1) / kNsPerDay);
    int64_t tod = ts - days * kNsPerDay;
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    int64_t total = y * 12 + (m - 1) + int64_t(sign) * iv.months;
    int64_t ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
    unsigned nm = unsigned(total - ny * 12) + 1;
    unsigned nd = std::min(d, DaysInMonth(ny, nm));
    ts = DaysFromCivil(ny, nm, nd) * kNsPerDay + tod;
  }
  int64_t delta;
  if (__builtin_mul_overflow(int64_t(iv.days), kNsPerDay, &delta) || __builtin_add_overflow(delta, iv.ns, &delta) ||
      __builtin_mul_overflow(delta, int64_t(sign), &delta) || __builtin_add_overflow(ts, delta, &ts))
    throw Error(SqlState::kDatetimeFieldOverflow, "timestamp out of range");
  return ts;
}

int64_t DateToTimestamp(int64_t days) {
  int64_t ns;
  if (__builtin_mul_overflow(days, kNsPerDay, &ns)) throw Error(SqlState::kDatetimeFieldOverflow, "date out of range for timestamp");
  return ns;
}

__int128 Interval::SortKey() const {
  return (__int128)months * 30 * kNsPerDay + (__int128)days * kNsPerDay + ns;
}

int64_t TimeBucket(const Interval& width, int64_t ts, int64_t origin) {
  if (width.months != 0) {
    if (width.days != 0 || width.ns != 0)
      throw Error(SqlState::kFeatureNotSupported, "month intervals cannot have day or time component");
    if (width.months <= 0) throw Error(SqlState::kInvalidParameterValue, "period must be greater than 0");
    int64_t y, oy;
    unsigned m, d, om, od;
    CivilFromDays(FloorDiv(ts, kNsPerDay), &y, &m, &d);
    CivilFromDays(FloorDiv(origin, kNsPerDay), &oy, &om, &od);
    int64_t months = (y * 12 + m - 1) - (oy * 12 + om - 1);
    int64_t start = oy * 12 + om - 1 + FloorDiv(months, width.months) * width.months;
    return DaysFromCivil(FloorDiv(start, 12), unsigned(start - FloorDiv(start, 12) * 12) + 1, 1) * kNsPerDay;
  }
  int64_t w = int64_t(width.days) * kNsPerDay + width.ns;
  if (w <= 0) throw Error(SqlState::kInvalidParameterValue, "period must be greater than 0");
  return origin + FloorDiv(ts - origin, w) * w;
}

const int64_t kTimeBucketOrigin = DaysFromCivil(2000, 1, 3) * kNsPerDay;

}  // namespace yunhe
