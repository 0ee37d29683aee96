// Plans of the join-order pass (sql/optimizer/join_order.h), read from EXPLAIN: joins written in
// scrambled order come out without cross products, the smaller input is the build side, EXPLAIN
// shows estimates next to the actual rows and names each column's table. The answers of the same
// queries are checked against PostgreSQL in tests/sql/optimizer/join_order.test.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;

struct PlanNode {
  std::string line;
  double rows = -1, actual = -1;
  std::vector<int> children;
};

// EXPLAIN's lines as a tree: an operator line is the root or starts with "->" at the column
// its depth gives; detail lines belong to the operator above them.
std::vector<PlanNode> ExplainTree(Database& db, const std::string& sql, std::string* text) {
  auto r = db.ExecuteStatement(sql);
  EXPECT_TRUE(r.status.ok()) << sql << ": " << r.status.message();
  std::vector<PlanNode> nodes;
  std::vector<std::pair<size_t, int>> open;  // (arrow column, node) of the current path
  for (auto& chunk : r.chunks)
    for (size_t row = 0; row < chunk.count; ++row) {
      const std::string line = chunk.columns[0].GetValue(row).ToString();
      *text += line + "\n";
      const size_t arrow = line.find("->  ");
      const bool is_root = nodes.empty();
      if (!is_root && (arrow == std::string::npos || line.find_first_not_of(' ') != arrow)) continue;
      PlanNode n;
      n.line = line;
      if (size_t p = line.find("(rows="); p != std::string::npos) n.rows = std::stod(line.substr(p + 6));
      if (size_t p = line.find("actual time="); p != std::string::npos) n.actual = std::stod(line.substr(line.find("rows=", p) + 5));
      const size_t column = is_root ? 0 : arrow + 1;
      while (!open.empty() && open.back().first >= column) open.pop_back();
      if (!open.empty()) nodes[size_t(open.back().second)].children.push_back(int(nodes.size()));
      open.emplace_back(column, int(nodes.size()));
      nodes.push_back(n);
    }
  return nodes;
}

int CountJoins(const std::vector<PlanNode>& plan, const std::string& name) {
  return int(std::count_if(plan.begin(), plan.end(), [&](const PlanNode& n) { return n.line.find(name) != std::string::npos; }));
}

class JoinOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(FreshDir("join-order"));
    // c1 ... c30: a chain, c_i.nxt = c_{i+1}.id, tables of 20 to 48 rows.
    for (int i = 1; i <= 31; ++i) {
      const int size = 20 + 7 * (i % 5), next = 20 + 7 * ((i + 1) % 5);
      Ok(*db_, "CREATE TABLE c" + std::to_string(i) + " (id int, nxt int, v int)");
      Ok(*db_, "INSERT INTO c" + std::to_string(i) + " SELECT g, (g * 3 + " + std::to_string(i) + ") % " + std::to_string(next) +
                   " + 1, g % 11 FROM generate_series(1, " + std::to_string(size) + ") g");
    }
  }
  // A chain of n tables in a shuffled FROM list, the equalities shuffled too.
  std::string Chain(int n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<int> order(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) order[size_t(i)] = i + 1;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::string> conds;
    for (int i = 1; i < n; ++i) conds.push_back("c" + std::to_string(i) + ".nxt = c" + std::to_string(i + 1) + ".id");
    std::shuffle(conds.begin(), conds.end(), rng);
    std::string sql = "SELECT count(*) FROM ";
    for (int i = 0; i < n; ++i) sql += (i ? ", c" : "c") + std::to_string(order[size_t(i)]);
    for (size_t k = 0; k < conds.size(); ++k) sql += (k ? " AND " : " WHERE ") + conds[k];
    return sql;
  }
  std::unique_ptr<Database> db_;
};

TEST_F(JoinOrderTest, ScrambledChainsHaveNoCrossProduct) {
  for (int n : {4, 8, 12, 13, 20, 30}) {
    for (unsigned seed : {1u, 2u, 3u}) {
      std::string text;
      const std::string sql = Chain(n, seed * 100 + unsigned(n));
      auto plan = ExplainTree(*db_, "EXPLAIN " + sql, &text);
      SCOPED_TRACE(sql + "\n" + text);
      EXPECT_EQ(CountJoins(plan, "Nested Loop"), 0);
      EXPECT_EQ(CountJoins(plan, "Hash Inner Join"), n - 1);
      // Each table joins by its key: the chain's answer is c1's row count.
      EXPECT_EQ(testing::Scalar(*db_, sql), "27");
    }
  }
}

TEST_F(JoinOrderTest, BuildSideIsTheSmallerEstimate) {
  std::string text;
  auto plan = ExplainTree(*db_, "EXPLAIN " + Chain(10, 5), &text);
  SCOPED_TRACE(text);
  int joins = 0;
  for (auto& n : plan) {
    if (n.line.find("Hash Inner Join") == std::string::npos) continue;
    ASSERT_EQ(n.children.size(), 2u);
    const PlanNode& probe = plan[size_t(n.children[0])];
    const PlanNode& build = plan[size_t(n.children[1])];
    ASSERT_GE(probe.rows, 0);
    ASSERT_GE(build.rows, 0);
    EXPECT_LE(build.rows, probe.rows) << n.line;
    ++joins;
  }
  EXPECT_EQ(joins, 9);
}

TEST_F(JoinOrderTest, DisconnectedInputsCrossOnce) {
  std::string text;
  auto plan = ExplainTree(*db_, "EXPLAIN SELECT count(*) FROM c1, c5, c2, c6 WHERE c1.nxt = c2.id AND c5.nxt = c6.id", &text);
  SCOPED_TRACE(text);
  EXPECT_EQ(CountJoins(plan, "Nested Loop"), 1);
  EXPECT_EQ(CountJoins(plan, "Hash Inner Join"), 2);
}

TEST_F(JoinOrderTest, TransitiveEqualitiesConnectTables) {
  // Only k1-k2 and k2-k3 are written; k1-k3 follows, so any pair may be joined first.
  for (int i = 1; i <= 3; ++i) {
    Ok(*db_, "CREATE TABLE k" + std::to_string(i) + " (k int, v int)");
    Ok(*db_, "INSERT INTO k" + std::to_string(i) + " SELECT g % " + std::to_string(10 * i) + ", g FROM generate_series(1, " +
                 std::to_string(100 * i * i) + ") g");
  }
  std::string text;
  auto plan = ExplainTree(*db_, "EXPLAIN SELECT count(*) FROM k3, k1, k2 WHERE k1.k = k2.k AND k2.k = k3.k", &text);
  SCOPED_TRACE(text);
  EXPECT_EQ(CountJoins(plan, "Nested Loop"), 0);
  // The two small tables first, then k3 by the written k2.k = k3.k alone (the derived k1.k = k3.k
  // would be a redundant key).
  EXPECT_NE(text.find("Hash Cond: k2.k = k1.k\n"), std::string::npos);
  EXPECT_NE(text.find("Hash Cond: k2.k = k3.k\n"), std::string::npos);
  EXPECT_EQ(testing::Scalar(*db_, "SELECT count(*) FROM k3, k1, k2 WHERE k1.k = k2.k AND k2.k = k3.k"),
            testing::Scalar(*db_, "SELECT count(*) FROM k1 JOIN k2 ON k1.k = k2.k JOIN k3 ON k1.k = k3.k"));
}

TEST_F(JoinOrderTest, ConstantsReachEveryMemberOfAnEquality) {
  // c1.nxt = c2.id AND c2.id = 7: c1's scan also gets nxt = 7 (and its zone maps), before the join.
  std::string text;
  auto plan = ExplainTree(*db_, "EXPLAIN SELECT count(*) FROM c2, c1 WHERE c1.nxt = c2.id AND c2.id = 7", &text);
  SCOPED_TRACE(text);
  EXPECT_NE(text.find("Filter: (c1.nxt = 7)"), std::string::npos);
  EXPECT_NE(text.find("Zone map filter: nxt = 7"), std::string::npos);
  EXPECT_EQ(testing::Scalar(*db_, "SELECT count(*) FROM c2, c1 WHERE c1.nxt = c2.id AND c2.id = 7"),
            testing::Scalar(*db_, "SELECT count(*) FROM c1 WHERE nxt = 7"));
  // Through a chain of classes: c3.id = c2.nxt is another class, so only c1 and c2 are fixed.
  text.clear();
  ExplainTree(*db_, "EXPLAIN SELECT count(*) FROM c3, c2, c1 WHERE c1.nxt = c2.id AND c2.nxt = c3.id AND c1.nxt = 5", &text);
  EXPECT_NE(text.find("c2.id = 5"), std::string::npos) << text;
  EXPECT_EQ(text.find("c3.id = 5"), std::string::npos) << text;
}

TEST_F(JoinOrderTest, ExplainAnalyzeShowsEstimatesNextToActualRows) {
  std::string text;
  auto plan = ExplainTree(*db_, "EXPLAIN ANALYZE " + Chain(6, 9), &text);
  SCOPED_TRACE(text);
  int checked = 0;
  for (auto& n : plan) {
    if (n.line.find("Hash Inner Join") == std::string::npos && n.line.find("Seq Scan") == std::string::npos) continue;
    ASSERT_GE(n.rows, 1) << n.line;
    ASSERT_GE(n.actual, 0) << n.line;
    // Key joins of small tables: the estimate is within a factor of two of what ran.
    EXPECT_LE(n.rows, 2 * n.actual + 1) << n.line;
    EXPECT_GE(2 * n.rows + 1, n.actual) << n.line;
    ++checked;
  }
  EXPECT_EQ(checked, 11);
  // Columns are named with their tables, as PostgreSQL's EXPLAIN does for several relations.
  EXPECT_NE(text.find("Hash Cond: c"), std::string::npos);
  EXPECT_EQ(text.find("Hash Cond: id"), std::string::npos);
}

TEST_F(JoinOrderTest, OuterJoinsThatWhereMakesInner) {
  struct Case {
    const char* sql;
    const char* join;  // the join EXPLAIN must show
  } cases[] = {
      {"SELECT count(*) FROM c1 LEFT JOIN c2 ON c1.nxt = c2.id WHERE c2.v > 3", "Hash Inner Join"},
      {"SELECT count(*) FROM c1 LEFT JOIN c2 ON c1.nxt = c2.id WHERE c2.v IS NULL", "Hash Left Join"},
      {"SELECT count(*) FROM c1 LEFT JOIN c2 ON c1.nxt = c2.id WHERE COALESCE(c2.v, 0) = 0", "Hash Left Join"},
      {"SELECT count(*) FROM c1 LEFT JOIN c2 ON c1.nxt = c2.id WHERE c2.v > 3 OR c1.v = 1", "Hash Left Join"},
      {"SELECT count(*) FROM c1 FULL JOIN c2 ON c1.nxt = c2.id WHERE c2.v + 1 > 3", "Hash Right Join"},
      {"SELECT count(*) FROM c1 FULL JOIN c2 ON c1.nxt = c2.id WHERE c1.v IN (1, 2)", "Hash Left Join"},
      // A comma join's equality on the padded side: the LEFT JOIN joins the region.
      {"SELECT count(*) FROM c3, c1 LEFT JOIN c2 ON c1.nxt = c2.id WHERE c2.nxt = c3.id", "Hash Inner Join"},
  };
  for (const Case& c : cases) {
    std::string text;
    auto plan = ExplainTree(*db_, std::string("EXPLAIN ") + c.sql, &text);
    SCOPED_TRACE(std::string(c.sql) + "\n" + text);
    EXPECT_EQ(CountJoins(plan, "Left Join") + CountJoins(plan, "Right Join") + CountJoins(plan, "Full Join"),
              std::string(c.join) == "Hash Inner Join" ? 0 : 1);
    EXPECT_GE(CountJoins(plan, c.join), 1);
  }
}

TEST_F(JoinOrderTest, RewritesShowInThePlan) {
  std::string text;
  // The join equality every OR arm repeats becomes the hash key (TPC-H Q19).
  auto plan = ExplainTree(*db_,
                          "EXPLAIN SELECT count(*) FROM c1, c2 WHERE (c1.nxt = c2.id AND c1.v = 1) OR (c2.id = c1.nxt AND c2.v = 2)",
                          &text);
  EXPECT_EQ(CountJoins(plan, "Nested Loop"), 0) << text;
  EXPECT_EQ(CountJoins(plan, "Hash Inner Join"), 1) << text;
  // Equalities of one column with constants become one IN list.
  text.clear();
  ExplainTree(*db_, "EXPLAIN SELECT count(*) FROM c1 WHERE v = 1 OR v = 3 OR id = 4 OR v = 5", &text);
  EXPECT_NE(text.find("(v IN (...) OR (id = 4))"), std::string::npos) << text;
  // EXISTS correlated by an equality and an inequality: a semi join with a residual (TPC-H Q21).
  text.clear();
  plan = ExplainTree(*db_, "EXPLAIN SELECT count(*) FROM c1 a WHERE EXISTS (SELECT * FROM c1 b WHERE b.nxt = a.nxt AND b.id <> a.id)",
                     &text);
  EXPECT_EQ(CountJoins(plan, "Hash Semi Join"), 1) << text;
  EXPECT_NE(text.find("Join Filter: (id <> a.id)"), std::string::npos) << text;
}

TEST_F(JoinOrderTest, RangeEstimatesFromZoneMaps) {
  Ok(*db_, "CREATE TABLE wide (ts int, v int)");
  Ok(*db_, "INSERT INTO wide SELECT g, g FROM generate_series(1, 100000) g");
  struct Case {
    const char* where;
    double expected;  // the actual share of 100000 rows
  } cases[] = {{"ts < 25000", 24999}, {"90000 < ts", 10000}, {"ts >= 99000", 1001}, {"ts > 200000", 0},
               {"ts >= 50000 AND ts < 60000", 10000}, {"40000 <= ts AND 45000 > ts AND ts < 80000", 5000}};
  for (const Case& c : cases) {
    std::string text;
    auto plan = ExplainTree(*db_, std::string("EXPLAIN SELECT count(*) FROM wide WHERE ") + c.where, &text);
    SCOPED_TRACE(text);
    const PlanNode* filter = nullptr;
    for (auto& n : plan)
      if (n.line.find("Filter  (") != std::string::npos) filter = &n;
    ASSERT_NE(filter, nullptr);
    // Evenly spread values: the estimate is the share between min and max (at least a sliver).
    EXPECT_NEAR(filter->rows, std::max(c.expected, 50.0), 0.02 * 100000) << c.where;
  }
}

TEST_F(JoinOrderTest, OuterJoinsKeepTheirPlace) {
  // The LEFT JOIN is a boundary: c1 LEFT JOIN c4 stays one input of the inner joins around it,
  // so rows of c1 without a match in c4 survive (c4.id = c1.v + 60 never matches).
  const std::string sql =
      "SELECT count(*), count(c4.id) FROM c2, c1 LEFT JOIN c4 ON c4.id = c1.v + 60, c3 WHERE c1.nxt = c2.id AND c2.nxt = c3.id";
  std::string text;
  auto plan = ExplainTree(*db_, "EXPLAIN " + sql, &text);
  SCOPED_TRACE(text);
  EXPECT_EQ(CountJoins(plan, "Hash Left Join"), 1);
  EXPECT_EQ(CountJoins(plan, "Nested Loop"), 0);
  auto r = db_->ExecuteStatement(sql);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.chunks[0].columns[0].GetValue(0).ToString(), "27");
  EXPECT_EQ(r.chunks[0].columns[1].GetValue(0).ToString(), "0");
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

TEST(CompositeKeyEstimate, TwoColumnsOfOneKeyAreNotIndependent) {
  // TPC-H's lineitem and partsupp: every line matches one (part, supplier) pair, so the join has
  // as many rows as the lines; per-column independence would give lines x pairs / (parts x suppliers).
  auto db = OpenOrDie(FreshDir("composite-key"));
  Ok(*db, "CREATE TABLE ps (part int, supp int, cost int)");
  // 2000 parts x 4 suppliers each, out of 1000 suppliers; every line is one of those pairs.
  Ok(*db, "INSERT INTO ps SELECT p, (p * 7 + s) % 1000, p + s FROM generate_series(1, 2000) p, generate_series(1, 4) s");
  Ok(*db, "CREATE TABLE li (part int, supp int, qty int)");
  Ok(*db, "INSERT INTO li SELECT g % 2000 + 1, ((g % 2000 + 1) * 7 + g % 4 + 1) % 1000, g FROM generate_series(1, 40000) g");
  std::string text;
  auto plan = ExplainTree(*db, "EXPLAIN ANALYZE SELECT count(*) FROM li, ps WHERE li.part = ps.part AND li.supp = ps.supp", &text);
  SCOPED_TRACE(text);
  const PlanNode* join = nullptr;
  for (auto& n : plan)
    if (n.line.find("Hash Inner Join") != std::string::npos) join = &n;
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->actual, 40000);
  // Independent keys would divide by 2000 parts x 1000 suppliers (160 rows). A side has no more
  // key combinations than rows: li's 40000 bound the divisor, 40000 x 8000 / 40000 = 8000.
  EXPECT_GE(join->rows, 4000);
  EXPECT_LE(join->rows, 80000);
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

TEST(OuterJoinOnConditions, APaddedSideConditionFiltersItsInput) {
  auto db = OpenOrDie(FreshDir("outer-join-on"));
  Ok(*db, "CREATE TABLE c (ck int, name text)");
  Ok(*db, "CREATE TABLE o (ok int, ck int, note text)");
  std::string text;
  ExplainTree(*db, "EXPLAIN SELECT c.name, count(o.ok) FROM c LEFT JOIN o ON c.ck = o.ck AND o.note NOT LIKE '%x%' AND c.name <> 'a' GROUP BY c.name", &text);
  // The padded side's condition is a filter under the join; the preserved side's stays in it.
  EXPECT_NE(text.find("Hash Cond: c.ck = o.ck; Join Filter: (c.name <> 'a')"), std::string::npos) << text;
  EXPECT_LT(text.find("Hash Left Join"), text.find("Filter: (o.note !~~ '%x%')")) << text;
}

}  // namespace
}  // namespace yunhe

namespace yunhe {
namespace {

TEST(ImpliedOrRestrictions, EachTableOfAnOrGetsWhatEveryArmAsksOfIt) {
  auto db = OpenOrDie(FreshDir("or-restrictions"));
  Ok(*db, "CREATE TABLE n (k int, name text)");
  Ok(*db, "CREATE TABLE s (k int, nk int)");
  Ok(*db, "CREATE TABLE c (k int, nk int)");
  std::string text;
  // TPC-H Q7's nation pair: each nation scan is cut to the two names before the joins.
  ExplainTree(*db,
              "EXPLAIN SELECT count(*) FROM s, c, n n1, n n2 WHERE s.nk = n1.k AND c.nk = n2.k AND s.k = c.k AND "
              "((n1.name = 'FRANCE' AND n2.name = 'GERMANY') OR (n1.name = 'GERMANY' AND n2.name = 'FRANCE'))",
              &text);
  EXPECT_NE(text.find("Filter: n1.name IN (...)"), std::string::npos) << text;
  EXPECT_NE(text.find("Filter: n2.name IN (...)"), std::string::npos) << text;
  // The whole OR still decides, above the joins.
  EXPECT_NE(text.find("((n1.name = 'FRANCE') AND (n2.name = 'GERMANY')) OR"), std::string::npos) << text;
  // An arm that does not restrict a table gives that table nothing.
  text.clear();
  ExplainTree(*db, "EXPLAIN SELECT count(*) FROM n n1, n n2 WHERE n1.k = n2.k AND (n1.name = 'A' OR n2.name = 'B')", &text);
  EXPECT_EQ(text.find("Filter: (n1.name = 'A')"), std::string::npos) << text;
}

}  // namespace
}  // namespace yunhe
