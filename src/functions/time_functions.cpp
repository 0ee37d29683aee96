// Date/time functions: now, date_trunc, extract/date_part, to_timestamp(float8),
// time_bucket and date_bin. All arithmetic is on UTC nanoseconds (session time zone UTC).
#include <cmath>
#include <cstring>

#include "common/decimal.h"
#include "common/time_util.h"
#include "functions/function.h"
#include "functions/kernel_util.h"
#include "common/timezone.h"
#include "functions/statement_clock.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId T = TypeId::kText, TS = TypeId::kTimestamp, TZ = TypeId::kTimestampTz, D = TypeId::kDate,
             IV = TypeId::kInterval, F8 = TypeId::kFloat64, N = TypeId::kNumeric, I4 = TypeId::kInt32;

std::string LowerField(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(char(tolower((unsigned char)c)));
  if (!out.empty() && out.back() == 's' && out != "ms" && out != "us") out.pop_back();  // "hours" -> "hour"
  return out;
}

enum class TruncUnit { kMicro, kMilli, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kQuarter, kYear, kDecade, kCentury, kMillennium };

TruncUnit ParseTruncUnit(const std::string& field_in) {
  static const std::pair<const char*, TruncUnit> kUnits[] = {
      {"microsecond", TruncUnit::kMicro}, {"millisecond", TruncUnit::kMilli}, {"second", TruncUnit::kSecond},
      {"minute", TruncUnit::kMinute},     {"hour", TruncUnit::kHour},         {"day", TruncUnit::kDay},
      {"week", TruncUnit::kWeek},         {"month", TruncUnit::kMonth},       {"quarter", TruncUnit::kQuarter},
      {"year", TruncUnit::kYear},         {"decade", TruncUnit::kDecade},     {"century", TruncUnit::kCentury},
      {"millennium", TruncUnit::kMillennium}};
  const std::string field = LowerField(field_in);
  for (auto& [name, unit] : kUnits)
    if (field == name) return unit;
  throw Error(SqlState::kFeatureNotSupported, "unit \"" + field_in + "\" not recognized for type timestamp");
}

// date_trunc on an interval, as PostgreSQL: the fields below the unit become zero, each field
// truncated toward zero (years = months / 12; the time part is not folded into days).
Interval TruncInterval(TruncUnit unit, Interval iv) {
  if (unit == TruncUnit::kWeek)
    throw Error(Status::Error(SqlState::kFeatureNotSupported, "unit \"week\" not supported for type interval")
                    .WithDetail("Months usually have fractional weeks."));
  int64_t years = iv.months / 12, months = iv.months % 12;
  int64_t ns = iv.ns;
  auto keep = [&](int64_t step) { ns = ns / step * step; };
  switch (unit) {
    case TruncUnit::kMillennium: years = years / 1000 * 1000; [[fallthrough]];
    case TruncUnit::kCentury: years = years / 100 * 100; [[fallthrough]];
    case TruncUnit::kDecade: years = years / 10 * 10; [[fallthrough]];
    case TruncUnit::kYear: months = 0; [[fallthrough]];
    case TruncUnit::kQuarter: months = months / 3 * 3; [[fallthrough]];
    case TruncUnit::kMonth: iv.days = 0; [[fallthrough]];
    case TruncUnit::kDay: ns = 0; break;
    case TruncUnit::kHour: keep(kNsPerHour); break;
    case TruncUnit::kMinute: keep(kNsPerMin); break;
    case TruncUnit::kSecond: keep(kNsPerSec); break;
    case TruncUnit::kMilli: keep(kNsPerMs); break;
    case TruncUnit::kMicro: keep(kNsPerUs); break;
    case TruncUnit::kWeek: break;
  }
  iv.months = int32_t(years * 12 + months);
  iv.ns = ns;
  return iv;
}

int64_t TruncTs(TruncUnit unit, int64_t ns) {
  switch (unit) {
    case TruncUnit::kMicro: return FloorDiv(ns, kNsPerUs) * kNsPerUs;
    case TruncUnit::kMilli: return FloorDiv(ns, kNsPerMs) * kNsPerMs;
    case TruncUnit::kSecond: return FloorDiv(ns, kNsPerSec) * kNsPerSec;
    case TruncUnit::kMinute: return FloorDiv(ns, kNsPerMin) * kNsPerMin;
    case TruncUnit::kHour: return FloorDiv(ns, kNsPerHour) * kNsPerHour;
    default: break;
  }
  int64_t days = FloorDiv(ns, kNsPerDay);
  if (unit == TruncUnit::kDay) return days * kNsPerDay;
  if (unit == TruncUnit::kWeek) {
    int64_t dow = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; weeks start Monday
    return (days - dow) * kNsPerDay;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  switch (unit) {
    case TruncUnit::kMonth: return DaysFromCivil(y, m, 1) * kNsPerDay;
    case TruncUnit::kQuarter: return DaysFromCivil(y, (m - 1) / 3 * 3 + 1, 1) * kNsPerDay;
    case TruncUnit::kYear: return DaysFromCivil(y, 1, 1) * kNsPerDay;
    case TruncUnit::kDecade: return DaysFromCivil(FloorDiv(y, 10) * 10, 1, 1) * kNsPerDay;
    case TruncUnit::kCentury: return DaysFromCivil(FloorDiv(y - 1, 100) * 100 + 1, 1, 1) * kNsPerDay;
    default: return DaysFromCivil(FloorDiv(y - 1, 1000) * 1000 + 1, 1, 1) * kNsPerDay;
  }
}


// The unit of row k, parsed again only when its text changes (it is almost always a constant).
struct UnitCache {
  const std::string* text = nullptr;
  TruncUnit unit = TruncUnit::kDay;
  TruncUnit Get(const std::string& s) {
    if (!text || *text != s) {
      unit = ParseTruncUnit(s);
      text = &s;
    }
    return unit;
  }
};

// The unit of every row of `units` when it is a constant (a one-value dictionary: see
// Vector::Constant), so the loop over the rows neither compares nor parses text.
bool ConstantUnit(const Vector& units, TruncUnit* unit) {
  const TextDictionary* d = units.dictionary();
  if (!d || d->size() != 1) return false;
  *unit = ParseTruncUnit(d->values[0]);
  return true;
}

// Returns the field as an exact decimal (EXTRACT's numeric result in PostgreSQL 14+).
// A field of the day `days` (since 1970-01-01) at `tod` ns after midnight: dates are given as
// days, so years nanoseconds cannot reach (before 1677, after 2262) extract too.
Decimal ExtractDayTime(const std::string& field_in, int64_t days, int64_t tod, bool is_date) {
  std::string field = LowerField(field_in);
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  auto micro = [](int64_t v_ns, int scale) { return Decimal{__int128(v_ns / 1000), scale}; };
  if (field == "year") return Decimal{y <= 0 ? y - 1 : y, 0};  // 1 BC is year -1 (there is no year 0)
  if (field == "month") return Decimal{m, 0};
  if (field == "day") return Decimal{d, 0};
  if (field == "quarter") return Decimal{(m - 1) / 3 + 1, 0};
  if (field == "decade") return Decimal{FloorDiv(y, 10), 0};
  if (field == "century") return Decimal{y > 0 ? (y + 99) / 100 : -((99 - y) / 100), 0};
  if (field == "millennium") return Decimal{y > 0 ? (y + 999) / 1000 : -((999 - y) / 1000), 0};
  if (field == "dow") return Decimal{((days % 7) + 7 + 4) % 7, 0};
  if (field == "isodow") { int64_t dow = ((days % 7) + 7 + 4) % 7; return Decimal{dow == 0 ? 7 : dow, 0}; }
  if (field == "doy") return Decimal{days - DaysFromCivil(y, 1, 1) + 1, 0};
  if (field == "week") {
    // ISO week number: the week with the year's first Thursday is week 1.
    int64_t dow = ((days % 7) + 7 + 3) % 7;  // Monday = 0
    int64_t thursday = days - dow + 3;
    int64_t ty;
    unsigned tm, td;
    CivilFromDays(thursday, &ty, &tm, &td);
    return Decimal{(thursday - DaysFromCivil(ty, 1, 1)) / 7 + 1, 0};
  }
  if (field == "epoch") return is_date ? Decimal{__int128(days) * 86400, 0} : Decimal{__int128(days) * 86400000000 + tod / 1000, 6};
  if (is_date && (field == "hour" || field == "minute" || field == "second" || field == "millisecond" || field == "microsecond"))
    throw Error(SqlState::kFeatureNotSupported, "unit \"" + field_in + "\" not supported for type date");
  if (field == "hour") return Decimal{tod / kNsPerHour, 0};
  if (field == "minute") return Decimal{tod / kNsPerMin % 60, 0};
  if (field == "second") return micro(tod % kNsPerMin, 6);
  if (field == "millisecond") return micro(tod % kNsPerMin, 3);
  if (field == "microsecond") return Decimal{(tod % kNsPerMin) / 1000, 0};
  if (field == "timezone" || field == "timezone_hour" || field == "timezone_minute") return Decimal{0, 0};
  throw Error(SqlState::kFeatureNotSupported, "unit \"" + field_in + "\" not recognized for type timestamp");
}

Decimal ExtractTs(const std::string& field, int64_t ns, bool is_date) {
  const int64_t days = FloorDiv(ns, kNsPerDay);
  return ExtractDayTime(field, days, ns - days * kNsPerDay, is_date);
}

// extract() on timestamptz: fields of the local time in the session zone; epoch stays absolute.
Decimal ExtractTz(const std::string& field_in, int64_t ns) {
  std::string field = LowerField(field_in);
  const TimeZone& zone = SessionZone();
  const int32_t off = zone.OffsetAt(ns);
  if (field == "timezone") return Decimal{off, 0};
  if (field == "timezone_hour") return Decimal{off / 3600, 0};
  if (field == "timezone_minute") return Decimal{off / 60 % 60, 0};
  if (field == "epoch") return ExtractTs(field_in, ns, false);
  return ExtractTs(field_in, ns + int64_t(off) * kNsPerSec, false);
}

// date_trunc on timestamptz truncates the local time of `zone`, then reads it back in that zone.
// Units below a day keep the original offset (so an hour repeated by a fall-back stays itself),
// as PostgreSQL does; days and longer are read back in the zone.
int64_t TruncTz(TruncUnit unit, int64_t ns, const TimeZone& zone) {
  if (zone.is_utc()) return TruncTs(unit, ns);
  const int64_t off = int64_t(zone.OffsetAt(ns)) * kNsPerSec;
  const int64_t local = TruncTs(unit, ns + off);
  if (unit <= TruncUnit::kHour) return local - off;
  return zone.LocalToUtc(local);
}

const TimeZone& ZoneArg(const std::string& name) {
  auto z = TimeZone::Find(name);
  if (!z) throw Error(SqlState::kInvalidParameterValue, "time zone \"" + name + "\" not recognized");
  return *z;
}

Decimal ExtractInterval(const std::string& field_in, const Interval& iv);

// extract(field from time): the fields a time of day has, as an interval of that many hours
// has them; others are PostgreSQL's 0A000.
Decimal ExtractTime(const std::string& field_in, int64_t ns) {
  const std::string field = LowerField(field_in);  // plurals folded: "hours" -> "hour"
  static const char* const kFields[] = {"hour", "minute", "second", "millisecond", "microsecond", "epoch", "ms", "us"};
  if (std::none_of(std::begin(kFields), std::end(kFields), [&](const char* f) { return field == f; }))
    throw Error(SqlState::kFeatureNotSupported, fmt::format("unit \"{}\" not supported for type time without time zone", field_in));
  return ExtractInterval(field, Interval{0, 0, ns});
}

Decimal ExtractInterval(const std::string& field_in, const Interval& iv) {
  std::string field = LowerField(field_in);
  if (field == "year") return Decimal{iv.months / 12, 0};
  if (field == "month") return Decimal{iv.months % 12, 0};
  if (field == "day") return Decimal{iv.days, 0};
  if (field == "hour") return Decimal{iv.ns / kNsPerHour, 0};
  if (field == "minute") return Decimal{iv.ns / kNsPerMin % 60, 0};
  if (field == "second") return Decimal{(iv.ns % kNsPerMin) / 1000, 6};
  if (field == "millisecond" || field == "ms") return Decimal{(iv.ns % kNsPerMin) / 1000, 3};  // 1.25 s -> 1250.000
  if (field == "microsecond" || field == "us") return Decimal{(iv.ns % kNsPerMin) / 1000, 0};
  if (field == "epoch") {
    __int128 us = (__int128)iv.ns / 1000 + (__int128)iv.days * 86400000000LL +
                  (__int128)(iv.months / 12) * 31557600000000LL + (__int128)(iv.months % 12) * 2592000000000LL;
    return Decimal{us, 6};
  }
  throw Error(SqlState::kFeatureNotSupported, "unit \"" + field_in + "\" not recognized for type interval");
}




}  // namespace

namespace {

// PostgreSQL's justify_hours / justify_days / justify_interval: whole days out of the time part,
// whole 30-day months out of the days, then the parts given one sign where they had two.
Interval JustifyHours(Interval v) {
  const int64_t days = v.ns / kNsPerDay;
  v.ns -= days * kNsPerDay;
  v.days += int32_t(days);
  if (v.days > 0 && v.ns < 0) v.ns += kNsPerDay, --v.days;
  else if (v.days < 0 && v.ns > 0) v.ns -= kNsPerDay, ++v.days;
  return v;
}
Interval JustifyDays(Interval v) {
  const int32_t months = v.days / 30;
  v.days -= months * 30;
  v.months += months;
  if (v.months > 0 && v.days < 0) v.days += 30, --v.months;
  else if (v.months < 0 && v.days > 0) v.days -= 30, ++v.months;
  return v;
}
Interval JustifyInterval(Interval v) {
  const int64_t days = v.ns / kNsPerDay;
  v.days += int32_t(days);
  v.ns -= days * kNsPerDay;
  const int32_t months = v.days / 30;
  v.days -= months * 30;
  v.months += months;
  if (v.months > 0 && (v.days < 0 || (v.days == 0 && v.ns < 0))) v.days += 30, --v.months;
  else if (v.months < 0 && (v.days > 0 || (v.days == 0 && v.ns > 0))) v.days -= 30, ++v.months;
  if (v.days > 0 && v.ns < 0) v.ns += kNsPerDay, --v.days;
  else if (v.days < 0 && v.ns > 0) v.ns -= kNsPerDay, ++v.days;
  return v;
}

template <Interval (*Fn)(Interval)>
void JustifyKernel(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) { o[r] = Fn(args[0]->iv()[r]); });
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry& r) {
  AddScalar(r, "justify_hours", {TypeId::kInterval}, TypeId::kInterval, JustifyKernel<JustifyHours>,
            "whole days out of the hours", "justify_hours(interval '27 hours') → 1 day 03:00:00");
  AddScalar(r, "justify_days", {TypeId::kInterval}, TypeId::kInterval, JustifyKernel<JustifyDays>,
            "whole 30-day months out of the days", "justify_days(interval '35 days') → 1 mon 5 days");
  AddScalar(r, "justify_interval", {TypeId::kInterval}, TypeId::kInterval, JustifyKernel<JustifyInterval>,
            "justify_days and justify_hours, with one sign for all parts", "justify_interval(interval '1 mon -1 hour') → 29 days 23:00:00");
  AddScalar(r, "now", {}, TZ, [](Args, size_t n, Vector& o) {
    int64_t t = StatementClock::Now();
    for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Time(t, TypeId::kTimestampTz));
  }, "start time of the current statement", "now()");
  r.AddAlias("transaction_timestamp", "now");
  r.AddAlias("statement_timestamp", "now");
  AddScalar(r, "clock_timestamp", {}, TZ, [](Args, size_t n, Vector& o) {
    for (size_t k = 0; k < n; ++k) o.SetValue(k, Value::Time(StatementClock::WallNow(), TypeId::kTimestampTz));
  }, "current time, changing during the statement", "clock_timestamp()", /*strict=*/true, /*is_volatile=*/true);
  AddScalar(r, "date_trunc", {T, TS}, TS, [](Args a, size_t n, Vector& o) {
    int64_t* out = o.i64();
    const int64_t* ts = a[1]->i64();
    if (TruncUnit unit; ConstantUnit(*a[0], &unit)) {
      ForEachValid(o, n, [&](size_t k) { out[k] = TruncTs(unit, ts[k]); });
      return;
    }
    UnitCache units;
    ForEachValid(o, n, [&](size_t k) { out[k] = TruncTs(units.Get(a[0]->str()[k]), ts[k]); });
  }, "truncate to the given precision", "date_trunc('hour', timestamp '2001-02-16 20:38:40') → 2001-02-16 20:00:00");
  AddScalar(r, "date_trunc", {T, TZ}, TZ, [](Args a, size_t n, Vector& o) {
    int64_t* out = o.i64();
    const int64_t* ts = a[1]->i64();
    const TimeZone& zone = SessionZone();
    if (TruncUnit unit; ConstantUnit(*a[0], &unit)) {
      ForEachValid(o, n, [&](size_t k) { out[k] = TruncTz(unit, ts[k], zone); });
      return;
    }
    UnitCache units;
    ForEachValid(o, n, [&](size_t k) { out[k] = TruncTz(units.Get(a[0]->str()[k]), ts[k], zone); });
  }, "truncate in the session time zone", "date_trunc('day', timestamptz '2024-03-31 12:00+02') → 2024-03-31 00:00:00+01 (Europe/Berlin)");
  AddScalar(r, "date_trunc", {T, TZ, T}, TZ, [](Args a, size_t n, Vector& o) {
    UnitCache units;
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = TruncTz(units.Get(a[0]->str()[k]), a[1]->i64()[k], ZoneArg(a[2]->str()[k])); });
  }, "truncate in the given time zone", "date_trunc('day', ts, 'Asia/Shanghai')");
  AddScalar(r, "date_trunc", {T, IV}, IV, [](Args a, size_t n, Vector& o) {
    UnitCache units;
    ForEachValid(o, n, [&](size_t k) { o.iv()[k] = TruncInterval(units.Get(a[0]->str()[k]), a[1]->iv()[k]); });
  }, "truncate an interval's fields below the unit", "date_trunc('hour', interval '2 days 03:40:10') → 2 days 03:00:00");
  AddScalar(r, "extract", {T, TS}, N, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.dec()[k] = ExtractTs(a[0]->str()[k], a[1]->i64()[k], false); });
  }, "a field of a timestamp", "extract(hour from timestamp '2001-02-16 20:38:40') → 20");
  AddScalar(r, "extract", {T, TZ}, N, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.dec()[k] = ExtractTz(a[0]->str()[k], a[1]->i64()[k]); });
  }, "a field of a timestamptz in the session time zone", "extract(timezone from now())");
  AddScalar(r, "date_part", {T, TS}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.f64()[k] = DecimalToDouble(ExtractTs(a[0]->str()[k], a[1]->i64()[k], false)); });
  }, "a field of a timestamp as double", "date_part('hour', timestamp '2001-02-16 20:38:40') → 20");
  AddScalar(r, "date_part", {T, TZ}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.f64()[k] = DecimalToDouble(ExtractTz(a[0]->str()[k], a[1]->i64()[k])); });
  }, "a field of a timestamptz as double", "date_part('hour', now())");
  // time_bucket on timestamptz buckets in UTC (TimescaleDB); with a zone, in that zone's local time.
  AddScalar(r, "time_bucket", {IV, TZ, T}, TZ, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      const TimeZone& zone = ZoneArg(a[2]->str()[k]);
      o.i64()[k] = zone.LocalToUtc(TimeBucket(a[0]->iv()[k], zone.UtcToLocal(a[1]->i64()[k]), kTimeBucketOrigin));
    });
  }, "time_bucket in the local time of a zone (days and months follow its calendar and DST)", "time_bucket('1 day', ts, 'Europe/Berlin')");
  for (TypeId t : {TS, TZ}) {
    AddScalar(r, "time_bucket", {IV, t}, t, [](Args a, size_t n, Vector& o) {
      // The arrays taken once: o.i64() per row checks for sharing each time (common/vector.h).
      int64_t* out = o.i64();
      const Interval* width = a[0]->iv();
      const int64_t* ts = a[1]->i64();
      ForEachValid(o, n, [&](size_t k) { out[k] = TimeBucket(width[k], ts[k], kTimeBucketOrigin); });
    }, "start of the bucket of the given width holding ts", "time_bucket('15 minutes', timestamp '2024-01-01 10:17') → 2024-01-01 10:15:00");
    AddScalar(r, "time_bucket", {IV, t, t}, t, [](Args a, size_t n, Vector& o) {
      int64_t* out = o.i64();
      const Interval* width = a[0]->iv();
      const int64_t *ts = a[1]->i64(), *origin = a[2]->i64();
      ForEachValid(o, n, [&](size_t k) { out[k] = TimeBucket(width[k], ts[k], origin[k]); });
    }, "time_bucket with an explicit origin", "time_bucket('1 hour', ts, timestamp '2024-01-01 00:30')");
    AddScalar(r, "time_bucket", {IV, t, IV}, t, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        const Interval& off = a[2]->iv()[k];
        o.i64()[k] = AddInterval(TimeBucket(a[0]->iv()[k], AddInterval(a[1]->i64()[k], off, -1), kTimeBucketOrigin), off);
      });
    }, "time_bucket with buckets shifted by an offset", "time_bucket('1 day', ts, interval '6 hours')");
    // The gap-filling variant buckets like time_bucket; the planner adds the missing buckets
    // (start and finish default to the WHERE range on ts).
    AddScalar(r, "time_bucket_gapfill", {IV, t}, t, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.i64()[k] = TimeBucket(a[0]->iv()[k], a[1]->i64()[k], kTimeBucketOrigin); });
    }, "time_bucket in a GROUP BY that also emits the empty buckets (TimescaleDB)", "time_bucket_gapfill('1 hour', ts) … WHERE ts >= … AND ts < …");
    AddScalar(r, "time_bucket_gapfill", {IV, t, t, t}, t, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.i64()[k] = TimeBucket(a[0]->iv()[k], a[1]->i64()[k], kTimeBucketOrigin); });
    }, "time_bucket_gapfill with explicit start and finish", "time_bucket_gapfill('1 hour', ts, '2024-01-01', '2024-01-02')", false);
    AddScalar(r, "date_bin", {IV, t, t}, t, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        if (a[0]->iv()[k].months != 0) throw Error(SqlState::kFeatureNotSupported, "timestamps cannot be binned into intervals containing months or years");
        o.i64()[k] = TimeBucket(a[0]->iv()[k], a[1]->i64()[k], a[2]->i64()[k]);
      });
    }, "bin ts into stride-wide bins aligned with origin", "date_bin('15 minutes', ts, timestamp '2001-01-01')");
  }
  AddScalar(r, "time_bucket", {IV, D}, D, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      o.i64()[k] = FloorDiv(TimeBucket(a[0]->iv()[k], a[1]->i64()[k] * kNsPerDay, kTimeBucketOrigin), kNsPerDay);
    });
  }, "start of the bucket holding a date", "time_bucket('1 week', date '2024-05-17') → 2024-05-13");
  AddScalar(r, "time_bucket_gapfill", {IV, D}, D, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      o.i64()[k] = FloorDiv(TimeBucket(a[0]->iv()[k], a[1]->i64()[k] * kNsPerDay, kTimeBucketOrigin), kNsPerDay);
    });
  }, "time_bucket_gapfill on dates", "time_bucket_gapfill('1 day', d) … WHERE d >= … AND d < …");
  AddScalar(r, "time_bucket_gapfill", {IV, D, D, D}, D, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      o.i64()[k] = FloorDiv(TimeBucket(a[0]->iv()[k], a[1]->i64()[k] * kNsPerDay, kTimeBucketOrigin), kNsPerDay);
    });
  }, "time_bucket_gapfill on dates with start and finish", "time_bucket_gapfill('1 day', d, '2024-01-01', '2024-01-31')", false);
  // locf() and interpolate() mark an aggregate of a gap-filling query; the gap-fill operator
  // computes them, so as scalars they pass their argument through.
  for (TypeId t : {TypeId::kBool, TypeId::kInt16, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat32, F8, N, T, D, TS, TZ, IV})
    AddScalar(r, "locf", {t}, t, [](Args a, size_t n, Vector& o) { o = *a[0]; },
              "carry the last value forward into the buckets time_bucket_gapfill adds", "locf(avg(temp))", false);
  for (TypeId t : {TypeId::kInt16, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat32, F8})
    AddScalar(r, "interpolate", {t}, t, [](Args a, size_t n, Vector& o) { o = *a[0]; },
              "linear interpolation into the buckets time_bucket_gapfill adds", "interpolate(avg(temp))", false);
  AddScalar(r, "extract", {T, D}, N, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.dec()[k] = ExtractDayTime(a[0]->str()[k], a[1]->i64()[k], 0, true); });
  }, "a field of a date", "extract(year from date '2001-02-16') → 2001");
  AddScalar(r, "extract", {T, IV}, N, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.dec()[k] = ExtractInterval(a[0]->str()[k], a[1]->iv()[k]); });
  }, "a field of an interval", "extract(epoch from interval '1 hour') → 3600.000000");
  AddScalar(r, "date_part", {T, IV}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.f64()[k] = DecimalToDouble(ExtractInterval(a[0]->str()[k], a[1]->iv()[k])); });
  }, "a field of an interval as double", "date_part('epoch', interval '1 hour') → 3600");
  AddScalar(r, "extract", {T, TypeId::kTime}, N, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.dec()[k] = ExtractTime(a[0]->str()[k], a[1]->i64()[k]); });
  }, "a field of a time of day (hour, minute, second, millisecond, microsecond, epoch)", "extract(minute from time '10:42') → 42");
  AddScalar(r, "date_part", {T, TypeId::kTime}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.f64()[k] = DecimalToDouble(ExtractTime(a[0]->str()[k], a[1]->i64()[k])); });
  }, "a field of a time of day as double", "date_part('hour', time '10:42') → 10");
  AddScalar(r, "to_timestamp", {F8}, TZ, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      double s = a[0]->f64()[k];
      if (!std::isfinite(s) || std::fabs(s) > 9.2e9) throw Error(SqlState::kDatetimeFieldOverflow, "timestamp out of range");
      o.i64()[k] = int64_t(std::llround(s * 1e6)) * 1000;
    });
  }, "Unix epoch seconds to timestamp with time zone", "to_timestamp(1284352323) → 2010-09-13 04:32:03+00");
}

}  // namespace yunhe
