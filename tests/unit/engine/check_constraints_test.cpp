// CHECK constraints across restarts and ingest paths (engine/check_constraints.h): they come
// back from the WAL and from a checkpoint (renamed columns included), and COPY and line protocol
// rows are checked like INSERT's.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;
using testing::StateOf;

TEST(CheckConstraints, ComeBackAfterRestarts) {
  testing::ExpectAfterRestarts("checks",
                               [](Database& db) {
                                 Ok(db, "CREATE TABLE m (id int, v float8 CHECK (v >= 0), CONSTRAINT ordered CHECK (id < 100))");
                                 Ok(db, "ALTER TABLE m RENAME COLUMN v TO value");
                                 Ok(db, "ALTER TABLE m ADD CONSTRAINT small CHECK (value < 50)");
                                 Ok(db, "INSERT INTO m VALUES (1, 2.5)");
                               },
                               [](Database& db) {
                                 EXPECT_EQ(StateOf(db, "INSERT INTO m VALUES (2, -1)"), "23514");
                                 EXPECT_EQ(StateOf(db, "INSERT INTO m VALUES (200, 1)"), "23514");
                                 EXPECT_EQ(StateOf(db, "INSERT INTO m VALUES (3, 60)"), "23514");
                                 Ok(db, "INSERT INTO m VALUES (3, 4)");
                                 EXPECT_EQ(Scalar(db, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE contype = 'c'"),
                                           "m_v_check,ordered,small");
                                 EXPECT_EQ(Scalar(db, "SELECT count(*) FROM m"), "2");
                               });
}

TEST(CheckConstraints, CopyAndLineProtocolRowsAreChecked) {
  const std::string dir = FreshDir("checks-ingest");
  auto db = OpenOrDie(dir);
  Ok(*db, "CREATE TABLE cpu (time timestamp, host text, usage float8 CHECK (usage BETWEEN 0 AND 100))");
  const std::string csv = dir + "/rows.csv";
  std::ofstream(csv) << "2024-01-01 00:00:00,a,50\n2024-01-01 00:00:01,b,150\n";
  EXPECT_EQ(StateOf(*db, "COPY cpu FROM '" + csv + "' WITH (FORMAT csv)"), "23514");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM cpu"), "0");  // the COPY is one statement
  const std::string lp = dir + "/points.lp";
  std::ofstream(lp) << "cpu,host=a usage=20 1704067200000000000\ncpu,host=b usage=120 1704067201000000000\n";
  // Line protocol rejects the point alone, naming its line, and writes the others.
  auto r = db->ExecuteStatement("COPY cpu FROM '" + lp + "' WITH (FORMAT lineprotocol)");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  std::string notices;
  for (const std::string& n : r.notices) notices += n + "\n";
  EXPECT_NE(notices.find("line 2"), std::string::npos) << notices;
  EXPECT_NE(notices.find("violates check constraint \"cpu_usage_check\""), std::string::npos) << notices;
  EXPECT_EQ(Scalar(*db, "SELECT string_agg(host || '=' || usage, ',') FROM cpu"), "a=20");
}

// A check reading current_user binds it as a constant: the bound checks are cached per role, so
// one role's binding never judges another's rows (was keyed by table and text only).
TEST(CheckConstraints, CurrentUserIsTheWritersEachTime) {
  auto db = OpenOrDie(FreshDir("checks-current-user"));
  Ok(*db, "CREATE ROLE alice LOGIN");
  Ok(*db, "CREATE ROLE bob LOGIN");
  Ok(*db, "CREATE TABLE notes (owner text CHECK (owner = current_user), note text)");
  Ok(*db, "GRANT INSERT ON notes TO alice, bob");
  Session alice(*db), bob(*db);
  alice.SetLoginUser("alice");
  bob.SetLoginUser("bob");
  EXPECT_EQ(StateOf(alice, "INSERT INTO notes VALUES ('alice', 'a')"), "ok");
  EXPECT_EQ(StateOf(bob, "INSERT INTO notes VALUES ('alice', 'b')"), "23514");
  EXPECT_EQ(StateOf(bob, "INSERT INTO notes VALUES ('bob', 'b')"), "ok");
  EXPECT_EQ(StateOf(alice, "INSERT INTO notes VALUES ('bob', 'a')"), "23514");
}

}  // namespace
}  // namespace yunhe
