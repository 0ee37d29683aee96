// FOREIGN KEY constraints across restarts (engine/foreign_keys.h): a child listed before its
// parent in the catalog file, renames, a DROP ... CASCADE of the parent and ON DELETE CASCADE
// come back the same from the WAL and from a checkpoint.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::Ok;
using testing::Scalar;
using testing::StateOf;

TEST(ForeignKeys, ComeBackAfterRestarts) {
  testing::ExpectAfterRestarts("foreign-keys",
                               [](Database& db) {
                                 Ok(db, "CREATE TABLE zparent (id int PRIMARY KEY)");
                                 Ok(db, "CREATE TABLE achild (id int, p int REFERENCES zparent ON DELETE CASCADE)");
                                 Ok(db, "CREATE TABLE bchild (id int, p int REFERENCES zparent)");
                                 Ok(db, "INSERT INTO zparent VALUES (1), (2)");
                                 Ok(db, "INSERT INTO achild VALUES (1, 1), (2, 2)");
                                 Ok(db, "ALTER TABLE zparent RENAME COLUMN id TO pid");
                                 Ok(db, "DELETE FROM zparent WHERE pid = 2");  // cascades into achild
                                 Ok(db, "CREATE TABLE gone (id int PRIMARY KEY)");
                                 Ok(db, "CREATE TABLE keeps (g int REFERENCES gone)");
                                 Ok(db, "DROP TABLE gone CASCADE");  // keeps loses its constraint
                               },
                               [](Database& db) {
                                 EXPECT_EQ(Scalar(db, "SELECT string_agg(id::text, ',') FROM achild"), "1");
                                 EXPECT_EQ(StateOf(db, "INSERT INTO achild VALUES (3, 7)"), "23503");
                                 EXPECT_EQ(StateOf(db, "INSERT INTO bchild VALUES (3, 7)"), "23503");
                                 EXPECT_EQ(StateOf(db, "DELETE FROM zparent"), "ok");  // cascades; bchild has no rows
                                 EXPECT_EQ(Scalar(db, "SELECT count(*) FROM achild"), "0");
                                 Ok(db, "INSERT INTO keeps VALUES (42)");
                                 EXPECT_EQ(Scalar(db, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE contype = 'f'"),
                                           "achild_p_fkey,bchild_p_fkey");
                               });
}

}  // namespace
}  // namespace yunhe
