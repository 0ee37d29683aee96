// Time zones: offsets checked against the C library's localtime_r over the same tz database,
// and PostgreSQL's documented handling of DST gaps and overlaps.
#include "common/timezone.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>

#include "common/time_util.h"

namespace yunhe {
namespace {

constexpr int64_t kNs = 1000000000;

int64_t Utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return (DaysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) * kNs;
}

TEST(TimeZone, MatchesLibcOffsets) {
  std::mt19937_64 rng(7);
  for (const char* name : {"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Shanghai", "Asia/Kolkata",
                           "America/Sao_Paulo", "Pacific/Chatham", "Africa/Casablanca", "Europe/London"}) {
    auto zone = TimeZone::Find(name);
    ASSERT_TRUE(zone) << name;
    setenv("TZ", name, 1);
    tzset();
    // 1901..2099: the file's transitions and, after 2037, its POSIX rule.
    std::uniform_int_distribution<int64_t> dist(-2145916800LL, 4102444800LL);
    for (int k = 0; k < 3000; ++k) {
      time_t t = time_t(dist(rng));
      struct tm tm;
      localtime_r(&t, &tm);
      ASSERT_EQ(zone->OffsetAt(int64_t(t) * kNs), tm.tm_gmtoff) << name << " at " << t;
    }
  }
  unsetenv("TZ");
  tzset();
}

TEST(TimeZone, TransitionsToTheSecond) {
  auto berlin = TimeZone::Find("Europe/Berlin");
  EXPECT_EQ(berlin->OffsetAt(Utc(2024, 3, 31, 0, 59, 59)), 3600);
  EXPECT_EQ(berlin->OffsetAt(Utc(2024, 3, 31, 1, 0, 0)), 7200);
  EXPECT_EQ(berlin->OffsetAt(Utc(2024, 10, 27, 0, 59, 59)), 7200);
  EXPECT_EQ(berlin->OffsetAt(Utc(2024, 10, 27, 1, 0, 0)), 3600);
  // Beyond the file's last transition the POSIX rule takes over.
  EXPECT_EQ(berlin->OffsetAt(Utc(2150, 7, 1)), 7200);
  EXPECT_EQ(berlin->OffsetAt(Utc(2150, 1, 1)), 3600);
}

TEST(TimeZone, LocalToUtcFollowsPostgres) {
  auto ny = TimeZone::Find("America/New_York");
  // Spring forward: 02:30 does not exist; read as standard time, i.e. 03:30 EDT.
  EXPECT_EQ(ny->LocalToUtc(Utc(2018, 3, 11, 2, 30)), Utc(2018, 3, 11, 7, 30));
  // Fall back: 01:30 happens twice; standard time (the later instant) wins.
  EXPECT_EQ(ny->LocalToUtc(Utc(2018, 11, 4, 1, 30)), Utc(2018, 11, 4, 6, 30));
  // Ordinary times.
  EXPECT_EQ(ny->LocalToUtc(Utc(2018, 7, 1, 12, 0)), Utc(2018, 7, 1, 16, 0));
  EXPECT_EQ(ny->LocalToUtc(Utc(2018, 1, 1, 12, 0)), Utc(2018, 1, 1, 17, 0));
  auto sydney = TimeZone::Find("Australia/Sydney");
  EXPECT_EQ(sydney->LocalToUtc(Utc(2024, 1, 1, 11, 0)), Utc(2024, 1, 1, 0, 0));
  // Round trip for every hour of a year with two transitions.
  auto berlin = TimeZone::Find("Europe/Berlin");
  for (int64_t t = Utc(2024, 1, 1); t < Utc(2025, 1, 1); t += 3600 * kNs) {
    int64_t local = berlin->UtcToLocal(t);
    int64_t back = berlin->LocalToUtc(local);
    // Only the repeated hour of the fall-back maps to the later (standard time) instant.
    if (back != t) {
      EXPECT_EQ(back, t + 3600 * kNs) << t;
    }
  }
}

TEST(TimeZone, NamesAndPosixStrings) {
  EXPECT_TRUE(TimeZone::Find("UTC")->is_utc());
  EXPECT_TRUE(TimeZone::Find("europe/berlin"));  // case-insensitive, like PostgreSQL
  EXPECT_EQ(TimeZone::Find("europe/berlin")->name(), "Europe/Berlin");
  EXPECT_FALSE(TimeZone::Find("Mars/Olympus_Mons"));
  EXPECT_FALSE(TimeZone::Find("../../etc/passwd"));
  // POSIX: UTC+8 is eight hours *west* of Greenwich.
  auto posix = TimeZone::Find("UTC+8");
  ASSERT_TRUE(posix);
  EXPECT_EQ(posix->OffsetAt(0), -8 * 3600);
  auto rule = TimeZone::Find("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->OffsetAt(Utc(2030, 7, 1)), 7200);
  EXPECT_EQ(rule->OffsetAt(Utc(2030, 12, 1)), 3600);
  auto fixed = TimeZone::Fixed(5 * 3600 + 1800);
  EXPECT_EQ(fixed->name(), "<+05:30>-05:30");
  EXPECT_EQ(FormatUtcOffset(-9 * 3600), "-09");
  EXPECT_EQ(FormatUtcOffset(5 * 3600 + 45 * 60), "+05:45");
  // Found by fuzz_pgwire (UBSan, a TimeZone startup parameter): digits past any offset or rule
  // number overflowed an int; such a string is no time zone.
  EXPECT_FALSE(TimeZone::Find("Asi" + std::string(60, '3') + "a0Shan"));
  EXPECT_FALSE(TimeZone::Find("UTC" + std::string(30, '9')));
  EXPECT_FALSE(TimeZone::Find("CET-1CEST,M3.5.0,M10.5.0/" + std::string(30, '9')));
  EXPECT_FALSE(TimeZone::Find("CET-1CEST,M" + std::string(30, '9') + ".5.0,M10.5.0/3"));
}

}  // namespace
}  // namespace yunhe
