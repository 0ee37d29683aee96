// Time zones for TIMESTAMPTZ input, output and calendar arithmetic. Zones come from the system's
// tz database (/usr/share/zoneinfo, TZif files, Debian package tzdata): the transitions in the
// file, then its POSIX TZ rule for later times. POSIX strings ("UTC+8", "CET-1CEST,M3.5.0,
// M10.5.0/3") and fixed offsets work too. Times are ns since the epoch; offsets are seconds east
// of UTC (local = utc + offset).
//
// The session zone is process-wide (like the statement clock): the engine sets it before each
// statement from SET timezone, and every kernel reads it, including on worker threads.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace yunhe {

class TimeZone {
 public:
  // A zone by name: a tz database name ("Europe/Berlin", "Asia/Shanghai", "UTC"), or a POSIX TZ
  // string. nullptr if unknown.
  static std::shared_ptr<const TimeZone> Find(const std::string& name);
  // Fixed offset, seconds east of UTC; named the way PostgreSQL shows it ("<+05:30>-05:30").
  static std::shared_ptr<const TimeZone> Fixed(int32_t offset_seconds, std::string name = "");
  static std::shared_ptr<const TimeZone> Utc();

  const std::string& name() const { return name_; }
  bool is_utc() const { return is_utc_; }
  // Offset in effect at a UTC instant.
  int32_t OffsetAt(int64_t utc_ns) const;
  // UTC instant of a local wall time, resolving DST gaps and overlaps as PostgreSQL does:
  // a time skipped by a spring-forward is read with the offset before the change (02:30 becomes
  // 03:30 summer time), a repeated time of a fall-back with the offset after it (standard time).
  int64_t LocalToUtc(int64_t local_ns) const;
  int64_t UtcToLocal(int64_t utc_ns) const { return utc_ns + int64_t(OffsetAt(utc_ns)) * 1000000000; }
  // The abbreviation in effect at a UTC instant ("CST", "CEST", "+0530"), from the tz database
  // or the POSIX rule; the offset written out (+08, +05:30) where the zone has none.
  std::string AbbreviationAt(int64_t utc_ns) const;

 private:
  struct Rule;  // POSIX TZ rule
  bool LoadTzif(const std::string& bytes);
  bool ParsePosix(const std::string& spec);
  int32_t RuleOffsetAt(int64_t utc_s) const;

  std::string name_;
  bool is_utc_ = false;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset after each transition
  std::vector<std::string> abbreviations_;  // abbreviation after each transition
  std::string initial_abbreviation_;
  int32_t initial_offset_ = 0;        // before the first transition
  std::shared_ptr<Rule> rule_;        // after the last transition (or alone)
};

// The zone of the statement running on this thread (UTC until SET timezone); kept in the
// thread's statement context (common/statement_context.h).
const TimeZone& SessionZone();
std::shared_ptr<const TimeZone> SessionZonePtr();
void SetSessionZone(std::shared_ptr<const TimeZone> zone);

// Formats an offset the PostgreSQL way: +HH, +HH:MM, +HH:MM:SS.
std::string FormatUtcOffset(int32_t offset_seconds);

}  // namespace yunhe
