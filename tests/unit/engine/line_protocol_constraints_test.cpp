// Line protocol into tables with keys and foreign keys (ingest/lineproto/line_protocol_writer.h):
// a point a unique key or a foreign key refuses is a rejected line, named by its line number;
// the other points of the batch are written (and survive a crash). Was: the whole batch failed
// with 23505 (HTTP 500) and its good points were lost.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

std::string Notices(const QueryResult& r) {
  std::string out;
  for (const std::string& n : r.notices) out += n + "\n";
  return out;
}

TEST(LineProtocolConstraints, RefusedPointsAreRejectedLinesAndTheRestIsWritten) {
  const std::string dir = FreshDir("lp-constraints");
  auto db = OpenOrDie(dir);
  Ok(*db, "CREATE TABLE hosts (host text PRIMARY KEY)");
  Ok(*db, "INSERT INTO hosts SELECT 'h' || g FROM generate_series(0, 9) g");
  Ok(*db, "CREATE TABLE cpu (time timestamptz, host text REFERENCES hosts, usage float8, PRIMARY KEY (host, time))");
  Ok(*db, "INSERT INTO cpu VALUES (to_timestamp(1700000000), 'h1', 0)");
  // 5,000 points: line 1 repeats the key already stored, line 2,500 names an unknown host,
  // lines 4,000 and 4,001 have one key (the second is refused).
  const std::string lp = dir + "/points.lp";
  {
    std::ofstream out(lp);
    for (int line = 1; line <= 5000; ++line) {
      int64_t t = 1700000000 + line;
      std::string host = "h" + std::to_string(line % 10);
      if (line == 1) t = 1700000000, host = "h1";
      if (line == 2500) host = "nowhere";
      if (line == 4001) t = 1700000000 + 4000, host = "h0";
      out << "cpu,host=" << host << " usage=" << line << " " << t << "000000000\n";
    }
  }
  const QueryResult r = db->ExecuteStatement("COPY cpu FROM '" + lp + "' WITH (FORMAT lineprotocol)");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const std::string notices = Notices(r);
  EXPECT_NE(notices.find("line 1: duplicate key value violates unique constraint \"cpu_pkey\""), std::string::npos) << notices;
  EXPECT_NE(notices.find("line 2500: insert or update on table \"cpu\" violates foreign key constraint \"cpu_host_fkey\""), std::string::npos)
      << notices;
  EXPECT_NE(notices.find("line 4001: duplicate key value"), std::string::npos) << notices;
  EXPECT_EQ(notices.find("line 4000:"), std::string::npos) << notices;
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM cpu"), "4998");  // 1 stored + 4,997 written
  EXPECT_EQ(Scalar(*db, "SELECT usage FROM cpu WHERE host = 'h1' AND time = to_timestamp(1700000000)"), "0");
  EXPECT_EQ(Scalar(*db, "SELECT usage FROM cpu WHERE host = 'h0' AND time = to_timestamp(1700004000)"), "4000");
  testing::CloseAsInACrash(db);
  db = OpenOrDie(dir);
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM cpu"), "4998");
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM cpu WHERE host = 'nowhere'"), "0");
}

}  // namespace
}  // namespace yunhe
