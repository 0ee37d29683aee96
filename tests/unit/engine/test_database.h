// Helpers for engine tests that open real data directories: a fresh directory per test and
// process, opening that must succeed, and the first cell of a query's answer.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/database.h"

namespace yunhe::testing {

inline std::string FreshDir(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path() / ("yunhe-test-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

inline std::unique_ptr<Database> OpenOrDie(const std::string& dir) {
  Status st;
  auto db = Database::Open(dir, &st);
  EXPECT_TRUE(db) << st.message();
  return db;
}

inline std::string Scalar(Database& db, const std::string& sql) {
  auto r = db.ExecuteStatement(sql);
  EXPECT_TRUE(r.status.ok()) << sql << ": " << r.status.message();
  if (!r.status.ok() || r.chunks.empty() || r.chunks[0].count == 0) return "<none>";
  return r.chunks[0].columns[0].GetValue(0).ToString();
}

}  // namespace yunhe::testing
