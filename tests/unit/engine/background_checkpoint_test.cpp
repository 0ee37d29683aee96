// Background checkpoints (engine/durability.cpp): the automatic checkpoint seals the resident
// rows without holding the database, so writers and readers go on while its parts are written.
// A file-fault hook stops the checkpointer inside its write phase; meanwhile the test writes,
// deletes, alters, checkpoints synchronously or makes the write fail, then lets it go on and
// checks the answers in memory and after reopening against the same statements run in memory.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "engine/database.h"
#include "engine/session.h"
#include "storage/file_faults.h"
#include "hourly_table.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::OpenOrDie;
using testing::AnswerInMemory;
using testing::HourlyInsert;
using testing::kHourlyCheck;
using testing::kHourlyCreate;
using testing::Scalar;
using testing::Unnamed;

// A small memory limit makes 50,000 resident rows of (timestamptz, int, double) due for a
// checkpoint (a quarter of the limit); restored afterwards, with the fault hook.
struct Limits {
  testing::ScopedMemoryLimit limit{8ull << 20};
  ~Limits() { SetFileFaultHook(nullptr); }
};

// Holds the checkpointer thread at its first part file until Release().
class Gate {
 public:
  explicit Gate(std::thread::id test_thread) {
    SetFileFaultHook([this, test_thread](FileOp op, const std::string& path) {
      if (op != FileOp::kCreate || !path.ends_with(".part") || std::this_thread::get_id() == test_thread) return 0;
      std::call_once(once_, [&] {
        entered_.set_value();
        if (release_.wait_for(std::chrono::seconds(60)) != std::future_status::ready) timed_out_ = true;
      });
      return 0;
    });
  }
  bool WaitEntered() { return entered_future_.wait_for(std::chrono::seconds(60)) == std::future_status::ready; }
  void Release() { release_promise_.set_value(); }
  bool timed_out() const { return timed_out_; }

 private:
  std::once_flag once_;
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> release_promise_;
  std::shared_future<void> release_ = release_promise_.get_future().share();
  std::atomic<bool> timed_out_{false};
};

bool WaitBackgroundFinished(Database& db, uint64_t n) {
  for (int i = 0; i < 6000; ++i) {
    if (db.wal_stats().background_finished >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Statements of 19,000 rows each: under an eighth of the limit, which a statement may append
// before it seals its own rows (Durability::SealStatementGroups), so only commits grow the tail.
std::vector<std::string> SmallBatches(int from, int to) {
  std::vector<std::string> out;
  for (int a = from; a <= to; a += 19000) out.push_back(HourlyInsert(a, std::min(to, a + 18999)));
  return out;
}



TEST(BackgroundCheckpoint, WritersGoOnWhileItWrites) {
  Limits limits;
  const std::string dir = FreshDir("bgckpt-writers");
  const std::vector<std::string> before{kHourlyCreate, HourlyInsert(1, 50000)};
  const std::vector<std::string> during{HourlyInsert(50001, 60000), "DELETE FROM t WHERE k % 7 = 0",
                                        "UPDATE t SET v = -1 WHERE k BETWEEN 100 AND 200"};
  std::vector<std::string> all = before;
  all.insert(all.end(), during.begin(), during.end());
  const std::string expected = AnswerInMemory(all);
  {
    Gate gate(std::this_thread::get_id());
    auto db = OpenOrDie(dir);
    for (auto& s : before) ASSERT_TRUE(db->ExecuteStatement(s).status.ok()) << s;
    ASSERT_TRUE(gate.WaitEntered()) << "no background checkpoint started";
    // The checkpointer is inside its write phase: these statements need the database.
    for (auto& s : during) ASSERT_TRUE(db->ExecuteStatement(s).status.ok()) << s;
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    gate.Release();
    ASSERT_TRUE(WaitBackgroundFinished(*db, 1));
    EXPECT_FALSE(gate.timed_out()) << "the statements waited for the checkpoint's write";
    EXPECT_GE(db->wal_stats().background_installed, 1u);
    EXPECT_EQ(db->wal_stats().checkpoints, 0u);
    // Sealed in place: same answers, and the parts are what MANIFEST names.
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM t WHERE v = -1"), AnswerInMemory(all, "SELECT count(*) FROM t WHERE v = -1"));
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  EXPECT_TRUE(Unnamed(dir).empty());
}

TEST(BackgroundCheckpoint, SynchronousCheckpointSupersedesIt) {
  Limits limits;
  const std::string dir = FreshDir("bgckpt-superseded");
  const std::vector<std::string> statements{kHourlyCreate, HourlyInsert(1, 50000), "DELETE FROM t WHERE k % 3 = 0", HourlyInsert(70001, 71000)};
  const std::string expected = AnswerInMemory(statements);
  {
    Gate gate(std::this_thread::get_id());
    auto db = OpenOrDie(dir);
    for (size_t i = 0; i < 2; ++i) ASSERT_TRUE(db->ExecuteStatement(statements[i]).status.ok());
    ASSERT_TRUE(gate.WaitEntered());
    ASSERT_TRUE(db->ExecuteStatement(statements[2]).status.ok());
    ASSERT_TRUE(db->Checkpoint().ok());  // compacts (re-lays) while the background one writes
    ASSERT_TRUE(db->ExecuteStatement(statements[3]).status.ok());
    gate.Release();
    ASSERT_TRUE(WaitBackgroundFinished(*db, 1));
    EXPECT_EQ(db->wal_stats().background_installed, 0u);  // dropped: an older state than the live one
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    EXPECT_TRUE(Unnamed(dir).empty()) << *Unnamed(dir).begin();  // its parts and files are gone
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
}

TEST(BackgroundCheckpoint, AlterTableWhileItWrites) {
  Limits limits;
  const std::string dir = FreshDir("bgckpt-alter");
  const std::vector<std::string> statements{kHourlyCreate, HourlyInsert(1, 50000), "ALTER TABLE t ADD COLUMN note int DEFAULT 7",
                                            "INSERT INTO t VALUES ('2026-03-02 00:00:00+00', -5, 1.5, 8)"};
  const std::string check = "SELECT count(*) || '/' || sum(k) || '/' || count(*) FILTER (WHERE note = 7) FROM t";
  const std::string expected = AnswerInMemory(statements, check);
  {
    Gate gate(std::this_thread::get_id());
    auto db = OpenOrDie(dir);
    for (size_t i = 0; i < 2; ++i) ASSERT_TRUE(db->ExecuteStatement(statements[i]).status.ok());
    ASSERT_TRUE(gate.WaitEntered());
    for (size_t i = 2; i < statements.size(); ++i) ASSERT_TRUE(db->ExecuteStatement(statements[i]).status.ok());
    gate.Release();
    ASSERT_TRUE(WaitBackgroundFinished(*db, 1));
    // The manifest moved on (the WAL replays the ALTER over the sealed rows); the altered
    // table kept its rows resident.
    EXPECT_EQ(db->wal_stats().background_installed, 1u);
    EXPECT_EQ(Scalar(*db, check), expected);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, check), expected);
}

// Runs `before` (whose rows a first background checkpoint seals), then `trigger` (which starts
// a second, compacting one) and, while that one is held inside its write phase, `during`; then
// lets it finish. The compaction must be installed without any synchronous checkpoint.
void CompactWhileWriting(Database& db, const std::vector<std::string>& before, const std::vector<std::string>& trigger,
                         const std::vector<std::string>& during) {
  for (auto& s : before) ASSERT_TRUE(db.ExecuteStatement(s).status.ok()) << s;
  ASSERT_TRUE(WaitBackgroundFinished(db, 1));
  ASSERT_EQ(db.wal_stats().background_installed, 1u);
  Gate gate(std::this_thread::get_id());
  for (auto& s : trigger) ASSERT_TRUE(db.ExecuteStatement(s).status.ok()) << s;
  ASSERT_TRUE(gate.WaitEntered());
  for (auto& s : during) ASSERT_TRUE(db.ExecuteStatement(s).status.ok()) << s;
  gate.Release();
  ASSERT_TRUE(WaitBackgroundFinished(db, 2));
  EXPECT_FALSE(gate.timed_out());
  EXPECT_EQ(db.wal_stats().background_compactions, 1u);
  EXPECT_EQ(db.wal_stats().checkpoints, 0u);
}

TEST(BackgroundCheckpoint, CompactsWhileWritersGoOn) {
  Limits limits;
  const std::string dir = FreshDir("bgckpt-compact");
  // Sealed by a first background checkpoint, then two thirds deleted: the next one compacts
  // (drops the deleted rows, re-lays the groups), while deletes of old rows, inserts and an
  // update run beside it.
  const std::vector<std::string> before{kHourlyCreate, HourlyInsert(1, 50000), "DELETE FROM t WHERE k % 3 <> 0"};
  const std::vector<std::string> trigger{HourlyInsert(100001, 150000)};
  const std::vector<std::string> during{HourlyInsert(200001, 205000), "DELETE FROM t WHERE k % 5 = 0 AND k < 120000",
                                        "UPDATE t SET v = -2 WHERE k BETWEEN 3000 AND 3300 OR k BETWEEN 200100 AND 200200",
                                        "DELETE FROM t WHERE k BETWEEN 204000 AND 204100"};
  std::vector<std::string> all = before;
  all.insert(all.end(), trigger.begin(), trigger.end());
  all.insert(all.end(), during.begin(), during.end());
  const std::string expected = AnswerInMemory(all);
  const std::string check2 = "SELECT count(*) || '/' || sum(k) FROM t WHERE v = -2";
  {
    auto db = OpenOrDie(dir);
    CompactWhileWriting(*db, before, trigger, during);
    if (HasFatalFailure()) return;
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    EXPECT_EQ(Scalar(*db, check2), AnswerInMemory(all, check2));
    // Row ids moved: the key-free table's later deletes must hit the right rows.
    ASSERT_TRUE(db->ExecuteStatement("DELETE FROM t WHERE k BETWEEN 200500 AND 200600").status.ok());
    all.push_back("DELETE FROM t WHERE k BETWEEN 200500 AND 200600");
    EXPECT_EQ(Scalar(*db, kHourlyCheck), AnswerInMemory(all));
  }
  EXPECT_TRUE(Unnamed(dir).empty());
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), AnswerInMemory(all));
  EXPECT_EQ(Scalar(*db, check2), AnswerInMemory(all, check2));
}

// A table with a primary key through a compaction and a synchronous checkpoint, both of which
// move row ids: the key maps are carried over to the new ids (InstallKeepingKeys), so rows
// written again with the key of a moved row, or of a row appended meanwhile, replace it (a key
// including the designated timestamp upserts, as InfluxDB points do) and ON CONFLICT updates the
// right rows; a lost key would add a second row.
TEST(BackgroundCheckpoint, KeyMapsFollowRowsThroughCompactionAndCheckpoint) {
  Limits limits;
  const std::string dir = FreshDir("bgckpt-compact-pk");
  const std::string create =
      "CREATE TABLE t (ts timestamptz NOT NULL, k int, v double precision, PRIMARY KEY (ts, k)) PARTITION BY RANGE (ts) "
      "WITH (partition_interval = '1 hour');";
  const std::vector<std::string> before{create, HourlyInsert(1, 50000), "DELETE FROM t WHERE k % 3 <> 0"};
  const std::vector<std::string> trigger{HourlyInsert(100001, 150000)};
  const std::vector<std::string> during{HourlyInsert(200001, 205000), "DELETE FROM t WHERE k % 5 = 0 AND k < 120000"};
  auto upsert = [](int from, int to, int v) {
    return "INSERT INTO t SELECT timestamptz '2026-03-01 00:00:00+00' + x * interval '100 ms', x, " + std::to_string(v) +
           " FROM generate_series(" + std::to_string(from) + ", " + std::to_string(to) +
           ") x ON CONFLICT (ts, k) DO UPDATE SET v = excluded.v";
  };
  std::vector<std::string> again;  // rows written again with keys of moved and of appended rows
  for (int k : {3, 3000, 100002, 149999, 200001, 204999})
    again.push_back("INSERT INTO t VALUES (timestamptz '2026-03-01 00:00:00+00' + " + std::to_string(k) +
                    " * interval '100 ms', " + std::to_string(k) + ", -" + std::to_string(k) + ")");
  std::vector<std::string> all = before;
  for (auto* part : {&trigger, &during}) all.insert(all.end(), part->begin(), part->end());
  const std::string check2 = "SELECT count(*) || '/' || sum(k) || '/' || sum(v) FROM t WHERE v IN (7, 8, 9) OR v < 0";
  auto run = [&](Database& db, const std::vector<std::string>& statements) {
    for (auto& s : statements) {
      ASSERT_TRUE(db.ExecuteStatement(s).status.ok()) << s;
      all.push_back(s);
    }
    EXPECT_EQ(Scalar(db, kHourlyCheck), AnswerInMemory(all));
    EXPECT_EQ(Scalar(db, check2), AnswerInMemory(all, check2));
  };
  {
    auto db = OpenOrDie(dir);
    CompactWhileWriting(*db, before, trigger, during);
    if (HasFatalFailure()) return;
    run(*db, again);
    run(*db, {upsert(2990, 3010, 7), upsert(149990, 150010, 8), upsert(204990, 205010, 9)});
    run(*db, {"DELETE FROM t WHERE k BETWEEN 3000 AND 3005"});
    ASSERT_TRUE(db->Checkpoint().ok());  // re-lays (the deleted rows go) and moves row ids again
    run(*db, {upsert(3000, 3010, 9), again[0], again[3], again[5]});
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), AnswerInMemory(all));
  run(*db, again);
}

TEST(BackgroundCheckpoint, CompactionReplaysFromItsOwnWal) {
  // The re-logged changes are what a reopen sees when the close does not checkpoint: kill the
  // close's checkpoint by failing its part writes.
  Limits limits;
  const std::string dir = FreshDir("bgckpt-relog");
  std::vector<std::string> all{kHourlyCreate, HourlyInsert(1, 50000), "DELETE FROM t WHERE k % 3 <> 0", HourlyInsert(100001, 150000)};
  const std::vector<std::string> during{HourlyInsert(200001, 203000), "DELETE FROM t WHERE k % 7 = 0"};
  {
    auto db = OpenOrDie(dir);
    for (size_t i = 0; i < 3; ++i) ASSERT_TRUE(db->ExecuteStatement(all[i]).status.ok());
    ASSERT_TRUE(WaitBackgroundFinished(*db, 1));
    Gate gate(std::this_thread::get_id());
    ASSERT_TRUE(db->ExecuteStatement(all[3]).status.ok());
    ASSERT_TRUE(gate.WaitEntered());
    for (auto& s : during) ASSERT_TRUE(db->ExecuteStatement(s).status.ok()) << s;
    gate.Release();
    ASSERT_TRUE(WaitBackgroundFinished(*db, 2));
    ASSERT_EQ(db->wal_stats().background_compactions, 1u);
    SetFileFaultHook([](FileOp op, const std::string& path) { return op == FileOp::kWrite && path.ends_with(".part") ? ENOSPC : 0; });
  }
  SetFileFaultHook(nullptr);
  all.insert(all.end(), during.begin(), during.end());
  bool relog = false;
  for (auto& e : std::filesystem::directory_iterator(dir)) relog |= e.path().string().ends_with(".relog");
  EXPECT_TRUE(relog);
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), AnswerInMemory(all));
}

TEST(BackgroundCheckpoint, CompactionKeepsWhatSequencesHandedOut) {
  // The relog replaces the WAL written meanwhile, sequence records included: values nextval
  // handed out while the compaction wrote must not come out again after a crash.
  Limits limits;
  const std::string dir = FreshDir("bgckpt-seq");
  int64_t last = 0;
  {
    auto db = OpenOrDie(dir);
    ASSERT_TRUE(db->ExecuteStatement(kHourlyCreate).status.ok());
    ASSERT_TRUE(db->ExecuteStatement("CREATE SEQUENCE s").status.ok());
    ASSERT_TRUE(db->ExecuteStatement(HourlyInsert(1, 50000)).status.ok());
    ASSERT_TRUE(db->ExecuteStatement("DELETE FROM t WHERE k % 3 <> 0").status.ok());
    ASSERT_TRUE(WaitBackgroundFinished(*db, 1));
    Gate gate(std::this_thread::get_id());
    ASSERT_TRUE(db->ExecuteStatement(HourlyInsert(100001, 150000)).status.ok());
    ASSERT_TRUE(gate.WaitEntered());
    for (int k = 0; k < 100; ++k) last = std::stoll(Scalar(*db, "SELECT nextval('s')"));
    gate.Release();
    ASSERT_TRUE(WaitBackgroundFinished(*db, 2));
    ASSERT_EQ(db->wal_stats().background_compactions, 1u);
    ASSERT_TRUE(db->ExecuteStatement(HourlyInsert(200001, 203000)).status.ok());  // resident rows: the close's checkpoint has parts to write
    SetFileFaultHook([](FileOp op, const std::string& path) { return op == FileOp::kWrite && path.ends_with(".part") ? ENOSPC : 0; });
  }
  SetFileFaultHook(nullptr);
  auto db = OpenOrDie(dir);
  EXPECT_EQ(last, 100);
  EXPECT_GT(std::stoll(Scalar(*db, "SELECT nextval('s')")), last);
}

TEST(BackgroundCheckpoint, WritersThatOutrunItWaitButNotWhileHoldingTheDatabase) {
  Limits limits;
  const std::string dir = FreshDir("bgckpt-throttle");
  Gate gate(std::this_thread::get_id());
  auto db = OpenOrDie(dir);
  ASSERT_TRUE(db->ExecuteStatement(kHourlyCreate).status.ok());
  ASSERT_TRUE(db->ExecuteStatement(HourlyInsert(1, 50000)).status.ok());
  ASSERT_TRUE(gate.WaitEntered());
  // Past twice the tail limit while the checkpoint is held: server sessions (group commit,
  // DeferSync) wait for it after their statement...
  Session writer(*db), blocker(*db);
  std::atomic<bool> writer_done{false};
  std::thread t([&] {
    auto defer = db->DeferSync();
    for (auto& batch : SmallBatches(50001, 110000)) writer.Execute(batch);
    EXPECT_TRUE(db->WaitDurable().ok());
    writer_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(writer_done) << "a writer past twice the limit did not wait for the checkpoint";
  // ... but not one whose block holds the database (the checkpoint needs it to finish).
  std::promise<bool> waited;
  std::future<bool> waited_future = waited.get_future();
  std::thread b([&] {
    auto defer = db->DeferSync();
    blocker.Execute("BEGIN; CREATE TABLE z (a int)");  // DDL: the block holds the database
    EXPECT_TRUE(blocker.holds_database());
    waited.set_value(db->WaitDurable().ok());
    blocker.Execute("COMMIT");  // the block lets go: from here on it may wait like the writer
  });
  const bool returned = waited_future.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  gate.Release();
  EXPECT_TRUE(returned) << "a session holding the database waited for the checkpoint (deadlock)";
  if (returned) {
    EXPECT_TRUE(waited_future.get());
  }
  b.join();
  t.join();
  EXPECT_TRUE(writer_done);
  ASSERT_TRUE(WaitBackgroundFinished(*db, 1));
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM t"), "110000");
}

// A writer that never waits (the shell, an ingest loop) outruns the background checkpoint: the
// commit that takes the tail past four times the limit waits for the write and installs it
// instead of a synchronous checkpoint rewriting the rows the background one has just written,
// and nothing else is left resident.
TEST(BackgroundCheckpoint, CommitPastFourTimesTheLimitsInstallsItInsteadOfCheckpointingAgain) {
  Limits limits;
  const std::string dir = FreshDir("bgckpt-past-4x");
  std::vector<std::string> first = SmallBatches(1, 57000);  // a quarter of the limit: due
  std::vector<std::string> more = SmallBatches(57001, 247000);
  std::vector<std::string> statements{kHourlyCreate};
  statements.insert(statements.end(), first.begin(), first.end());
  statements.insert(statements.end(), more.begin(), more.end());
  const std::string expected = AnswerInMemory(statements);
  {
    Gate gate(std::this_thread::get_id());
    auto db = OpenOrDie(dir);
    ASSERT_TRUE(db->ExecuteStatement(kHourlyCreate).status.ok());
    for (auto& s : first) ASSERT_TRUE(db->ExecuteStatement(s).status.ok());
    ASSERT_TRUE(gate.WaitEntered()) << "no background checkpoint started";
    std::atomic<bool> done{false};
    std::thread writer([&] {
      for (auto& s : more) EXPECT_TRUE(db->ExecuteStatement(s).status.ok());
      done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(done) << "a commit past four times the limits did not wait for the checkpoint's write";
    gate.Release();
    writer.join();
    EXPECT_EQ(db->wal_stats().checkpoints, 0u);
    EXPECT_EQ(db->wal_stats().statement_seals, 0u);
    EXPECT_GE(db->wal_stats().background_installed, 1u);
    ASSERT_TRUE(WaitBackgroundFinished(*db, 2));  // the next one, begun by that commit
    EXPECT_EQ(db->wal_stats().checkpoints, 0u);
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM t"), "247000");
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  EXPECT_TRUE(Unnamed(dir).empty());
}

// Runs `statements` on a database in `dir` where every part write fails (the background
// checkpoint after the first two statements, and the closing one too), so the old MANIFEST still
// names wal-0.log and the commits since the switch are in wal-1.log; the answers must equal the
// in-memory run's before closing and after the reopen replays that chain. Returns the reopened
// database for further checks.
std::unique_ptr<Database> RunThroughFailedBackgroundCheckpoint(const std::string& dir, const std::vector<std::string>& statements) {
  const std::string expected = AnswerInMemory(statements);
  {
    auto db = OpenOrDie(dir);
    SetFileFaultHook([](FileOp op, const std::string& path) { return op == FileOp::kWrite && path.ends_with(".part") ? ENOSPC : 0; });
    for (size_t i = 0; i < 2; ++i) EXPECT_TRUE(db->ExecuteStatement(statements[i]).status.ok()) << statements[i];
    EXPECT_TRUE(WaitBackgroundFinished(*db, 1));
    EXPECT_EQ(db->wal_stats().background_installed, 0u);
    for (size_t i = 2; i < statements.size(); ++i) EXPECT_TRUE(db->ExecuteStatement(statements[i]).status.ok()) << statements[i];
    EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
    EXPECT_TRUE(std::filesystem::exists(dir + "/wal-1.log"));
  }
  SetFileFaultHook(nullptr);
  auto db = OpenOrDie(dir);  // replays wal-0.log, then wal-1.log
  EXPECT_EQ(Scalar(*db, kHourlyCheck), expected);
  return db;
}

TEST(BackgroundCheckpoint, FailedWriteLosesNothingAndTheWalChainReplays) {
  Limits limits;
  RunThroughFailedBackgroundCheckpoint(FreshDir("bgckpt-enospc"),
                                       {kHourlyCreate, HourlyInsert(1, 50000), HourlyInsert(50001, 52000), "DELETE FROM t WHERE k < 10"});
}

// The WAL switch of a background checkpoint stops appends into the row groups that exist
// (FreezeGroups): rows written after it start new groups, and the row ids of deletes logged
// after it count on that. Replaying the chain (old WAL, then new) must lay rows out the same
// way: here the second batch goes to a partition whose last group is partly filled at the
// switch, and the delete names rows of it (before the fix replay appended them into the partly
// filled group, and the delete removed other rows).
TEST(BackgroundCheckpoint, ChainReplayStartsNewGroupsAtEachWalSwitch) {
  Limits limits;
  const std::vector<std::string> statements{kHourlyCreate, HourlyInsert(1, 50000), HourlyInsert(50001, 52000),
                                            "DELETE FROM t WHERE k BETWEEN 51000 AND 51500",
                                            "UPDATE t SET v = -v WHERE k BETWEEN 50001 AND 50100"};
  auto db = RunThroughFailedBackgroundCheckpoint(FreshDir("bgckpt-chain-layout"), statements);
  EXPECT_EQ(Scalar(*db, "SELECT count(*) || '/' || sum(v) FROM t WHERE k > 50000"),
            AnswerInMemory(statements, "SELECT count(*) || '/' || sum(v) FROM t WHERE k > 50000"));
}

}  // namespace
}  // namespace yunhe
