// Upsert tables note the keys of appended rows lazily (storage/primary_key.cpp: a partition map's
// `pending` ranges, `newest` time and `at_newest` keys), so time-ordered ingest never touches the
// large map. Checked against a model (std::map of key -> value, last write wins) over random
// mixes of what ingest sends: in-order batches whose times repeat the newest second, duplicates
// inside a batch, late rows of every age, deletes, a transaction block, checkpoints (which
// re-lay row ids under the pending ranges) and a reopen; under a small memory_limit too (maps of
// the newest keys only).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "common/memory_limit.h"
#include "test_database.h"

namespace yunhe {
namespace {

using testing::FreshDir;
using testing::Ok;
using testing::OpenOrDie;
using testing::Scalar;

using Model = std::map<std::pair<int, int>, int>;  // (second, unit) -> v

std::string Contents(Database& db) {
  return Scalar(db, "SELECT coalesce(string_agg(extract(epoch FROM ts - timestamptz '2026-03-01 00:00:00+00')::int || ':' || k || '=' || v, ' ' "
                    "ORDER BY ts, k), '') FROM m");
}

std::string Contents(const Model& model) {
  std::string out;
  for (auto& [key, v] : model) out += (out.empty() ? "" : " ") + std::to_string(key.first) + ":" + std::to_string(key.second) + "=" + std::to_string(v);
  return out;
}

std::string Values(const std::vector<std::tuple<int, int, int>>& rows) {
  std::string sql = "INSERT INTO m VALUES ";
  for (size_t i = 0; i < rows.size(); ++i) {
    auto [sec, unit, v] = rows[i];
    sql += (i ? ", " : "") + std::string("(timestamptz '2026-03-01 00:00:00+00' + interval '") + std::to_string(sec) + " seconds', " +
           std::to_string(unit) + ", " + std::to_string(v) + ")";
  }
  return sql;
}

void RunMix(uint32_t seed, const std::string& dir) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  auto db = OpenOrDie(dir);
  Ok(*db, "CREATE TABLE m (ts timestamptz NOT NULL, k int, v int, PRIMARY KEY (ts, k)) PARTITION BY RANGE (ts) "
          "WITH (partition_interval = '10 minutes')");
  Model model;
  int next_second = 0, value = 0;
  for (int step = 0; step < 60; ++step) {
    const int what = int(rng() % 10);
    std::vector<std::tuple<int, int, int>> rows;
    if (what < 5) {
      // In order: a few seconds of 8 units, starting at the newest second (which repeats keys),
      // some units twice in the batch.
      const int seconds = 1 + int(rng() % 300);
      const int from = std::max(0, next_second - int(rng() % 2));
      for (int s = from; s < from + seconds; ++s)
        for (int unit = 0; unit < 8; ++unit) {
          rows.emplace_back(s, unit, ++value);
          if (rng() % 50 == 0) rows.emplace_back(s, unit, ++value);
        }
      next_second = from + seconds;
    } else if (what < 8) {
      // Late rows of any age, some repeating stored keys, some new.
      const int n = 1 + int(rng() % 40);
      for (int i = 0; i < n; ++i) rows.emplace_back(int(rng() % uint32_t(next_second + 1)), int(rng() % 10), ++value);
    } else if (what == 8 && next_second > 0) {
      const int s = int(rng() % uint32_t(next_second));
      Ok(*db, "DELETE FROM m WHERE ts >= timestamptz '2026-03-01 00:00:00+00' + interval '" + std::to_string(s) +
                  " seconds' AND ts < timestamptz '2026-03-01 00:00:00+00' + interval '" + std::to_string(s + 3) + " seconds'");
      for (auto it = model.begin(); it != model.end();) it = it->first.first >= s && it->first.first < s + 3 ? model.erase(it) : std::next(it);
      continue;
    } else {
      if (!dir.empty()) {
        ASSERT_TRUE(db->Checkpoint().ok());
      }
      continue;
    }
    // Half of the writes go through a transaction block (a private copy: its own maps, looking
    // through the live table's for the rows it shares).
    if (rng() % 2) {
      Session s(*db);
      Ok(s, "BEGIN");
      Ok(s, Values(rows));
      Ok(s, "COMMIT");
    } else {
      Ok(*db, Values(rows));
    }
    for (auto [sec, unit, v] : rows) model[{sec, unit}] = v;
    ASSERT_EQ(Contents(*db), Contents(model)) << "after step " << step;
  }
  if (dir.empty()) return;
  db.reset();
  db = OpenOrDie(dir);
  EXPECT_EQ(Contents(*db), Contents(model));
  // Late and repeated rows after the reopen (maps rebuilt from the parts).
  std::vector<std::tuple<int, int, int>> rows{{0, 0, -1}, {next_second - 1, 7, -2}, {next_second - 1, 7, -3}, {next_second + 5, 1, -4}};
  Ok(*db, Values(rows));
  for (auto [sec, unit, v] : rows) model[{sec, unit}] = v;
  EXPECT_EQ(Contents(*db), Contents(model));
}

TEST(LazyKeyMaps, UpsertsMatchALastWriteWinsModel) {
  for (uint32_t seed = 1; seed <= 3; ++seed) RunMix(seed, "");
  for (uint32_t seed = 4; seed <= 5; ++seed) RunMix(seed, FreshDir("lazy-key-maps-" + std::to_string(seed)));
}

// Rows written one statement at a time (a sensor per INSERT) fill one group: its pending ranges
// stay one entry, not one per statement, until a late key notes them.
TEST(LazyKeyMaps, SmallAppendsKeepOnePendingRangePerGroup) {
  auto db = OpenOrDie("");
  Ok(*db, "CREATE TABLE m (ts timestamptz NOT NULL, k int, v int, PRIMARY KEY (ts, k)) PARTITION BY RANGE (ts) "
          "WITH (partition_interval = '1 day')");
  Model model;
  for (int i = 0; i < 600; ++i) {
    Ok(*db, Values({{i / 2, i % 2, i}}));
    model[{i / 2, i % 2}] = i;
  }
  const auto table = db->catalog().FindTable("m");
  ASSERT_EQ(table->pk_maps.size(), 1u);
  EXPECT_LE(table->pk_maps.begin()->second.pending.size(), table->data.group_count());
  Ok(*db, Values({{5, 1, -1}}));  // late: notes the pending rows, then replaces (5, 1)
  model[{5, 1}] = -1;
  EXPECT_EQ(Contents(*db), Contents(model));
}

TEST(LazyKeyMaps, UnderASmallMemoryLimit) {
  const uint64_t saved = MemoryLimitBytes();
  SetMemoryLimitBytes(1ull << 20);  // maps of 65,536 newest keys: later batches cover fewer rows
  for (uint32_t seed = 6; seed <= 7; ++seed) RunMix(seed, FreshDir("lazy-key-maps-small-" + std::to_string(seed)));
  SetMemoryLimitBytes(saved);
}


// A partition larger than its map's share (the newest 65,536 keys under 1 MB): keys older than
// the map covers are looked for in the older groups, all of a statement's at once (a resent
// batch). Resent rows replace, new late keys add, deleted keys come back as new rows; in a
// transaction block too (its lookups go through the live table's map); in memory and from parts.
TEST(LazyKeyMaps, LateRowsOlderThanTheMapCovers) {
  const uint64_t saved = MemoryLimitBytes();
  SetMemoryLimitBytes(1ull << 20);
  for (const std::string& dir : {std::string(), FreshDir("lazy-key-maps-uncovered")}) {
    SCOPED_TRACE(dir.empty() ? "in memory" : "on disk");
    auto db = OpenOrDie(dir);
    Ok(*db, "CREATE TABLE m (ts timestamptz NOT NULL, k int, v int, PRIMARY KEY (ts, k)) PARTITION BY RANGE (ts) "
            "WITH (partition_interval = '1 day')");
    Model model;
    Ok(*db, "INSERT INTO m SELECT timestamptz '2026-03-01 00:00:00+00' + (i / 8) * interval '1 second', i % 8, i "
            "FROM generate_series(0, 199999) i");
    for (int i = 0; i < 200000; ++i) model[{i / 8, i % 8}] = i;
    if (!dir.empty()) {
      ASSERT_TRUE(db->Checkpoint().ok());
    }
    Ok(*db, "DELETE FROM m WHERE ts >= timestamptz '2026-03-01 00:00:00+00' + interval '100 seconds' "
            "AND ts < timestamptz '2026-03-01 00:00:00+00' + interval '102 seconds'");
    for (int s = 100; s < 102; ++s)
      for (int unit = 0; unit < 8; ++unit) model.erase({s, unit});
    // Seconds 50..149 resent for units 0..9 (8 and 9 are new keys), one statement.
    Ok(*db, "INSERT INTO m SELECT timestamptz '2026-03-01 00:00:00+00' + (50 + i / 10) * interval '1 second', i % 10, -i "
            "FROM generate_series(0, 999) i");
    for (int i = 0; i < 1000; ++i) model[{50 + i / 10, i % 10}] = -i;
    const auto table = db->catalog().FindTable("m");
    ASSERT_EQ(table->pk_maps.size(), 1u);
    EXPECT_GT(table->pk_maps.begin()->second.covered_from, 0u);  // the old keys were not in the map
    EXPECT_EQ(Contents(*db), Contents(model));
    // Through a transaction block, twice the same key in one statement: the last one wins.
    std::vector<std::tuple<int, int, int>> rows{{7, 3, -5000}, {20000, 1, -5001}, {7, 3, -5002}, {101, 4, -5003}, {30000, 0, -5004}};
    {
      Session s(*db);
      Ok(s, "BEGIN");
      Ok(s, Values(rows));
      Ok(s, "COMMIT");
    }
    for (auto [sec, unit, v] : rows) model[{sec, unit}] = v;
    EXPECT_EQ(Contents(*db), Contents(model));
    if (dir.empty()) continue;
    db.reset();
    db = OpenOrDie(dir);
    Ok(*db, Values({{9, 2, -6000}, {9, 9, -6001}}));
    model[{9, 2}] = -6000;
    model[{9, 9}] = -6001;
    EXPECT_EQ(Contents(*db), Contents(model));
  }
  SetMemoryLimitBytes(saved);
}

}  // namespace
}  // namespace yunhe
