// Appender: rows into one table without SQL text, as ingest statements (one per Flush or
// AppendColumns call), checked as INSERT would be and durable when the call returns.
#include <algorithm>
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "api/api_internal.h"
#include "engine/ingest_statements.h"
#include "functions/cast.h"

namespace yunhe::api {

namespace {

// Rows buffered by row-at-a-time appends before Flush writes them on its own.
constexpr size_t kAutoFlushRows = 64 * kChunkRows;

Error NotNullViolation(const std::string& table, const std::string& column) {
  return ToApiError(Status::Error(SqlState::kNotNullViolation,
                                  fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint", column, table))
                        .WithObject(table, column, ""));
}

}  // namespace

struct Appender::Impl {
  std::shared_ptr<Connection::Impl> con;
  std::string key;  // the table's catalog key
  std::vector<std::string> names;
  std::vector<Type> types;
  std::vector<LogicalType> engine_types;
  std::vector<bool> not_null;
  DataChunk row_chunk;  // the chunk row-at-a-time values go into (pre-sized, rows counted in .count)
  std::vector<DataChunk> pending;
  size_t pending_rows = 0;
  size_t column = 0;  // the next value's column in the current row
  size_t appended = 0;
  int unwinding_at_start = std::uncaught_exceptions();  // see ~Appender

  void FreshRowChunk() {
    row_chunk.Init(engine_types);
    for (auto& c : row_chunk.columns) c.Resize(kChunkRows);
  }
  // Runs fill as one ingest statement against the table (looked up again: it may have changed).
  void Write(const std::function<void(TableAppender&, const std::shared_ptr<Table>&)>& fill) {
    con->CloseActive();
    Session& s = *con->session;
    if (s.in_block())
      throw Error(SqlState::kActiveSqlTransaction, "an Appender cannot write inside a transaction block (COMMIT or ROLLBACK it first)");
    QueryResult r;
    Status durable = s.LockedDurably([&](yunhe::Database& db) {
      db.AssertHeld();
      r = RunIngestStatement(db, "APPEND", [&](TableAppender& appender) {
        std::shared_ptr<Table> t = appender.FindTable(key);
        if (!t) throw yunhe::Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", key));
        if (t->schema.Types() != engine_types)
          throw yunhe::Error(SqlState::kObjectNotInPrerequisiteState, fmt::format("table \"{}\" changed since the Appender opened it", key));
        fill(appender, t);
      });
    });
    if (!r.status.ok()) throw ToApiError(r.status);
    if (!durable.ok()) throw ToApiError(durable);
  }
};

Appender::Appender(Connection& con, const std::string& table) : impl_(std::make_unique<Impl>()) {
  Impl& a = *impl_;
  a.con = Internal::SharedCon(con);
  a.con->Locked([&](yunhe::Database& db) {
    db.AssertHeld();
    const Catalog& catalog = db.catalog();
    // The name as written, else folded to lower case as an unquoted SQL name would be.
    std::string lower = table;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    for (const std::string& name : {table, lower}) {
      const QualifiedName q = catalog.Split(name);
      const std::string key = RelationKey(q.schema, q.name);
      if (std::shared_ptr<Table> t = catalog.FindTable(key)) {
        a.key = key;
        for (const ColumnInfo& c : t->schema.columns) {
          a.names.push_back(c.name);
          a.types.push_back(ToApiType(c.type));
          a.engine_types.push_back(c.type);
          a.not_null.push_back(c.not_null);
        }
        return;
      }
    }
  });
  if (a.key.empty()) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", table));
  a.FreshRowChunk();
}

Appender::~Appender() {
  if (!impl_) return;
  // Left by an exception (a bad value, a failed call of the program): the unflushed rows go
  // with it rather than half of a failed load being written.
  if (std::uncaught_exceptions() > impl_->unwinding_at_start) return;
  try {
    Flush();
  } catch (...) {
  }
}

Appender::Appender(Appender&&) noexcept = default;
const std::vector<std::string>& Appender::names() const { return impl_->names; }
const std::vector<Type>& Appender::types() const { return impl_->types; }
size_t Appender::rows_appended() const { return impl_->appended; }

Appender& Appender::Append(const Value& v) {
  Impl& a = *impl_;
  if (a.column >= a.names.size())
    throw Error(SqlState::kInvalidParameterValue, fmt::format("too many values for a row of \"{}\" ({} columns): call EndRow", a.key, a.names.size()));
  if (v.is_null() && a.not_null[a.column]) throw NotNullViolation(a.key, a.names[a.column]);
  try {
    a.row_chunk.columns[a.column].SetValue(a.row_chunk.count, ToEngineValue(v, a.engine_types[a.column]));
  } catch (const yunhe::Error& e) {
    throw ToApiError(e.status());
  }
  ++a.column;
  return *this;
}

void Appender::EndRow() {
  Impl& a = *impl_;
  if (a.column != a.names.size())
    throw Error(SqlState::kInvalidParameterValue,
                fmt::format("a row of \"{}\" has {} values, {} given", a.key, a.names.size(), a.column));
  a.column = 0;
  if (++a.row_chunk.count == kChunkRows) {
    a.pending.push_back(std::move(a.row_chunk));
    a.FreshRowChunk();
  }
  if (++a.pending_rows >= kAutoFlushRows) Flush();
}

void Appender::Flush() {
  Impl& a = *impl_;
  if (a.row_chunk.count > 0) {
    for (auto& c : a.row_chunk.columns) c.Resize(a.row_chunk.count);
    a.pending.push_back(std::move(a.row_chunk));
    a.FreshRowChunk();
  }
  if (a.pending.empty()) return;
  std::vector<DataChunk> rows = std::move(a.pending);
  a.pending.clear();
  a.pending_rows = 0;
  a.Write([&](TableAppender& appender, const std::shared_ptr<Table>& t) {
    for (const DataChunk& c : rows) appender.Append(t, c);
  });
  for (const DataChunk& c : rows) a.appended += c.count;
}

void Appender::AppendColumns(const std::vector<ColumnData>& columns, size_t rows) {
  Impl& a = *impl_;
  if (columns.size() != a.names.size())
    throw Error(SqlState::kInvalidParameterValue,
                fmt::format("\"{}\" has {} columns, {} given", a.key, a.names.size(), columns.size()));
  if (a.column != 0) throw Error(SqlState::kInvalidParameterValue, "a row is half appended: call EndRow first");
  for (size_t k = 0; k < columns.size(); ++k) {
    const ColumnData& c = columns[k];
    if (int(c.int64s != nullptr) + int(c.doubles != nullptr) + int(c.texts != nullptr) != 1)
      throw Error(SqlState::kInvalidParameterValue, fmt::format("column \"{}\": give exactly one of int64s, doubles, texts", a.names[k]));
    if (a.not_null[k] && c.nulls && std::find(c.nulls, c.nulls + rows, 1) != c.nulls + rows)
      throw NotNullViolation(a.key, a.names[k]);
  }
  Flush();  // rows appended one by one before these go first
  a.Write([&](TableAppender& appender, const std::shared_ptr<Table>& t) {
    DataChunk chunk;
    for (size_t begin = 0; begin < rows; begin += kChunkRows) {
      const size_t n = std::min(kChunkRows, rows - begin);
      chunk.columns.clear();
      for (size_t k = 0; k < columns.size(); ++k) chunk.columns.push_back(ConvertColumnData(columns[k], begin, n, a.engine_types[k]));
      chunk.count = n;
      appender.Append(t, chunk);
    }
  });
  a.appended += rows;
}

void Appender::Close() { Flush(); }


}  // namespace yunhe::api
