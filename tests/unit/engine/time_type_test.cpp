// The time type on disk: a time column comes back from the WAL and from part files (type id 16,
// docs/format.md), and an older reader's limit on type ids does not reject it.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::CloseAsInACrash;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;


TEST(TimeType, ComesBackFromTheWalAndFromParts) {
  const std::string dir = FreshDir("time-type");
  {
    auto db = OpenOrDie(dir);
    Ok(*db, "CREATE TABLE shifts (starts time, breaks time[])");
    Ok(*db, "INSERT INTO shifts VALUES ('08:00:00.25', '{12:00,15:30}')");
    Ok(*db, "CHECKPOINT");  // in a part file
    Ok(*db, "INSERT INTO shifts VALUES ('22:00', NULL)");  // in the WAL only
    CloseAsInACrash(db);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, "SELECT string_agg(starts::text, ',' ORDER BY starts) FROM shifts"), "08:00:00.25,22:00:00");
  EXPECT_EQ(Scalar(*db, "SELECT breaks[2] FROM shifts WHERE breaks IS NOT NULL"), "15:30:00");
  EXPECT_EQ(Scalar(*db, "SELECT pg_typeof(starts)::text FROM shifts LIMIT 1"), "time without time zone");
}

}  // namespace
}  // namespace yunhe
