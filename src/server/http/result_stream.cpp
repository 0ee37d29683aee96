#include "server/http/result_stream.h"

#include <fmt/format.h>

#include <cmath>

#include "common/value.h"

namespace yunhe::http {

namespace {

std::string JsonValue(const Value& v) {
  if (v.is_null) return "null";
  switch (v.type.id) {
    case TypeId::kBool: return v.i ? "true" : "false";
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: return std::to_string(v.i);
    case TypeId::kFloat32:
    case TypeId::kFloat64: return std::isfinite(v.f) ? v.ToString() : JsonString(v.ToString());
    case TypeId::kNumeric: return v.ToString();
    default: return JsonString(v.ToString());
  }
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

ResultStream::ResultStream(QueryResult result, bool csv, size_t max_rows, double timing_ms)
    : result_(std::move(result)), csv_(csv), max_rows_(max_rows), timing_ms_(timing_ms) {
  for (const DataChunk& chunk : result_.chunks) total_rows_ += chunk.count;
}

bool ResultStream::Next(std::string* piece) {
  piece->clear();
  switch (phase_) {
    case Phase::kHeader:
      Header(piece);
      phase_ = Phase::kRows;
      return true;
    case Phase::kRows:
      // One piece per chunk of rows (2048), skipping empty chunks.
      while (next_chunk_ < result_.chunks.size() && sent_ < max_rows_ && piece->empty()) {
        Rows(result_.chunks[next_chunk_], max_rows_, piece);
        result_.chunks[next_chunk_++] = DataChunk();  // sent: let its memory go
      }
      if (!piece->empty()) return true;
      phase_ = Phase::kTrailer;
      [[fallthrough]];
    case Phase::kTrailer:
      Trailer(piece);
      phase_ = Phase::kDone;
      return true;
    case Phase::kDone: return false;
  }
  return false;
}

void ResultStream::Header(std::string* out) const {
  const QueryResult& r = result_;
  if (csv_) {
    for (size_t c = 0; c < r.names.size(); ++c) *out += (c ? "," : "") + CsvField(r.names[c]);
    if (!r.names.empty()) *out += "\n";
    return;
  }
  *out = "{\"columns\":[";
  for (size_t c = 0; c < r.names.size(); ++c)
    *out += (c ? "," : "") + std::string("{\"name\":") + JsonString(r.names[c]) + ",\"type\":" + JsonString(r.types[c].ToString()) + "}";
  *out += "],\"rows\":[";
}

void ResultStream::Rows(const DataChunk& chunk, size_t limit, std::string* out) {
  for (size_t row = 0; row < chunk.count && sent_ < limit; ++row, ++sent_) {
    if (csv_) {
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        Value v = chunk.columns[c].GetValue(row);
        *out += (c ? "," : "") + (v.is_null ? std::string() : CsvField(v.ToString()));
      }
      *out += "\n";
      continue;
    }
    *out += sent_ == 0 ? "[" : ",[";
    for (size_t c = 0; c < chunk.columns.size(); ++c) *out += (c ? "," : "") + JsonValue(chunk.columns[c].GetValue(row));
    *out += "]";
  }
}

void ResultStream::Trailer(std::string* out) const {
  if (csv_) return;
  const QueryResult& r = result_;
  *out += "],\"tag\":" + JsonString(r.tag) + fmt::format(",\"timing_ms\":{:.3f}", timing_ms_);
  if (sent_ < total_rows_) *out += fmt::format(",\"truncated\":true,\"row_count\":{}", total_rows_);
  if (!r.notices.empty()) {
    *out += ",\"notices\":[";
    for (size_t k = 0; k < r.notices.size(); ++k) *out += (k ? "," : "") + JsonString(r.notices[k]);
    *out += "]";
  }
  *out += "}";
}

}  // namespace yunhe::http
