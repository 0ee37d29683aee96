// A statement that appends more rows than memory_limit lets stay resident seals its full row
// groups into part files before it commits (Durability::SealStatementGroups): the table's
// resident rows stay bounded during the statement; the answers equal an in-memory run's after
// the commit, after a reopen from the WAL (the unnamed parts removed) and after a checkpoint
// (which names the parts instead of writing the rows again); a rollback, a failed statement or
// ROLLBACK TO a savepoint leaves no file behind and no row.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "engine/database.h"
#include "hourly_table.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::CloseAsInACrash;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::AnswerInMemory;
using testing::HourlyInsert;
using testing::kHourlyCheck;
using testing::kHourlyCreate;
using testing::Scalar;
using testing::Unnamed;

// 8 MB: past 4 MB of resident rows a statement seals its groups, at least ~1 MB of estimated
// rows (about 20,000 rows here) at a time.
struct SmallLimit : testing::ScopedMemoryLimit {
  SmallLimit() : ScopedMemoryLimit(8ull << 20) {}
};



size_t ResidentRows(Database& db) { return db.catalog().FindTable("t")->data.resident_rows(); }

std::set<std::string> PartFiles(const std::string& dir) {
  std::set<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".part") out.insert(e.path().filename().string());
  return out;
}

size_t StatementParts(const std::string& dir) {
  size_t n = 0;
  for (auto& f : PartFiles(dir)) n += f.find("-s") != std::string::npos;
  return n;
}

TEST(StatementSeal, LargeStatementKeepsFewRowsResidentAndItsPartsAreNamedByTheNextCheckpoint) {
  SmallLimit limit;
  const std::vector<std::string> statements{kHourlyCreate, HourlyInsert(1, 300000)};
  const std::string expected = AnswerInMemory(statements);
  const std::string dir = FreshDir("statement-seal");
  {
    auto db = OpenOrDie(dir);
    for (auto& s : statements) Ok(*db, s);
    EXPECT_GE(db->wal_stats().statement_seals, 3u);
    // 300,000 rows appended; the tail may hold half the limit (~80,000 rows) and seals go by an
    // eighth of it (~20,000 rows).
    EXPECT_LT(ResidentRows(*db), 100000u);
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    EXPECT_GT(StatementParts(dir), 0u);
    Ok(*db, "CHECKPOINT");  // names the statement's parts (no rows written again)
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  EXPECT_GT(StatementParts(dir), 0u) << "the checkpoint rewrote the statement's rows instead of naming its parts";
}

// CREATE TABLE AS streams its query into the new table like INSERT ... SELECT (it collected the
// whole result first: 30M rows with a text column failed with 53200 at memory_limit 1GB).
TEST(StatementSeal, CreateTableAsSealsAsItGoes) {
  SmallLimit limit;
  const std::string query = "SELECT x AS k, 'row-' || x AS s FROM generate_series(1, 300000) x";
  const std::string check = "SELECT count(*) || '/' || sum(k) || '/' || count(DISTINCT s) FROM t";
  const std::string expected = AnswerInMemory({"CREATE TABLE t AS " + query}, check);
  const std::string dir = FreshDir("statement-seal-ctas");
  {
    auto db = OpenOrDie(dir);
    Ok(*db, "CREATE TABLE t AS " + query);
    EXPECT_GE(db->wal_stats().statement_seals, 3u);
    EXPECT_LT(ResidentRows(*db), 150000u);
    EXPECT_EQ(Scalar(*db, check), expected);
    CloseAsInACrash(db);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, check), expected);
}

// Rows of wide text are sealed as early as their memory asks: the resident estimate counted 48
// bytes a text cell, so 20,000 rows of 4 kB (80 MB at an 8 MB memory_limit) stayed resident, and
// a 600,000-row CREATE TABLE AS of 2 kB cells failed with 53200 at a 64 MB limit.
TEST(StatementSeal, WideTextIsSealedByItsBytes) {
  SmallLimit limit;
  const std::string insert = "INSERT INTO w SELECT x, repeat('y', 4000) || x FROM generate_series(1, 20000) x";
  const std::string check = "SELECT count(*) || '/' || sum(k) || '/' || sum(length(s)) FROM w";
  const std::string expected = AnswerInMemory({"CREATE TABLE w (k int, s text)", insert}, check);
  const std::string dir = FreshDir("statement-seal-wide");
  {
    auto db = OpenOrDie(dir);
    Ok(*db, "CREATE TABLE w (k int, s text)");
    Ok(*db, insert);
    EXPECT_GE(db->wal_stats().statement_seals, 3u);
    EXPECT_LT(db->catalog().FindTable("w")->data.resident_rows(), 5000u);  // 4 MB is ~1,000 rows
    EXPECT_EQ(Scalar(*db, check), expected);
    CloseAsInACrash(db);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, check), expected);
}

TEST(StatementSeal, CrashBeforeACheckpointReplaysTheWalAndLeavesNoPart) {
  SmallLimit limit;
  const std::vector<std::string> statements{kHourlyCreate, HourlyInsert(1, 200000), "DELETE FROM t WHERE k % 7 = 0", HourlyInsert(200001, 260000)};
  const std::string expected = AnswerInMemory(statements);
  const std::string dir = FreshDir("statement-seal-crash");
  {
    auto db = OpenOrDie(dir);
    for (auto& s : statements) Ok(*db, s);
    EXPECT_GE(db->wal_stats().statement_seals, 2u);
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    CloseAsInACrash(db);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  EXPECT_TRUE(Unnamed(dir).empty()) << *Unnamed(dir).begin();
}

// Recovery of a WAL larger than memory: the replayed rows are sealed into parts as they pass
// half of memory_limit (they all stayed resident: 30M rows of text in a crashed CREATE TABLE AS
// reopened at 2.75 GB of RSS with a 1 GB limit), and the WAL is read a frame at a time.
TEST(StatementSeal, ReplayOfALargeStatementSealsAsItGoes) {
  const std::vector<std::string> statements{kHourlyCreate, HourlyInsert(1, 300000)};
  const std::string expected = AnswerInMemory(statements);
  const std::string dir = FreshDir("statement-seal-replay");
  {
    // Written under a large limit (nothing sealed or checkpointed: all 300,000 rows only in the
    // WAL), reopened under a small one.
    testing::ScopedMemoryLimit large(1ull << 30);
    auto db = OpenOrDie(dir);
    for (auto& s : statements) Ok(*db, s);
    EXPECT_EQ(db->wal_stats().statement_seals, 0u);
    EXPECT_EQ(ResidentRows(*db), 300000u);
    CloseAsInACrash(db);
  }
  SmallLimit limit;
  for (int open = 0; open < 2; ++open) {  // twice: parts sealed by a replay go if it crashes too
    auto db = OpenOrDie(dir);
    // Sealed during the replay (in one 16 MB batch of WAL frames here).
    EXPECT_GE(db->wal_stats().statement_seals, 1u);
    EXPECT_LT(ResidentRows(*db), 150000u);
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    CloseAsInACrash(db);
  }
  {
    auto db = OpenOrDie(dir);
    Ok(*db, "CHECKPOINT");  // names the parts the replay sealed
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  EXPECT_EQ(ResidentRows(*db), 0u);
}

TEST(StatementSeal, RollbackAndFailedStatementsLeaveNoRowAndNoFile) {
  SmallLimit limit;
  const std::string dir = FreshDir("statement-seal-rollback");
  auto db = OpenOrDie(dir);
  Ok(*db, kHourlyCreate);
  Ok(*db, HourlyInsert(1, 1000));
  const std::string before = Scalar(*db, kHourlyCheck);
  const std::set<std::string> parts_before = PartFiles(dir);
  Ok(*db, "BEGIN");
  Ok(*db, HourlyInsert(1001, 150000));
  EXPECT_GE(db->wal_stats().statement_seals, 1u);
  Ok(*db, "ROLLBACK");
  EXPECT_EQ(Scalar(*db, kHourlyCheck), before);
  EXPECT_EQ(PartFiles(dir), parts_before);
  // Fails at its last row (division by zero), after sealing.
  const uint64_t seals = db->wal_stats().statement_seals;
  auto r = db->ExecuteStatement(
      "INSERT INTO t SELECT timestamptz '2026-03-01 00:00:00+00' + x * interval '100 ms', x, 1.0 / (150000 - x) FROM "
      "generate_series(1001, 150000) x");
  EXPECT_FALSE(r.status.ok());
  EXPECT_GT(db->wal_stats().statement_seals, seals);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), before);
  EXPECT_EQ(PartFiles(dir), parts_before);
  Ok(*db, HourlyInsert(1001, 2000));
  db.reset();
  db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), AnswerInMemory({kHourlyCreate, HourlyInsert(1, 2000)}));
}

// A transaction block writes a private copy of the table (engine/workspace.h): its rows are
// sealed there, read back a group at a time at COMMIT and sealed again in the live table.
TEST(StatementSeal, BlockWritingMoreThanTheLimitCommits) {
  SmallLimit limit;
  const std::string dir = FreshDir("statement-seal-block");
  const std::vector<std::string> statements{kHourlyCreate, HourlyInsert(1, 5000), "DELETE FROM t WHERE k % 3 = 0", HourlyInsert(5001, 150000),
                                            "DELETE FROM t WHERE k % 5 = 0", HourlyInsert(150001, 151000)};
  const std::string expected = AnswerInMemory(statements);
  {
    auto db = OpenOrDie(dir);
    Ok(*db, statements[0]);
    Ok(*db, statements[1]);
    Ok(*db, "BEGIN");
    for (size_t i = 2; i < statements.size(); ++i) Ok(*db, statements[i]);
    const uint64_t in_block = db->wal_stats().statement_seals;
    EXPECT_GE(in_block, 1u);
    Ok(*db, "COMMIT");
    EXPECT_GT(db->wal_stats().statement_seals, in_block);
    EXPECT_LT(ResidentRows(*db), 100000u);
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  EXPECT_TRUE(Unnamed(dir).empty()) << *Unnamed(dir).begin();
}

// In a block holding the database (promoted by DDL), an append that tops up a group the block
// made before a savepoint, rolled back after the group filled, must find it resident: such
// groups are not sealed.
TEST(StatementSeal, RollbackToASavepointAfterASeal) {
  SmallLimit limit;
  const std::string dir = FreshDir("statement-seal-savepoint");
  auto db = OpenOrDie(dir);
  Ok(*db, kHourlyCreate);
  Ok(*db, "BEGIN");
  Ok(*db, "CREATE TABLE other (x int)");
  Ok(*db, HourlyInsert(1, 1000));
  Ok(*db, "SAVEPOINT a");
  Ok(*db, HourlyInsert(1001, 120000));  // tops up the group of row 1000, then fills and seals groups
  EXPECT_GE(db->wal_stats().statement_seals, 1u);
  Ok(*db, "ROLLBACK TO SAVEPOINT a");
  Ok(*db, HourlyInsert(1001, 1500));
  Ok(*db, "COMMIT");
  const std::string expected = AnswerInMemory({kHourlyCreate, HourlyInsert(1, 1000), HourlyInsert(1001, 1500)});
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  db.reset();
  db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  EXPECT_TRUE(Unnamed(dir).empty()) << *Unnamed(dir).begin();
}

}  // namespace
}  // namespace yunhe
