// Upserts on a key that includes the designated timestamp under a small memory_limit: a time
// partition's key map holds only its newest rows (storage/primary_key.cpp, CoveredKeys), and a
// key at or before the time those rows start is looked up in the older groups by their zone
// maps. Late rows must still replace the rows they repeat — from a statement, inside a
// transaction block, after a checkpoint and after reopening — exactly as when every key fits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/memory_limit.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

// One day partition; 300,000 in-order rows, then late rows repeating keys of every age.
const char* kCreate =
    "CREATE TABLE m (ts timestamptz NOT NULL, k int, v double precision, PRIMARY KEY (ts, k)) PARTITION BY RANGE (ts) "
    "WITH (partition_interval = '1 day')";
std::string Rows(int from, int to, const std::string& v) {
  return "INSERT INTO m SELECT timestamptz '2026-03-01 00:00:00+00' + (x / 4) * interval '1 second', x % 4, " + v +
         " FROM generate_series(" + std::to_string(from) + ", " + std::to_string(to) + ") x";
}
const std::vector<std::string> kStatements{
    kCreate,
    Rows(0, 99999, "x"),
    Rows(100000, 299999, "x"),
    Rows(10, 20, "-1"),                // late: the oldest rows
    Rows(150000, 150100, "-2"),        // late: the middle
    Rows(299000, 299999, "-3"),        // recent: in the map
    Rows(299990, 300100, "-4"),        // recent and new rows
    "INSERT INTO m VALUES (timestamptz '2026-03-01 00:00:05+00', 1, -5) ON CONFLICT (ts, k) DO UPDATE SET v = excluded.v",
    "DELETE FROM m WHERE ts = timestamptz '2026-03-01 00:00:06+00'",
    Rows(24, 27, "-6"),                // late, into keys just deleted: new rows again
};
const char* kCheck = "SELECT count(*) || '/' || sum(k) || '/' || sum(v) || '/' || count(*) FILTER (WHERE v < 0) FROM m";

std::string Reference() {
  auto db = OpenOrDie("");  // every key fits the default memory limit
  for (auto& s : kStatements) Ok(*db, s);
  return Scalar(*db, kCheck);
}

struct SmallLimit {
  uint64_t saved = MemoryLimitBytes();
  SmallLimit() { SetMemoryLimitBytes(8ull << 20); }  // maps of 65,536 newest keys
  ~SmallLimit() { SetMemoryLimitBytes(saved); }
};

TEST(BoundedKeyMaps, LateRowsReplaceWhatTheyRepeat) {
  const std::string expected = Reference();
  SmallLimit limit;
  {
    auto db = OpenOrDie("");
    for (auto& s : kStatements) Ok(*db, s);
    EXPECT_EQ(Scalar(*db, kCheck), expected);
  }
  const std::string dir = FreshDir("bounded-key-maps");
  {
    auto db = OpenOrDie(dir);
    for (size_t i = 0; i < 3; ++i) Ok(*db, kStatements[i]);
    ASSERT_TRUE(db->Checkpoint().ok());  // the old rows sealed into a part
    for (size_t i = 3; i < kStatements.size(); ++i) Ok(*db, kStatements[i]);
    EXPECT_EQ(Scalar(*db, kCheck), expected);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kCheck), expected);
  // Late rows again, now in a transaction block (a private copy looking through the live maps).
  Session s(*db);
  Ok(s, "BEGIN");
  Ok(s, Rows(10, 20, "-1"));
  Ok(s, Rows(200000, 200003, "-7"));
  Ok(s, "COMMIT");
  auto ref = OpenOrDie("");
  for (auto& st : kStatements) Ok(*ref, st);
  Ok(*ref, Rows(10, 20, "-1"));
  Ok(*ref, Rows(200000, 200003, "-7"));
  EXPECT_EQ(Scalar(*db, kCheck), Scalar(*ref, kCheck));
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM m"), "300101");
}

}  // namespace
}  // namespace yunhe
