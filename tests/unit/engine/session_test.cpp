// engine::Session: parse once, decide once, settings of its own, a block that holds the database,
// reads that do not wait, results that stream.
#include "engine/session.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "test_database.h"

namespace yunhe {
namespace {

using testing::OpenOrDie;

std::string First(const QueryResult& r) {
  if (!r.status.ok()) return "error: " + r.status.message();
  if (r.chunks.empty() || r.chunks[0].count == 0) return "<none>";
  return r.chunks[0].columns[0].GetValue(0).ToString();
}

std::string One(Session& s, const std::string& sql) {
  auto results = s.Execute(sql);
  return results.empty() ? "<nothing>" : First(results.back());
}

TEST(Session, SyntaxErrorAnywhereRunsNothing) {
  auto db = OpenOrDie("");
  Session s(*db);
  ASSERT_EQ(One(s, "CREATE TABLE t (a int)"), "<none>");
  auto results = s.Execute("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); SELEC 3");
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].status.sqlstate(), SqlState::kSyntaxError);
  // The position counts from the start of the whole text, as PostgreSQL's.
  EXPECT_EQ(results[0].status.position(), 53);  // the S of SELEC
  EXPECT_EQ(One(s, "SELECT count(*) FROM t"), "0");
}

TEST(Session, SyntaxErrorInsideABlockFailsTheBlock) {
  auto db = OpenOrDie("");
  Session s(*db);
  One(s, "CREATE TABLE t (a int)");
  One(s, "BEGIN; INSERT INTO t VALUES (1)");
  EXPECT_EQ(s.TransactionStatus(), 'T');
  EXPECT_EQ(s.Execute("SELEC 1").back().status.sqlstate(), SqlState::kSyntaxError);
  EXPECT_EQ(s.TransactionStatus(), 'E');
  EXPECT_EQ(s.Execute("SELECT 1").back().status.sqlstate(), SqlState::kInFailedTransaction);
  One(s, "COMMIT");  // a failed block ends in ROLLBACK
  EXPECT_EQ(s.TransactionStatus(), 'I');
  EXPECT_EQ(One(s, "SELECT count(*) FROM t"), "0");
}

TEST(Session, SettingsBelongToTheSession) {
  auto db = OpenOrDie("");
  Session a(*db), b(*db);
  One(a, "SET timezone = 'Asia/Shanghai'");
  EXPECT_EQ(One(a, "SHOW timezone"), "Asia/Shanghai");
  EXPECT_EQ(One(b, "SHOW timezone"), "UTC");
  EXPECT_EQ(One(a, "SELECT '2024-01-01 00:00:00+00'::timestamptz::text"), "2024-01-01 08:00:00+08");
  EXPECT_EQ(One(b, "SELECT '2024-01-01 00:00:00+00'::timestamptz::text"), "2024-01-01 00:00:00+00");
}

TEST(Session, WriteBlocksHoldNothingBetweenStatements) {
  auto db = OpenOrDie("");
  Session writer(*db), reader(*db);
  One(writer, "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)");
  One(writer, "BEGIN; INSERT INTO t VALUES (3)");
  EXPECT_FALSE(writer.holds_database());
  EXPECT_EQ(writer.TransactionStatus(), 'T');
  EXPECT_EQ(One(reader, "SELECT count(*) FROM t"), "2");  // not committed: not seen
  EXPECT_EQ(One(writer, "SELECT count(*) FROM t"), "3");  // its own change: seen
  // Another session writes while the block is open, and commits first.
  One(reader, "INSERT INTO t VALUES (10)");
  EXPECT_EQ(One(writer, "SELECT count(*) FROM t"), "4");  // READ COMMITTED: the commit and its own row
  One(writer, "COMMIT");
  EXPECT_EQ(One(reader, "SELECT count(*), sum(a) FROM t"), "4");
}

TEST(Session, DdlInsideABlockHoldsTheDatabaseUntilItEnds) {
  auto db = OpenOrDie("");
  Session writer(*db), reader(*db);
  One(writer, "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)");
  One(writer, "BEGIN; INSERT INTO t VALUES (3); CREATE TABLE u (b int)");
  EXPECT_TRUE(writer.holds_database());
  // Another thread's lone SELECT reads the state the block started from, without waiting.
  std::string seen;
  std::thread t([&] { seen = One(reader, "SELECT count(*) FROM t"); });
  t.join();
  EXPECT_EQ(seen, "2");
  // A write of another session waits until the block ends.
  std::atomic<bool> inserted{false};
  std::thread w([&] {
    Session other(*db);
    One(other, "INSERT INTO t VALUES (10)");
    inserted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(inserted);  // correctness, not timing: it cannot have run while the block holds the lock
  One(writer, "COMMIT");
  EXPECT_FALSE(writer.holds_database());
  w.join();
  EXPECT_TRUE(inserted);
  EXPECT_EQ(One(reader, "SELECT count(*) FROM t"), "4");
}

TEST(Session, EndingWithAnOpenBlockRollsItBack) {
  auto db = OpenOrDie("");
  One(db->DefaultSession(), "CREATE TABLE t (a int)");
  {
    Session s(*db);
    One(s, "BEGIN; INSERT INTO t VALUES (1)");
  }
  Session s(*db);
  EXPECT_EQ(One(s, "SELECT count(*) FROM t"), "0");
}

TEST(Session, ReadsStreamChunkByChunkAfterLettingTheDatabaseGo) {
  auto db = OpenOrDie("");
  Session s(*db);
  One(s, "CREATE TABLE big AS SELECT x FROM generate_series(1, 100000) x");
  Session::Script script = s.Parse("SELECT x FROM big");
  ASSERT_TRUE(script.error.ok());
  ResultStream rows = s.Run(script.statements[0]);
  ASSERT_TRUE(rows.result().status.ok());
  ASSERT_TRUE(rows.result().returns_rows);
  EXPECT_EQ(rows.result().names, std::vector<std::string>{"x"});
  EXPECT_FALSE(s.holds_database());
  // While the read streams, a writer goes on; the read does not see its row.
  Session writer(*db);
  One(writer, "INSERT INTO big VALUES (0)");
  size_t chunks = 0, n = 0;
  int64_t sum = 0;
  DataChunk chunk;
  while (rows.Next(&chunk)) {
    ++chunks;
    n += chunk.count;
    for (size_t r = 0; r < chunk.count; ++r) sum += chunk.columns[0].GetValue(r).i;
  }
  EXPECT_GT(chunks, 1u);
  EXPECT_EQ(n, 100000u);
  EXPECT_EQ(sum, int64_t(100000) * 100001 / 2);
  EXPECT_EQ(rows.result().tag, "SELECT 100000");
}

TEST(Session, AnErrorWhileRowsStreamEndsTheStreamWithIt) {
  auto db = OpenOrDie("");
  Session s(*db);
  One(s, "CREATE TABLE d AS SELECT x FROM generate_series(-50000, 50000) x");
  Session::Script script = s.Parse("SELECT 1 / x FROM d");
  ResultStream rows = s.Run(script.statements[0]);
  ASSERT_TRUE(rows.result().status.ok());
  DataChunk chunk;
  while (rows.Next(&chunk)) {
  }
  EXPECT_EQ(rows.result().status.sqlstate(), SqlState::kDivisionByZero);
}

TEST(Session, ReadsInsideABlockStreamTheirOwnChangesAndAnErrorFailsTheBlock) {
  auto db = OpenOrDie("");
  Session s(*db);
  One(s, "CREATE TABLE t AS SELECT x FROM generate_series(1, 10000) x");
  One(s, "BEGIN; DELETE FROM t WHERE x > 5000; INSERT INTO t VALUES (-1)");
  Session::Script script = s.Parse("SELECT x FROM t");
  ResultStream rows = s.Run(script.statements[0]);
  EXPECT_FALSE(s.holds_database());  // the rows stream from the block's private copy
  size_t n = 0;
  DataChunk chunk;
  while (rows.Next(&chunk)) n += chunk.count;
  EXPECT_EQ(n, 5001u);
  EXPECT_EQ(rows.result().tag, "SELECT 5001");
  EXPECT_EQ(s.TransactionStatus(), 'T');
  // An error while a read inside the block streams fails the block, as in PostgreSQL.
  script = s.Parse("SELECT 1 / (x - 3000) FROM t");
  ResultStream bad = s.Run(script.statements[0]);
  while (bad.Next(&chunk)) {
  }
  EXPECT_EQ(bad.result().status.sqlstate(), SqlState::kDivisionByZero);
  EXPECT_EQ(s.TransactionStatus(), 'E');
  One(s, "ROLLBACK");
  EXPECT_EQ(One(s, "SELECT count(*) FROM t"), "10000");
}

TEST(Session, CopyFromStdinReadsTheSessionsData) {
  auto db = OpenOrDie("");
  Session s(*db);
  One(s, "CREATE TABLE c (a int, b text)");
  s.SetCopyInput("1\tone\n2\ttwo\n");
  auto r = s.Execute("COPY c FROM STDIN");
  ASSERT_TRUE(r.back().status.ok()) << r.back().status.message();
  EXPECT_EQ(r.back().tag, "COPY 2");
  EXPECT_EQ(One(s, "SELECT string_agg(b, ',' ORDER BY a) FROM c"), "one,two");
}

}  // namespace
}  // namespace yunhe
