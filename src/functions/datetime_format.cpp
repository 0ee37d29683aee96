// to_char on dates, timestamps, timestamptz and intervals: PostgreSQL's template patterns (9.8,
// Table 9.26) with the FM prefix and the TH / th suffixes. Dates are formatted from their day
// number, so years nanoseconds cannot reach (before 1677, after 2262) format too.
#include <fmt/format.h>

#include "common/time_util.h"
#include "common/timezone.h"
#include "functions/function.h"
#include "functions/kernel_util.h"
#include "functions/template_text.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;

constexpr const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                   "August", "September", "October", "November", "December"};
constexpr const char* kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr const char* kRomanMonths[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};

// What a template can ask of a value.
struct Moment {
  int64_t year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0;
  int64_t days = 0;           // since 1970-01-01 (dates and timestamps)
  bool has_date = true;       // an interval has no weekday, week or Julian day
  bool has_zone = false;      // timestamptz: TZ, TZH, TZM, OF print the offset
  int32_t offset = 0;         // seconds east of UTC
  std::string abbreviation;   // the zone's at that instant
};

// ISO 8601 week-numbering year, week (1-53) and weekday (Monday 1 .. Sunday 7) of a day.
void IsoWeek(int64_t days, int64_t* iso_year, int64_t* week, int64_t* weekday) {
  *weekday = ((days % 7) + 7 + 3) % 7 + 1;  // 1970-01-01 was a Thursday (4)
  const int64_t thursday = days + 4 - *weekday;
  int64_t y;
  unsigned m, d;
  CivilFromDays(thursday, &y, &m, &d);
  *iso_year = y;
  *week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
}

Moment FromDays(int64_t days) {
  Moment t;
  unsigned m, d;
  CivilFromDays(days, &t.year, &m, &d);
  t.month = m, t.day = d, t.days = days;
  return t;
}

Moment FromLocalNs(int64_t ns) {
  const int64_t days = FloorDiv(ns, kNsPerDay), tod = ns - days * kNsPerDay;
  Moment t = FromDays(days);
  t.hour = tod / kNsPerHour, t.minute = tod / kNsPerMin % 60, t.second = tod / kNsPerSec % 60, t.micros = tod % kNsPerSec / kNsPerUs;
  return t;
}

std::string Format(const Moment& t, const std::string& f) {
  std::string out;
  const int64_t doy = t.has_date ? t.days - DaysFromCivil(t.year, 1, 1) + 1 : t.day;  // an interval's DDD is its days
  const int64_t dow = t.has_date ? ((t.days % 7) + 7 + 4) % 7 : 0;  // Sunday 0
  int64_t iso_year = 0, iso_week = 0, iso_day = 0;
  if (t.has_date) IsoWeek(t.days, &iso_year, &iso_week, &iso_day);
  // A BC year prints as its positive number (year 0 is 1 BC).
  const int64_t shown_year = t.year <= 0 && t.has_date ? 1 - t.year : t.year;
  size_t i = 0;
  while (i < f.size()) {
    bool fm = false;
    if (StartsCaseless(f, i, "FM")) fm = true, i += 2;
    auto starts = [&](const char* p) { return f.compare(i, strlen(p), p) == 0; };
    // A numeric field: zero-padded to its width unless FM; TH / th after it adds the suffix.
    auto number = [&](int64_t v, int width, size_t len) {
      out += fm ? std::to_string(v) : (v < 0 ? "-" + fmt::format("{:0{}}", -v, width) : fmt::format("{:0{}}", v, width));
      i += len;
      if (f.compare(i, 2, "TH") == 0 || f.compare(i, 2, "th") == 0) {
        out += Ordinal(v, f[i] == 'T');
        i += 2;
      }
    };
    // A name in the pattern's case (MONTH, Month, month), blank-padded to `pad` unless FM.
    auto word = [&](std::string w, size_t len, size_t pad) {
      if (isupper(uint8_t(f[i])) && len > 1 && isupper(uint8_t(f[i + 1]))) {
        for (char& c : w) c = char(toupper(uint8_t(c)));
      } else if (islower(uint8_t(f[i]))) {
        for (char& c : w) c = char(tolower(uint8_t(c)));
      }
      if (!fm && w.size() < pad) w.append(pad - w.size(), ' ');
      out += w;
      i += len;
    };
    const int64_t hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
    if (StartsCaseless(f, i, "HH24")) number(t.hour, 2, 4);
    else if (StartsCaseless(f, i, "HH12")) number(hour12, 2, 4);
    else if (StartsCaseless(f, i, "HH")) number(hour12, 2, 2);
    else if (StartsCaseless(f, i, "MI")) number(t.minute, 2, 2);
    else if (StartsCaseless(f, i, "SSSSS")) number(t.hour * 3600 + t.minute * 60 + t.second, 1, 5);
    else if (StartsCaseless(f, i, "SSSS")) number(t.hour * 3600 + t.minute * 60 + t.second, 1, 4);
    else if (StartsCaseless(f, i, "SS")) number(t.second, 2, 2);
    else if (StartsCaseless(f, i, "MS")) number(t.micros / 1000, 3, 2);
    else if (StartsCaseless(f, i, "US")) number(t.micros, 6, 2);
    else if (StartsCaseless(f, i, "FF") && i + 2 < f.size() && f[i + 2] >= '1' && f[i + 2] <= '6') {
      const int digits = f[i + 2] - '0';
      int64_t v = t.micros;
      for (int k = digits; k < 6; ++k) v /= 10;
      number(v, digits, 3);
    }
    else if (starts("A.M.") || starts("P.M.")) out += t.hour < 12 ? "A.M." : "P.M.", i += 4;
    else if (starts("a.m.") || starts("p.m.")) out += t.hour < 12 ? "a.m." : "p.m.", i += 4;
    else if (starts("AM") || starts("PM")) out += t.hour < 12 ? "AM" : "PM", i += 2;
    else if (starts("am") || starts("pm")) out += t.hour < 12 ? "am" : "pm", i += 2;
    else if (starts("B.C.") || starts("A.D.")) out += t.year <= 0 ? "B.C." : "A.D.", i += 4;
    else if (starts("b.c.") || starts("a.d.")) out += t.year <= 0 ? "b.c." : "a.d.", i += 4;
    else if (starts("BC") || starts("AD")) out += t.year <= 0 ? "BC" : "AD", i += 2;
    else if (starts("bc") || starts("ad")) out += t.year <= 0 ? "bc" : "ad", i += 2;
    else if (StartsCaseless(f, i, "Y,YYY")) {
      out += fmt::format("{},{:03}", shown_year / 1000, shown_year % 1000);
      i += 5;
    }
    else if (StartsCaseless(f, i, "YYYY")) number(shown_year, 4, 4);
    else if (StartsCaseless(f, i, "YYY")) number(shown_year % 1000, 3, 3);
    else if (StartsCaseless(f, i, "YY")) number(shown_year % 100, 2, 2);
    else if (StartsCaseless(f, i, "Y")) number(shown_year % 10, 1, 1);
    else if (StartsCaseless(f, i, "IYYY")) number(iso_year, 4, 4);
    else if (StartsCaseless(f, i, "IYY")) number(iso_year % 1000, 3, 3);
    else if (StartsCaseless(f, i, "IY")) number(iso_year % 100, 2, 2);
    else if (StartsCaseless(f, i, "IDDD")) number((iso_week - 1) * 7 + iso_day, 3, 4);
    else if (StartsCaseless(f, i, "ID")) number(iso_day, 1, 2);
    else if (StartsCaseless(f, i, "IW")) number(iso_week, 2, 2);
    else if (StartsCaseless(f, i, "I") && t.has_date) number(iso_year % 10, 1, 1);
    else if (starts("MONTH") || starts("Month") || starts("month")) word(kMonths[t.month - 1], 5, 9);
    else if (starts("MON") || starts("Mon") || starts("mon")) word(std::string(kMonths[t.month - 1]).substr(0, 3), 3, 3);
    else if (StartsCaseless(f, i, "MM")) number(t.month, 2, 2);
    else if (starts("DAY") || starts("Day") || starts("day")) word(kDays[dow], 3, 9);
    else if (starts("DY") || starts("Dy") || starts("dy")) word(std::string(kDays[dow]).substr(0, 3), 2, 3);
    else if (StartsCaseless(f, i, "DDD")) number(doy, 3, 3);
    else if (StartsCaseless(f, i, "DD")) number(t.day, 2, 2);
    else if (StartsCaseless(f, i, "D")) number(dow + 1, 1, 1);
    else if (StartsCaseless(f, i, "WW")) number((doy - 1) / 7 + 1, 2, 2);
    else if (StartsCaseless(f, i, "W")) number((t.day - 1) / 7 + 1, 1, 1);
    else if (StartsCaseless(f, i, "CC")) number(t.year > 0 ? (t.year + 99) / 100 : -((99 - t.year) / 100), 2, 2);
    else if (StartsCaseless(f, i, "J")) number(t.days + 2440588, 1, 1);
    else if (StartsCaseless(f, i, "Q")) number((t.month - 1) / 3 + 1, 1, 1);
    else if (starts("RM") || starts("rm")) {
      std::string r = kRomanMonths[t.month - 1];
      if (f[i] == 'r')
        for (char& c : r) c = char(tolower(uint8_t(c)));
      if (!fm) r.append(4 - r.size(), ' ');
      out += r;
      i += 2;
    }
    else if (StartsCaseless(f, i, "TZH")) {
      if (t.has_zone) out += fmt::format("{}{:02}", t.offset < 0 ? '-' : '+', std::abs(t.offset) / 3600);
      i += 3;
    }
    else if (StartsCaseless(f, i, "TZM")) {
      if (t.has_zone) out += fmt::format("{:02}", std::abs(t.offset) / 60 % 60);
      i += 3;
    }
    else if (starts("TZ") || starts("tz")) {
      // The zone's abbreviation (its offset where the tz database has none); nothing for a
      // timestamp without time zone.
      std::string z = t.has_zone ? t.abbreviation : "";
      if (f[i] == 't')
        for (char& c : z) c = char(tolower(uint8_t(c)));
      out += z;
      i += 2;
    }
    else if (starts("OF")) {
      if (t.has_zone) out += FormatUtcOffset(t.offset);
      i += 2;
    }
    else if (f[i] == '"') {
      for (++i; i < f.size() && f[i] != '"'; ++i) {
        if (f[i] == '\\' && i + 1 < f.size()) ++i;
        out += f[i];
      }
      ++i;
    }
    else if (f[i] == '\\' && i + 1 < f.size()) out += f[i + 1], i += 2;
    else out += f[i++];
  }
  return out;
}

// An interval's fields as to_char sees them: years and months from its months, days, and the
// time part's hours unwrapped (30 hours is HH24 30).
Moment FromInterval(const Interval& iv) {
  Moment t;
  t.has_date = false;
  t.year = iv.months / 12, t.month = iv.months % 12, t.day = iv.days;
  t.hour = iv.ns / kNsPerHour, t.minute = iv.ns / kNsPerMin % 60, t.second = iv.ns / kNsPerSec % 60;
  t.micros = iv.ns % kNsPerSec / kNsPerUs;
  t.days = iv.days;
  return t;
}

}  // namespace

void RegisterDatetimeFormatFunctions(FunctionRegistry& r) {
  const TypeId T = TypeId::kText, TS = TypeId::kTimestamp, TZ = TypeId::kTimestampTz, D = TypeId::kDate, IV = TypeId::kInterval;
  AddScalar(r, "to_char", {TS, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = Format(FromLocalNs(a[0]->i64()[k]), a[1]->str()[k]); });
  }, "format a timestamp with a template", "to_char(timestamp '2024-05-17 13:45', 'YYYY-MM-DD HH24:MI') → 2024-05-17 13:45");
  AddScalar(r, "to_char", {TZ, T}, T, [](Args a, size_t n, Vector& o) {
    const TimeZone& zone = SessionZone();
    ForEachValid(o, n, [&](size_t k) {
      const int64_t utc = a[0]->i64()[k];
      Moment t = FromLocalNs(zone.UtcToLocal(utc));
      t.has_zone = true, t.offset = zone.OffsetAt(utc), t.abbreviation = zone.AbbreviationAt(utc);
      o.str()[k] = Format(t, a[1]->str()[k]);
    });
  }, "format a timestamptz (session time zone) with a template", "to_char(now(), 'YYYY-MM-DD HH24:MI TZ')");
  AddScalar(r, "to_char", {D, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = Format(FromDays(a[0]->i64()[k]), a[1]->str()[k]); });
  }, "format a date with a template", "to_char(date '2024-05-17', 'Dy DD Mon YYYY') → Fri 17 May 2024");
  AddScalar(r, "to_char", {IV, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = Format(FromInterval(a[0]->iv()[k]), a[1]->str()[k]); });
  }, "format an interval with a template", "to_char(interval '15h 2m 12s', 'HH24:MI:SS') → 15:02:12");
}

}  // namespace yunhe
