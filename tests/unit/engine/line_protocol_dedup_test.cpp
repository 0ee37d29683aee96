// Line-protocol tables keep one point per series and timestamp, as InfluxDB does
// (docs/lineprotocol.md): a point written again merges into the stored one (the union of the
// field sets, ties to the newer point), within one write and across writes, restarts and
// crashes; a new tag joins the table's key (UNIQUE NULLS NOT DISTINCT (tags..., time)).
#include <gtest/gtest.h>

#include <fstream>

#include "engine/database.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::CloseAsInACrash;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

// COPY of `lines` into measurement table `cpu` through a file (the writer every front end uses).
void Write(Database& db, const std::string& dir, const std::string& lines) {
  const std::string file = dir + "-points.lp";
  std::ofstream(file) << lines;
  Ok(db, "COPY cpu FROM '" + file + "' WITH (FORMAT lineprotocol)");
}

// host/region/second/usage/idle of every point; `region` before that tag exists is "-".
std::string Points(Database& db, bool region = true) {
  return Scalar(db, std::string("SELECT string_agg(concat_ws('/', coalesce(host, '-'), ") + (region ? "coalesce(region, '-')" : "'-'") +
                    ", extract(epoch FROM time)::int, "
                    "coalesce(usage::text, '-'), coalesce(idle::text, '-')), ' ' ORDER BY time, host NULLS FIRST" +
                    (region ? ", region NULLS FIRST" : "") + ") FROM cpu");
}

TEST(LineProtocolDedup, OnePointPerSeriesAndTime) {
  const std::string dir = FreshDir("lp-dedup");
  auto db = OpenOrDie(dir);
  Write(*db, dir,
        "cpu,host=a usage=1 1000000000\n"
        "cpu,host=a idle=5 1000000000\n"        // same point: fields merge
        "cpu,host=b usage=2 1000000000\n"       // another series
        "cpu usage=9 1000000000\n"              // the series without tags
        "cpu usage=10 1000000000\n"             // ... written again: the newer value wins
        "cpu,host=a usage=7 2000000000\n");     // another time
  EXPECT_EQ(Points(*db, false), "-/-/1/10/- a/-/1/1/5 b/-/1/2/- a/-/2/7/-");
  // A later write merges into stored points; a new tag makes new series and joins the key.
  Write(*db, dir, "cpu,host=a usage=100 1000000000\ncpu,host=a,region=eu usage=3 1000000000\n");
  EXPECT_EQ(Points(*db), "-/-/1/10/- a/-/1/100/5 a/eu/1/3/- b/-/1/2/- a/-/2/7/-");
  EXPECT_EQ(Scalar(*db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'cpu'::regclass"),
            "UNIQUE NULLS NOT DISTINCT (host, region, \"time\")");
  Write(*db, dir, "cpu,region=eu,host=a idle=4 1000000000\n");  // tag order does not matter
  EXPECT_EQ(Scalar(*db, "SELECT count(*) FROM cpu"), "5");
  EXPECT_EQ(Scalar(*db, "SELECT idle FROM cpu WHERE region = 'eu'"), "4");
}

TEST(LineProtocolDedup, SurvivesCheckpointsAndCrashes) {
  const std::string dir = FreshDir("lp-dedup-crash");
  {
    auto db = OpenOrDie(dir);
    Write(*db, dir, "cpu,host=a usage=1 1000000000\ncpu,host=b usage=2 1000000000\n");
    Ok(*db, "CHECKPOINT");  // stored points in a part file
    Write(*db, dir, "cpu,host=a idle=5 1000000000\ncpu,host=c,region=us usage=3 1000000000\n");  // in the WAL
    CloseAsInACrash(db);
  }
  auto db = OpenOrDie(dir);
  EXPECT_EQ(Points(*db), "a/-/1/1/5 b/-/1/2/- c/us/1/3/-");
  Write(*db, dir, "cpu,host=b idle=8 1000000000\n");  // merges into a point from the part file
  EXPECT_EQ(Points(*db), "a/-/1/1/5 b/-/1/2/8 c/us/1/3/-");
}

}  // namespace
}  // namespace yunhe
