// What an ingest writer needs of the database, inside the caller's statement: a table's schema,
// DDL for schema on write, and appends. The engine implements it over a Database
// (engine/database_appender.h); ingest thereby knows no engine and sits below it, so the
// engine's COPY and the executor's read_nmea() may use ingest's parsers without a cycle.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/vector.h"
#include "storage/catalog.h"

namespace yunhe {

class TableAppender {
 public:
  virtual ~TableAppender() = default;
  // The table named `name` as it is now, or nullptr.
  virtual std::shared_ptr<Table> FindTable(const std::string& name) = 0;
  // True when a table, view or index already has the name.
  virtual bool NameTaken(const std::string& name) = 0;
  // A table's catalog key (storage/catalog.h) written for DDL text so that it names exactly
  // that relation whatever the session's search_path: public."cpu", s."t".
  virtual std::string QuoteTable(const std::string& name) = 0;
  // Runs one DDL statement inside the current statement (rolled back with it); throws on error.
  virtual void ExecuteDdl(const std::string& sql) = 0;
  // Appends rows to `table` inside the current statement (undone if it fails, durable when it
  // commits). Rows must match the table's columns.
  virtual void Append(const std::shared_ptr<Table>& table, const DataChunk& rows) = 0;
  // The same for points (line protocol): on a table keyed by series and time, a point that
  // repeats a stored one's key merges into it (InfluxDB: the field sets' union, ties to the new).
  virtual void AppendPoints(const std::shared_ptr<Table>& table, const DataChunk& rows) = 0;
  // The rows of `rows` that a CHECK constraint of `table` rejects, each with the error message,
  // so a stream can reject those records alone (an append of them would fail whole).
  virtual std::vector<std::pair<size_t, std::string>> CheckFailures(const std::shared_ptr<Table>& table, const DataChunk& rows) = 0;
};

}  // namespace yunhe
