// Plans of the lastpoint query (DISTINCT ON (keys) ... ORDER BY keys, ts DESC) read from EXPLAIN
// ANALYZE: a WHERE on the table alone runs inside the latest-row-per-key scan (no Filter above
// it, one row per key out of the scan); a WHERE the scan cannot take (a subquery) stays a
// Filter over an ordinary scan. The answers themselves are checked against PostgreSQL in
// tests/sql/timeseries/lastpoint_filtered.test.
#include <gtest/gtest.h>

#include <string>

#include "test_database.h"

namespace yunhe {
namespace {

using testing::ExplainAnalyze;
using testing::OpenOrDie;

class LastpointPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie("");
    for (const char* sql :
         {"CREATE TABLE tr (name text, fleet text, ts timestamp NOT NULL, fuel double precision) PARTITION BY RANGE (ts) "
          "WITH (partition_interval = '1 hour')",
          "INSERT INTO tr SELECT 'truck_' || (g % 40), CASE WHEN g % 3 = 0 THEN 'South' ELSE 'North' END, "
          "timestamp '2024-01-01' + g * interval '1 second', g / 10.0 FROM generate_series(1, 20000) g"})
      ASSERT_TRUE(db_->ExecuteStatement(sql).status.ok()) << sql;
  }
  std::unique_ptr<Database> db_;
};

TEST_F(LastpointPlan, FilterOnTheTableRunsInsideTheLatestRowScan) {
  const std::string plan =
      ExplainAnalyze(*db_, "SELECT name, fuel FROM (SELECT DISTINCT ON (name) name, fuel FROM tr WHERE fleet = 'South' ORDER BY name, ts DESC) s");
  EXPECT_NE(plan.find("Latest Row per Key Scan on tr"), std::string::npos) << plan;
  EXPECT_NE(plan.find("among rows where (fleet = 'South')"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("Filter: (fleet"), std::string::npos) << plan;
  // Every truck with g % 40 = k has rows of both fleets: 40 keys, one row each out of the scan.
  EXPECT_NE(plan.find("Latest Row per Key Scan on tr  (rows=20000)  (actual time="), std::string::npos) << plan;
  EXPECT_NE(plan.find("rows=40)\n"), std::string::npos) << plan;
}

// "row groups skipped: N of M" of the plan's latest-row scan: N, or -1 when it shows none.
long GroupsSkipped(const std::string& plan) {
  const size_t at = plan.find("row groups skipped: ");
  return at == std::string::npos ? -1 : std::stol(plan.substr(at + 20));
}

TEST_F(LastpointPlan, FilterOnTagsSettlesPartitionsFromTheirDistinctValues) {
  // Each partition's distinct (name, fleet) values show every truck has South rows in the
  // newest partition: once those are found, the rest of it and every older partition are skipped.
  const std::string tag = ExplainAnalyze(*db_, "SELECT name, fuel FROM (SELECT DISTINCT ON (name) name, fuel FROM tr WHERE fleet = 'South' ORDER BY name, ts DESC) s");
  EXPECT_GT(GroupsSkipped(tag), 0) << tag;
  EXPECT_NE(tag.find("rows=40)\n"), std::string::npos) << tag;
  // A filter on a measurement cannot be decided from distinct values: every group is read.
  const std::string measure = ExplainAnalyze(*db_, "SELECT name, fuel FROM (SELECT DISTINCT ON (name) name, fuel FROM tr WHERE fuel > 5 ORDER BY name, ts DESC) s");
  EXPECT_EQ(GroupsSkipped(measure), 0) << measure;
}

TEST_F(LastpointPlan, FilterWithASubqueryStaysAbove) {
  const std::string plan = ExplainAnalyze(*db_,
                                   "SELECT name FROM (SELECT DISTINCT ON (name) name FROM tr WHERE fleet IN (SELECT 'South') "
                                   "ORDER BY name, ts DESC) s");
  EXPECT_EQ(plan.find("Latest Row per Key Scan"), std::string::npos) << plan;
}

}  // namespace
}  // namespace yunhe
