// The table engine tests of checkpoints and large statements write: (ts, k, v) partitioned by
// hour, rows x of a generate_series at 100 ms apart, and a one-cell answer that covers them all.
#pragma once
#include <string>
#include <vector>

#include "test_database.h"

namespace yunhe::testing {

inline const char* kHourlyCreate =
    "CREATE TABLE t (ts timestamptz NOT NULL, k int, v double precision) PARTITION BY RANGE (ts) "
    "WITH (partition_interval = '1 hour');";

inline std::string HourlyInsert(int from, int to) {
  return "INSERT INTO t SELECT timestamptz '2026-03-01 00:00:00+00' + x * interval '100 ms', x, x * 0.5 FROM generate_series(" +
         std::to_string(from) + ", " + std::to_string(to) + ") x;";
}

inline const char* kHourlyCheck =
    "SELECT count(*) || '/' || sum(k) || '/' || sum(v) || '/' || count(DISTINCT date_trunc('hour', ts)) FROM t";

// The answer to `check` after running `statements` on an in-memory database.
inline std::string AnswerInMemory(const std::vector<std::string>& statements, const std::string& check = kHourlyCheck) {
  auto db = OpenOrDie("");
  for (auto& s : statements) {
    auto r = db->ExecuteStatement(s);
    EXPECT_TRUE(r.status.ok()) << s << ": " << r.status.message();
  }
  return Scalar(*db, check);
}

}  // namespace yunhe::testing
