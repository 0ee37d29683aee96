#include "server/http/result_stream.h"

#include <fmt/format.h>

#include <cmath>

#include "common/value.h"

namespace yunhe::http {

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

namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

ResultStream::ResultStream(std::shared_ptr<Session> session, ::yunhe::ResultStream rows, std::vector<DataChunk> first,
                           bool csv, size_t max_rows, std::chrono::steady_clock::time_point start)
    : session_(std::move(session)), rows_(std::move(rows)), first_(std::move(first)), csv_(csv), max_rows_(max_rows),
      start_(start) {}

bool ResultStream::Pull(DataChunk* chunk) {
  if (next_first_ < first_.size()) {
    *chunk = std::move(first_[next_first_++]);
    return true;
  }
  return rows_.Next(chunk);
}

bool ResultStream::PullRows(std::string* piece) {
  DataChunk chunk;
  while (piece->empty() && Pull(&chunk)) {
    total_rows_ += chunk.count;
    if (sent_ < max_rows_) Rows(chunk, max_rows_, piece);
  }
  return !piece->empty();
}

bool ResultStream::Next(std::string* piece) {
  piece->clear();
  switch (phase_) {
    case Phase::kHeader:
      Header(piece);
      phase_ = Phase::kRows;
      return true;
    case Phase::kRows:
      // One piece per chunk of rows (2048); past max_rows the rest is only counted.
      if (PullRows(piece)) return true;
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
  const QueryResult& r = rows_.result();
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
  const QueryResult& r = rows_.result();
  if (csv_) {
    if (!r.status.ok()) *out += "ERROR: " + r.status.sqlstate() + " " + r.status.message() + "\n";
    return;
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  *out += "]";
  if (!r.status.ok()) {
    *out += ",\"error\":{\"sqlstate\":" + JsonString(r.status.sqlstate()) + ",\"message\":" + JsonString(r.status.message()) + "}";
  }
  *out += ",\"tag\":" + JsonString(r.tag) + fmt::format(",\"timing_ms\":{:.3f}", ms);
  if (sent_ < total_rows_) *out += fmt::format(",\"truncated\":true,\"row_count\":{}", total_rows_);
  if (!r.notices.empty()) {
    *out += ",\"notices\":[";
    for (size_t k = 0; k < r.notices.size(); ++k) *out += (k ? "," : "") + JsonString(r.notices[k]);
    *out += "]";
  }
  *out += "}";
}

}  // namespace yunhe::http
