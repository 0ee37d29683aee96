// GiST indexes are built per part on first use (exec/spatial_row_index.h): a restart builds the
// trees of the parts a query touches once, a checkpoint adds trees only for its new parts, and
// deletes rebuild none; nearest-neighbour answers stay those of a plain sort.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "engine/database.h"
#include "exec/spatial_row_index.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::OpenOrDie;
using testing::Scalar;

std::string Points(int from, int to) {
  return "INSERT INTO g SELECT x, ST_MakePoint((x::bigint * 7919 % 10007) / 10007.0, (x::bigint * 104729 % 10009) / 10009.0) "
         "FROM generate_series(" + std::to_string(from) + ", " + std::to_string(to) + ") x";
}
const char* kNearest =
    "SELECT string_agg(id::text, ',') FROM (SELECT id FROM g ORDER BY geom <-> ST_MakePoint(0.31, 0.77) LIMIT 7) s";

std::set<std::string> PartFiles(const std::string& dir) {
  std::set<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".part") out.insert(e.path().filename().string());
  return out;
}

// The same statements in memory without an index: the answer a plain sort gives.
std::string Expected(const std::vector<std::string>& statements) {
  auto db = OpenOrDie("");
  db->Execute("CREATE TABLE g (id int, geom geometry)");
  for (auto& s : statements) EXPECT_TRUE(db->ExecuteStatement(s).status.ok()) << s;
  return Scalar(*db, kNearest);
}

TEST(GistParts, TreesPerPartSurviveRestartsCheckpointsAndDeletes) {
  const std::string dir = FreshDir("gist-parts");
  std::vector<std::string> done{Points(1, 10000), Points(10001, 20000)};
  {
    auto db = OpenOrDie(dir);
    db->Execute("CREATE TABLE g (id int, geom geometry)");
    ASSERT_TRUE(db->ExecuteStatement(done[0]).status.ok());
    ASSERT_TRUE(db->Checkpoint().ok());
    ASSERT_TRUE(db->ExecuteStatement(done[1]).status.ok());
    ASSERT_TRUE(db->Checkpoint().ok());
    ASSERT_TRUE(db->ExecuteStatement("CREATE INDEX gi ON g USING gist (geom)").status.ok());
    EXPECT_EQ(Scalar(*db, kNearest), Expected(done));
  }
  const size_t parts = PartFiles(dir).size();
  ASSERT_GE(parts, 1u);
  auto db = OpenOrDie(dir);
  uint64_t before = SpatialPartTreesBuilt();
  EXPECT_EQ(Scalar(*db, kNearest), Expected(done));
  EXPECT_EQ(SpatialPartTreesBuilt() - before, parts) << "a restart builds one tree per part, on first use";

  // Deletes: the part trees stay (deleted rows are skipped when read).
  done.push_back("DELETE FROM g WHERE id % 3 = 0");
  ASSERT_TRUE(db->ExecuteStatement(done.back()).status.ok());
  before = SpatialPartTreesBuilt();
  EXPECT_EQ(Scalar(*db, kNearest), Expected(done));
  EXPECT_EQ(SpatialPartTreesBuilt(), before);

  // New rows: resident ones need no part tree; after a checkpoint, only new parts get one.
  done.push_back(Points(20001, 23000));
  ASSERT_TRUE(db->ExecuteStatement(done.back()).status.ok());
  EXPECT_EQ(Scalar(*db, kNearest), Expected(done));
  EXPECT_EQ(SpatialPartTreesBuilt(), before);
  const std::set<std::string> old_parts = PartFiles(dir);
  ASSERT_TRUE(db->Checkpoint().ok());
  size_t new_parts = 0;
  for (auto& f : PartFiles(dir)) new_parts += !old_parts.count(f);
  EXPECT_EQ(Scalar(*db, kNearest), Expected(done));
  EXPECT_LE(SpatialPartTreesBuilt() - before, new_parts);
  EXPECT_LT(new_parts, PartFiles(dir).size()) << "the checkpoint rewrote every part: the test proves nothing";
}

}  // namespace
}  // namespace yunhe
