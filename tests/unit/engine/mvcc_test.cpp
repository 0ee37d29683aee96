// Transaction blocks that write on private copies (engine/workspace.h): they hold nothing between
// statements, see their own changes and not others' uncommitted ones, and at COMMIT the first
// committer wins (40001 / 23505 for the second, nothing of it applied). Two sessions on one
// thread interleave freely: neither holds the database between its statements.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/session.h"
#include "session_answer.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::OpenOrDie;
using testing::Sql;

// Runs sql on s in a thread of its own (it may wait for a row lock); join() gives its answer.
class Background {
 public:
  Background(Session& s, std::string sql) : thread_([this, &s, sql] { answer_ = Sql(s, sql); }) {}
  std::string join() {
    thread_.join();
    return answer_;
  }

 private:
  std::string answer_;
  std::thread thread_;
};

TEST(Mvcc, ASecondUpdaterWaitsThenUpdatesTheNewVersion) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)");
  Sql(a, "BEGIN; UPDATE t SET v = v + 1 WHERE k = 1");
  Sql(b, "BEGIN; UPDATE t SET v = v + 100 WHERE k = 2");  // another row: no wait
  Background second(b, "UPDATE t SET v = v + 10 WHERE k = 1");  // waits for a's block
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Sql(c, "SELECT v FROM t WHERE k = 1"), "0");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(second.join(), "UPDATE 1");  // READ COMMITTED: on the version a committed
  EXPECT_EQ(Sql(b, "SELECT v FROM t WHERE k = 1"), "11");
  EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT sum(v) FROM t"), "111");
}

// Waiters for a row queue in arrival order (PostgreSQL's tuple locks): when the holder commits,
// the first waiter takes the row; the second waits on until the first ends, then updates what the
// first committed.
TEST(Mvcc, WaitersForARowTakeItInTurn) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db), d(*db);
  Sql(d, "CREATE TABLE t (k int PRIMARY KEY, v text); INSERT INTO t VALUES (1, '')");
  Sql(a, "BEGIN; UPDATE t SET v = v || 'a' WHERE k = 1");
  Sql(b, "BEGIN");
  Sql(c, "BEGIN");
  Background second(b, "UPDATE t SET v = v || 'b' WHERE k = 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Background third(c, "UPDATE t SET v = v || 'c' WHERE k = 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(second.join(), "UPDATE 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(Sql(d, "SELECT v FROM t"), "a");  // c still waits for b
  EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");
  EXPECT_EQ(third.join(), "UPDATE 1");
  EXPECT_EQ(Sql(c, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(d, "SELECT v FROM t"), "abc");
  // A first waiter whose statement no longer wants the row (its WHERE fails on the new version)
  // lets the next one have it without ending its block, also when it wrote the table before.
  Sql(a, "BEGIN; UPDATE t SET v = 'x' WHERE k = 1");
  Sql(d, "INSERT INTO t VALUES (2, '')");
  Sql(b, "BEGIN; UPDATE t SET v = 'b' WHERE k = 2");
  Sql(c, "BEGIN");
  Background fourth(b, "UPDATE t SET v = v || 'b' WHERE k = 1 AND v = 'abc'");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Background fifth(c, "UPDATE t SET v = v || 'c' WHERE k = 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(fourth.join(), "UPDATE 0");
  EXPECT_EQ(fifth.join(), "UPDATE 1");  // b's block is still open
  EXPECT_EQ(Sql(c, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(d, "SELECT v FROM t WHERE k = 1"), "xc");
}

TEST(Mvcc, ARepeatableReadUpdaterFailsAfterWaitingForACommit) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)");
  Sql(a, "BEGIN; UPDATE t SET v = v + 1 WHERE k = 1");
  Sql(b, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM t");
  Background second(b, "UPDATE t SET v = v + 10 WHERE k = 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(second.join(), "error 40001");
  Sql(b, "ROLLBACK");
  // ... and goes on when the holder rolls back instead.
  Sql(a, "BEGIN; UPDATE t SET v = v + 1 WHERE k = 1");
  Sql(b, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM t");
  Background third(b, "UPDATE t SET v = v + 10 WHERE k = 1");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Sql(a, "ROLLBACK");
  EXPECT_EQ(third.join(), "UPDATE 1");
  EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT v FROM t"), "11");
}

TEST(Mvcc, AnAutocommitUpdateWaitsForTheBlockHoldingTheRow) {
  auto db = OpenOrDie("");
  Session a(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)");
  Sql(a, "BEGIN; DELETE FROM t WHERE k = 2");
  Background update(c, "UPDATE t SET v = 5 WHERE k = 2");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(update.join(), "UPDATE 0");  // the row it waited for is gone
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM t"), "1");
}

TEST(Mvcc, ReadCommittedUpdatesTheNewVersionOfARowChangedSinceItsCopy) {
  auto db = OpenOrDie("");
  Session a(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)");
  Sql(a, "BEGIN; UPDATE t SET v = 1 WHERE k = 1; SAVEPOINT s; INSERT INTO t VALUES (3, 3)");
  Sql(c, "UPDATE t SET v = 5 WHERE k = 2");  // a holds no lock on k = 2: commits at once
  EXPECT_EQ(Sql(a, "UPDATE t SET v = v + 1 WHERE k = 2"), "UPDATE 1");
  EXPECT_EQ(Sql(a, "SELECT string_agg(k || ':' || v, ',' ORDER BY k) FROM t"), "1:1,2:6,3:3");
  EXPECT_EQ(Sql(a, "ROLLBACK TO s"), "error 0A000");  // its copy of t was taken anew since
  Sql(a, "ROLLBACK");
  Sql(a, "BEGIN; UPDATE t SET v = 1 WHERE k = 1");
  Sql(c, "UPDATE t SET v = 7 WHERE k = 2");
  EXPECT_EQ(Sql(a, "UPDATE t SET v = v + 1 WHERE k = 2"), "UPDATE 1");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT string_agg(k || ':' || v, ',' ORDER BY k) FROM t"), "1:1,2:8");
}

TEST(Mvcc, DeadlocksAreDetected) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)");
  Sql(a, "BEGIN; UPDATE t SET v = 1 WHERE k = 1");
  Sql(b, "BEGIN; UPDATE t SET v = 2 WHERE k = 2");
  Background first(a, "UPDATE t SET v = 1 WHERE k = 2");  // waits for b
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(Sql(b, "UPDATE t SET v = 2 WHERE k = 1"), "error 40P01");  // would wait for a
  Sql(b, "ROLLBACK");
  EXPECT_EQ(first.join(), "UPDATE 1");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT sum(v) FROM t"), "2");
}

TEST(Mvcc, AFailedCommitAppliesNothing) {
  auto db = OpenOrDie("");
  Session a(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); CREATE TABLE log (msg text); INSERT INTO t VALUES (1, 0)");
  Sql(a, "BEGIN; INSERT INTO log VALUES ('a was here'); UPDATE t SET v = 1 WHERE k = 1");
  // A writer that does not wait for row locks (as ingest) deletes the row first.
  c.Locked([](Database& d) {
    d.AssertHeld();
    EXPECT_TRUE(d.RunAsStatement("ingest", [&](QueryResult&) { d.ExecuteNested("DELETE FROM t WHERE k = 1"); }).status.ok());
  });
  EXPECT_EQ(Sql(a, "COMMIT"), "error 40001");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM log"), "0");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM t"), "0");
}

TEST(Mvcc, TheSameNewKeyFromTwoBlocksFailsTheSecondCommit) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)");
  Sql(a, "BEGIN; INSERT INTO t VALUES (5, 1)");
  Sql(b, "BEGIN; INSERT INTO t VALUES (5, 2)");
  EXPECT_EQ(Sql(a, "INSERT INTO t VALUES (1, 9)"), "error 23505");  // a key it sees: at once
  Sql(a, "ROLLBACK");
  Sql(a, "BEGIN; INSERT INTO t VALUES (5, 1)");
  EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");
  auto results = a.Execute("COMMIT");
  EXPECT_EQ(results.back().status.sqlstate(), SqlState::kUniqueViolation);
  EXPECT_EQ(results.back().status.message(), "duplicate key value violates unique constraint \"t_pkey\"");
  EXPECT_EQ(Sql(c, "SELECT v FROM t WHERE k = 5"), "2");
}

// A COMMIT that fails half-way (the second table's key was taken) applies nothing, also on the
// path where the ending block lets go of its copies and undo log before appending.
TEST(Mvcc, AFailedCommitOfSmallAppendsAppliesNothing) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db);
  Sql(c, "CREATE TABLE h (n int); CREATE TABLE t (k int PRIMARY KEY)");
  Sql(a, "BEGIN; INSERT INTO h VALUES (1), (2); INSERT INTO t VALUES (7)");
  Sql(b, "BEGIN; INSERT INTO t VALUES (7); INSERT INTO h VALUES (3)");
  EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");
  auto results = a.Execute("COMMIT");
  EXPECT_EQ(results.back().status.sqlstate(), SqlState::kUniqueViolation);
  EXPECT_EQ(Sql(c, "SELECT count(*) || '|' || sum(n) FROM h"), "1|3");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM t"), "1");
  EXPECT_EQ(a.TransactionStatus(), 'I');
  // A later block of the same session appends as usual.
  Sql(a, "BEGIN; INSERT INTO h VALUES (4)");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT count(*) || '|' || sum(n) FROM h"), "2|7");
}

TEST(Mvcc, AppendsNeverConflict) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db);
  Sql(c, "CREATE TABLE m (ts timestamptz, v double precision)");
  Sql(a, "BEGIN; INSERT INTO m SELECT '2024-01-01'::timestamptz + g * interval '1 s', g FROM generate_series(1, 5000) g");
  Sql(b, "BEGIN; INSERT INTO m SELECT '2024-01-01'::timestamptz + g * interval '1 s', -g FROM generate_series(1, 3000) g");
  Sql(c, "INSERT INTO m VALUES (now(), 0)");
  EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(a, "SELECT count(*) FROM m"), "8001");  // READ COMMITTED: its own rows and all committed ones
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM m"), "8001");
  EXPECT_EQ(Sql(c, "SELECT sum(v) FROM m"), std::to_string(5000 * 5001 / 2 - 3000 * 3001 / 2));
}

TEST(Mvcc, ReadCommittedSeesNewCommitsRepeatableReadKeepsItsSnapshot) {
  auto db = OpenOrDie("");
  Session rc(*db), rr(*db), c(*db);
  Sql(c, "CREATE TABLE t (a int); CREATE TABLE u (a int); INSERT INTO t VALUES (1)");
  Sql(rc, "BEGIN; INSERT INTO u VALUES (1)");
  Sql(rr, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM t");
  Sql(c, "INSERT INTO t VALUES (2)");
  EXPECT_EQ(Sql(rc, "SELECT count(*) FROM t"), "2");  // READ COMMITTED: the new commit
  EXPECT_EQ(Sql(rr, "SELECT count(*) FROM t"), "1");  // REPEATABLE READ: its first statement's view
  EXPECT_EQ(Sql(rr, "INSERT INTO u SELECT a FROM t"), "INSERT 0 1");
  EXPECT_EQ(Sql(rr, "SELECT count(*) FROM u"), "1");  // its own row, not rc's
  EXPECT_EQ(Sql(rc, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(rr, "SELECT count(*) FROM t"), "1");
  EXPECT_EQ(Sql(rr, "COMMIT"), "COMMIT");  // appends only: no conflict
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM u"), "2");
}

TEST(Mvcc, RepeatableReadUpdateOfARowChangedSinceItsSnapshotFails) {
  auto db = OpenOrDie("");
  Session rr(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)");
  Sql(rr, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT v FROM t");
  Sql(c, "UPDATE t SET v = 7 WHERE k = 1");
  EXPECT_EQ(Sql(rr, "UPDATE t SET v = v + 1 WHERE k = 1"), "error 40001");  // no lost update, as PostgreSQL
  EXPECT_EQ(Sql(rr, "COMMIT"), "ROLLBACK");
  EXPECT_EQ(Sql(c, "SELECT v FROM t"), "7");
}

TEST(Mvcc, PromotionKeepsTheChangesAndTheSavepointsAfterThem) {
  auto db = OpenOrDie("");
  Session a(*db), c(*db);
  Sql(c, "CREATE TABLE t (a int)");
  // psql's ON_ERROR_ROLLBACK sets a savepoint right before each statement: DDL may fail and be
  // rolled back to it.
  Sql(a, "BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s; CREATE TABLE x (b int)");
  EXPECT_TRUE(a.holds_database());
  EXPECT_EQ(Sql(a, "ROLLBACK TO s"), "ROLLBACK");
  EXPECT_EQ(Sql(a, "SELECT count(*) FROM t"), "1");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM t"), "1");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM x"), "error 42P01");
  // A savepoint with changes after it cannot be rolled back to once they were merged.
  Sql(a, "BEGIN; SAVEPOINT s; INSERT INTO t VALUES (2); CREATE TABLE y (b int)");
  EXPECT_EQ(Sql(a, "ROLLBACK TO s"), "error 0A000");
  EXPECT_EQ(a.TransactionStatus(), 'E');
  EXPECT_EQ(Sql(a, "ROLLBACK"), "ROLLBACK");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM t"), "1");
}

TEST(Mvcc, SavepointsInsideAWorkspace) {
  auto db = OpenOrDie("");
  Session a(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY)");
  Sql(a, "BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s; INSERT INTO t VALUES (2); DELETE FROM t WHERE k = 1");
  EXPECT_EQ(Sql(a, "INSERT INTO t VALUES (2)"), "error 23505");
  EXPECT_EQ(Sql(a, "ROLLBACK TO s"), "ROLLBACK");
  EXPECT_EQ(Sql(a, "INSERT INTO t VALUES (2)"), "INSERT 0 1");  // the rolled-back 2 is gone
  Sql(a, "SAVEPOINT s2");
  EXPECT_EQ(Sql(a, "INSERT INTO t VALUES (1)"), "error 23505");  // the restored 1 is back
  Sql(a, "ROLLBACK TO s2");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT string_agg(k::text, ',' ORDER BY k) FROM t"), "1,2");
}

TEST(Mvcc, ACheckpointBetweenWriteAndCommit) {
  const std::string dir = FreshDir("mvcc-checkpoint");
  {
    auto db = OpenOrDie(dir);
    Session a(*db), b(*db), c(*db);
    Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t SELECT g, 0 FROM generate_series(1, 100) g");
    Sql(a, "BEGIN; UPDATE t SET v = 1 WHERE k = 1");
    Sql(b, "BEGIN; INSERT INTO t VALUES (1000, 1)");
    Sql(c, "CHECKPOINT");  // re-lays t: row ids of a's snapshot no longer name the same rows
    EXPECT_EQ(Sql(a, "COMMIT"), "error 40001");
    EXPECT_EQ(Sql(b, "COMMIT"), "COMMIT");  // appends do not care
    EXPECT_EQ(Sql(c, "SELECT count(*), sum(v) FROM t"), "101");
  }
  auto db = OpenOrDie(dir);  // committed rows survive the restart, the failed block's do not
  Session c(*db);
  EXPECT_EQ(Sql(c, "SELECT sum(v) FROM t"), "1");
  std::filesystem::remove_all(dir);
}

TEST(Mvcc, UpsertBlocks) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db), c(*db);
  Sql(c, "CREATE TABLE p (ts timestamptz, host text, v double precision, PRIMARY KEY (host, ts)) PARTITION BY RANGE (ts)");
  Sql(c, "INSERT INTO p VALUES ('2024-01-01', 'a', 1)");
  Sql(a, "BEGIN; INSERT INTO p VALUES ('2024-01-01', 'a', 2), ('2024-01-01', 'b', 2)");
  EXPECT_EQ(Sql(a, "SELECT count(*) FROM p"), "2");
  Sql(b, "INSERT INTO p VALUES ('2024-01-01', 'b', 3)");  // a new point a also wrote: last write wins
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM p"), "2");
  EXPECT_EQ(Sql(c, "SELECT sum(v) FROM p"), "4");
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

TEST(Mvcc, ReadCommittedStatementsSeeOthersCommitsToTablesTheBlockWrote) {
  auto db = OpenOrDie("");
  Session a(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)");
  Sql(a, "BEGIN; INSERT INTO t VALUES (3, 3); DELETE FROM t WHERE k = 1");
  Sql(c, "INSERT INTO t VALUES (4, 4); UPDATE t SET v = 9 WHERE k = 2");
  // PostgreSQL: each statement of a READ COMMITTED block sees what was committed before it.
  EXPECT_EQ(Sql(a, "SELECT string_agg(k || ':' || v, ',' ORDER BY k) FROM t"), "2:9,3:3,4:4");
  EXPECT_EQ(Sql(a, "UPDATE t SET v = v + 1 WHERE k >= 3"), "UPDATE 2");
  EXPECT_EQ(Sql(c, "SELECT string_agg(k || ':' || v, ',' ORDER BY k) FROM t"), "1:0,2:9,4:4");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT string_agg(k || ':' || v, ',' ORDER BY k) FROM t"), "2:9,3:4,4:5");
  // REPEATABLE READ keeps its snapshot.
  Sql(a, "BEGIN ISOLATION LEVEL REPEATABLE READ; INSERT INTO t VALUES (5, 5)");
  Sql(c, "INSERT INTO t VALUES (6, 6)");
  EXPECT_EQ(Sql(a, "SELECT count(*) FROM t"), "4");
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT count(*) FROM t"), "5");
}

// A statement that does not read a table the block wrote leaves that copy as it is; the next
// statement that reads it, directly or through a view, sees what others committed meanwhile.
TEST(Mvcc, CopiesAreRetakenForTheStatementsThatReadThem) {
  auto db = OpenOrDie("");
  Session a(*db), c(*db);
  Sql(c, "CREATE TABLE t (k int PRIMARY KEY, v int); CREATE TABLE u (k int PRIMARY KEY, v int); CREATE VIEW tv AS SELECT * FROM t");
  Sql(c, "INSERT INTO t VALUES (1, 0); INSERT INTO u VALUES (1, 0)");
  Sql(a, "BEGIN; UPDATE t SET v = 1 WHERE k = 1; UPDATE u SET v = 1 WHERE k = 1");
  Sql(c, "INSERT INTO t VALUES (2, 2)");
  EXPECT_EQ(Sql(a, "UPDATE u SET v = v + 1 WHERE k = 1"), "UPDATE 1");  // names u only
  EXPECT_EQ(Sql(a, "SELECT sum(v) FROM tv"), "3");                     // t through a view: 1 + 2
  Sql(c, "INSERT INTO t VALUES (3, 3)");
  EXPECT_EQ(Sql(a, "INSERT INTO u SELECT k + 10, v FROM t WHERE k = 3"), "INSERT 0 1");  // t by name
  EXPECT_EQ(Sql(a, "COMMIT"), "COMMIT");
  EXPECT_EQ(Sql(c, "SELECT string_agg(k || ':' || v, ',' ORDER BY k) FROM t"), "1:1,2:2,3:3");
  EXPECT_EQ(Sql(c, "SELECT string_agg(k || ':' || v, ',' ORDER BY k) FROM u"), "1:2,13:3");
}

}  // namespace
}  // namespace yunhe
