// A WHERE that is only column-vs-constant comparisons on integer columns (a time range) is not
// evaluated on row groups whose zone maps pass every row, and the columns only it reads are not
// read for them: read from EXPLAIN ANALYZE's storage line (one column read per such group, not
// two). The answers themselves are checked against PostgreSQL in
// tests/sql/storage/zone_decided_filter.test.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::Ok;
using testing::ExplainAnalyze;
using testing::OpenOrDie;

long Number(const std::string& plan, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(plan, m, std::regex(pattern))) return -1;
  return std::stol(m[1]);
}

class ZoneDecidedFilter : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(FreshDir("zone_decided_filter"));
    // Three hours of 40,000 rows each (20 row groups per hour), sealed in parts.
    Ok(*db_, "CREATE TABLE m (ts timestamp NOT NULL, v int) PARTITION BY RANGE (ts) WITH (partition_interval = '1 hour')");
    Ok(*db_, "INSERT INTO m SELECT timestamp '2024-01-01' + x * interval '90 ms', x % 100 FROM generate_series(0, 119999) x");
    Ok(*db_, "CHECKPOINT");
  }
  // Sealed groups read, and group columns fetched (from the pool or in blocks from disk).
  void Reads(const std::string& plan, long* groups, long* columns) {
    *groups = Number(plan, R"(row groups read \d+ in memory, (\d+) sealed)");
    const long pool = Number(plan, R"(columns from the buffer pool (\d+))");
    const long disk_blocks = Number(plan, R"(blocks read from disk (\d+))");
    // A block read from disk is a stripe of up to 32 groups of one column, each then in the pool.
    ASSERT_GE(pool, 0) << plan;
    ASSERT_GE(disk_blocks, 0) << plan;
    *columns = pool + disk_blocks;
  }
  std::unique_ptr<Database> db_;
};

TEST_F(ZoneDecidedFilter, WholeGroupsSkipTheFilterAndItsColumn) {
  const std::string q = "SELECT count(*), sum(v) FROM m WHERE ts >= '2024-01-01 01:00:00' AND ts < '2024-01-01 02:00:00'";
  EXPECT_EQ(testing::Scalar(*db_, "SELECT count(*) FROM m WHERE ts >= '2024-01-01 01:00:00' AND ts < '2024-01-01 02:00:00'"), "40000");
  // Warm the pool so every column fetch counts once, as a pool hit.
  ExplainAnalyze(*db_, q);
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_EQ(Number(plan, R"(filter not evaluated: (\d+))"), 20) << plan;
  long groups = 0, columns = 0;
  Reads(plan, &groups, &columns);
  EXPECT_EQ(groups, 20) << plan;
  EXPECT_EQ(columns, 20) << plan;  // v only: ts is not read
}

TEST_F(ZoneDecidedFilter, OtherConjunctsKeepTheFilter) {
  // v >= 0 is no zone-map comparison the scan keeps on its own: the filter runs on every row.
  const std::string q = "SELECT count(*), sum(v) FROM m WHERE ts >= '2024-01-01 01:00:00' AND ts < '2024-01-01 02:00:00' AND v + 1 > 0";
  ExplainAnalyze(*db_, q);
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_EQ(Number(plan, R"(filter not evaluated: (\d+))"), -1) << plan;
  long groups = 0, columns = 0;
  Reads(plan, &groups, &columns);
  EXPECT_EQ(columns, 2 * groups) << plan;
}

TEST_F(ZoneDecidedFilter, ARangeEndingInsideAGroupFiltersThatGroup) {
  // 01:00 .. 01:30 ends in the middle of a row group: 10 groups pass whole, the boundary one is filtered.
  const std::string q = "SELECT count(*) FROM m WHERE ts >= '2024-01-01 01:00:00' AND ts < '2024-01-01 01:31:00'";
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_EQ(Number(plan, R"(filter not evaluated: (\d+))"), 10) << plan;
  EXPECT_EQ(testing::Scalar(*db_, q), "20667");
}

}  // namespace
}  // namespace yunhe
