// Object OIDs across restarts (engine/catalog_oids.h): every relation, schema and role keeps
// the OID it was made with, whether the database comes back from the WAL or from a checkpoint,
// so a regclass column still names the table it named.
#include <gtest/gtest.h>

#include "engine/catalog_oids.h"
#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::CloseAsInACrash;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

// Made in an order unlike the names' order (which a catalog file lists them in).
void MakeObjects(Database& db) {
  Ok(db, "CREATE TABLE zeta (a int PRIMARY KEY)");
  Ok(db, "CREATE SCHEMA mid");
  Ok(db, "CREATE TABLE mid.beta (b int)");
  Ok(db, "CREATE VIEW omega AS SELECT a FROM zeta");
  Ok(db, "CREATE TABLE alpha (r regclass, t regtype)");
  Ok(db, "INSERT INTO alpha VALUES ('zeta', 'int4'), ('mid.beta', 'text'), ('omega', 'regclass')");
  Ok(db, "CREATE INDEX kappa ON mid.beta (b)");
  Ok(db, "CREATE SEQUENCE eta");
  Ok(db, "CREATE ROLE delta");
}

const char* const kListing =
    "SELECT string_agg(relname || '=' || oid, ',' ORDER BY relname) FROM pg_class WHERE relnamespace IN "
    "(SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'mid'))";

std::string Ids(Database& db) {
  return Scalar(db, kListing) + " " + Scalar(db, "SELECT oid FROM pg_namespace WHERE nspname = 'mid'") + " " +
         Scalar(db, "SELECT oid FROM pg_roles WHERE rolname = 'delta'");
}

TEST(CatalogOids, SameAfterRestarts) {
  std::string before;
  testing::ExpectAfterRestarts("catalog-oids",
                               [&](Database& db) {
                                 MakeObjects(db);
                                 before = Ids(db);
                               },
                               [&](Database& db) {
                                 EXPECT_EQ(Ids(db), before);
                                 EXPECT_EQ(Scalar(db, "SELECT string_agg(r::text || ':' || t::text, ',' ORDER BY r) FROM alpha"),
                                           "zeta:integer,mid.beta:text,omega:regclass");
                                 // A new relation takes an OID none of the old ones has.
                                 Ok(db, "CREATE TABLE fresh (x int)");
                                 EXPECT_EQ(Scalar(db, "SELECT count(*) FROM pg_class WHERE oid = 'fresh'::regclass"), "1");
                                 EXPECT_EQ(Scalar(db, "SELECT count(DISTINCT oid) = count(*) FROM pg_class"), "t");
                               });
}

TEST(CatalogOids, WalAfterACheckpointKeepsThem) {
  const std::string dir = FreshDir("catalog-oids-mixed");
  std::string before;
  {
    auto db = OpenOrDie(dir);
    MakeObjects(*db);
    Ok(*db, "CHECKPOINT");
    Ok(*db, "DROP TABLE zeta CASCADE");  // a gap in the numbers, then more objects in the WAL
    Ok(*db, "CREATE TABLE aaa (x int)");
    Ok(*db, "CREATE VIEW bbb AS SELECT 1 AS one");
    before = Ids(*db);
    CloseAsInACrash(db);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Ids(*db), before);
  EXPECT_EQ(Scalar(*db, "SELECT string_agg(r::text, ',' ORDER BY r) FROM alpha"), "16385,mid.beta,16388");  // zeta is gone (and omega with it): its numbers
}

TEST(CatalogOids, IdBlockIsTheFilesTail) {
  Catalog cat;
  const std::string block = OidsDdl(cat);
  std::string lines;
  // A view whose text holds such a comment line is DDL, not ids.
  const std::string view = "CREATE VIEW v AS SELECT 1\n-- object ids\n-- oid table 9 t\n;\n";
  EXPECT_EQ(SplitOidLines(view, &lines), view);
  EXPECT_EQ(lines, "");
  EXPECT_EQ(SplitOidLines("CREATE TABLE t (a int);\n\n" + block, &lines), "CREATE TABLE t (a int);\n\n");
  EXPECT_EQ(lines, "-- oid next 1\n");
  // A catalog file from before the ids: unchanged, nothing to restore.
  EXPECT_EQ(SplitOidLines("CREATE TABLE t (a int);\n", &lines), "CREATE TABLE t (a int);\n");
}

}  // namespace
}  // namespace yunhe
