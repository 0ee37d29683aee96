// Roles, owners and grants across restarts (engine/grants.h, engine/roles.cpp): what a role
// made, who owns it and who may read or write it come back from the WAL (GRANTs logged with
// their grantor) and from a checkpoint's catalog file (each ACL rebuilt item by item); a
// session logged in as a role is held to its privileges.
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

std::string State(Session& s, const std::string& sql) {
  auto r = s.Execute(sql).back();
  return r.status.ok() ? "" : r.status.sqlstate();
}

// A superuser makes roles and a table; bob (with CREATE on public) makes his own and grants
// with and without grant option; an owner change; a membership; a revoke.
void MakeGrants(Database& db) {
  Ok(db, "CREATE ROLE bob LOGIN PASSWORD 'b0b'");
  Ok(db, "CREATE ROLE alice LOGIN");
  Ok(db, "CREATE ROLE readers NOLOGIN");
  Ok(db, "CREATE ROLE admin SUPERUSER LOGIN");
  Ok(db, "GRANT readers TO alice");
  Ok(db, "CREATE TABLE fixes (device text, speed float8)");
  Ok(db, "INSERT INTO fixes VALUES ('a', 1.5)");
  Ok(db, "GRANT SELECT ON fixes TO readers");
  Ok(db, "GRANT ALL ON fixes TO bob WITH GRANT OPTION");
  Ok(db, "REVOKE TRUNCATE ON fixes FROM bob");
  // A grant bob makes with his option, then taken back with CASCADE: replay must follow.
  Ok(db, "GRANT DELETE ON fixes TO readers WITH GRANT OPTION");
  Ok(db, "SET ROLE readers");
  Ok(db, "GRANT DELETE ON fixes TO bob");
  Ok(db, "RESET ROLE");
  Ok(db, "REVOKE GRANT OPTION FOR DELETE ON fixes FROM readers CASCADE");
  Ok(db, "GRANT CREATE ON SCHEMA public TO bob");
  Session bob(db);
  bob.SetLoginUser("bob");
  Ok(bob, "CREATE TABLE bob_notes (note text)");
  Ok(bob, "INSERT INTO bob_notes VALUES ('hi')");
  Ok(bob, "GRANT INSERT ON fixes TO alice");  // as bob, with his grant option
  Ok(bob, "CREATE VIEW bob_view AS SELECT count(*) AS n FROM fixes");
  Ok(db, "CREATE SCHEMA ops AUTHORIZATION alice");
  Ok(db, "CREATE SEQUENCE ticket");
  Ok(db, "ALTER SEQUENCE ticket OWNER TO alice");
}

void ExpectGrants(Database& db) {
  EXPECT_EQ(Scalar(db, "SELECT relacl::text FROM pg_class WHERE relname = 'fixes'"),
            "{yunhe=arwdDxt/yunhe,readers=rd/yunhe,bob=a*r*w*d*x*t*/yunhe,alice=a/bob}");
  EXPECT_EQ(Scalar(db, "SELECT tableowner FROM pg_tables WHERE tablename = 'bob_notes'"), "bob");
  EXPECT_EQ(Scalar(db, "SELECT viewowner FROM pg_views WHERE viewname = 'bob_view'"), "bob");
  EXPECT_EQ(Scalar(db, "SELECT r.rolname FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE nspname = 'ops'"), "alice");
  EXPECT_EQ(Scalar(db, "SELECT r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE relname = 'ticket'"), "alice");
  EXPECT_EQ(Scalar(db, "SELECT rolsuper::text || rolcanlogin::text FROM pg_roles WHERE rolname = 'admin'"), "truetrue");
  EXPECT_EQ(Scalar(db, "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = 'readers'"), "false");
  EXPECT_EQ(Scalar(db, "SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'"),
            "{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner,bob=C/pg_database_owner}");
  Session alice(db);
  alice.SetLoginUser("alice");
  Ok(alice, "SELECT * FROM fixes");         // through readers
  Ok(alice, "INSERT INTO fixes VALUES ('b', 2)");  // bob's grant
  EXPECT_EQ(State(alice, "UPDATE fixes SET speed = 0"), "42501");
  EXPECT_EQ(State(alice, "SELECT * FROM bob_notes"), "42501");
  Session bob(db);
  bob.SetLoginUser("bob");
  EXPECT_EQ(State(bob, "TRUNCATE fixes"), "42501");
  Ok(bob, "SELECT note FROM bob_notes");
  EXPECT_EQ(State(bob, "DROP TABLE fixes"), "42501");
  Ok(bob, "DROP TABLE bob_notes");
}

TEST(Privileges, ComeBackAfterRestarts) { testing::ExpectAfterRestarts("privileges", MakeGrants, ExpectGrants); }

TEST(Privileges, SurviveACheckpointOfWhatCameBack) {
  const std::string dir = FreshDir("privileges-twice");
  {
    auto db = OpenOrDie(dir);
    MakeGrants(*db);
  }
  auto db = OpenOrDie(dir);
  Ok(*db, "CHECKPOINT");
  db.reset();
  db = OpenOrDie(dir);
  ExpectGrants(*db);
}

// ALTER DEFAULT PRIVILEGES (engine/default_privileges.h): the entries come back, and so do the
// ACLs the objects made under them got (replay runs as the superuser and must not apply the
// superuser's own defaults, nor miss the owner's). The superuser has defaults of its own here.
TEST(Privileges, DefaultPrivilegesComeBackAfterRestarts) {
  testing::ExpectAfterRestarts(
      "default-privileges",
      [](Database& db) {
        Ok(db, "CREATE ROLE owner LOGIN");
        Ok(db, "CREATE ROLE reader");
        Ok(db, "GRANT CREATE ON SCHEMA public TO owner");
        Ok(db, "ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO reader");  // the superuser's
        Ok(db, "ALTER DEFAULT PRIVILEGES FOR ROLE owner GRANT SELECT ON TABLES TO reader");
        Ok(db, "ALTER DEFAULT PRIVILEGES FOR ROLE owner REVOKE TRUNCATE ON TABLES FROM owner");
        Ok(db, "CREATE SCHEMA s AUTHORIZATION owner");
        Ok(db, "ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA s GRANT INSERT ON TABLES TO reader");
        Session owner(db);
        owner.SetLoginUser("owner");
        Ok(owner, "CREATE TABLE t (a int)");
        Ok(owner, "CREATE TABLE s.u (a int)");
        Ok(owner, "CREATE SEQUENCE q");
        Ok(db, "CREATE TABLE mine (a int)");
      },
      [](Database& db) {
        EXPECT_EQ(Scalar(db, "SELECT relacl::text FROM pg_class WHERE relname = 't'"), "{owner=arwdxt/owner,reader=r/owner}");
        EXPECT_EQ(Scalar(db, "SELECT relacl::text FROM pg_class WHERE relname = 'u'"), "{owner=arwdxt/owner,reader=ar/owner}");
        EXPECT_EQ(Scalar(db, "SELECT coalesce(relacl::text, 'default') FROM pg_class WHERE relname = 'q'"), "default");
        EXPECT_EQ(Scalar(db, "SELECT relacl::text FROM pg_class WHERE relname = 'mine'"), "{yunhe=arwdDxt/yunhe,reader=arwdDxt/yunhe}");
        EXPECT_EQ(Scalar(db, "SELECT count(*) FROM pg_default_acl"), "3");
        // New objects after the restart still get them.
        Session owner(db);
        owner.SetLoginUser("owner");
        Ok(owner, "CREATE TABLE t2 (a int)");
        EXPECT_EQ(Scalar(db, "SELECT relacl::text FROM pg_class WHERE relname = 't2'"), "{owner=arwdxt/owner,reader=r/owner}");
      });
}

// REASSIGN OWNED / DROP OWNED (engine/owned_objects.h) replay as the statements they amount to.
TEST(Privileges, OwnedObjectsStatementsComeBackAfterRestarts) {
  testing::ExpectAfterRestarts(
      "owned-objects",
      [](Database& db) {
        Ok(db, "CREATE ROLE a LOGIN");
        Ok(db, "CREATE ROLE b LOGIN");
        Ok(db, "CREATE ROLE c");
        Ok(db, "GRANT CREATE ON SCHEMA public TO a, b");
        Ok(db, "CREATE TABLE shared (x int)");
        Ok(db, "GRANT SELECT ON shared TO a WITH GRANT OPTION");
        Ok(db, "ALTER DEFAULT PRIVILEGES FOR ROLE a GRANT SELECT ON TABLES TO c");
        Session a(db), b(db);
        a.SetLoginUser("a");
        b.SetLoginUser("b");
        Ok(a, "CREATE TABLE kept (id serial)");
        Ok(a, "GRANT SELECT ON shared TO c");
        Ok(b, "CREATE TABLE gone (x int)");
        Ok(db, "REASSIGN OWNED BY a TO b");
        Ok(db, "DROP OWNED BY a");
        Ok(db, "DROP ROLE a");
        Ok(db, "CREATE ROLE d");
        Ok(db, "ALTER DEFAULT PRIVILEGES FOR ROLE b GRANT SELECT ON TABLES TO d");
        Ok(db, "DROP OWNED BY d");
      },
      [](Database& db) {
        EXPECT_EQ(Scalar(db, "SELECT string_agg(c.relname || ':' || r.rolname, ',' ORDER BY c.relname) FROM pg_class c "
                             "JOIN pg_roles r ON r.oid = c.relowner WHERE c.relname IN ('kept', 'kept_id_seq', 'gone', 'shared')"),
                  "gone:b,kept:b,kept_id_seq:b,shared:yunhe");
        EXPECT_EQ(Scalar(db, "SELECT relacl::text FROM pg_class WHERE relname = 'shared'"), "{yunhe=arwdDxt/yunhe}");
        EXPECT_EQ(Scalar(db, "SELECT relacl::text FROM pg_class WHERE relname = 'kept'"), "{b=arwdDxt/b,c=r/b}");
        EXPECT_EQ(Scalar(db, "SELECT count(*) FROM pg_default_acl"), "0");
        EXPECT_EQ(Scalar(db, "SELECT count(*) FROM pg_roles WHERE rolname = 'a'"), "0");
      });
}

TEST(Privileges, AdminOptionsComeBackAfterRestarts) {
  testing::ExpectAfterRestarts(
      "admin-option",
      [](Database& db) {
        Ok(db, "CREATE ROLE g");
        Ok(db, "CREATE ROLE lead LOGIN");
        Ok(db, "CREATE ROLE dev LOGIN");
        Ok(db, "GRANT g TO lead WITH ADMIN OPTION");
        Ok(db, "GRANT g TO dev WITH ADMIN OPTION");
        Ok(db, "REVOKE ADMIN OPTION FOR g FROM dev");
        Ok(db, "CREATE ROLE team ADMIN lead");
      },
      [](Database& db) {
        EXPECT_EQ(Scalar(db, "SELECT string_agg(r.rolname || '>' || m.rolname || ':' || a.admin_option, ',' ORDER BY r.rolname, m.rolname) "
                             "FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member"),
                  "g>dev:false,g>lead:true,team>lead:true");
        Session lead(db), dev(db);
        lead.SetLoginUser("lead");
        dev.SetLoginUser("dev");
        EXPECT_EQ(testing::StateOf(dev, "GRANT g TO lead"), "42501");
        EXPECT_EQ(testing::StateOf(lead, "GRANT team TO dev"), "ok");
      });
}

TEST(Privileges, ColumnPrivilegesComeBackAfterRestarts) {
  testing::ExpectAfterRestarts(
      "column-privileges",
      [](Database& db) {
        Ok(db, "CREATE ROLE r");
        Ok(db, "CREATE TABLE t (id int, name text, salary float8)");
        Ok(db, "GRANT SELECT (id, name), UPDATE (name) ON t TO r");
        Ok(db, "GRANT INSERT (id) ON t TO r WITH GRANT OPTION");
        Ok(db, "REVOKE SELECT (name) ON t FROM r");
        Ok(db, "ALTER TABLE t RENAME COLUMN id TO ident");
        Ok(db, "ALTER TABLE t RENAME TO staff");
      },
      [](Database& db) {
        EXPECT_EQ(Scalar(db, "SELECT string_agg(attname || '=' || attacl::text, ' ' ORDER BY attnum) FROM pg_attribute "
                             "WHERE attrelid = 'staff'::regclass AND attacl IS NOT NULL"),
                  "ident={r=a*r/yunhe} name={r=w/yunhe}");
        Session r(db);
        r.SetLoginUser("r");
        EXPECT_EQ(testing::StateOf(r, "SELECT ident FROM staff"), "ok");
        EXPECT_EQ(testing::StateOf(r, "SELECT name FROM staff"), "42501");
      });
}

TEST(Privileges, RowSecurityPoliciesComeBackAfterRestarts) {
  testing::ExpectAfterRestarts(
      "row-security",
      [](Database& db) {
        Ok(db, "CREATE ROLE alice");
        Ok(db, "CREATE TABLE fix (device text, tenant text, speed float8)");
        Ok(db, "INSERT INTO fix VALUES ('a1', 'alice', 1), ('b1', 'bob', 2)");
        Ok(db, "GRANT ALL ON fix TO alice");
        Ok(db, "CREATE POLICY mine ON fix USING (tenant = current_user) WITH CHECK (speed >= 0)");
        Ok(db, "CREATE POLICY gone ON fix AS RESTRICTIVE FOR DELETE TO alice USING (false)");
        Ok(db, "DROP POLICY gone ON fix");
        Ok(db, "ALTER TABLE fix ENABLE ROW LEVEL SECURITY");
        Ok(db, "ALTER TABLE fix RENAME COLUMN speed TO velocity");
        Ok(db, "ALTER POLICY mine ON fix RENAME TO own");
        // A temporary table's policies never reach the WAL (replay would not find the table).
        Ok(db, "CREATE TEMP TABLE scratch (a int)");
        Ok(db, "CREATE POLICY p ON scratch USING (a > 0)");
        Ok(db, "DROP POLICY p ON scratch");
        Ok(db, "ALTER POLICY own ON fix TO alice WITH CHECK (velocity >= 0 AND tenant = current_user)");
      },
      [](Database& db) {
        EXPECT_EQ(Scalar(db, "SELECT string_agg(polname, ',') FROM pg_policy"), "own");
        EXPECT_EQ(Scalar(db, "SELECT polwithcheck FROM pg_policy"), "velocity >= 0 AND tenant = current_user");
        Session alice(db);
        alice.SetLoginUser("alice");
        EXPECT_EQ(Scalar(alice, "SELECT string_agg(device, ',') FROM fix"), "a1");
        EXPECT_EQ(testing::StateOf(alice, "INSERT INTO fix VALUES ('a2', 'alice', -1)"), "42501");
        EXPECT_EQ(testing::StateOf(alice, "INSERT INTO fix VALUES ('a2', 'alice', 3)"), "ok");
        EXPECT_EQ(Scalar(db, "SELECT count(*) FROM fix"), "3");
        // COPY TO copies what SELECT sees; COPY FROM is refused (PostgreSQL: use INSERT).
        auto out = alice.Execute("COPY fix TO STDOUT").back();
        ASSERT_TRUE(out.status.ok()) << out.status.message();
        EXPECT_EQ(out.copy_out, "a1\talice\t1\na2\talice\t3\n");
        alice.SetCopyInput("a3\talice\t4\n");
        EXPECT_EQ(testing::StateOf(alice, "COPY fix FROM STDIN"), "0A000");
      });
}

TEST(Privileges, ServerFilesNeedTheirRoles) {
  auto db = OpenOrDie(FreshDir("privileges-files"));
  Ok(*db, "CREATE ROLE bob LOGIN");
  Ok(*db, "CREATE TABLE q (line text)");
  Ok(*db, "GRANT ALL ON q TO bob");
  Session bob(*db);
  bob.SetLoginUser("bob");
  EXPECT_EQ(State(bob, "COPY q FROM '/etc/passwd'"), "42501");
  EXPECT_EQ(State(bob, "COPY q TO '/tmp/yunhe-privileges-out.txt'"), "42501");
  EXPECT_EQ(State(bob, "SELECT * FROM read_nmea('/etc/passwd')"), "42501");
  EXPECT_EQ(State(bob, "SET memory_limit = '1GB'"), "42501");
  EXPECT_EQ(State(bob, "SET SESSION AUTHORIZATION yunhe"), "42501");
  EXPECT_EQ(State(bob, "SET ROLE yunhe"), "42501");
  Ok(*db, "GRANT pg_read_server_files TO bob");
  Ok(bob, "COPY q FROM '/etc/hostname'");
  EXPECT_EQ(State(bob, "COPY q TO '/tmp/yunhe-privileges-out.txt'"), "42501");
}

}  // namespace
}  // namespace yunhe
