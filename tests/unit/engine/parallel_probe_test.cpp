// A hash join whose probe side is a table scan, alone or under a filter, reads the scan's row
// groups on every core (HashJoinOperator::ChooseParallelScan): read from EXPLAIN ANALYZE (the
// workers, and the scan's and filter's rows still counted), answers compared with plans that
// read serially (a scan too small to split).
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "test_database.h"

namespace yunhe {
namespace {

using testing::ExplainAnalyze;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

TEST(ParallelProbe, TheProbeSidesScanAndFilterRunInTheWorkers) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "one core";
  auto db = OpenOrDie(FreshDir("parallel_probe"));
  Ok(*db, "CREATE TABLE big AS SELECT g AS id, g % 500 AS k, g % 10 AS m FROM generate_series(1, 100000) g");
  Ok(*db, "CREATE TABLE dim AS SELECT g AS k, g % 3 AS c FROM generate_series(0, 499) g");
  const std::string q = "SELECT count(*) || '|' || sum(big.id) || '|' || sum(dim.c) FROM big JOIN dim ON big.k = dim.k WHERE big.m = 3 AND dim.c < 2";
  const std::string plan = ExplainAnalyze(*db, q);
  EXPECT_NE(plan.find("the probe side's scan and filter run inside the workers"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Seq Scan on big  (rows=100000)  (actual time="), std::string::npos) << plan;
  EXPECT_NE(plan.find("rows=100000)\n"), std::string::npos) << plan;  // the scan's rows, counted by the workers
  EXPECT_NE(plan.find("rows=10000)\n"), std::string::npos) << plan;   // the filter's: m = 3
  // The same rows as a plan that reads serially: the big table cut into pieces of one row group.
  std::string expected;
  long count = 0, ids = 0, cs = 0;
  for (int from = 1; from <= 100000; from += 2000) {
    const std::string piece = "SELECT count(*) || '|' || coalesce(sum(big.id), 0) || '|' || coalesce(sum(dim.c), 0) FROM "
                              "(SELECT * FROM big WHERE id BETWEEN " + std::to_string(from) + " AND " + std::to_string(from + 1999) +
                              " OFFSET 0) big JOIN dim ON big.k = dim.k WHERE big.m = 3 AND dim.c < 2";
    const std::string r = Scalar(*db, piece);
    long a, b, c;
    ASSERT_EQ(sscanf(r.c_str(), "%ld|%ld|%ld", &a, &b, &c), 3) << r;
    count += a;
    ids += b;
    cs += c;
  }
  EXPECT_EQ(Scalar(*db, q), std::to_string(count) + "|" + std::to_string(ids) + "|" + std::to_string(cs));
}

}  // namespace
}  // namespace yunhe
