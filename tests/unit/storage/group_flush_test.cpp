#include "storage/group_flush.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"

namespace yunhe {
namespace {

TEST(GroupFlush, WaitsOnlyForBytesNotYetDurable) {
  GroupFlush f;
  int syncs = 0;
  auto sync = [&] { ++syncs; return 0; };
  f.Written(100);
  EXPECT_FALSE(f.Durable(100));
  f.WaitFor(100, sync, "d");
  EXPECT_EQ(syncs, 1);
  EXPECT_TRUE(f.Durable(100));
  f.WaitFor(100, sync, "d");  // already durable: no second fsync
  f.WaitFor(40, sync, "d");
  EXPECT_EQ(syncs, 1);
  f.Written(1);
  f.WaitFor(101, sync, "d");
  EXPECT_EQ(syncs, 2);
}

// Many committers: each returns only after an fsync that began after its bytes were written,
// and they share fsyncs (fewer fsyncs than commits while the fsync is slow).
TEST(GroupFlush, ConcurrentCommittersShareFsyncs) {
  GroupFlush f;
  std::mutex db;                 // stands for the database lock writers append under
  std::mutex m;
  uint64_t covered = 0;          // bytes written when the last fsync began
  int syncs = 0;
  auto sync = [&] {
    uint64_t at_start = f.written();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> l(m);
    ++syncs;
    if (at_start > covered) covered = at_start;
    return 0;
  };
  constexpr int kThreads = 8, kCommits = 40;
  std::vector<std::thread> threads;
  std::vector<int> violations(kThreads, 0);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int c = 0; c < kCommits; ++c) {
        uint64_t lsn;
        {
          std::lock_guard<std::mutex> l(db);
          f.Written(10);
          lsn = f.written();
        }
        f.WaitFor(lsn, sync, "d");
        std::lock_guard<std::mutex> l(m);
        if (covered < lsn) ++violations[t];
      }
    });
  for (auto& th : threads) th.join();
  for (int v : violations) EXPECT_EQ(v, 0);
  EXPECT_TRUE(f.Durable(uint64_t(kThreads) * kCommits * 10));
  EXPECT_LT(syncs, kThreads * kCommits / 2) << "commits did not share fsyncs";
}

TEST(GroupFlush, FailedFsyncFailsEveryWaiterAfterwards) {
  GroupFlush f;
  f.Written(10);
  try {
    f.WaitFor(10, [] { return EIO; }, "/data");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.status().sqlstate(), "58030");
    EXPECT_NE(e.status().message().find("could not fsync the WAL in \"/data\""), std::string::npos);
  }
  EXPECT_FALSE(f.failure().empty());
  f.Written(5);
  EXPECT_THROW(f.WaitFor(15, [] { return 0; }, "/data"), Error);
}

TEST(GroupFlush, RebaseMarksEverythingDurable) {
  GroupFlush f;
  f.Written(500);
  bool switched = false;
  f.Rebase([&] { switched = true; });
  EXPECT_TRUE(switched);
  EXPECT_TRUE(f.Durable(500));
  f.WaitFor(500, [] { return EIO; }, "d");  // nothing to sync: no fsync, no error
  EXPECT_TRUE(f.failure().empty());
}

}  // namespace
}  // namespace yunhe
