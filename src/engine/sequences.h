// Sequences in the engine (storage/sequence.h has the object and its rules): the functions'
// side (nextval/currval/setval/lastval for the session running a statement, logged to the
// WAL), CREATE / ALTER / DROP SEQUENCE, and the sequences SERIAL and identity columns own.
#pragma once
#include <mutex>
#include <string>
#include <vector>

#include "common/statement_context.h"
#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

// What a statement's sequence functions act on: the sequences of the catalog the statement
// runs on, and the session's currval/lastval memory. Statements reach it through their
// StatementContext while Database::RunParsed runs them (the database held).
class DatabaseSequences final : public SequenceAccess {
 public:
  explicit DatabaseSequences(Database& db) : db_(db) {}
  int64_t NextVal(const std::string& name) override;
  int64_t CurrVal(const std::string& name) override;
  int64_t SetVal(const std::string& name, int64_t value, bool is_called) override;
  int64_t LastVal() override;

 private:
  SequenceInfo& Find(const std::string& name);  // 42P01 / 42809 when there is no such sequence
  void Log(const std::string& name, int64_t value, bool is_called);
  Database& db_;
  std::mutex mu_;  // calls may come from a parallel operator's workers
};

// Installs a database's sequences on this thread's statement for the guard's lifetime.
class UseSequences {
 public:
  explicit UseSequences(SequenceAccess* s) : previous_(CurrentStatement().sequences.exchange(s)) {}
  ~UseSequences() { CurrentStatement().sequences = previous_; }
  UseSequences(const UseSequences&) = delete;
  UseSequences& operator=(const UseSequences&) = delete;

 private:
  SequenceAccess* previous_;
};

// True when a statement calls nextval/currval/setval/lastval or pg_notify anywhere: it changes
// sequences, reads the session's memory of them or sends notifications when it ends, so it runs
// holding the database (inside Session::Run), never on a snapshot streamed afterwards.
bool CallsSequenceFunction(const PgQuery__Node* node);

void ExecuteCreateSequence(Database& db, PgQuery__CreateSeqStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteAlterSequence(Database& db, PgQuery__AlterSeqStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// DROP SEQUENCE names [CASCADE]: a column default that uses one fails the drop (2BP01) unless
// CASCADE, which drops the default too.
void DropSequences(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());

// A SERIAL or identity column as CREATE TABLE reads it: the sequence to make for it.
struct OwnedSequenceSpec {
  std::string column;
  LogicalType type;
  PgQuery__Node** options = nullptr;  // an identity's ( sequence options )
  size_t n_options = 0;
  bool identity = false;
};
// Makes the sequence a SERIAL or identity column of a table being created (or altered) owns,
// named as PostgreSQL names it (table_column_seq, with a digit added while the name is taken)
// unless `options` says SEQUENCE NAME. Returns its name. The catalog change must be begun.
std::string AddOwnedSequence(Database& db, const std::string& table, const std::string& column, const LogicalType& type,
                             PgQuery__Node** options, size_t n_options, bool identity) REQUIRES(db.mutex());
// nextval('name'::regclass): the default of a column that takes its values from a sequence.
std::string NextvalDefault(const Catalog& catalog, const std::string& sequence);
// Drops the sequences a table (or one of its columns, when `column` is not empty) owns.
void DropOwnedSequences(Catalog& catalog, const std::string& table, const std::string& column = "");

// The catalog file's lines for sequences: CREATE SEQUENCE for each (identity ones come from
// their table's definition) before the tables, and after them OWNED BY and the current values.
std::string SequencesBeforeTablesDdl(const Catalog& catalog);
std::string SequencesAfterTablesDdl(const Catalog& catalog);
// After a checkpoint wrote the exact values: the next nextval of each sequence logs again.
void ResetSequenceLogs(const Catalog& catalog);

}  // namespace yunhe
