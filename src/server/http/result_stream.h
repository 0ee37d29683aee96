// A query result as the HTTP API sends it — JSON ({"columns", "rows", "tag", "timing_ms", ...})
// or CSV — produced piece by piece (a header, one piece per chunk of rows, a trailer), so a large
// result streams out with chunked transfer encoding instead of being built as one string.
#pragma once
#include <string>

#include "common/sql_text.h"
#include "engine/database.h"

namespace yunhe::http {

class ResultStream {
 public:
  ResultStream(QueryResult result, bool csv, size_t max_rows, double timing_ms);
  // The next piece; false when everything was sent.
  bool Next(std::string* piece);
  const char* content_type() const { return csv_ ? "text/csv" : "application/json"; }

 private:
  void Header(std::string* out) const;
  void Rows(const DataChunk& chunk, size_t limit, std::string* out);
  void Trailer(std::string* out) const;

  QueryResult result_;
  bool csv_;
  size_t max_rows_;
  double timing_ms_;
  size_t total_rows_ = 0;
  size_t sent_ = 0;
  size_t next_chunk_ = 0;
  enum class Phase { kHeader, kRows, kTrailer, kDone } phase_ = Phase::kHeader;
};

}  // namespace yunhe::http
