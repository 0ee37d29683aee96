// Operators past work_mem spill, and EXPLAIN ANALYZE says so: a hash join becomes a grace hash
// join (exec/hash_join.h), SELECT DISTINCT under a LIMIT writes rows of new keys to partition
// files (exec/distinct.h; without a LIMIT it is a GROUP BY), count(DISTINCT x) is two hash
// aggregations whose first spills
// (sql/optimizer/distinct_aggregates.h), windows sharing a partition key are computed file by
// file (exec/window.h), ASOF joins split both inputs by key (exec/asof_join.h). Their answers are checked against PostgreSQL in
// tests/sql/joins/spilled_hash_join.test, tests/sql/select/spilled_distinct.test and
// tests/sql/aggregates/distinct_as_group_by.test, tests/sql/window/spilled_windows.test,
// tests/sql/timeseries/spilled_asof_join.test.
#include <gtest/gtest.h>

#include "test_database.h"

namespace yunhe {
namespace {

std::string ExplainAnalyze(Session& s, const std::string& sql) {
  auto r = s.Execute("EXPLAIN ANALYZE " + sql).back();
  EXPECT_TRUE(r.status.ok()) << sql << ": " << r.status.message();
  std::string text;
  for (auto& chunk : r.chunks)
    for (size_t row = 0; row < chunk.count; ++row) text += chunk.columns[0].GetValue(row).ToString() + "\n";
  return text;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SpilledHashJoin, PastWorkMemBothInputsArePartitioned) {
  auto db = testing::OpenOrDie("");
  Session s(*db);
  testing::Ok(s, "CREATE TABLE a AS SELECT g AS k, 'a' || g AS s FROM generate_series(1, 100000) g");
  testing::Ok(s, "CREATE TABLE b AS SELECT g * 2 AS k, 'b' || g AS s FROM generate_series(1, 80000) g");
  const std::string join = "SELECT count(*), count(b.s) FROM a LEFT JOIN b ON a.k = b.k";
  const std::string two = "SELECT count(*) FROM a JOIN b ON a.k = b.k JOIN a c ON c.k = b.k / 2";

  std::string plan = ExplainAnalyze(s, join);
  EXPECT_EQ(Count(plan, "Batches:"), 0u) << plan;
  const std::string in_memory = testing::Scalar(s, "SELECT count(b.s) FROM a LEFT JOIN b ON a.k = b.k");

  testing::Ok(s, "SET work_mem = '64kB'");
  plan = ExplainAnalyze(s, join);
  EXPECT_EQ(Count(plan, "Batches: 32  Disk: "), 1u) << plan;
  plan = ExplainAnalyze(s, two);
  EXPECT_EQ(Count(plan, "Batches: 32  Disk: "), 2u) << plan;
  EXPECT_EQ(testing::Scalar(s, "SELECT count(b.s) FROM a LEFT JOIN b ON a.k = b.k"), in_memory);
  EXPECT_EQ(in_memory, "50000");  // b.k = 2, 4, ... 160000 against a.k up to 100000

  // A build side under work_mem stays in memory.
  plan = ExplainAnalyze(s, "SELECT count(*) FROM a JOIN (SELECT * FROM b LIMIT 10) t ON a.k = t.k");
  EXPECT_EQ(Count(plan, "Batches:"), 0u) << plan;
}

TEST(SpilledDistinct, PastWorkMemNewKeysArePartitioned) {
  auto db = testing::OpenOrDie("");
  Session s(*db);
  // (k, t) repeats every 30,000 rows (30000 is a multiple of 3): 30,000 distinct rows, 4 each.
  testing::Ok(s, "CREATE TABLE d AS SELECT x % 30000 AS k, 't' || (x % 3) AS t FROM generate_series(1, 120000) x");
  // Under a LIMIT without ORDER BY, DISTINCT streams (HashDistinct); else it is a GROUP BY.
  const std::string streaming = "SELECT count(*) FROM (SELECT DISTINCT k, t FROM d LIMIT 1000000) s";
  const std::string grouped = "SELECT count(*) FROM (SELECT DISTINCT k, t FROM d) s";
  std::string plan = ExplainAnalyze(s, streaming);
  EXPECT_EQ(Count(plan, "HashDistinct"), 1u) << plan;
  EXPECT_EQ(Count(plan, "Batches:"), 0u) << plan;
  plan = ExplainAnalyze(s, grouped);
  EXPECT_EQ(Count(plan, "Group Key: k, t"), 1u) << plan;
  EXPECT_EQ(testing::Scalar(s, grouped), "30000");
  EXPECT_EQ(testing::Scalar(s, streaming), "30000");
  testing::Ok(s, "SET work_mem = '64kB'");
  plan = ExplainAnalyze(s, streaming);
  EXPECT_EQ(Count(plan, "Batches: 17  Disk: "), 1u) << plan;
  plan = ExplainAnalyze(s, grouped);
  EXPECT_EQ(Count(plan, "Batches: "), 1u) << plan;
  EXPECT_EQ(testing::Scalar(s, streaming), "30000");
  EXPECT_EQ(testing::Scalar(s, grouped), "30000");
}

TEST(SpilledDistinctAggregate, CountDistinctIsAGroupByThatSpills) {
  auto db = testing::OpenOrDie("");
  Session s(*db);
  testing::Ok(s, "CREATE TABLE t AS SELECT x % 10 AS g, x AS v FROM generate_series(1, 100000) x");
  const std::string query = "SELECT g, count(DISTINCT v) FROM t GROUP BY g";
  std::string plan = ExplainAnalyze(s, query);
  EXPECT_EQ(Count(plan, "Group Key: g, v"), 1u) << plan;  // the distinct values first
  EXPECT_EQ(Count(plan, "Group Key: g\n"), 1u) << plan;  // then the counts
  EXPECT_EQ(Count(plan, "Batches:"), 0u) << plan;
  testing::Ok(s, "SET work_mem = '64kB'");
  plan = ExplainAnalyze(s, query);
  EXPECT_EQ(Count(plan, "Batches: "), 1u) << plan;
  EXPECT_EQ(testing::Scalar(s, "SELECT sum(c) FROM (SELECT g, count(DISTINCT v) c FROM t GROUP BY g) z"), "100000");
  // A FILTER keeps the aggregate's own set of values: one aggregation.
  plan = ExplainAnalyze(s, "SELECT g, count(DISTINCT v) FILTER (WHERE v > 5) FROM t GROUP BY g");
  EXPECT_EQ(Count(plan, "Group Key: g, v"), 0u) << plan;
}

TEST(SpilledWindows, SharedPartitionKeysSplitTheInput) {
  auto db = testing::OpenOrDie("");
  Session s(*db);
  testing::Ok(s, "CREATE TABLE w AS SELECT i % 40 AS dev, i % 3 AS lane, i AS ts FROM generate_series(1, 100000) i");
  const std::string shared =
      "SELECT sum(a - b) FROM (SELECT row_number() OVER (PARTITION BY dev ORDER BY ts) AS a, "
      "rank() OVER (PARTITION BY lane, dev ORDER BY ts DESC) AS b FROM w) s";
  const std::string apart =
      "SELECT sum(a - b) FROM (SELECT row_number() OVER (PARTITION BY dev ORDER BY ts) AS a, "
      "row_number() OVER (PARTITION BY lane ORDER BY ts) AS b FROM w) s";
  const std::string in_memory = testing::Scalar(s, shared), in_memory_apart = testing::Scalar(s, apart);
  EXPECT_EQ(Count(ExplainAnalyze(s, shared), "Batches:"), 0u);
  testing::Ok(s, "SET work_mem = '64kB'");
  EXPECT_EQ(Count(ExplainAnalyze(s, shared), "Batches: 16  Disk: "), 1u);
  EXPECT_EQ(testing::Scalar(s, shared), in_memory);
  // No key every window partitions by: in memory whatever work_mem says.
  EXPECT_EQ(Count(ExplainAnalyze(s, apart), "Batches:"), 0u);
  EXPECT_EQ(testing::Scalar(s, apart), in_memory_apart);
}

TEST(SpilledAsofJoin, KeysSplitBothInputs) {
  auto db = testing::OpenOrDie("");
  Session s(*db);
  testing::Ok(s, "CREATE TABLE q AS SELECT i % 30 AS sym, i AS ts, i AS id FROM generate_series(1, 60000) i");
  testing::Ok(s, "CREATE TABLE t AS SELECT i % 31 AS sym, i * 2 + 1 AS ts FROM generate_series(1, 20000) i");
  const std::string query = "SELECT count(*), sum(q.id) FROM t ASOF LEFT JOIN q ON t.sym = q.sym AND t.ts >= q.ts";
  const std::string no_keys = "SELECT count(*), sum(q.id) FROM t ASOF JOIN q ON t.ts >= q.ts";
  const std::string in_memory = testing::Scalar(s, "SELECT sum(q.id) FROM t ASOF LEFT JOIN q ON t.sym = q.sym AND t.ts >= q.ts");
  EXPECT_EQ(Count(ExplainAnalyze(s, query), "Batches:"), 0u);
  testing::Ok(s, "SET work_mem = '64kB'");
  EXPECT_EQ(Count(ExplainAnalyze(s, query), "Batches: 16  Disk: "), 1u);
  EXPECT_EQ(testing::Scalar(s, "SELECT sum(q.id) FROM t ASOF LEFT JOIN q ON t.sym = q.sym AND t.ts >= q.ts"), in_memory);
  // Without equality keys there is nothing to split by: in memory.
  EXPECT_EQ(Count(ExplainAnalyze(s, no_keys), "Batches:"), 0u);
}

}  // namespace
}  // namespace yunhe
