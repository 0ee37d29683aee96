// A query result as the HTTP API sends it — JSON ({"columns", "rows", "tag", "timing_ms", ...})
// or CSV — produced piece by piece (a header, one piece per chunk of rows, a trailer) while the
// engine's ResultStream is pulled, so a large result is neither materialized nor built as one
// string. An error raised after the first rows went out ends the JSON with an "error" member
// (CSV: a last line "ERROR: SQLSTATE message"), as the status line is gone by then.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/sql_text.h"
#include "engine/session.h"

namespace yunhe::http {

// A value as JSON: numbers as numbers (non-finite floats as strings), booleans, NULL as null,
// everything else as its PostgreSQL text in a string.
std::string JsonValue(const Value& v);

class ResultStream {
 public:
  // first: rows already pulled from `rows` (to catch early errors before answering).
  ResultStream(std::shared_ptr<Session> session, ::yunhe::ResultStream rows, std::vector<DataChunk> first, bool csv,
               size_t max_rows, std::chrono::steady_clock::time_point start);
  // The next piece; false when everything was sent.
  bool Next(std::string* piece);
  const char* content_type() const { return csv_ ? "text/csv" : "application/json"; }

 private:
  void Header(std::string* out) const;
  void Rows(const DataChunk& chunk, size_t limit, std::string* out);
  void Trailer(std::string* out) const;

  std::shared_ptr<Session> session_;  // kept until the rows are out
  ::yunhe::ResultStream rows_;
  std::vector<DataChunk> first_;
  bool csv_;
  size_t max_rows_;
  std::chrono::steady_clock::time_point start_;
  size_t total_rows_ = 0;
  size_t sent_ = 0;
  size_t next_first_ = 0;
  bool Pull(DataChunk* chunk);
  bool PullRows(std::string* piece);  // the next non-empty piece of rows; false at the end
  enum class Phase { kHeader, kRows, kTrailer, kDone } phase_ = Phase::kHeader;
};

}  // namespace yunhe::http
