// Views and what they read across restarts (engine/view_dependencies.h): a DROP ... CASCADE
// drops the views in the WAL too, views follow renames (or the rename is refused), and a directory
// whose catalog holds a view that no longer plans (as older versions could leave) still opens.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::CloseAsInACrash;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;
using testing::StateOf;

const char* const kViews = "SELECT coalesce(string_agg(viewname, ',' ORDER BY viewname), '') FROM pg_views WHERE schemaname = 'public'";

TEST(ViewDependencies, CascadeComesBackAfterRestarts) {
  testing::ExpectAfterRestarts("view-deps",
                               [](Database& db) {
                                 Ok(db, "CREATE TABLE t (a int, b int)");
                                 Ok(db, "CREATE VIEW va AS SELECT a FROM t");
                                 Ok(db, "CREATE VIEW vb AS SELECT b FROM t");
                                 Ok(db, "CREATE VIEW vva AS SELECT * FROM va");
                                 Ok(db, "CREATE VIEW other AS SELECT 1 AS one");
                                 EXPECT_EQ(StateOf(db, "DROP TABLE t"), "2BP01");
                                 Ok(db, "ALTER TABLE t DROP COLUMN b CASCADE");
                                 Ok(db, "CHECKPOINT");  // the WAL below starts from a catalog file with va, vva
                                 Ok(db, "DROP TABLE t CASCADE");
                               },
                               [](Database& db) {
                                 EXPECT_EQ(Scalar(db, kViews), "other");
                                 EXPECT_EQ(StateOf(db, "SELECT * FROM t"), "42P01");
                               });
}

TEST(ViewDependencies, ViewsFollowRenamesAcrossRestarts) {
  testing::ExpectAfterRestarts("view-deps-rename",
                               [](Database& db) {
                                 Ok(db, "CREATE TABLE t (id int, v text)");
                                 Ok(db, "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
                                 Ok(db, "CREATE VIEW v AS SELECT t.id, v FROM t WHERE id > 1 ORDER BY id");
                                 Ok(db, "CREATE VIEW w AS SELECT * FROM v");
                                 Ok(db, "ALTER TABLE t RENAME COLUMN id TO ident");
                                 Ok(db, "ALTER TABLE t RENAME TO t2");
                                 Ok(db, "ALTER VIEW v RENAME TO v2");
                                 EXPECT_EQ(Scalar(db, "SELECT id || v FROM w"), "2b");
                               },
                               [](Database& db) {
                                 EXPECT_EQ(Scalar(db, "SELECT id || v FROM w"), "2b");
                                 EXPECT_EQ(Scalar(db, "SELECT definition FROM pg_views WHERE viewname = 'v2'"),
                                           "SELECT t2.ident AS id, v FROM t2 WHERE ident > 1 ORDER BY id");
                               });
}

TEST(ViewDependencies, RenameAViewCannotFollowIsRefused) {
  auto db = OpenOrDie(FreshDir("view-deps-using"));
  Ok(*db, "CREATE TABLE t (id int)");
  Ok(*db, "CREATE VIEW u AS SELECT id FROM t JOIN t AS x USING (id)");  // USING names carry no position
  EXPECT_EQ(StateOf(*db, "ALTER TABLE t RENAME COLUMN id TO ident"), "0A000");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM u"), "0");  // nothing changed
  Ok(*db, "CREATE TABLE other (x int)");
  Ok(*db, "ALTER TABLE other RENAME COLUMN x TO y");  // no view reads it
}

TEST(ViewDependencies, ABrokenViewInTheCatalogFileStillOpens) {
  const std::string dir = FreshDir("view-deps-broken");
  {
    auto db = OpenOrDie(dir);
    Ok(*db, "CREATE TABLE keep (a int)");
    Ok(*db, "INSERT INTO keep VALUES (7)");
    Ok(*db, "CREATE VIEW stale AS SELECT a FROM keep");
    Ok(*db, "CHECKPOINT");
  }
  // What a change without the dependency check left: a view reading a column that is gone.
  std::string name;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind("catalog-", 0) == 0) name = e.path().string();
  std::stringstream text;
  text << std::ifstream(name).rdbuf();
  std::string ddl = text.str();
  const std::string view = "SELECT a FROM keep";
  ASSERT_NE(ddl.find(view), std::string::npos) << ddl;
  ddl.replace(ddl.find(view), view.size(), "SELECT gone FROM keep");
  std::ofstream(name, std::ios::trunc) << ddl;
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, "SELECT a FROM keep"), "7");
  EXPECT_EQ(StateOf(*db, "SELECT * FROM stale"), "42703");
  Ok(*db, "DROP VIEW stale");
}

}  // namespace
}  // namespace yunhe
