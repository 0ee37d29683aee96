// The embeddable engine: one data directory (or none: in memory), one writer at a time.
//
// Front ends talk to it through Sessions (engine/session.h), which own per-connection settings,
// hold the database's lock for a statement or a transaction block and decide per statement how
// it runs (a read on snapshots without the lock, a read beside another session's open block, or
// a locked statement). The members below marked REQUIRES(mutex()) are the Session's (and the
// statement executors') side of that contract; clang checks it (common/thread_safety.h).
// Execute/ExecuteStatement/Checkpoint are the embedding conveniences: they run on a default
// session the Database owns (the shell's, the tests').
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
#include <unordered_map>
#include <vector>

#include "common/thread_safety.h"
#include "engine/notifications.h"
#include "engine/durability.h"
#include "engine/result.h"
#include "engine/row_locks.h"
#include "engine/serializable.h"
#include "engine/transaction.h"
#include "functions/function.h"
#include "functions/user_functions.h"
#include "sql/parser.h"
#include "storage/catalog.h"

namespace yunhe {

struct Workspace;

class Database {
 public:
  // dir == "" opens an in-memory database. On failure returns nullptr and sets *status.
  static std::unique_ptr<Database> Open(const std::string& dir, Status* status);
  ~Database();

  // The database's lock: one statement (or one transaction block) at a time.
  Mutex& mutex() RETURN_CAPABILITY(mu_) { return mu_; }
  // For code run under a lock its caller took (Session::Locked's function): checks at run time
  // that this thread holds the database and tells the analysis so.
  void AssertHeld() const ASSERT_CAPABILITY(mu_) { YH_ASSERT(mu_.HeldByThisThread()); }

  // Embedding conveniences on the default session (engine/session.h): runs every statement of
  // a script, stopping at the first error (its result is last) / runs one statement.
  std::vector<QueryResult> Execute(const std::string& sql);
  QueryResult ExecuteStatement(const std::string& sql);
  // Writes all tables to segment files and truncates the WAL (on the default session).
  Status Checkpoint();
  class Session& DefaultSession();
  // Closing then leaves the WAL as it is, as a crash would (tests of recovery): no checkpoint.
  void SkipCheckpointOnClose() { checkpoint_on_close_ = false; }

  // Runs one parsed statement (exactly one, or none) holding the database.
  QueryResult RunParsed(const std::shared_ptr<ParsedSql>& parsed) REQUIRES(mu_);
  // Runs `body` as one statement: in autocommit mode its changes are committed (WAL fsynced)
  // before this returns; on an error they are undone and the error is in the result. Used by
  // writers that are not SQL text (line protocol, NMEA).
  QueryResult RunAsStatement(const std::string& description, const std::function<void(QueryResult&)>& body) REQUIRES(mu_);
  // Runs one SQL statement inside the current statement's transaction (no commit, throws on
  // error); for DDL issued by ingest paths (schema on write).
  void ExecuteNested(const std::string& sql) REQUIRES(mu_);
  // The columns a statement would return, without running it (the extended query protocol's
  // Describe). *returns_rows = false for statements without a result set.
  Status DescribeStatement(const std::shared_ptr<ParsedSql>& parsed, std::vector<std::string>* names,
                           std::vector<LogicalType>* types, bool* returns_rows) REQUIRES(mu_);
  Status CheckpointLocked() REQUIRES(mu_);
  // Reads that do not hold the database while they run (server sessions): PrepareRead, called
  // holding it, plans a lone SELECT and pins a snapshot of every table (a pointer per row
  // group); the read then runs after letting the database go, on the calling thread, either at
  // once (Run) or chunk by chunk (Start, Next: a streaming result). Writers go on meanwhile and
  // the read sees none of their changes. Inside a transaction block the session keeps the
  // database while the rows stream (the read sees the block's changes; an error fails the
  // block). nullptr: not such a read (or it failed to plan): run it with RunParsed, which
  // reports any error.
  class PreparedRead {
   public:
    ~PreparedRead();
    QueryResult Run();
    // Streaming: Start fills names/types (or the error) of *header and opens the plan; Next
    // hands out chunks until it returns false, then *header has its tag and notices, or the
    // error that stopped it. The snapshots stay pinned on this thread until then.
    void Start(QueryResult* header);
    bool Next(DataChunk* out, QueryResult* header);

   private:
    friend class Database;
    PreparedRead() = default;
    void Finish(QueryResult* header, Status error);
    // A read of a workspace block (engine/workspace.h): errors fail that block (the session
    // knows), not a locked one; `catalog` is the view the plan points into.
    void ForWorkspace(std::shared_ptr<const void> catalog);
    struct State;
    struct Pin;
    std::unique_ptr<State> state_;
  };
  std::unique_ptr<PreparedRead> PrepareRead(const std::shared_ptr<ParsedSql>& parsed) REQUIRES(mu_);
  // The same for any SELECT node of a parse tree (DECLARE CURSOR's query), in or outside a block;
  // a planning error is in *error (and nullptr returned).
  std::unique_ptr<PreparedRead> PrepareSelect(const std::shared_ptr<ParsedSql>& parsed, PgQuery__Node* select,
                                              Status* error) REQUIRES(mu_);
  // True when a parsed text is one SELECT that a read on snapshots can answer.
  static bool IsLoneSelect(const ParsedSql& parsed);
  static bool IsLoneSelectNode(const PgQuery__Node* node);
  // The WAL for /metrics (all 0 in memory): bytes in the current WAL file, bytes written since
  // the database opened, fsyncs run. Call holding the database.
  // Checkpoints: synchronous ones, and background ones finished (installed or dropped),
  // installed, and installed as compactions (re-laid: parts merged, deleted rows dropped).
  struct WalStats {
    uint64_t file_bytes = 0, written_bytes = 0, fsyncs = 0;
    uint64_t checkpoints = 0, background_finished = 0, background_installed = 0, background_compactions = 0;
    uint64_t statement_seals = 0;  // a large statement's rows sealed into parts before its commit
  };
  WalStats wal_stats() const {
    if (!durability_) return {};
    const Durability::CheckpointStats c = durability_->checkpoint_stats();
    return {durability_->wal_bytes(), durability_->wal_written(), durability_->wal_fsyncs(),
            c.synchronous, c.background_finished, c.background_installed, c.background_compactions, c.statement_seals};
  }
  // Group commit for server sessions: while the returned guard lives on the calling thread,
  // commits return before their fsync, and the session calls WaitDurable() after letting the
  // database go and before answering its client; concurrent committers then share one fsync.
  // Without a guard every commit is durable when ExecuteStatement returns.
  Durability::DeferSync DeferSync() { return Durability::DeferSync(durability_.get()); }
  Status WaitDurable();

  const Catalog& catalog() const REQUIRES(mu_) { return *catalog_; }
  // The input of COPY ... FROM STDIN, pulled piece by piece as the COPY consumes it (so a big
  // load never sits in memory whole): false at the end. It may throw (the client cancelled the
  // COPY or went away): the statement then fails with that error. The session sets it before
  // running the statement; COPY ... TO STDOUT leaves its output in QueryResult::copy_out.
  using CopyReader = std::function<bool(std::string* piece)>;
  static CopyReader CopyText(std::string text);  // all of `text` as one piece
  void SetCopyInput(CopyReader reader) REQUIRES(mu_) { copy_in_ = std::move(reader); }
  CopyReader TakeCopyInput() REQUIRES(mu_) {
    CopyReader r = std::move(copy_in_);
    copy_in_ = nullptr;
    return r ? r : CopyText("");
  }
  bool in_transaction_block() const REQUIRES(mu_) { return txn_.explicit_block; }
  bool in_replay() const { return replaying_; }
  bool transaction_failed() const REQUIRES(mu_) { return txn_.failed; }
  const std::string& directory() const { return dir_; }
  std::string GetSetting(const std::string& name) const REQUIRES(mu_);
  // Per-connection settings (SET ..., the time zone) for servers with several sessions on one
  // Database: a session swaps its state in before its statements and out after them.
  struct SessionSettings {
    std::map<std::string, std::string> values;
    std::shared_ptr<const class TimeZone> zone;
    // The session's temporary schema (pg_temp_N, engine/session.cpp); "" for recovery and the
    // engine's own statements, which have no temporary relations.
    std::string temp_schema;
    bool made_temp_relations = false;  // its end drops them
    // Temporary tables made with ON COMMIT DROP ('d') or DELETE ROWS ('r'), by key: what the
    // session does when a transaction of it commits (Session::ApplyOnCommitActions).
    std::map<std::string, char> on_commit;
    // The role the session logged in as (never changed by SET; SET SESSION AUTHORIZATION and
    // SET ROLE keep theirs in `values`, "session_authorization" and "role").
    std::string login_user = "yunhe";
    // What nextval last returned in this session, per sequence (currval) and of any (lastval).
    struct SequenceMemory {
      std::map<std::string, int64_t> values;
      std::string last;
    } sequences;
  };
  SessionSettings DefaultSettings() const { return default_settings_; }
  // A setting every later session starts with (as postgresql.conf sets one); call before
  // sessions start. Used by the fuzz harness for statement_timeout.
  void SetDefaultSetting(const std::string& name, const std::string& value) { default_settings_.values[name] = value; }
  // A consistent view of the committed database: a copy of the catalog and a snapshot of every
  // table (one pointer per row group). REPEATABLE READ blocks read on one for their whole life;
  // readers beside another session's locked block read the one that block started from.
  struct Snapshot {
    std::shared_ptr<const Catalog> catalog;  // a copy: later DDL changes the live one
    // Table* -> shared_ptr<const TableData> (StatementContext::snapshots)
    std::unordered_map<const void*, std::shared_ptr<const void>> snapshots;
    uint64_t wal_lsn = 0;  // WAL written when it was taken: a reader answers once it is durable
    uint64_t serializable_seq = 0;  // the serializable commits it includes (engine/serializable.h)
  };
  std::shared_ptr<const Snapshot> TakeSnapshot() REQUIRES(mu_);
  // True when nothing committed since s was taken (no table changed, no DDL).
  bool SnapshotIsCurrent(const Snapshot& s) REQUIRES(mu_);
  // Plans a SELECT (the lone statement of `parsed`, or `select`) on a snapshot, without holding
  // the database; a planning error is in the read (Start reports it).
  std::unique_ptr<PreparedRead> PrepareReadOn(const std::shared_ptr<const Snapshot>& snapshot,
                                              const std::shared_ptr<ParsedSql>& parsed, const SessionSettings& settings,
                                              PgQuery__Node* select = nullptr);
  // While a transaction block holds the database, a lone SELECT of another session need not
  // wait for the block to end: it is planned and run against the committed state the block
  // started from (the catalog then, a snapshot of every table), as PostgreSQL readers see only
  // committed rows. Call without holding the database. nullptr when no block is open or `sql`
  // is not a lone SELECT: then take the database and go on as usual.
  std::unique_ptr<PreparedRead> PrepareReadBesideBlock(const std::shared_ptr<ParsedSql>& parsed, const SessionSettings& settings);
  // The snapshot an open locked block started from (nullptr: none is open). Thread-safe.
  std::shared_ptr<const Snapshot> BlockStartSnapshot();
  // Calls fn with the catalog an open transaction block started from and returns true; false
  // when no block is open (then read the catalog holding the database). Thread-safe.
  bool ReadBlockStartCatalog(const std::function<void(const Catalog&)>& fn);
  // Calls fn with the committed catalog without waiting for an open block: the one the block
  // started from, else the live one (holding the database). For logins and HTTP authorization.
  void ReadCommittedCatalog(const std::function<void(const Catalog&)>& fn) EXCLUDES(mu_);
  bool BlockOpen() { return BlockStartSnapshot() != nullptr; }
  // Describe (extended protocol) of a lone SELECT beside an open block, like
  // PrepareReadBesideBlock; false when no block is open or sql is not a lone SELECT.
  bool DescribeBesideBlock(const std::shared_ptr<ParsedSql>& parsed, const SessionSettings& settings, std::vector<std::string>* names,
                           std::vector<LogicalType>* types, bool* returns_rows, Status* status);
  // Transaction blocks that write without holding the database between statements
  // (engine/workspace.h). RunsInWorkspace: the statements a workspace can run (reads, settings,
  // savepoints, INSERT/UPDATE/DELETE/COPY); others need PromoteWorkspace first.
  static bool RunsInWorkspace(const PgQuery__Node* node);
  // A statement that stopped before it finished, to be run again after the caller did something
  // without the database: kPromote (it needs the live tables: PromoteWorkspace), kWait (a row it
  // deletes is locked by `holder`'s block: RowLocks::Wait), kRefresh (READ COMMITTED: a row it
  // deletes changed since the block's copy of `table` was taken: RefreshPrivateCopy). Nothing of
  // the stopped statement is kept and its block is not failed. can_wait (in): the caller can
  // wait and run it again (not when it consumed its input, as COPY FROM STDIN); if not, a
  // locked or changed row fails the statement with 40001.
  struct Retry {
    enum Kind { kNone, kPromote, kWait, kRefresh } kind = kNone;
    bool can_wait = true;
    std::shared_ptr<RowLocks::Owner> holder;
    RowLocks::Key key;  // kWait: the row (a block queues for it)
    std::string table;
  };
  // Runs one statement on the workspace (its private copies in place of the live tables).
  QueryResult RunInWorkspace(Workspace& ws, const std::shared_ptr<ParsedSql>& parsed, Retry* retry) REQUIRES(mu_);
  // RunParsed for a statement outside any block that waits for row locks of workspace blocks
  // (retry->kind == kWait) instead of ignoring them.
  QueryResult RunParsedOrWait(const std::shared_ptr<ParsedSql>& parsed, Retry* retry) REQUIRES(mu_);
  // READ COMMITTED after a kRefresh: the block's copy of `table` taken anew from the live table
  // with the block's changes to it carried over. 40001 when one of the rows it changed was
  // changed by another commit (it held no lock on it: a writer that does not wait). Savepoints
  // with changes to the table after them can no longer be rolled back to one by one.
  Status RefreshPrivateCopy(Workspace& ws, const std::string& table) REQUIRES(mu_);
  // READ COMMITTED blocks: before each statement, copies whose live table changed are taken anew
  // (only those of tables `statement` can read, when it tells; nullptr: every one).
  void RefreshStaleCopies(Workspace& ws, const ParsedSql* statement = nullptr) REQUIRES(mu_);
  RowLocks& row_locks() { return row_locks_; }
  // LISTEN / NOTIFY between this database's sessions (engine/notifications.h). Thread-safe.
  NotificationHub& notifications() { return notifications_; }
  // A SELECT (the lone statement of `parsed`, or `select`) on the workspace: it sees the block's
  // own changes; run after letting the database go. nullptr with *error on a planning error.
  std::unique_ptr<PreparedRead> PrepareReadInWorkspace(Workspace& ws, const std::shared_ptr<ParsedSql>& parsed,
                                                       PgQuery__Node* select, Status* error) REQUIRES(mu_);
  // COMMIT of a workspace block: its changes applied to the live tables and made durable, or
  // the error (40001, 23505, ...) and nothing applied.
  // A SERIALIZABLE block's commit also passes the check of engine/serializable.h (`ssi`: its
  // transaction there, nullptr for other levels).
  QueryResult CommitWorkspace(Workspace& ws, SerializableTransactions::Txn* ssi = nullptr) REQUIRES(mu_);
  // COMMIT of a SERIALIZABLE block that wrote nothing: the same check, nothing applied.
  Status CommitSerializableReads(SerializableTransactions::Txn& ssi) REQUIRES(mu_);
  SerializableTransactions& serializable() { return serializable_; }
  // An autocommitted statement of a SERIALIZABLE session: its commit is checked as a block's,
  // with what `reads` saw it read (nullptr: none). Cleared once it committed.
  void SetStatementSerializable(SerializableTransactions::Txn* ssi, const StatementReads* reads) REQUIRES(mu_) {
    statement_ssi_ = ssi;
    statement_reads_ = reads;
  }
  // Opens a locked transaction block here holding the workspace's changes (undone if the block
  // rolls back). Savepoints set after the block's last change carry over; rolling back to an
  // earlier one fails. Non-OK (40001, 23505 ...): no block opened.
  Status PromoteWorkspace(Workspace& ws) REQUIRES(mu_);
  // Opens a transaction block here (the session's block turning into a locked one).
  void OpenBlock() REQUIRES(mu_);
  // The settings statements run with are those of the session holding the database: it points
  // the Database at its own while it holds it (nullptr: back to the Database's own, which
  // recovery and the embedding conveniences' default session start from).
  void UseSessionSettings(SessionSettings* s) REQUIRES(mu_) { current_ = s ? s : &own_settings_; }

  // Used by the statement executors (engine/*.cpp).
  Catalog& mutable_catalog() REQUIRES(mu_) { return *catalog_; }
  // Scalar functions of the embedding API (functions/user_functions.h; engine/user_functions.cpp):
  // Add throws 42723 when a built-in or user function has the name, Remove 42883 when none has.
  void AddUserFunction(ScalarFunction f) REQUIRES(mu_);
  void RemoveUserFunction(const std::string& name) REQUIRES(mu_);
  // Relations over the program's memory (functions/user_functions.h): a name a table, view or
  // another registered relation has is refused (42P07); Remove: 42P01 when none has it.
  void AddExternalRelation(std::shared_ptr<const ExternalRelation> r) REQUIRES(mu_);
  void RemoveExternalRelation(const std::string& name) REQUIRES(mu_);
  Transaction& txn() REQUIRES(mu_) { return txn_; }
  // merge_points: rows of an upsert table (TableSchema::UpsertsOnKey) that replace stored ones
  // keep those rows' values in the cells they leave NULL (line protocol: InfluxDB's points,
  // whose field sets merge); otherwise the last write replaces the whole row.
  // row_security: the command whose WITH CHECK policies the rows must pass ('a' INSERT, 'w'
  // UPDATE; 0 none: a workspace's commit, a foreign key's action), when row security applies.
  void RecordAppend(const std::shared_ptr<Table>& table, const DataChunk& rows, bool merge_points = false, char row_security = 'a') REQUIRES(mu_);
  // by_update: the rows' new versions are appended next (an UPDATE), which matters to the
  // foreign keys that reference the table (their ON UPDATE action, not ON DELETE).
  void RecordDelete(const std::shared_ptr<Table>& table, const std::vector<uint64_t>& row_ids, bool by_update = false) REQUIRES(mu_);
  // DDL: call BeginCatalogChange() before touching the catalog (saves it for rollback), then
  // RecordCatalogChange() with the statement text to log and the key of the relation it
  // changes (nothing is logged for a temporary one; "" when it changes none).
  void BeginCatalogChange() REQUIRES(mu_);
  void RecordCatalogChange(const std::string& ddl_sql, const std::string& relation_key) REQUIRES(mu_);
  // A session's end: its temporary relations go (never logged: they were never on disk).
  void DropTemporaryRelations(const std::string& temp_schema) REQUIRES(mu_);
  // CREATE of a temporary relation: the session remembers to drop it at its end.
  void NoteTemporaryRelation() REQUIRES(mu_) { current_->made_temp_relations = true; }
  void NoteOnCommitAction(const std::string& key, char action) REQUIRES(mu_) { current_->on_commit[key] = action; }
  // Copy-on-write for DDL that rewrites a table's data (ALTER TABLE ADD/DROP COLUMN).
  std::shared_ptr<Table> CloneTableForDdl(const std::string& name) REQUIRES(mu_);

 private:
  Database() = default;
  void Dispatch(PgQuery__Node* node, const std::string& text, QueryResult& result) REQUIRES(mu_);
  void RunTransactionStatement(PgQuery__TransactionStmt* t, QueryResult& result) REQUIRES(mu_);
  // SAVEPOINT, RELEASE [SAVEPOINT], ROLLBACK TO [SAVEPOINT] inside a block.
  void RunSavepointStatement(PgQuery__TransactionStmt* t, QueryResult& result) REQUIRES(mu_);
  void CommitTransaction() REQUIRES(mu_);
  // An autocommitted SERIALIZABLE statement's commit (SetStatementSerializable): 40001 thrown, nothing committed.
  void CommitSerializableStatement() REQUIRES(mu_);
  void RollbackTo(size_t undo_mark, size_t wal_mark) REQUIRES(mu_);
  // Writes the pending WAL records early when they hold more than kWalSpillCells values or
  // about kWalSpillBytes of memory (wide text: 8M cells of 2 kB each were 16 GB).
  void MaybeSpillWal() REQUIRES(mu_);
  // Appends rows whose keys are already checked, with undo entry and WAL record.
  void AppendChecked(const std::shared_ptr<Table>& table, const DataChunk& rows) REQUIRES(mu_);
  static constexpr size_t kWalSpillCells = 8u << 20;
  static constexpr uint64_t kWalSpillBytes = 64u << 20;
  // Every eighth of memory_limit this transaction appends: reserves the resident tail from the
  // buffer pool, and when the tail is past half of the limit seals the transaction's full
  // resident groups into parts where they are (Durability::SealStatementGroups), so one
  // statement larger than memory stays within the limit.
  void MaybeSealStatement() REQUIRES(mu_);
  // Applies one committed WAL transaction during recovery.
  friend class Durability;
  void ReplayRecords(const std::vector<WalRecord>& records) REQUIRES(mu_);

  // The committed state an open locked transaction block started from (PrepareReadBesideBlock).
  Mutex block_start_mu_;
  std::shared_ptr<const Snapshot> block_start_ GUARDED_BY(block_start_mu_);
  void SetBlockStart(bool open) REQUIRES(mu_);
  // Plans a SELECT on a snapshot (the statement's clock, zone and limits from `settings`).
  static std::unique_ptr<PreparedRead> PlanOn(const std::shared_ptr<const Snapshot>& snapshot,
                                              const std::shared_ptr<ParsedSql>& parsed, const SessionSettings& settings,
                                              PgQuery__Node* select);
  static std::unique_ptr<PreparedRead> PlanRead(const Catalog& catalog, std::shared_ptr<ParsedSql> parsed, const std::string& sql,
                                                PgQuery__Node* select = nullptr);

  Mutex mu_;
  std::string dir_;
  // Replaced only by DDL (holding mu_); a read on snapshots plans holding mu_ and then keeps the
  // tables it needs alive through its snapshots, not through this pointer.
  std::shared_ptr<Catalog> catalog_ GUARDED_BY(mu_);
  // Every user function's signatures ever registered: plans bound before a removal point into them.
  std::vector<std::shared_ptr<const std::vector<ScalarFunction>>> user_function_history_ GUARDED_BY(mu_);
  Transaction txn_ GUARDED_BY(mu_);
  std::unique_ptr<Durability> durability_;
  SessionSettings default_settings_;  // what a new session starts with
  SessionSettings own_settings_ GUARDED_BY(mu_);  // used while no session holds the database
  SessionSettings* current_ GUARDED_BY(mu_) = &own_settings_;
  // The current settings (SET values) and time zone (SET timezone; nullptr = UTC).
  std::map<std::string, std::string>& settings() REQUIRES(mu_) { return current_->values; }
  const std::map<std::string, std::string>& settings() const REQUIRES(mu_) { return current_->values; }
  std::shared_ptr<const class TimeZone>& zone() REQUIRES(mu_) { return current_->zone; }
  bool replaying_ = false;
  // Set by appends into a table with a retention setting; the next successful autocommit
  // statement then drops expired partitions (engine/retention.h).
  bool retention_due_ GUARDED_BY(mu_) = false;
  void RunRetentionIfDue() REQUIRES(mu_);
  std::unique_ptr<class Session> default_session_;
  bool checkpoint_on_close_ = true;
  int64_t StatementTimeoutMs() const REQUIRES(mu_) { return StatementTimeoutMs(settings()); }
  static int64_t StatementTimeoutMs(const std::map<std::string, std::string>& settings);
  // A statement's limits from its session's settings: statement_timeout and work_mem.
  // Per statement: its timeout and work_mem, and the names it resolves (search_path, temp schema).
  static void BeginStatementLimits(const SessionSettings& settings);
  // The names a statement resolves (sql/relation_names.h): the session's search_path and temp schema.
  static void UseStatementNames(const SessionSettings& settings);
  // SET ROLE / SET SESSION AUTHORIZATION (value "" = RESET), checked as PostgreSQL does.
  void SetSessionRole(const std::string& name, const std::string& value) REQUIRES(mu_);
  CopyReader copy_in_ GUARDED_BY(mu_);
  friend class Session;
  friend class DatabaseSequences;
  std::unique_ptr<class DatabaseSequences> sequences_;  // what statements' sequence functions act on
  // Workspaces (engine/workspace.cpp): while a workspace statement runs, its transaction and a
  // catalog with its private copies are swapped in; writes to any other table are refused
  // (CheckWorkspaceWrite) and turn into a promotion.
  class WorkspaceScope;
  Workspace* workspace_ GUARDED_BY(mu_) = nullptr;
  bool workspace_needs_lock_ GUARDED_BY(mu_) = false;
  void CheckWorkspaceWrite(const Table* table) REQUIRES(mu_);
  // A workspace deleting (or updating) rows of its base: locks them in the live table, or stops
  // the statement to wait for their holder (Retry::kWait); rows another commit deleted or
  // updated since stop it for a refresh (READ COMMITTED) or fail it with 40001 (REPEATABLE READ,
  // as PostgreSQL raises it at the UPDATE).
  void LockInWorkspace(const Table* mine, const std::vector<uint64_t>& row_ids) REQUIRES(mu_);
  // A statement outside any block deleting rows a workspace block has locked: stops to wait.
  void WaitIfLocked(const Table& table, const std::vector<uint64_t>& row_ids) REQUIRES(mu_);
  RowLocks row_locks_;
  SerializableTransactions serializable_;
  SerializableTransactions::Txn* statement_ssi_ GUARDED_BY(mu_) = nullptr;
  const StatementReads* statement_reads_ GUARDED_BY(mu_) = nullptr;
  NotificationHub notifications_;
  bool wait_for_row_locks_ GUARDED_BY(mu_) = false;
  std::shared_ptr<RowLocks::Owner> lock_wait_ GUARDED_BY(mu_);  // a stopped statement waits for it
  RowLocks::Key lock_wait_key_ GUARDED_BY(mu_);                  // ... for this row
  std::string refresh_table_ GUARDED_BY(mu_);  // a stopped workspace statement's stale copy
  // block_ends: COMMIT (the block may let go of its copies first), not a promotion.
  void ApplyWorkspace(Workspace& ws, bool block_ends) REQUIRES(mu_);
  void EnsurePrivateCopy(Workspace& ws, const std::string& name) REQUIRES(mu_);
};

}  // namespace yunhe
