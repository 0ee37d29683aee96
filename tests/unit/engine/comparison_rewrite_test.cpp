// Comparisons that reach the scan as `column op constant` (Planner::MakeComparison): a date
// column against a timestamp constant (TPC-H's `date '1994-01-01' + interval '1 year'`) compares
// with a date bound, so zone maps prune on it; a numeric(p,s) column against a numeric constant
// and varchar against text lose their relabelling casts. Read from EXPLAIN; the answers are
// checked against PostgreSQL in tests/sql/optimizer/comparison_rewrites.test.
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

class ComparisonRewrite : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(FreshDir("comparison_rewrite"));
    Ok(*db_, "CREATE TABLE l (day date NOT NULL, price numeric(15,2) NOT NULL, mode varchar(10) NOT NULL)");
    // Days in order, so each 2048-row group covers a short range of dates.
    Ok(*db_, "INSERT INTO l SELECT date '1994-01-01' + (x / 100), (x % 11) / 100.0, 'm' || (x % 3) FROM generate_series(0, 99999) x");
    Ok(*db_, "CHECKPOINT");
  }
  std::unique_ptr<Database> db_;
};

TEST_F(ComparisonRewrite, DateAgainstATimestampBoundPrunesOnTheDate) {
  const std::string q = "SELECT count(*) FROM l WHERE day >= date '1994-01-01' AND day < date '1994-01-01' + interval '10 days'";
  EXPECT_EQ(Scalar(*db_, q), "1000");
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_NE(plan.find("day < '1994-01-11'::date"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("::timestamp"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Zone map filter: day >= '1994-01-01'::date AND day < '1994-01-11'::date"), std::string::npos) << plan;
  // 1,000 rows are in the first of 49 groups: the rest are skipped by their zone maps.
  EXPECT_NE(plan.find("row groups skipped: 48 of 49"), std::string::npos) << plan;
}

TEST_F(ComparisonRewrite, ATimestampInsideADayRoundsTheBoundTheRightWay) {
  // day < 1994-01-02 00:00:01 holds for 1994-01-02 itself; day <= 1994-01-02 23:59 too.
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM l WHERE day < timestamp '1994-01-02 00:00:01'"), "200");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM l WHERE day <= timestamp '1994-01-02 23:59'"), "200");
  // 1995-04-10 is day 464 of the 1,000: days 465..999 are after its noon.
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM l WHERE day > timestamp '1995-04-10 12:00'"), "53500");
  EXPECT_EQ(Scalar(*db_, "SELECT count(*) FROM l WHERE day = timestamp '1994-01-02 12:00'"), "0");
  const std::string plan = ExplainAnalyze(*db_, "SELECT count(*) FROM l WHERE day = timestamp '1994-01-02 12:00'");
  EXPECT_NE(plan.find("::timestamp"), std::string::npos) << plan;  // not a midnight: left as written
}

TEST_F(ComparisonRewrite, RelabellingCastsAreDropped) {
  const std::string q = "SELECT count(*) FROM l WHERE price BETWEEN 0.06 - 0.01 AND 0.06 + 0.01 AND mode = 'm1'::text";
  EXPECT_EQ(Scalar(*db_, q), std::to_string([] {
              int n = 0;
              for (int x = 0; x < 100000; ++x) n += x % 11 >= 5 && x % 11 <= 7 && x % 3 == 1;
              return n;
            }()));
  const std::string plan = ExplainAnalyze(*db_, q);
  EXPECT_NE(plan.find("(price >= 0.05) AND (price <= 0.07)"), std::string::npos) << plan;
  EXPECT_NE(plan.find("(mode = 'm1')"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("::numeric"), std::string::npos) << plan;
}

}  // namespace
}  // namespace yunhe
