// Dates, timestamps and intervals: parsing and printing the PostgreSQL way.
// Inside the engine a timestamp is int64 nanoseconds since 1970-01-01 UTC; a date is int32 days.
#pragma once
#include <cstdint>
#include <string>

#include "common/value.h"

namespace yunhe {

inline constexpr int64_t kNsPerUs = 1000;
inline constexpr int64_t kNsPerMs = 1000 * kNsPerUs;
inline constexpr int64_t kNsPerSec = 1000 * kNsPerMs;
inline constexpr int64_t kNsPerMin = 60 * kNsPerSec;
inline constexpr int64_t kNsPerHour = 60 * kNsPerMin;
inline constexpr int64_t kNsPerDay = 24 * kNsPerHour;

// Division rounding toward negative infinity.
inline int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// Midnight of a date as a timestamp; 22008 "date out of range for timestamp" past the
// nanosecond range (1677-2262).
int64_t DateToTimestamp(int64_t days);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

// "2024-03-01"; false on bad syntax or an impossible date.
bool ParseDate(const std::string& s, int64_t* days);
// "2024-03-01 12:00:00.5", "2024-03-01T12:00:00Z", "2024-03-01 12:00+08"; a zone offset, when
// present, is applied so the result is UTC. *had_zone tells whether one was given.
bool ParseTimestamp(const std::string& s, int64_t* ns, bool* had_zone);
// True when s is a well-formed date or timestamp with a field out of range ('2023-02-29',
// '2024-13-01', '25:00'): PostgreSQL's 22008 rather than a syntax error.
bool DateTimeFieldOutOfRange(const std::string& s);
// The zone offset (ns east of UTC) written in a timestamp literal, 0 when none.
int64_t ZoneOffsetOf(const std::string& s);
// "1 day 02:00:00", "5 minutes", "1 year 2 mons", "-1 day", "@ 1 hour ago", "PT1H".
bool ParseInterval(const std::string& s, Interval* out);

// time of day: "12:34", "12:34:56.789", or a timestamp's time part; rounded to microseconds
// as PostgreSQL keeps them ('23:59:59.9999999' is 24:00:00). *out_of_range: well formed but
// a field too large ('25:00').
bool ParseTime(const std::string& s, int64_t* ns, bool* out_of_range);
std::string FormatTime(int64_t ns);  // "12:34:56", "12:34:56.5"
std::string FormatDate(int64_t days);
std::string FormatTimestamp(int64_t ns);
std::string FormatTimestampTz(int64_t ns);  // in the session time zone: "2024-01-01 01:00:00+01"
std::string FormatInterval(const Interval& iv);

// Adds an interval with calendar semantics (months clamp to the month's last day), as PostgreSQL.
int64_t AddInterval(int64_t ts_ns, const Interval& iv, int sign = 1);
// timestamptz + interval in the session time zone: months and days keep the local wall-clock
// time across DST changes, the time part is elapsed time.
int64_t AddIntervalTz(int64_t ts_ns, const Interval& iv, int sign = 1);

// time_bucket(width, ts, origin): the start of the width-wide bucket holding ts, buckets aligned
// to origin; widths in months bucket on the calendar (from the origin's month).
int64_t TimeBucket(const Interval& width, int64_t ts, int64_t origin);
// TimescaleDB's default origin, 2000-01-03 (a Monday, so weekly buckets start on Mondays).
extern const int64_t kTimeBucketOrigin;

}  // namespace yunhe
