// API tokens (engine/api_tokens.h): made once, shown once, kept only as a digest across the WAL
// and the catalog file, authenticate as their role, and go with it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/api_tokens.h"
#include "engine/database.h"
#include "engine/session.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;
using testing::StateOf;

std::string RoleOfToken(Database& db, const std::string& token) {
  std::string role;
  db.ReadCommittedCatalog([&](const Catalog& c) { role = ApiTokenRole(c, token); });
  return role;
}

// Whether any file under dir contains `needle`.
bool AnyFileHolds(const std::string& dir, const std::string& needle) {
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

struct Made {
  std::string ops, bob, carol;
};

void MakeTokens(Database& db, Made* made) {
  Ok(db, "CREATE ROLE bob LOGIN");
  Ok(db, "CREATE ROLE carol LOGIN");
  made->ops = Scalar(db, "SELECT yunhe_create_token('ops')");
  made->carol = Scalar(db, "SELECT yunhe_create_token('carol-laptop', 'carol')");
  Session bob(db);
  bob.SetLoginUser("bob");
  made->bob = Scalar(bob, "SELECT yunhe_create_token('bob-ci') AS token");
  Ok(db, "SELECT yunhe_create_token('gone')");
  Ok(db, "SELECT yunhe_drop_token('gone')");
  Ok(db, "DROP ROLE carol");  // its token goes with it
}

void ExpectTokens(Database& db, const Made& made) {
  EXPECT_EQ(RoleOfToken(db, made.ops), "yunhe");
  EXPECT_EQ(RoleOfToken(db, made.bob), "bob");
  EXPECT_EQ(RoleOfToken(db, made.carol), "");
  EXPECT_EQ(Scalar(db, "SELECT string_agg(name || ':' || role, ',' ORDER BY name) FROM yunhe_api_tokens"), "bob-ci:bob,ops:yunhe");
  EXPECT_EQ(RoleOfToken(db, made.ops.substr(0, made.ops.size() - 1) + (made.ops.back() == 'A' ? "B" : "A")), "");
}

TEST(ApiTokens, ComeBackAfterRestartsAsDigestsOnly) {
  for (const bool crash : {true, false}) {
    SCOPED_TRACE(crash ? "after a crash (WAL replay)" : "after a checkpoint");
    const std::string dir = FreshDir(std::string("api-tokens") + (crash ? "-wal" : "-checkpoint"));
    Made made;
    {
      auto db = OpenOrDie(dir);
      MakeTokens(*db, &made);
      EXPECT_EQ(made.ops.rfind("yh_", 0), 0u) << made.ops;
      EXPECT_NE(made.ops, made.bob);
      if (crash) testing::CloseAsInACrash(db);
      else Ok(*db, "CHECKPOINT");
    }
    EXPECT_FALSE(AnyFileHolds(dir, made.ops));
    EXPECT_FALSE(AnyFileHolds(dir, made.bob));
    auto db = OpenOrDie(dir);
    ExpectTokens(*db, made);
    Ok(*db, "CHECKPOINT");  // what came back is written again
    db.reset();
    db = OpenOrDie(dir);
    ExpectTokens(*db, made);
  }
}

TEST(ApiTokens, WhoMayMakeAndDropThem) {
  auto db = OpenOrDie(FreshDir("api-tokens-rights"));
  Ok(*db, "CREATE ROLE bob LOGIN");
  Ok(*db, "CREATE ROLE alice LOGIN");
  Ok(*db, "CREATE ROLE keeper LOGIN CREATEROLE");
  Ok(*db, "SELECT yunhe_create_token('admin')");
  Session bob(*db), keeper(*db);
  bob.SetLoginUser("bob");
  keeper.SetLoginUser("keeper");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_create_token('x', 'yunhe')"), "42501");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_create_token('x', 'alice')"), "42501");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_drop_token('admin')"), "42501");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_create_token('admin')"), "42710");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_create_token('')"), "22023");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_create_token(NULL)"), "22004");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_create_token('x', 'nobody')"), "42704");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_drop_token('nothing')"), "42704");
  EXPECT_EQ(StateOf(bob, "SELECT yunhe_restore_token('r', 'bob', '" + std::string(64, 'a') + "', 0)"), "42501");
  EXPECT_EQ(StateOf(bob, "SELECT * FROM yunhe_api_tokens"), "ok");
  EXPECT_EQ(Scalar(bob, "SELECT count(*) FROM yunhe_api_tokens"), "0");  // not the superuser's
  // CREATEROLE manages non-superusers' tokens, as it may set their passwords.
  EXPECT_EQ(StateOf(keeper, "SELECT yunhe_create_token('for-alice', 'alice')"), "ok");
  EXPECT_EQ(StateOf(keeper, "SELECT yunhe_create_token('for-root', 'yunhe')"), "42501");
  EXPECT_EQ(Scalar(keeper, "SELECT string_agg(name, ',') FROM yunhe_api_tokens"), "for-alice");
  EXPECT_EQ(StateOf(keeper, "SELECT yunhe_drop_token('for-alice')"), "ok");
  // A superuser may carry a token over by its digest; a bad digest is refused.
  EXPECT_EQ(StateOf(*db, "SELECT yunhe_restore_token('r', 'bob', 'ABC', 0)"), "22023");
  EXPECT_EQ(StateOf(*db, "SELECT yunhe_restore_token('r', 'bob', '" + std::string(64, 'a') + "', 0)"), "ok");
  EXPECT_EQ(Scalar(*db, "SELECT role FROM yunhe_api_tokens WHERE name = 'r'"), "bob");
}

}  // namespace
}  // namespace yunhe
