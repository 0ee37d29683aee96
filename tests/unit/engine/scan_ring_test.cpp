// A scan over more sealed data than a quarter of the buffer pool reads through the pool without
// filling it (decoding each stripe once per worker and copying its groups out), like
// PostgreSQL's ring buffer for large sequential scans; a smaller one fills the pool as before.
// Either way the answers are the same.
#include <gtest/gtest.h>

#include <string>

#include "storage/buffer_pool.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::ExplainAnalyze;
using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::ScopedMemoryLimit;

constexpr const char* kRead = "read without filling it";

class ScanRing : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenOrDie(FreshDir("scan_ring"));
    // 300,000 rows in 150 sealed row groups over five hourly partitions (several parts, stripes
    // that do not start where the table's groups do).
    Ok(*db_, "CREATE TABLE r (ts timestamp NOT NULL, dev text, x bigint, y double precision) PARTITION BY RANGE (ts) "
             "WITH (partition_interval = '1 hour')");
    for (int part = 0; part < 3; ++part) {
      Ok(*db_, "INSERT INTO r SELECT timestamp '2024-01-01' + (x * 60 + " + std::to_string(part) + ") * interval '1 ms', 'd' || (x % 37), x, x / 4.0 "
               "FROM generate_series(" + std::to_string(part * 100000) + ", " + std::to_string(part * 100000 + 99999) + ") x");
      Ok(*db_, "CHECKPOINT");
    }
  }
  std::string Answers() {
    std::string out;
    for (const char* q : {"SELECT count(*), sum(x), sum(y) FROM r", "SELECT count(*), sum(n) FROM (SELECT dev, count(*) AS n FROM r GROUP BY dev) s",
                          "SELECT sum(x) FROM r WHERE ts >= '2024-01-01 01:00:00' AND ts < '2024-01-01 03:00:00'",
                          "SELECT dev, max(x), min(y) FROM r GROUP BY dev ORDER BY dev LIMIT 3", "SELECT x, dev FROM r ORDER BY ts DESC LIMIT 2"}) {
      auto res = db_->ExecuteStatement(q);
      EXPECT_TRUE(res.status.ok()) << q << ": " << res.status.message();
      for (auto& chunk : res.chunks)
        for (size_t row = 0; row < chunk.count; ++row)
          for (auto& col : chunk.columns) out += col.GetValue(row).ToString() + "|";
      out += "\n";
    }
    return out;
  }
  std::unique_ptr<Database> db_;
};

TEST_F(ScanRing, LargeScansReadWithoutFillingThePoolAndAnswerTheSame) {
  std::string kept, ring;
  {
    ScopedMemoryLimit big(uint64_t(4) << 30);
    EXPECT_EQ(ExplainAnalyze(*db_, "SELECT sum(x) FROM r").find(kRead), std::string::npos);
    kept = Answers();
  }
  {
    ScopedMemoryLimit small(uint64_t(8) << 20);
    BufferPool::Instance().Enforce();
    const std::string plan = ExplainAnalyze(*db_, "SELECT sum(x), sum(y) FROM r");
    EXPECT_NE(plan.find(kRead), std::string::npos) << plan;
    const uint64_t before = BufferPool::Instance().used();
    ring = Answers();
    EXPECT_LE(BufferPool::Instance().used(), before) << "a ring scan filled the pool";
  }
  EXPECT_EQ(ring, kept);
  EXPECT_NE(kept.find("300000|"), std::string::npos) << kept;
}

}  // namespace
}  // namespace yunhe
