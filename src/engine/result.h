// The result of one statement: rows (for SELECT, RETURNING, EXPLAIN, SHOW) or a command tag.
#pragma once
#include <string>
#include <vector>

#include "common/status.h"
#include "common/vector.h"

namespace yunhe {

struct QueryResult {
  Status status;
  bool returns_rows = false;
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  std::vector<DataChunk> chunks;
  std::string tag;                   // "SELECT 3", "INSERT 0 5", "CREATE TABLE", ...
  std::vector<std::string> notices;  // NOTICE messages (e.g. DROP ... IF EXISTS on a missing table)
  std::string statement_text;
  std::string copy_out;  // COPY ... TO STDOUT
  bool is_copy_out = false;

  size_t RowCount() const {
    size_t n = 0;
    for (auto& c : chunks) n += c.count;
    return n;
  }
};

}  // namespace yunhe
