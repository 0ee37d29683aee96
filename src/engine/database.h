// The embeddable engine: one data directory (or none: in memory), one writer at a time.
//
// Statement life cycle (autocommit): parse -> plan -> execute, changes applied to the tables
// with undo entries -> WAL records written and fsynced (Storage::Commit) -> acknowledged. Inside
// BEGIN ... COMMIT the WAL write happens at COMMIT. A failing statement is undone at once; in a
// block it also marks the block failed (PostgreSQL 25P02) until ROLLBACK or COMMIT.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/durability.h"
#include "engine/result.h"
#include "engine/transaction.h"
#include "sql/parser.h"
#include "storage/catalog.h"

namespace yunhe {

class Database {
 public:
  // dir == "" opens an in-memory database. On failure returns nullptr and sets *status.
  static std::unique_ptr<Database> Open(const std::string& dir, Status* status);
  ~Database();

  // Runs every statement of a script; stops at the first error (its result is last).
  std::vector<QueryResult> Execute(const std::string& sql);
  // Runs one statement (text holding exactly one statement, or none).
  QueryResult ExecuteStatement(const std::string& sql);
  // Runs `body` as one statement: in autocommit mode its changes are committed (WAL fsynced)
  // before this returns; on an error they are undone and the error is in the result. Used by
  // writers that are not SQL text (line protocol, NMEA).
  QueryResult RunAsStatement(const std::string& description, const std::function<void(QueryResult&)>& body);
  // Runs one SQL statement inside the current statement's transaction (no commit, throws on
  // error); for DDL issued by ingest paths (schema on write).
  void ExecuteNested(const std::string& sql);
  // The columns a statement would return, without running it (the extended query protocol's
  // Describe). *returns_rows = false for statements without a result set.
  Status DescribeStatement(const std::string& sql, std::vector<std::string>* names, std::vector<LogicalType>* types,
                           bool* returns_rows);
  // Writes all tables to segment files and truncates the WAL.
  Status Checkpoint();
  // Reads that do not hold the database while they run (server sessions): PrepareRead, called
  // holding it, parses and plans a lone SELECT outside a transaction block and pins a snapshot
  // of every table (a pointer per row group); PreparedRead::Run, called after letting the
  // database go, executes over those snapshots on the calling thread. Writers go on meanwhile
  // and the read sees none of their changes. nullptr: not such a read (or it failed to parse
  // or plan): run it with ExecuteStatement, which reports any error.
  class PreparedRead {
   public:
    ~PreparedRead();
    QueryResult Run();

   private:
    friend class Database;
    PreparedRead() = default;
    struct State;
    std::unique_ptr<State> state_;
  };
  std::unique_ptr<PreparedRead> PrepareRead(const std::string& sql);
  // The WAL for /metrics (all 0 in memory): bytes in the current WAL file, bytes written since
  // the database opened, fsyncs run. Call holding the database.
  struct WalStats {
    uint64_t file_bytes = 0, written_bytes = 0, fsyncs = 0;
  };
  WalStats wal_stats() const {
    if (!durability_) return {};
    return {durability_->wal_bytes(), durability_->wal_written(), durability_->wal_fsyncs()};
  }
  // Group commit for server sessions: while the returned guard lives on the calling thread,
  // commits return before their fsync, and the session calls WaitDurable() after letting the
  // database go and before answering its client; concurrent committers then share one fsync.
  // Without a guard every commit is durable when ExecuteStatement returns.
  Durability::DeferSync DeferSync() { return Durability::DeferSync(durability_.get()); }
  Status WaitDurable();

  const Catalog& catalog() const { return *catalog_; }
  // COPY ... FROM STDIN reads this text (the shell sets it before running the statement);
  // COPY ... TO STDOUT leaves its output in QueryResult::copy_out.
  void SetCopyInput(std::string data) { copy_in_ = std::move(data); }
  std::string TakeCopyInput() { return std::move(copy_in_); }
  bool in_transaction_block() const { return txn_.explicit_block; }
  bool in_replay() const { return replaying_; }
  bool transaction_failed() const { return txn_.failed; }
  const std::string& directory() const { return dir_; }
  std::string GetSetting(const std::string& name) const;
  // Per-connection settings (SET ..., the time zone) for servers with several sessions on one
  // Database: a session swaps its state in before its statements and out after them.
  struct SessionSettings {
    std::map<std::string, std::string> values;
    std::shared_ptr<const class TimeZone> zone;
  };
  SessionSettings DefaultSettings() const { return default_settings_; }
  // While a transaction block holds the database, a lone SELECT of another session need not
  // wait for the block to end: it is planned and run against the committed state the block
  // started from (the catalog then, a snapshot of every table), as PostgreSQL readers see only
  // committed rows. Call without holding the database. nullptr when no block is open or `sql`
  // is not a lone SELECT: then take the database and go on as usual.
  std::unique_ptr<PreparedRead> PrepareReadBesideBlock(const std::string& sql, const SessionSettings& settings);
  // Calls fn with the catalog an open transaction block started from and returns true; false
  // when no block is open (then read the catalog holding the database). Thread-safe.
  bool ReadBlockStartCatalog(const std::function<void(const Catalog&)>& fn);
  bool BlockOpen() { return CurrentBlockStart() != nullptr; }
  // Describe (extended protocol) of a lone SELECT beside an open block, like
  // PrepareReadBesideBlock; false when no block is open or sql is not a lone SELECT.
  bool DescribeBesideBlock(const std::string& sql, const SessionSettings& settings, std::vector<std::string>* names,
                           std::vector<LogicalType>* types, bool* returns_rows, Status* status);
  void SwapSettings(SessionSettings* s) {
    std::swap(settings_, s->values);
    std::swap(zone_, s->zone);
  }

  // Used by the statement executors (engine/*.cpp).
  Catalog& mutable_catalog() { return *catalog_; }
  Transaction& txn() { return txn_; }
  void RecordAppend(const std::shared_ptr<Table>& table, const DataChunk& rows);
  void RecordDelete(const std::shared_ptr<Table>& table, const std::vector<uint64_t>& row_ids);
  // DDL: call BeginCatalogChange() before touching the catalog (saves it for rollback), then
  // RecordCatalogChange() with the statement text to log.
  void BeginCatalogChange();
  void RecordCatalogChange(const std::string& ddl_sql);
  // Copy-on-write for DDL that rewrites a table's data (ALTER TABLE ADD/DROP COLUMN).
  std::shared_ptr<Table> CloneTableForDdl(const std::string& name);

 private:
  Database() = default;
  void Dispatch(PgQuery__Node* node, const std::string& text, QueryResult& result);
  void RunTransactionStatement(PgQuery__TransactionStmt* t, QueryResult& result);
  void CommitTransaction();
  void RollbackTo(size_t undo_mark, size_t wal_mark);
  // Writes the pending WAL records early when they hold more than kWalSpillCells values.
  void MaybeSpillWal();
  // Appends rows whose keys are already checked, with undo entry and WAL record.
  void AppendChecked(const std::shared_ptr<Table>& table, const DataChunk& rows);
  static constexpr size_t kWalSpillCells = 8u << 20;
  // Applies one committed WAL transaction during recovery.
  friend class Durability;
  void ReplayRecords(const std::vector<WalRecord>& records);

  // The committed state an open transaction block started from (PrepareReadBesideBlock).
  struct BlockStart;
  std::mutex block_start_mu_;
  std::shared_ptr<const BlockStart> block_start_;
  void SetBlockStart(bool open);
  std::shared_ptr<const BlockStart> CurrentBlockStart();
  // Parses and plans a lone SELECT on the state the open block started from (*start); nullptr
  // when no block is open or sql is not a lone SELECT.
  std::unique_ptr<PreparedRead> PlanBesideBlock(const std::string& sql, const SessionSettings& settings,
                                                std::shared_ptr<const BlockStart>* start);
  static std::unique_ptr<PreparedRead> PlanRead(const Catalog& catalog, std::shared_ptr<ParsedSql> parsed,
                                                const std::string& sql);

  std::string dir_;
  std::shared_ptr<Catalog> catalog_;
  Transaction txn_;
  std::unique_ptr<Durability> durability_;
  std::map<std::string, std::string> settings_;
  SessionSettings default_settings_;
  std::shared_ptr<const class TimeZone> zone_;  // SET timezone (nullptr = UTC)
  bool replaying_ = false;
  // Set by appends into a table with a retention setting; the next successful autocommit
  // statement then drops expired partitions (engine/retention.h).
  bool retention_due_ = false;
  void RunRetentionIfDue();
  int64_t StatementTimeoutMs() const { return StatementTimeoutMs(settings_); }
  static int64_t StatementTimeoutMs(const std::map<std::string, std::string>& settings);
  // A statement's limits from its session's settings: statement_timeout and work_mem.
  static void BeginStatementLimits(const std::map<std::string, std::string>& settings);
  std::string copy_in_;
};

}  // namespace yunhe
