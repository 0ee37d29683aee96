// The result of one statement: rows (for SELECT, RETURNING, EXPLAIN, SHOW) or a command tag.
#pragma once
#include <string>
#include <vector>

#include "common/status.h"
#include "common/vector.h"

namespace yunhe {

struct QueryResult {
  // One row, one text column: what SHOW and the commands in SELECT clothing answer.
  void SetOneText(const std::string& column, const std::string& value) {
    returns_rows = true;
    names = {column};
    types = {LogicalType(TypeId::kText)};
    DataChunk c;
    c.Init(types);
    c.columns[0].Append(Value::Text(value));
    c.count = 1;
    chunks = {std::move(c)};
  }
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
  bool binary_rows = false;  // FETCH from a BINARY cursor: rows go out in binary format

  // Makes this a one-text-column result (EXPLAIN, drop_chunks, ...).
  void SetTextRows(const std::string& column, const std::vector<std::string>& rows) {
    returns_rows = true;
    names = {column};
    types = {LogicalType(TypeId::kText)};
    chunks.clear();
    DataChunk c;
    c.Init(types);
    for (auto& r : rows) c.columns[0].Append(Value::Text(r));
    c.count = rows.size();
    chunks.push_back(std::move(c));
  }

  size_t RowCount() const {
    size_t n = 0;
    for (auto& c : chunks) n += c.count;
    return n;
  }
};

}  // namespace yunhe
