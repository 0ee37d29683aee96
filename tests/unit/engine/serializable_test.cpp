// SERIALIZABLE blocks (engine/serializable.h): the interleavings below end as they do on
// PostgreSQL 15 (each was run there with psycopg2 first): write skew, a cycle through inserts
// (phantoms) and the read-only anomaly fail one COMMIT with 40001; REPEATABLE READ lets write
// skew through. Two sessions on one thread interleave freely (neither holds the database
// between statements).
#include <gtest/gtest.h>

#include "engine/serializable.h"
#include "engine/session.h"
#include "session_answer.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::OpenOrDie;
using testing::Sql;

constexpr const char* kBegin = "BEGIN ISOLATION LEVEL SERIALIZABLE";

class Serializable : public ::testing::Test {
 protected:
  void SetUp() override {
    db = OpenOrDie("");
    a = std::make_unique<Session>(*db);
    b = std::make_unique<Session>(*db);
    c = std::make_unique<Session>(*db);
    Sql(*c, "CREATE TABLE doctors (name text PRIMARY KEY, on_call bool); INSERT INTO doctors VALUES ('alice', true), ('bob', true)");
  }
  // Both read who is on call, each takes one doctor off call; neither has committed.
  void BothGoOffCall(const char* begin) {
    Sql(*a, begin);
    EXPECT_EQ(Sql(*a, "SELECT count(*) FROM doctors WHERE on_call"), "2");
    Sql(*b, begin);
    EXPECT_EQ(Sql(*b, "SELECT count(*) FROM doctors WHERE on_call"), "2");
    EXPECT_EQ(Sql(*a, "UPDATE doctors SET on_call = false WHERE name = 'alice'"), "UPDATE 1");
    EXPECT_EQ(Sql(*b, "UPDATE doctors SET on_call = false WHERE name = 'bob'"), "UPDATE 1");
  }
  // ... and a commits first.
  void WriteSkew(const char* begin, const std::string& second_commit) {
    BothGoOffCall(begin);
    EXPECT_EQ(Sql(*a, "COMMIT"), "COMMIT");
    EXPECT_EQ(Sql(*b, "COMMIT"), second_commit);
  }
  std::unique_ptr<Database> db;
  std::unique_ptr<Session> a, b, c;
};

TEST_F(Serializable, WriteSkewFailsTheSecondCommit) {
  WriteSkew(kBegin, "error 40001");
  EXPECT_EQ(Sql(*c, "SELECT count(*) FROM doctors WHERE on_call"), "1");
  EXPECT_EQ(db->serializable().tracked(), 0u);  // nothing kept once no block overlaps
}

TEST_F(Serializable, RepeatableReadLetsWriteSkewThrough) {
  WriteSkew("BEGIN ISOLATION LEVEL REPEATABLE READ", "COMMIT");
  EXPECT_EQ(Sql(*c, "SELECT count(*) FROM doctors WHERE on_call"), "0");
}

TEST_F(Serializable, TheFailureSaysWhyAndEndsTheBlock) {
  BothGoOffCall(kBegin);
  Sql(*a, "COMMIT");
  const QueryResult r = b->Execute("COMMIT").back();
  EXPECT_EQ(r.status.message(), "could not serialize access due to read/write dependencies among transactions");
  EXPECT_EQ(r.status.hint(), "The transaction might succeed if retried.");
  EXPECT_EQ(b->TransactionStatus(), 'I');
  EXPECT_EQ(Sql(*b, "SELECT on_call FROM doctors WHERE name = 'bob'"), "t");
}

TEST_F(Serializable, ARolledBackBlockConflictsWithNothing) {
  BothGoOffCall(kBegin);
  EXPECT_EQ(Sql(*a, "ROLLBACK"), "ROLLBACK");
  EXPECT_EQ(Sql(*b, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(*c, "SELECT count(*) FROM doctors WHERE on_call"), "1");
}

TEST_F(Serializable, PointReadsAndWritesOfDifferentKeysBothCommit) {
  Sql(*c, "CREATE TABLE acc (k int PRIMARY KEY, v int); INSERT INTO acc SELECT g, 100 FROM generate_series(1, 1000) g");
  Sql(*a, kBegin);
  EXPECT_EQ(Sql(*a, "SELECT v FROM acc WHERE k = 1"), "100");
  Sql(*b, kBegin);
  EXPECT_EQ(Sql(*b, "SELECT v FROM acc WHERE k = 2"), "100");
  EXPECT_EQ(Sql(*a, "UPDATE acc SET v = v - 10 WHERE k = 1"), "UPDATE 1");
  EXPECT_EQ(Sql(*b, "UPDATE acc SET v = v + 10 WHERE k = 2"), "UPDATE 1");
  EXPECT_EQ(Sql(*a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(*b, "COMMIT"), "COMMIT");  // PostgreSQL fails it: its predicate locks cover the index page
  EXPECT_EQ(Sql(*c, "SELECT sum(v) FROM acc"), "100000");
  // The same keys crosswise: a reads 3 and writes 4, b reads 4 and writes 3.
  Sql(*a, kBegin);
  Sql(*a, "SELECT v FROM acc WHERE k = 3");
  Sql(*b, kBegin);
  Sql(*b, "SELECT v FROM acc WHERE k IN (4, 5)");
  Sql(*a, "UPDATE acc SET v = 0 WHERE k = 4");
  Sql(*b, "UPDATE acc SET v = 0 WHERE k = 3");
  EXPECT_EQ(Sql(*a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(*b, "COMMIT"), "error 40001");
}

TEST_F(Serializable, InsertsIntoWhatTheOtherReadFormACycle) {
  Sql(*c, "CREATE TABLE p (v int); CREATE TABLE q (v int); CREATE TABLE u (k int PRIMARY KEY); CREATE TABLE w (k int PRIMARY KEY)");
  Sql(*a, kBegin);
  EXPECT_EQ(Sql(*a, "SELECT count(*) FROM p"), "0");
  Sql(*b, kBegin);
  EXPECT_EQ(Sql(*b, "SELECT count(*) FROM q"), "0");
  Sql(*a, "INSERT INTO q VALUES (1)");
  Sql(*b, "INSERT INTO p VALUES (1)");
  EXPECT_EQ(Sql(*a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(*b, "COMMIT"), "error 40001");
  // A point lookup that found nothing still read its key: inserting that key conflicts.
  Sql(*a, kBegin);
  EXPECT_EQ(Sql(*a, "SELECT count(*) FROM u WHERE k = 5"), "0");
  Sql(*b, kBegin);
  EXPECT_EQ(Sql(*b, "SELECT count(*) FROM w WHERE k = 5"), "0");
  Sql(*a, "INSERT INTO w VALUES (5)");
  Sql(*b, "INSERT INTO u VALUES (5)");
  EXPECT_EQ(Sql(*a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(*b, "COMMIT"), "error 40001");
}

// Fekete, O'Neil and O'Neil's read-only anomaly: t3 only reads, yet t2 must not commit after it.
TEST_F(Serializable, TheReadOnlyAnomaly) {
  Session t1(*db), t2(*db), t3(*db);
  Sql(*c, "CREATE TABLE bal (k text PRIMARY KEY, v int); INSERT INTO bal VALUES ('x', 0), ('y', 0)");
  Sql(t2, kBegin);
  EXPECT_EQ(Sql(t2, "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')"), "0");
  Sql(t1, kBegin);
  Sql(t1, "UPDATE bal SET v = v + 20 WHERE k = 'x'");
  EXPECT_EQ(Sql(t1, "COMMIT"), "COMMIT");
  Sql(t3, kBegin);
  EXPECT_EQ(Sql(t3, "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')"), "20");
  EXPECT_EQ(Sql(t3, "COMMIT"), "COMMIT");
  Sql(t2, "UPDATE bal SET v = v - 11 WHERE k = 'y'");
  EXPECT_EQ(Sql(t2, "COMMIT"), "error 40001");  // PostgreSQL fails it at the UPDATE already
  EXPECT_EQ(Sql(*c, "SELECT v FROM bal WHERE k = 'y'"), "0");
  // Without t3's read in between, t2 commits: it is serializable before t1.
  Sql(t2, kBegin);
  Sql(t2, "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')");
  Sql(t1, kBegin);
  Sql(t1, "UPDATE bal SET v = v + 20 WHERE k = 'x'");
  EXPECT_EQ(Sql(t1, "COMMIT"), "COMMIT");
  Sql(t2, "UPDATE bal SET v = v - 11 WHERE k = 'y'");
  EXPECT_EQ(Sql(t2, "COMMIT"), "COMMIT");
}

TEST_F(Serializable, APromotedBlockWritesEveryTableItTouched) {
  Sql(*a, kBegin);
  Sql(*a, "SELECT count(*) FROM doctors WHERE on_call");
  Sql(*b, kBegin);
  Sql(*b, "SELECT count(*) FROM doctors WHERE on_call");
  Sql(*b, "UPDATE doctors SET on_call = false WHERE name = 'bob'");
  EXPECT_EQ(Sql(*b, "COMMIT"), "COMMIT");
  // a now holds the database (DDL promotes its block); its update meets what b read.
  EXPECT_EQ(Sql(*a, "CREATE TABLE notes (t text)"), "error 40001");  // b's commit changed a's snapshot (as REPEATABLE READ)
  Sql(*a, "ROLLBACK");
  Sql(*c, "UPDATE doctors SET on_call = true");
  Sql(*b, kBegin);
  Sql(*b, "SELECT count(*) FROM doctors WHERE on_call");
  Sql(*a, kBegin);
  Sql(*a, "SELECT count(*) FROM doctors WHERE on_call");
  Sql(*a, "CREATE TABLE notes (t text)");
  EXPECT_TRUE(a->holds_database());
  Sql(*a, "UPDATE doctors SET on_call = false WHERE name = 'alice'");
  EXPECT_EQ(Sql(*a, "COMMIT"), "COMMIT");
  Sql(*b, "UPDATE doctors SET on_call = false WHERE name = 'bob'");
  EXPECT_EQ(Sql(*b, "COMMIT"), "error 40001");
  EXPECT_EQ(Sql(*c, "SELECT count(*) FROM doctors WHERE on_call"), "1");
  EXPECT_EQ(db->serializable().tracked(), 0u);
}

// A session whose transactions are SERIALIZABLE runs each statement outside a block as one.
TEST_F(Serializable, AutocommittedStatementsTakePart) {
  Sql(*b, "SET default_transaction_isolation = serializable");
  Sql(*a, kBegin);
  Sql(*a, "SELECT count(*) FROM doctors WHERE on_call");
  EXPECT_EQ(Sql(*b, "UPDATE doctors SET on_call = false WHERE name = 'bob' AND (SELECT count(*) FROM doctors WHERE on_call) > 1"),
            "UPDATE 1");
  Sql(*a, "UPDATE doctors SET on_call = false WHERE name = 'alice'");
  EXPECT_EQ(Sql(*a, "COMMIT"), "error 40001");  // PostgreSQL fails its UPDATE already
  EXPECT_EQ(Sql(*c, "SELECT count(*) FROM doctors WHERE on_call"), "1");
  // The read-only anomaly with an autocommitted reader.
  Session t1(*db), t2(*db);
  Sql(*c, "CREATE TABLE bal (k text PRIMARY KEY, v int); INSERT INTO bal VALUES ('x', 0), ('y', 0)");
  Sql(t2, kBegin);
  Sql(t2, "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')");
  Sql(t1, kBegin);
  Sql(t1, "UPDATE bal SET v = v + 20 WHERE k = 'x'");
  EXPECT_EQ(Sql(t1, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(*b, "SELECT sum(v) FROM bal WHERE k IN ('x', 'y')"), "20");
  Sql(t2, "UPDATE bal SET v = v - 11 WHERE k = 'y'");
  EXPECT_EQ(Sql(t2, "COMMIT"), "error 40001");
  // Alone, autocommitted statements keep nothing around.
  EXPECT_EQ(Sql(*b, "UPDATE bal SET v = 1 WHERE k = 'y'"), "UPDATE 1");
  EXPECT_EQ(Sql(*b, "SELECT v FROM bal WHERE k = 'y'"), "1");
  EXPECT_EQ(db->serializable().tracked(), 0u);
}

TEST(SsiItems, WholeTablesKeysAndTheCatalog) {
  SsiItems read, written;
  read.AddKey(1, 10);
  written.AddKey(1, 11);
  EXPECT_FALSE(read.Meets(written));
  written.AddKey(1, 10);
  EXPECT_TRUE(read.Meets(written));
  SsiItems other;
  other.AddWhole(2);
  EXPECT_FALSE(read.Meets(other));
  read.AddWhole(2);
  EXPECT_TRUE(read.Meets(other));
  SsiItems catalog;
  catalog.all = true;
  EXPECT_TRUE(read.Meets(catalog));
  EXPECT_FALSE(SsiItems().Meets(catalog));  // read nothing
  // A write of more keys than kept counts as the whole table.
  SsiItems bulk;
  SsiItems::OfTable& of = bulk.tables[3];
  for (uint64_t k = 0; k <= SsiItems::kMaxKeys; ++k) SsiItems::AddWrittenKey(of, k);
  EXPECT_TRUE(of.whole);
  EXPECT_TRUE(of.keys.empty());
  SsiItems point;
  point.AddKey(3, 1u << 30);  // a key the bulk write never named
  EXPECT_TRUE(point.Meets(bulk));
}

}  // namespace
}  // namespace yunhe
