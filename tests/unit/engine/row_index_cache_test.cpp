// In-memory secondary indexes belong to their table: not shared between databases, not carried
// over to a table whose columns changed, gone with a dropped table.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::OpenOrDie;
using testing::Scalar;

TEST(RowIndexCache, TwoDatabasesNeverShareAnIndex) {
  auto a = OpenOrDie(""), b = OpenOrDie("");
  for (auto* db : {a.get(), b.get()}) db->Execute("CREATE TABLE t (k int, v text); CREATE INDEX t_k ON t (k)");
  a->Execute("INSERT INTO t SELECT x, 'a' || x FROM generate_series(1, 20000) x");
  b->Execute("INSERT INTO t SELECT x, 'b' || x FROM generate_series(1, 20000) x");
  EXPECT_EQ(Scalar(*a, "SELECT v FROM t WHERE k = 777"), "a777");
  EXPECT_EQ(Scalar(*b, "SELECT v FROM t WHERE k = 777"), "b777");
  EXPECT_EQ(Scalar(*a, "SELECT v FROM t WHERE k = 778"), "a778");
}

TEST(RowIndexCache, AnIndexDoesNotOutliveItsColumns) {
  auto db = OpenOrDie("");
  db->Execute("CREATE TABLE t (x int, k int, v text); CREATE INDEX t_k ON t (k); "
              "INSERT INTO t SELECT x, x * 2, 'v' || x FROM generate_series(1, 20000) x");
  EXPECT_EQ(Scalar(*db, "SELECT v FROM t WHERE k = 100"), "v50");
  // Dropping the column before k moves k to position 0; an index keyed by position must not be
  // reused for the column now there.
  ASSERT_TRUE(db->ExecuteStatement("ALTER TABLE t DROP COLUMN x").status.ok());
  EXPECT_EQ(Scalar(*db, "SELECT v FROM t WHERE k = 100"), "v50");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM t WHERE k = 50"), "1");
}

TEST(RowIndexCache, ARecreatedTableGetsANewIndex) {
  auto db = OpenOrDie("");
  db->Execute("CREATE TABLE t (k int, v text); CREATE INDEX t_k ON t (k); INSERT INTO t SELECT x, 'old' FROM generate_series(1, 20000) x");
  EXPECT_EQ(Scalar(*db, "SELECT v FROM t WHERE k = 5"), "old");
  db->Execute("DROP TABLE t; CREATE TABLE t (k int, v text); CREATE INDEX t_k ON t (k); INSERT INTO t SELECT x + 1, 'new' FROM generate_series(1, 20000) x");
  EXPECT_EQ(Scalar(*db, "SELECT v FROM t WHERE k = 5"), "new");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM t WHERE k = 1"), "0");
}

}  // namespace
}  // namespace yunhe
