// Writes parsed line-protocol points into tables, schema on write:
// - a new measurement creates a table: "time" TIMESTAMPTZ NOT NULL as designated timestamp
//   (PARTITION BY RANGE (time)), tags as TEXT, fields as DOUBLE PRECISION (float), BIGINT
//   (integer, unsigned), BOOLEAN or TEXT (string);
// - a new tag or field key adds a column (ALTER TABLE ... ADD COLUMN, logged like any DDL);
// - a field whose type conflicts with its column rejects that line, with the reason.
// A rejected line leaves nothing behind; the good lines around it are written.
//
// The writer works inside the caller's statement (through a TableAppender: the engine's runs
// the writer under Database::RunAsStatement or inside a COPY): its appends and DDL commit or roll
// back with it.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ingest/table_appender.h"
#include "ingest/lineproto/line_protocol.h"
#include "ingest/lineproto/parse_ahead.h"

namespace yunhe::lineproto {

struct WriterOptions {
  Precision precision = Precision::kNanoseconds;
  // Non-empty: every point goes into this table whatever its measurement (COPY t FROM ...).
  std::string target_table;
  // Timestamp for points without one (ns since the epoch); 0 = the time of the write.
  int64_t default_timestamp_ns = 0;
  size_t max_reported_errors = 100;
};

struct LineError {
  size_t line;
  std::string reason;
};

struct WriteReport {
  size_t rows = 0;       // points written
  size_t bad_lines = 0;  // lines rejected
  std::vector<LineError> errors;  // the first max_reported_errors of them
  size_t tables_created = 0;
  size_t columns_added = 0;
};

class Writer {
 public:
  Writer(TableAppender& db, WriterOptions options);
  ~Writer();
  // Parses `data` (whole lines) and buffers its points; full chunks are appended at once.
  // `first_line` numbers the first line of `data` in the caller's input.
  void Write(std::string_view data, size_t first_line = 1);
  // The same for input a PieceParser (made with kPieceBytes) may have begun parsing already.
  void Write(PieceParser& parsed, size_t first_line = 1);
  // Input of this size or more is parsed ahead on a second thread, in pieces of kPieceBytes
  // (PieceParser); smaller input (a few sensors' lines) on the calling thread alone.
  static constexpr size_t kPieceBytes = 256 << 10;
  static constexpr size_t kParseAheadBytes = 2 * kPieceBytes;
  // Appends every buffered row. Call before the statement commits.
  void Flush();
  const WriteReport& report() const { return report_; }

 private:
  struct Sink;
  // One parsed line: the point (or nullptr: a bad line, `error` says why) at line `line`.
  // Returns the sink that took the point, or nullptr when the line was rejected.
  Sink* Take(const Point* p, const std::string& error, size_t line);
  // Adds points [from, to) of `piece` (their line numbers offset by line_base), all of the shape
  // the sink last took, with no check needed (Sink::shape_unchecked).
  void AddRows(Sink& sink, const ParsedPiece& piece, size_t from, size_t to, size_t line_base);
  Sink& SinkFor(std::string_view measurement, const Point& first);
  // Checks the point against the table; adds missing columns. Empty string = ok, else the reason.
  std::string Prepare(Sink& sink, const Point& p);
  void AddRow(Sink& sink, const Point& p, size_t line);
  void FlushSink(Sink& sink);
  // Appends rows [from, to) of the sink's chunk; points a key or foreign key refuses are
  // rejected lines. Returns the rows written.
  size_t AppendOrReject(Sink& sink, const DataChunk& chunk, size_t from, size_t to);
  // After new columns were added for `p`: a table keyed by series and time takes its new tags
  // into the key (stored rows have NULL there, which NULLS NOT DISTINCT matches).
  void WidenSeriesKey(Sink& sink, const std::vector<std::string_view>& added, const Point& p);
  void Reject(size_t line, std::string reason);

  TableAppender& db_;
  WriterOptions options_;
  WriteReport report_;
  std::unordered_map<std::string, std::unique_ptr<Sink>> sinks_;
  Sink* last_sink_ = nullptr;
  std::string last_measurement_;
  int64_t now_ns_ = 0;
};


}  // namespace yunhe::lineproto
