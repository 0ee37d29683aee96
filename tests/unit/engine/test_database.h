// Helpers for engine tests that open real data directories: a fresh directory per test and
// process, opening that must succeed, and the first cell of a query's answer.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <memory>
#include <string>

#include "common/memory_limit.h"
#include "engine/database.h"
#include "engine/session.h"

namespace yunhe::testing {

inline std::string FreshDir(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path() / ("yunhe-test-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

// memory_limit set for the guard's lifetime (then restored).
class ScopedMemoryLimit {
 public:
  explicit ScopedMemoryLimit(uint64_t bytes) { SetMemoryLimitBytes(bytes); }
  ~ScopedMemoryLimit() { SetMemoryLimitBytes(saved_); }
  ScopedMemoryLimit(const ScopedMemoryLimit&) = delete;
  ScopedMemoryLimit& operator=(const ScopedMemoryLimit&) = delete;

 private:
  uint64_t saved_ = MemoryLimitBytes();
};

inline std::unique_ptr<Database> OpenOrDie(const std::string& dir) {
  Status st;
  auto db = Database::Open(dir, &st);
  EXPECT_TRUE(db) << st.message();
  return db;
}

// Runs a statement that must succeed.
inline void Ok(Database& db, const std::string& sql) {
  auto r = db.ExecuteStatement(sql);
  ASSERT_TRUE(r.status.ok()) << sql << ": " << r.status.message();
}

// Runs statements in a session that must succeed (the last one's status).
inline void Ok(Session& s, const std::string& sql) {
  auto results = s.Execute(sql);
  ASSERT_FALSE(results.empty());
  ASSERT_TRUE(results.back().status.ok()) << sql << ": " << results.back().status.message();
}

// Closing a database inside a transaction block skips the closing checkpoint: the next open
// recovers from the WAL as after a crash.
// Closes without the checkpoint a clean close makes, so the next open replays the WAL. (An open
// block alone no longer prevents it: closing rolls the default session's block back first.)
inline void CloseAsInACrash(std::unique_ptr<Database>& db) {
  db->SkipCheckpointOnClose();
  db.reset();
}

// "ok", or the SQLSTATE the statement failed with.
inline std::string StateOf(Database& db, const std::string& sql) {
  auto r = db.ExecuteStatement(sql);
  return r.status.ok() ? "ok" : r.status.sqlstate();
}

inline std::string StateOf(Session& s, const std::string& sql) {
  auto r = s.Execute(sql).back();
  return r.status.ok() ? "ok" : r.status.sqlstate();
}

// The first cell of the last statement's answer, through a session (its role and settings).
inline std::string Scalar(Session& s, const std::string& sql) {
  auto r = s.Execute(sql).back();
  EXPECT_TRUE(r.status.ok()) << sql << ": " << r.status.message();
  if (!r.status.ok() || r.chunks.empty() || r.chunks[0].count == 0) return "<none>";
  return r.chunks[0].columns[0].GetValue(0).ToString();
}

inline std::string Scalar(Database& db, const std::string& sql) {
  auto r = db.ExecuteStatement(sql);
  EXPECT_TRUE(r.status.ok()) << sql << ": " << r.status.message();
  if (!r.status.ok() || r.chunks.empty() || r.chunks[0].count == 0) return "<none>";
  return r.chunks[0].columns[0].GetValue(0).ToString();
}

// The text of EXPLAIN ANALYZE `sql`, one plan line per text line.
inline std::string ExplainAnalyze(Database& db, const std::string& sql) {
  auto r = db.ExecuteStatement("EXPLAIN ANALYZE " + sql);
  EXPECT_TRUE(r.status.ok()) << sql << ": " << r.status.message();
  std::string text;
  for (auto& chunk : r.chunks)
    for (size_t row = 0; row < chunk.count; ++row) text += chunk.columns[0].GetValue(row).ToString() + "\n";
  return text;
}

// make(db) on a fresh directory, then expect(db) after the database reopens: from the WAL after a
// crash, and from a checkpoint after a clean close (each in its own directory).
template <class Make, class Expect>
void ExpectAfterRestarts(const std::string& name, Make make, Expect expect) {
  for (const bool crash : {true, false}) {
    SCOPED_TRACE(crash ? "after a crash (WAL replay)" : "after a checkpoint");
    const std::string dir = FreshDir(name + (crash ? "-wal" : "-checkpoint"));
    {
      auto db = OpenOrDie(dir);
      make(*db);
      if (crash) CloseAsInACrash(db);
      else Ok(*db, "CHECKPOINT");
    }
    auto db = OpenOrDie(dir);
    expect(*db);
  }
}

// Files in dir that MANIFEST does not name (the lock file aside).
inline std::set<std::string> Unnamed(const std::string& dir) {
  std::ifstream in(dir + "/MANIFEST");
  std::set<std::string> named{"MANIFEST", "yunhe.lock"};
  std::string key, file;
  while (in >> key) {
    std::getline(in, file);
    if (key == "wal" || key == "catalog" || key == "part" || key == "deletes") named.insert(file.substr(1, file.find(' ', 1) - 1));
  }
  std::set<std::string> out;
  for (auto& e : std::filesystem::directory_iterator(dir))
    if (!named.count(e.path().filename().string())) out.insert(e.path().filename().string());
  return out;
}

}  // namespace yunhe::testing
