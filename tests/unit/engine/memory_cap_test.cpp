// A statement that keeps allocating fails with 53200 once the process passes its memory cap
// (common/memory_limit.h ProcessMemoryCapBytes), instead of growing until the kernel's OOM killer
// ends the server (sqlsmith found such a query: a window over a runaway cross product, 24 GB).
// The database goes on answering afterwards.
#include <gtest/gtest.h>

#include "common/memory_limit.h"
#include "test_database.h"

namespace yunhe {
namespace {

TEST(MemoryCap, RunawayStatementFailsWith53200) {
  auto db = testing::OpenOrDie(":memory:");
  const uint64_t before = MemoryLimitBytes();
  SetMemoryLimitBytes(64ull << 20);  // cap: memory_limit + 1 GB
  auto r = db->ExecuteStatement("SELECT count(x) FROM (SELECT count(*) OVER () AS x FROM generate_series(1, 300000000)) s");
  SetMemoryLimitBytes(before);
  EXPECT_EQ(r.status.sqlstate(), "53200") << r.status.message();
  EXPECT_EQ(testing::Scalar(*db, "SELECT 1"), "1");
}

}  // namespace
}  // namespace yunhe
