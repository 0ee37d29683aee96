// The engine's side of ingest's TableAppender: appends and schema-on-write DDL of a writer run
// inside the current statement of a Database the caller holds.
#pragma once
#include "engine/check_constraints.h"
#include "engine/database.h"
#include "sql/privileges.h"
#include "ingest/table_appender.h"

namespace yunhe {

class DatabaseAppender final : public TableAppender {
 public:
  // Construct and use holding db (checked at run time: Database::AssertHeld).
  explicit DatabaseAppender(Database& db) : db_(db) {}
  std::shared_ptr<Table> FindTable(const std::string& name) override {
    db_.AssertHeld();
    return db_.catalog().FindTable(name);
  }
  bool NameTaken(const std::string& name) override {
    db_.AssertHeld();
    return db_.catalog().NameTaken(name);
  }
  std::string QuoteTable(const std::string& name) override {
    db_.AssertHeld();
    const QualifiedName q = db_.catalog().Split(name);
    return QuoteIdent(q.schema) + "." + QuoteIdent(q.name);
  }
  void ExecuteDdl(const std::string& sql) override {
    db_.AssertHeld();
    db_.ExecuteNested(sql);
  }
  void Append(const std::shared_ptr<Table>& table, const DataChunk& rows) override {
    db_.AssertHeld();
    CheckRelationPrivilege(db_.catalog(), table->schema.name, kPrivInsert);
    db_.RecordAppend(table, rows);
  }
  void AppendPoints(const std::shared_ptr<Table>& table, const DataChunk& rows) override {
    db_.AssertHeld();
    // Points merge into the rows of their series: PostgreSQL's upsert asks for both.
    CheckRelationPrivilege(db_.catalog(), table->schema.name, kPrivInsert);
    CheckRelationPrivilege(db_.catalog(), table->schema.name, kPrivUpdate);
    db_.RecordAppend(table, rows, /*merge_points=*/true);
  }
  std::vector<std::pair<size_t, std::string>> CheckFailures(const std::shared_ptr<Table>& table, const DataChunk& rows) override {
    db_.AssertHeld();
    return CheckConstraintFailures(db_.catalog(), table->schema, rows);
  }

 private:
  Database& db_;
};

}  // namespace yunhe
