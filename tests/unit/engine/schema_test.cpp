// Schemas and temporary tables across restarts (engine/schemas.h, sql/relation_names.h): a
// schema's relations come back from the WAL (with the search_path their DDL was written under)
// and from a checkpoint; temporary tables never reach the disk and belong to one session.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "engine/session.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::CloseAsInACrash;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;



std::string Error(Database& db, const std::string& sql) {
  auto r = db.ExecuteStatement(sql);
  return r.status.ok() ? "" : r.status.sqlstate();
}


// The statements of both tests: a schema, DDL under a search_path naming it, a SERIAL table,
// an index, a view, a comment and a temporary table.
void MakeFleet(Database& db) {
  Ok(db, "CREATE SCHEMA fleet");
  Ok(db, "SET search_path = fleet, public");
  Ok(db, "CREATE TABLE vehicle (id serial PRIMARY KEY, name text)");  // fleet.vehicle
  Ok(db, "CREATE TABLE public.vehicle (plate text)");
  Ok(db, "INSERT INTO vehicle (name) VALUES ('truck'), ('van')");
  Ok(db, "INSERT INTO public.vehicle VALUES ('B-1')");
  Ok(db, "CREATE INDEX vehicle_name_idx ON vehicle (name)");
  Ok(db, "CREATE VIEW trucks AS SELECT id FROM fleet.vehicle WHERE name = 'truck'");
  Ok(db, "COMMENT ON TABLE vehicle IS 'the fleet'");
  Ok(db, "CREATE TEMP TABLE scratch (x int)");
  Ok(db, "INSERT INTO scratch VALUES (1)");
  Ok(db, "RESET search_path");
}

void ExpectFleet(Database& db) {
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM fleet.vehicle"), "2");
  EXPECT_EQ(Scalar(db, "SELECT plate FROM vehicle"), "B-1");  // public's, search_path reset
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM fleet.trucks"), "1");
  EXPECT_EQ(Scalar(db, "SELECT obj_description('fleet.vehicle'::regclass)"), "the fleet");
  EXPECT_EQ(Scalar(db, "SELECT indexname FROM pg_indexes WHERE schemaname = 'fleet' AND indexname LIKE '%name%'"), "vehicle_name_idx");
  // The SERIAL's sequence came back in the schema with its position.
  Ok(db, "INSERT INTO fleet.vehicle (name) VALUES ('bus')");
  // (after a crash a sequence may skip the values it had logged ahead, as PostgreSQL's does)
  EXPECT_EQ(Scalar(db, "SELECT max(id) >= 3 AND count(DISTINCT id) = 3 FROM fleet.vehicle"), "t");
  EXPECT_EQ(Scalar(db, "SELECT pg_get_serial_sequence('fleet.vehicle', 'id')"), "fleet.vehicle_id_seq");
  // The temporary table went with the session (the process) that made it.
  EXPECT_EQ(Error(db, "SELECT * FROM scratch"), "42P01");
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pg_temp%'"), "0");
}

TEST(Schema, ComesBackAfterRestarts) {
  testing::ExpectAfterRestarts("schema", MakeFleet, [](Database& db) {
    ExpectFleet(db);
  });
}

// Regenerated DDL in the WAL (CREATE TABLE, DROP, TRUNCATE) names relations with their schema:
// replayed under the statement's search_path, a bare name found the other schema's table.
TEST(Schema, ReplayUnderASearchPathFindsTheSameTables) {
  testing::ExpectAfterRestarts("schema-search-path",
                               [](Database& db) {
                                 Ok(db, "CREATE SCHEMA s");
                                 Ok(db, "CREATE TABLE s.t (a int)");
                                 Ok(db, "CREATE TABLE public.t (b int)");
                                 Ok(db, "INSERT INTO s.t VALUES (1)");
                                 Ok(db, "INSERT INTO public.t VALUES (2)");
                                 Ok(db, "SET search_path = s, public");
                                 Ok(db, "TRUNCATE public.t");
                                 Ok(db, "DROP TABLE public.t");
                                 Ok(db, "RESET search_path");
                               },
                               [](Database& db) {
                                 EXPECT_EQ(Scalar(db, "SELECT a FROM s.t"), "1");
                                 EXPECT_EQ(Scalar(db, "SELECT count(*) FROM pg_tables WHERE tablename = 't'"), "1");
                               });
}

TEST(Schema, TemporaryTableSurvivesACheckpointInItsSession) {
  auto db = OpenOrDie(FreshDir("schema-temp-checkpoint"));
  MakeFleet(*db);
  Ok(*db, "CHECKPOINT");
  EXPECT_EQ(Scalar(*db, "SELECT x FROM scratch"), "1");  // still there after a checkpoint
}

TEST(Schema, DropCascadeIsReplayed) {
  const std::string dir = FreshDir("schema-drop");
  {
    auto db = OpenOrDie(dir);
    Ok(*db, "CREATE SCHEMA s");
    Ok(*db, "CREATE TABLE s.t (a int)");
    Ok(*db, "CREATE SEQUENCE s.q");
    EXPECT_EQ(Error(*db, "DROP SCHEMA s"), "2BP01");
    Ok(*db, "DROP SCHEMA s CASCADE");
    Ok(*db, "CREATE SCHEMA s");  // again, empty
    CloseAsInACrash(db);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Error(*db, "SELECT * FROM s.t"), "42P01");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM pg_namespace WHERE nspname = 's'"), "1");
}

TEST(TempTable, BelongsToItsSession) {
  auto db = OpenOrDie(FreshDir("temp-sessions"));
  Session a(*db), b(*db);
  Ok(a, "CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (1)");
  Ok(b, "CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (2), (3)");
  auto count = [](Session& s) { return s.Execute("SELECT count(*) FROM t").back(); };
  EXPECT_EQ(count(a).chunks[0].columns[0].GetValue(0).ToString(), "1");
  EXPECT_EQ(count(b).chunks[0].columns[0].GetValue(0).ToString(), "2");
  // Another session's temporary schema is off limits, even by name.
  const std::string a_schema = a.Execute("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 't' AND c.relpersistence = 't' AND pg_table_is_visible(c.oid)")
                                   .back().chunks[0].columns[0].GetValue(0).ToString();
  auto other = b.Execute("SELECT * FROM " + a_schema + ".t").back();
  EXPECT_EQ(other.status.sqlstate(), "0A000");
  // A session's end drops its temporary tables; the other's stay.
  {
    Session c(*db);
    Ok(c, "CREATE TEMP TABLE gone (x int)");
  }
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM pg_class WHERE relname = 'gone'"), "0");
  EXPECT_EQ(count(b).chunks[0].columns[0].GetValue(0).ToString(), "2");
  Ok(b, "DISCARD TEMP");
  EXPECT_EQ(b.Execute("SELECT * FROM t").back().status.sqlstate(), "42P01");
}

}  // namespace
}  // namespace yunhe
