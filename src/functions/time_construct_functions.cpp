// Date/time functions that build values from parts or take them apart symbolically:
// make_date, make_timestamp, make_timestamptz, make_time, make_interval, age, isfinite
// (PostgreSQL 9.9).
// Seconds given as float8 are kept to the microsecond, as PostgreSQL keeps them.
#include <cmath>

#include <fmt/format.h>

#include "common/time_util.h"
#include "common/timezone.h"
#include "functions/function.h"
#include "functions/kernel_util.h"
#include "functions/statement_clock.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId TS = TypeId::kTimestamp, TZ = TypeId::kTimestampTz, D = TypeId::kDate, IV = TypeId::kInterval,
             F8 = TypeId::kFloat64, I4 = TypeId::kInt32, T = TypeId::kText, TM = TypeId::kTime, B = TypeId::kBool;

std::string SecondsText(double sec) { return sec == std::floor(sec) ? fmt::format("{:02}", int64_t(sec)) : fmt::format("{:02g}", sec); }

// Nanoseconds of a time of day, checked as PostgreSQL's make_timestamp / make_time check it:
// minutes 0-59, seconds 0-60, hours 0-24 with 24 only as 24:00:00.
int64_t TimeOfDay(int64_t hour, int64_t min, double sec) {
  if (hour < 0 || min < 0 || min > 59 || !(sec >= 0) || sec > 60 || hour > 24 || (hour == 24 && (min > 0 || sec > 0)))
    throw Error(SqlState::kDatetimeFieldOverflow, fmt::format("time field value out of range: {}:{:02}:{}", hour, min, SecondsText(sec)));
  return hour * kNsPerHour + min * kNsPerMin + int64_t(std::llround(sec * 1e6)) * kNsPerUs;
}

// Days since 1970-01-01 of a calendar date; a negative year is BC (-1 is 1 BC), 0 does not exist.
int64_t CheckedDays(int64_t year, int64_t month, int64_t day) {
  const int64_t y = year < 0 ? year + 1 : year;
  int64_t cy = 0;
  unsigned cm = 0, cd = 0;
  if (year != 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31) CivilFromDays(DaysFromCivil(y, unsigned(month), unsigned(day)), &cy, &cm, &cd);
  if (year == 0 || cy != y || int64_t(cm) != month || int64_t(cd) != day)
    throw Error(SqlState::kDatetimeFieldOverflow, fmt::format("date field value out of range: {}-{:02}-{:02}", year, month, day));
  return DaysFromCivil(y, unsigned(month), unsigned(day));
}

int64_t MakeLocalTimestamp(Args a, size_t r) {
  return CheckedDays(a[0]->i64()[r], a[1]->i64()[r], a[2]->i64()[r]) * kNsPerDay + TimeOfDay(a[3]->i64()[r], a[4]->i64()[r], a[5]->f64()[r]);
}

const TimeZone& ZoneNamed(const std::string& name, std::shared_ptr<const TimeZone>* keep) {
  *keep = TimeZone::Find(name);
  if (!*keep) throw Error(SqlState::kInvalidParameterValue, fmt::format("time zone \"{}\" not recognized", name));
  return **keep;
}

// Calendar fields of a local time.
struct Fields {
  int64_t year, month, day, ns;  // ns: time of day
};

Fields FieldsOf(int64_t local_ns) {
  const int64_t days = FloorDiv(local_ns, kNsPerDay);
  Fields f;
  unsigned m, d;
  CivilFromDays(days, &f.year, &m, &d);
  f.month = m, f.day = d, f.ns = local_ns - days * kNsPerDay;
  return f;
}

int DaysInMonth(int64_t year, int64_t month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// age(a, b): a - b in years, months and days field by field (not in days only), borrowing
// from the next larger field where one comes out negative; a day borrowed is a month of the
// earlier date's month, as PostgreSQL's timestamp_age does. Both are local times.
Interval Age(int64_t a_ns, int64_t b_ns) {
  const Fields a = FieldsOf(a_ns), b = FieldsOf(b_ns);
  const bool negative = a_ns < b_ns;
  const int sign = negative ? -1 : 1;
  int64_t ns = sign * (a.ns - b.ns), day = sign * (a.day - b.day), month = sign * (a.month - b.month), year = sign * (a.year - b.year);
  if (ns < 0) ns += kNsPerDay, --day;
  while (day < 0) {
    const Fields& earlier = negative ? a : b;
    day += DaysInMonth(earlier.year, earlier.month);
    --month;
  }
  while (month < 0) month += 12, --year;
  const int64_t months = sign * (year * 12 + month);
  if (months < INT32_MIN || months > INT32_MAX) throw Error(SqlState::kDatetimeFieldOverflow, "interval out of range");
  return Interval{int32_t(months), int32_t(sign * day), sign * ns};
}

// Midnight of the statement's date in the session zone, as a local time.
int64_t LocalMidnightToday() {
  const int64_t local = SessionZone().UtcToLocal(StatementClock::Now());
  return FloorDiv(local, kNsPerDay) * kNsPerDay;
}

// make_interval(years, months, weeks, days, hours, mins, secs): the binder fills parameters the
// call left out with 0 (sql/named_arguments.cpp).
void MakeInterval(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    int64_t months, days, ns;
    const double secs = a[6]->f64()[r];
    const double whole_ns = std::nearbyint(secs * 1e6) * 1e3;
    if (__builtin_mul_overflow(a[0]->i64()[r], int64_t(12), &months) || __builtin_add_overflow(months, a[1]->i64()[r], &months) ||
        __builtin_mul_overflow(a[2]->i64()[r], int64_t(7), &days) || __builtin_add_overflow(days, a[3]->i64()[r], &days) ||
        months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX || !std::isfinite(secs) ||
        std::fabs(whole_ns) > 9.2e18 || __builtin_mul_overflow(a[4]->i64()[r], kNsPerHour, &ns) ||
        __builtin_add_overflow(ns, a[5]->i64()[r] * kNsPerMin, &ns) || __builtin_add_overflow(ns, int64_t(whole_ns), &ns))
      throw Error(SqlState::kDatetimeFieldOverflow, "interval out of range");
    o.iv()[r] = Interval{int32_t(months), int32_t(days), ns};
  });
}

void AlwaysTrue(Args, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) { o.i64()[r] = 1; });
}

}  // namespace

void RegisterTimeConstructFunctions(FunctionRegistry& r) {
  AddScalar(r, "make_date", {I4, I4, I4}, D, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = CheckedDays(a[0]->i64()[k], a[1]->i64()[k], a[2]->i64()[k]); });
  }, "date from year, month, day (a negative year is BC)", "make_date(2013, 7, 15) → 2013-07-15");
  AddScalar(r, "make_timestamp", {I4, I4, I4, I4, I4, F8}, TS, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = MakeLocalTimestamp(a, k); });
  }, "timestamp from year, month, day, hour, minute, seconds", "make_timestamp(2013, 7, 15, 8, 15, 23.5) → 2013-07-15 08:15:23.5");
  AddScalar(r, "make_timestamptz", {I4, I4, I4, I4, I4, F8}, TZ, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = SessionZone().LocalToUtc(MakeLocalTimestamp(a, k)); });
  }, "timestamptz from fields in the session time zone", "make_timestamptz(2013, 7, 15, 8, 15, 23.5) → 2013-07-15 08:15:23.5+00");
  AddScalar(r, "make_timestamptz", {I4, I4, I4, I4, I4, F8, T}, TZ, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      std::shared_ptr<const TimeZone> keep;
      o.i64()[k] = ZoneNamed(a[6]->str()[k], &keep).LocalToUtc(MakeLocalTimestamp(a, k));
    });
  }, "timestamptz from fields in the given time zone", "make_timestamptz(2013, 7, 15, 8, 15, 23.5, 'America/New_York') → 2013-07-15 12:15:23.5+00");
  AddScalar(r, "make_time", {I4, I4, F8}, TM, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = TimeOfDay(a[0]->i64()[k], a[1]->i64()[k], a[2]->f64()[k]); });
  }, "time from hour, minute, seconds", "make_time(8, 15, 23.5) → 08:15:23.5");
  AddScalar(r, "make_interval", {I4, I4, I4, I4, I4, I4, F8}, IV, MakeInterval,
            "interval from years, months, weeks, days, hours, minutes, seconds (each defaults to 0; named arguments work)",
            "make_interval(days => 10) → 10 days");
  AddScalar(r, "age", {TS, TS}, IV, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.iv()[k] = Age(a[0]->i64()[k], a[1]->i64()[k]); });
  }, "symbolic difference in years, months, days", "age(timestamp '2001-04-10', timestamp '1957-06-13') → 43 years 9 mons 27 days");
  AddScalar(r, "age", {TZ, TZ}, IV, [](Args a, size_t n, Vector& o) {
    const TimeZone& zone = SessionZone();
    ForEachValid(o, n, [&](size_t k) {
      const int64_t x = a[0]->i64()[k], y = a[1]->i64()[k];
      Interval iv = Age(zone.UtcToLocal(x), zone.UtcToLocal(y));
      o.iv()[k] = iv;
    });
  }, "symbolic difference of the local times in years, months, days", "age(timestamptz '2001-04-10', timestamptz '1957-06-13') → 43 years 9 mons 27 days");
  AddScalar(r, "age", {TS}, IV, [](Args a, size_t n, Vector& o) {
    const int64_t today = LocalMidnightToday();
    ForEachValid(o, n, [&](size_t k) { o.iv()[k] = Age(today, a[0]->i64()[k]); });
  }, "age from the argument to today (midnight)", "age(timestamp '1957-06-13') → 69 years 5 mons 25 days");
  AddScalar(r, "age", {TZ}, IV, [](Args a, size_t n, Vector& o) {
    const int64_t today = LocalMidnightToday();
    const TimeZone& zone = SessionZone();
    ForEachValid(o, n, [&](size_t k) { o.iv()[k] = Age(today, zone.UtcToLocal(a[0]->i64()[k])); });
  }, "age from the argument to today (midnight, session time zone)", "age(timestamptz '1957-06-13') → 69 years 5 mons 25 days");
  // Values here are always finite (no 'infinity' input): true for every non-NULL argument.
  for (TypeId t : {D, TS, TZ, IV})
    AddScalar(r, "isfinite", {t}, B, AlwaysTrue, "whether the value is finite (not +/-infinity)", "isfinite(date '2001-02-16') → t");
}

}  // namespace yunhe
