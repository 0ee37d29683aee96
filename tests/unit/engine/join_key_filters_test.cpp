// Hash joins offer the keys they built to their probe side (sql/optimizer/join_key_filters.h):
// read from EXPLAIN where the filter lands, and checked that it never lands where the join keeps
// unmatched rows. LEFT joins whose left rows are the fewer hash them (build_side.h), also when
// they spill. The answers are checked against PostgreSQL in tests/sql/joins/join_key_filters.test.
#include <gtest/gtest.h>

#include <string>

#include "test_database.h"

namespace yunhe {
namespace {

using testing::ExplainAnalyze;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

class JoinKeyFilters : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(FreshDir("join_key_filters"));
    Ok(*db_, "CREATE TABLE li AS SELECT g AS id, g % 2000 AS pk, (g * 37) % 50 + 1 AS qty FROM generate_series(1, 60000) g");
    Ok(*db_, "CREATE TABLE pa AS SELECT g AS pk, g % 25 AS brand FROM generate_series(0, 1999) g");
  }
  std::unique_ptr<Database> db_;
};

TEST_F(JoinKeyFilters, TheCorrelatedAggregateSeesOnlyTheJoinedKeys) {
  // TPC-H Q17's shape: 80 parts of brand 3; the average per part is needed for those only.
  const std::string q =
      "SELECT count(*) || '|' || sum(li.qty) FROM li, pa WHERE pa.pk = li.pk AND pa.brand = 3 "
      "AND li.qty < (SELECT avg(l2.qty) FROM li l2 WHERE l2.pk = pa.pk)";
  const std::string plan = ExplainAnalyze(*db_, q);
  const size_t agg = plan.find("HashAggregate"), filter = plan.find("pk IN (hashed pa.pk)");
  ASSERT_NE(agg, std::string::npos) << plan;
  ASSERT_NE(filter, std::string::npos) << plan;
  EXPECT_LT(agg, filter) << plan;  // below the aggregate
  EXPECT_NE(plan.find("rows=80)", agg), std::string::npos) << plan;  // groups made: the 80 parts
  // The rows the filter let through, counted although the aggregate's workers ran it: 80 x 30.
  const size_t header = plan.rfind("Filter  (", filter);
  ASSERT_NE(header, std::string::npos) << plan;
  EXPECT_NE(plan.substr(header, filter - header).find("rows=2400)"), std::string::npos) << plan;
  EXPECT_EQ(Scalar(*db_, q), Scalar(*db_,
                                    "SELECT count(*) || '|' || sum(li.qty) FROM li, pa, (SELECT pk, avg(qty) AS a FROM li GROUP BY pk) g "
                                    "WHERE pa.pk = li.pk AND pa.brand = 3 AND g.pk = pa.pk AND li.qty < g.a"));
}

TEST_F(JoinKeyFilters, AFewLeftRowsAreHashedAndKeptWhenUnmatched) {
  Ok(*db_, "CREATE TABLE few AS SELECT g * 300 AS k FROM generate_series(1, 12) g");
  const std::string q = "SELECT count(*) || '|' || count(g.c) || '|' || sum(g.c) FROM few LEFT JOIN (SELECT pk, count(*) AS c FROM li GROUP BY pk) g ON g.pk = few.k";
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_NE(plan.find("Hashed: left rows"), std::string::npos) << plan;
  EXPECT_NE(plan.find("pk IN (hashed few.k)"), std::string::npos) << plan;
  // Keys 300 .. 3600: the six under 2000 have 30 lines each, the six above none.
  EXPECT_EQ(Scalar(*db_, q), "12|6|180");
}

TEST_F(JoinKeyFilters, ThePreservedSideOfAnOuterJoinIsNeverFiltered) {
  // pa's 2,000 rows probe a hash of 80 grouped parts: every pa row stays, padded or not.
  const std::string q =
      "SELECT count(*) || '|' || count(g.c) FROM (SELECT pk, count(*) AS c FROM pa GROUP BY pk) p "
      "LEFT JOIN (SELECT pk, count(*) AS c FROM pa WHERE brand = 3 GROUP BY pk) g ON g.pk = p.pk";
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_EQ(plan.find("IN (hashed"), std::string::npos) << plan;
  EXPECT_EQ(Scalar(*db_, q), "2000|80");
}

TEST_F(JoinKeyFilters, ASpilledLeftJoinOfHashedLeftRowsKeepsItsUnmatchedRows) {
  Ok(*db_, "SET work_mem = '64kB'");
  const std::string q =
      "SELECT count(*) || '|' || count(li.id) || '|' || count(DISTINCT s.k) FROM (SELECT g AS k FROM generate_series(1, 12000) g) s "
      "LEFT JOIN li ON li.pk = s.k";
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_NE(plan.find("Hashed: left rows"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Batches: 32"), std::string::npos) << plan;
  // Keys 1..1999 match 30 lines each (59,970 lines); the other 10,001 keys come out padded.
  EXPECT_EQ(Scalar(*db_, q), "69971|59970|12000");
}

}  // namespace
}  // namespace yunhe
