// An aggregate subquery correlated through a FROM of several tables (TPC-H Q2's
// `ps_supplycost = (SELECT min(..) FROM partsupp, supplier, nation, region WHERE p_partkey =
// ps_partkey AND ...)`) is planned once, grouped by the correlated column, and joined: read
// from EXPLAIN (no SubPlan left). Correlations that cannot be lifted keep the per-row plan. The
// answers are checked against PostgreSQL in tests/sql/optimizer/decorrelate_joins.test.
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

class DecorrelateJoins : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(FreshDir("decorrelate_joins"));
    Ok(*db_, "CREATE TABLE p (pk int, size int)");
    Ok(*db_, "CREATE TABLE s (sk int, nk int)");
    Ok(*db_, "CREATE TABLE ps (pk int, sk int, cost int)");
    Ok(*db_, "INSERT INTO p SELECT x, x % 20 FROM generate_series(1, 2000) x");
    Ok(*db_, "INSERT INTO s SELECT x, x % 5 FROM generate_series(1, 100) x");
    Ok(*db_, "INSERT INTO ps SELECT x % 2000 + 1, x % 100 + 1, (x * 7919) % 1000 FROM generate_series(1, 8000) x");
  }
  std::unique_ptr<Database> db_;
};

TEST_F(DecorrelateJoins, MinOverAJoinIsGroupedOnce) {
  const std::string q =
      "SELECT count(*) FROM p, ps WHERE p.pk = ps.pk AND p.size = 3 AND ps.cost = "
      "(SELECT min(ps2.cost) FROM ps ps2, s WHERE ps2.pk = p.pk AND s.sk = ps2.sk AND s.nk = 1)";
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_EQ(plan.find("SubPlan"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Group Key: ps2.pk"), std::string::npos) << plan;
  // The same count from a formulation without a correlated subquery.
  EXPECT_EQ(Scalar(*db_, q), Scalar(*db_,
                                    "SELECT count(*) FROM p, ps, (SELECT ps2.pk AS k, min(ps2.cost) AS m FROM ps ps2, s "
                                    "WHERE s.sk = ps2.sk AND s.nk = 1 GROUP BY ps2.pk) g "
                                    "WHERE p.pk = ps.pk AND p.size = 3 AND g.k = p.pk AND ps.cost = g.m"));
}

TEST_F(DecorrelateJoins, ACorrelationInsideAJoinConditionStaysPerRow) {
  // On the NULL-padded side of a LEFT JOIN the correlation cannot move above the join.
  const std::string q = "SELECT count(*) FROM p WHERE p.size < (SELECT count(ps.pk) FROM s LEFT JOIN ps ON s.sk = ps.sk AND ps.pk = p.pk)";
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_NE(plan.find("SubPlan"), std::string::npos) << plan;
  EXPECT_EQ(Scalar(*db_, q), "400");  // the 4 rows of ps of each pk match: sizes 0..3 of every 20
}

TEST_F(DecorrelateJoins, AnUncorrelatedInFiltersItsScanBeforeTheJoins) {
  // TPC-H Q18's shape: the IN list of a grouped subquery selects few p rows; it filters p's scan.
  const std::string q = "SELECT count(*) FROM p, ps WHERE p.pk = ps.pk AND p.pk IN (SELECT pk FROM ps GROUP BY pk HAVING sum(cost) > 3900)";
  const std::string plan = ExplainAnalyze(*db_, q);
  const size_t filter = plan.find("Filter: p.pk IN (SubPlan)"), scan = plan.find("Seq Scan on p ");
  ASSERT_NE(filter, std::string::npos) << plan;
  ASSERT_NE(scan, std::string::npos) << plan;
  EXPECT_LT(plan.find("Hash Inner Join"), filter) << plan;  // below the join, right over p's scan
  EXPECT_EQ(plan.find("Filter", filter + 1), std::string::npos) << plan;
  EXPECT_EQ(Scalar(*db_, q), Scalar(*db_,
                                    "SELECT count(*) FROM p, ps, (SELECT pk FROM ps GROUP BY pk HAVING sum(cost) > 3900) g "
                                    "WHERE p.pk = ps.pk AND g.pk = p.pk"));
}

TEST_F(DecorrelateJoins, FewOuterRowsAreHashedForExists) {
  // 100 outer rows against 8,000 subquery rows: the outer rows are the hash table.
  for (const char* q : {"SELECT count(*) FROM p WHERE p.size = 3 AND EXISTS (SELECT 1 FROM ps WHERE ps.pk = p.pk AND ps.cost > 500)",
                        "SELECT count(*) FROM p WHERE p.size = 3 AND NOT EXISTS (SELECT 1 FROM ps WHERE ps.pk = p.pk AND ps.cost > 500)"}) {
    const std::string plan = ExplainAnalyze(*db_, q);
    EXPECT_NE(plan.find("Hashed: left rows"), std::string::npos) << plan;
  }
  EXPECT_EQ(std::stoi(Scalar(*db_, "SELECT count(*) FROM p WHERE p.size = 3 AND EXISTS (SELECT 1 FROM ps WHERE ps.pk = p.pk AND ps.cost > 500)")) +
                std::stoi(Scalar(*db_, "SELECT count(*) FROM p WHERE p.size = 3 AND NOT EXISTS (SELECT 1 FROM ps WHERE ps.pk = p.pk AND ps.cost > 500)")),
            100);
  // Many outer rows against the same subquery: hashed as before, on the subquery's side.
  const std::string plan = ExplainAnalyze(*db_, "SELECT count(*) FROM ps WHERE EXISTS (SELECT 1 FROM p WHERE p.pk = ps.pk AND p.size = 3)");
  EXPECT_EQ(plan.find("Hashed: left rows"), std::string::npos) << plan;
}

}  // namespace
}  // namespace yunhe
