// A large line-protocol body is parsed ahead on a second thread and runs of points of one shape
// are taken column by column (ingest/lineproto/parse_ahead.h, Writer::AddRows). The tables, the
// rows written and every rejected line (number and reason) must be what the same lines give
// written in small bodies, which take the one-thread, point-by-point path: new tables and
// columns mid-body, type conflicts, integers out of a narrow column's range, unsigned values,
// repeated keys (the last write wins), escapes, bad lines, lines without a timestamp.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "engine/ingest_statements.h"
#include "engine/session.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

std::string Body(int lines) {
  std::mt19937 rng(7);
  std::string text;
  for (int i = 1; i <= lines; ++i) {
    const int device = int(rng() % 50);
    const int64_t ts = 1700000000000 + i / 3;  // ms: keys repeat (device, second)
    const int what = int(rng() % 100);
    if (what < 80) {
      text += "fix,device=d" + std::to_string(device) + " lon=" + std::to_string(116 + device) + "." + std::to_string(i % 1000) +
              ",speed=" + std::to_string(i % 130) + "i,temp=" + std::to_string(int(rng() % 60) - 10) + "i " + std::to_string(ts) + "\n";
    } else if (what < 84) {
      // A narrow column: checked per value (40000 is over smallint).
      text += "fix,device=d" + std::to_string(device) + " lon=1.5,sats=" + std::to_string(what < 82 ? 40000 : 7) + "i " + std::to_string(ts) + "\n";
    } else if (what < 87) {
      text += "fix,device=d" + std::to_string(device) + " speed=1.5 " + std::to_string(ts) + "\n";  // float into bigint
    } else if (what < 90) {
      text += "fix,device=d" + std::to_string(device) + ",unit=u" + std::to_string(i % 4) + " lon=2.5,odo=" + std::to_string(i) + "u " +
              std::to_string(ts) + "\n";  // a new tag (widens the key) and a new unsigned field
    } else if (what < 93) {
      text += "w\\ x,site=a\\,b note=\"q\\\"" + std::to_string(i) + "\",ok=t " + std::to_string(ts) + "\n";
    } else if (what < 95) {
      text += "fix,device=d1 lon=abc " + std::to_string(ts) + "\n";
    } else if (what < 97) {
      text += "# comment " + std::to_string(i) + "\n";
    } else {
      text += "w\\ x,site=nots note=\"none\"\n";  // the writer's default time
    }
  }
  return text;
}

struct Outcome {
  std::string fix, w, report;
};

Outcome Write(const std::string& body, size_t piece) {
  auto db = OpenOrDie("");
  Ok(*db, "CREATE TABLE fix (time timestamptz NOT NULL, device text, lon float8, speed bigint, temp bigint, sats int2, "
          "UNIQUE NULLS NOT DISTINCT (device, time)) PARTITION BY RANGE (time)");
  lineproto::WriterOptions o;
  o.precision = lineproto::Precision::kMilliseconds;
  o.default_timestamp_ns = 1800000000000000000;
  o.max_reported_errors = 1000000;
  std::string report;
  size_t rows = 0, bad = 0;
  Session s(*db);
  size_t start = 0, line = 1;
  while (start < body.size()) {
    size_t end = std::min(body.size(), start + piece);
    end = body.find('\n', end - 1) + 1;
    const std::string_view part(body.data() + start, end - start);
    lineproto::WriteReport r;
    s.Locked([&](Database& d) {
      d.AssertHeld();
      EXPECT_TRUE(WriteLineProtocol(d, part, o, &r, line).status.ok());
    });
    rows += r.rows;
    bad += r.bad_lines;
    for (const auto& e : r.errors) report += std::to_string(e.line) + ": " + e.reason + "\n";
    line += size_t(std::count(part.begin(), part.end(), '\n'));
    start = end;
  }
  report += "rows " + std::to_string(rows) + ", rejected " + std::to_string(bad);
  return {Scalar(*db, "SELECT string_agg(concat_ws(' ', time, device, unit, lon, speed, temp, sats, odo), '|' ORDER BY time, device, unit) FROM fix"),
          Scalar(*db, "SELECT string_agg(concat_ws(' ', time, site, note, ok), '|' ORDER BY time, site) FROM \"w x\""), report};
}

TEST(LineProtocolParseAhead, OneLargeBodyWritesWhatSmallBodiesWrite) {
  const std::string body = Body(60000);
  ASSERT_GT(body.size(), size_t(2) << 20);  // parsed ahead in several pieces
  const Outcome whole = Write(body, body.size());
  const Outcome small = Write(body, 64 << 10);
  EXPECT_EQ(whole.report, small.report);
  EXPECT_EQ(whole.fix, small.fix);
  EXPECT_EQ(whole.w, small.w);
  EXPECT_NE(whole.report.find("out of range"), std::string::npos) << whole.report.substr(0, 2000);
  EXPECT_NE(whole.report.find("rejected"), std::string::npos);
  EXPECT_FALSE(whole.fix.empty());
  EXPECT_NE(whole.w.find("q\"" ), std::string::npos);
}

}  // namespace
}  // namespace yunhe
