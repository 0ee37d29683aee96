// A Session is one client of a Database (DuckDB's ClientContext): a PostgreSQL connection, an
// HTTP request, a line-protocol connection, the shell. It owns its settings (SET values, time
// zone), its prepared statements and its transaction block.
//
// A block (BEGIN ... COMMIT, or the implicit one of a multi-statement message) holds nothing
// between its statements: it is a workspace (engine/workspace.h). Its reads run on snapshots
// (one per statement in READ COMMITTED, one for the whole block in REPEATABLE READ and
// SERIALIZABLE, taken at its first statement, as PostgreSQL); its INSERT/UPDATE/DELETE/COPY
// write private copies of their tables, holding the database only while each statement runs;
// COMMIT applies them to the live tables, first committer wins (40001, 23505). So an idle block
// (psycopg2's default mode) keeps nobody waiting, and blocks of different sessions write side by
// side. A statement a workspace cannot run (DDL, ...) promotes the block: its changes go to the
// live tables inside a locked block that holds the database until it ends, across round trips.
//
// A text is parsed once (Parse: every statement before any runs, so a syntax error anywhere runs
// none, as PostgreSQL's simple query); Run then decides once per statement how it runs:
//   - a lone SELECT outside a transaction block: planned holding the database, then run on
//     snapshots of the tables after letting it go (readers never block writers);
//   - a lone SELECT while another session's locked block holds the database: planned and run on
//     the committed state that block started from, without waiting;
//   - a statement of this session's workspace block: on its view (above);
//   - a lone SELECT inside this session's locked block: on snapshots of the live tables (its
//     own changes included), the database kept as the block keeps it anyway;
//   - anything else: holding the database (kept while this session's locked block is open).
// Results stream: a SELECT hands out its rows chunk by chunk as the front end pulls them
// (nothing is materialized before the first byte goes out); other statements (RETURNING, SHOW,
// EXPLAIN) hand out what they made. Front ends are protocol codecs over Sessions (server/, cli/).
//
// One thread uses a Session at a time; a ResultStream must be drained (or dropped) on that thread
// before the session runs its next statement.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/statement_context.h"
#include "common/thread_safety.h"
#include "engine/database.h"
#include "engine/scroll_cursor.h"
#include "engine/settings_undo.h"
#include "engine/workspace.h"

namespace yunhe {

// One statement's result, pulled chunk by chunk.
class ResultStream {
 public:
  ResultStream() = default;
  ResultStream(ResultStream&&) = default;
  ResultStream& operator=(ResultStream&&) = default;
  ~ResultStream();
  // Before Next: status (an error known before any row), names, types, returns_rows, COPY TO
  // output. After Next returned false: also the tag, the notices and any error raised while the
  // rows were produced (rows handed out before it stay handed out, as in PostgreSQL).
  const QueryResult& result() const { return result_; }
  // The next chunk of rows; false when there are no more.
  bool Next(DataChunk* out);
  // Drains the stream into one materialized result.
  QueryResult Collect();

 private:
  friend class Session;
  QueryResult result_;
  size_t next_chunk_ = 0;
  std::unique_ptr<Database::PreparedRead> read_;  // set: rows come from a read on snapshots (started)
  class Session* fails_block_ = nullptr;  // a read in a block that holds nothing: an error fails the block
  void Finished();
};

class Session : public NotificationSink {
 public:
  explicit Session(Database& db);
  // Rolls back an open transaction block, stops listening and lets the database go.
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Database& database() { return db_; }

  // A text split into statements, each parsed once.
  struct Statement {
    int begin = 0, len = 0;  // byte range in the text (without the ';')
    std::string text;
    std::shared_ptr<ParsedSql> parsed;
    bool copy_from_stdin = false;  // COPY ... FROM STDIN: the front end supplies the data first
  };
  static bool IsCopyFromStdin(const ParsedSql& parsed);
  struct Script {
    std::string text;
    std::vector<Statement> statements;
    Status error;  // a syntax error (position relative to the whole text): nothing runs
  };
  // A syntax error inside this session's open block fails the block, as in PostgreSQL.
  Script Parse(const std::string& sql);

  // Runs one statement of a parsed script (see the header comment for how it decides).
  ResultStream Run(const Statement& statement);
  // PostgreSQL runs the statements of one Query message as one transaction unless the message
  // manages its own (BEGIN/COMMIT/...): a later failure rolls back the earlier statements too.
  // BeginImplicitBlock opens that transaction when the script has several statements, none of
  // them a transaction statement, and no block is open (true when it did); EndImplicitBlock
  // commits it, or rolls it back when a statement failed (the error is then already reported);
  // a non-OK status: the commit itself failed.
  bool BeginImplicitBlock(const Script& script);
  Status EndImplicitBlock();
  // Runs every statement of a text, results materialized, stopping at the first error (its
  // result is last, its position relative to the whole text). Ends the message.
  std::vector<QueryResult> Execute(const std::string& sql);
  // The data the next COPY ... FROM STDIN reads: all of it, or pulled piece by piece.
  void SetCopyInput(std::string data) { copy_in_ = Database::CopyText(std::move(data)); }
  void SetCopyInput(Database::CopyReader reader) { copy_in_ = std::move(reader); }
  // The columns a statement would return, without running it (extended protocol Describe).
  Status Describe(const std::shared_ptr<ParsedSql>& parsed, std::vector<std::string>* names,
                  std::vector<LogicalType>* types, bool* returns_rows);

  // The end of a client message (simple query, Sync, one shell statement): the database is let
  // go unless this session's transaction block is open.
  void EndOfMessage();
  // True while this session holds the database (its block has written, or mid-message).
  bool holds_database() const { return holds_; }
  // True while this session has a transaction block open (explicit or implicit).
  bool in_block() const { return block_.has_value(); }
  // ReadyForQuery's transaction status: 'I' idle, 'T' in a block, 'E' in a failed block.
  char TransactionStatus();
  // Runs fn(db) holding the database with this session's settings in place (ingest writes,
  // catalog reads, meta commands), then ends the message.
  template <class F>
  auto Locked(F&& fn) {
    struct End {
      Session& s;
      ~End() { s.EndOfMessage(); }
    } end{*this};
    Hold();
    return fn(db_);
  }
  // Like Locked, then waits until everything fn committed (or read) is durable, letting
  // concurrent sessions share one WAL fsync (group commit). Non-OK: nothing fn did may be
  // acknowledged to the client.
  template <class F>
  Status LockedDurably(F&& fn) {
    auto defer = db_.DeferSync();
    Locked(std::forward<F>(fn));
    return db_.WaitDurable();
  }

  Database::SessionSettings& settings() { return settings_; }
  // The run-time parameters of a client's startup packet (application_name, DateStyle, TimeZone,
  // client_encoding, ...) as session settings (a time zone that does not exist is ignored).
  // DISCARD ALL returns to them.
  // Non-OK (22023 invalid value for parameter "TimeZone") when a value cannot be taken.
  // The role this session logged in as (the server sets it after authentication; the shell and
  // the engine's own sessions are the superuser).
  void SetLoginUser(const std::string& role);
  Status ApplyStartupParameters(const std::vector<std::pair<std::string, std::string>>& params);
  // PostgreSQL's levels; READ UNCOMMITTED behaves as READ COMMITTED (as in PostgreSQL).
  enum class Isolation { kReadUncommitted, kReadCommitted, kRepeatableRead, kSerializable };

  // Prepared statements (the extended query protocol's Parse; later PREPARE).
  struct Prepared {
    std::string sql;
    std::vector<int32_t> oids;  // as given by Parse, 0 = unspecified
    int nparams = 0;
    std::shared_ptr<ParsedSql> parsed;  // the tree, when it needs no parameters
    std::vector<std::string> type_names;  // SQL PREPARE name (type, ...): the parameters' types
  };
  std::map<std::string, Prepared>& prepared() { return prepared_; }
  size_t open_cursors() const { return cursors_.size(); }

  // LISTEN / NOTIFY (engine/notifications.h). The front end's process id for this session
  // (BackendKeyData): notifications it sends carry it, pg_backend_pid() answers it.
  void set_backend_pid(int32_t pid) { backend_pid_ = pid; }
  int32_t backend_pid() const override { return backend_pid_; }
  // pg_notify() and NOTIFY: kept until the transaction commits.
  void Notify(const std::string& channel, const std::string& payload) override;
  // Notifications for this session, to send now: none inside a transaction block (PostgreSQL
  // delivers them once it ends).
  std::vector<Notification> TakeNotifications();
  // Readable when notifications wait for this session (-1: it listens to nothing).
  int notification_fd() const { return mailbox_ ? mailbox_->wake_fd() : -1; }

 private:
  // Takes the database (if this session does not hold it) and swaps this session's settings in.
  // Tells the analysis the lock is held from here on: the hand-off across calls (a block keeps
  // it between messages) is beyond what it can follow, so holds_ tracks it at run time.
  void Hold() ASSERT_CAPABILITY(db_.mu_);
  ResultStream RunStatement(const Statement& statement);
  // LISTEN, UNLISTEN, NOTIFY; false for other statements.
  bool RunNotifyStatement(PgQuery__Node* node, ResultStream* out);
  // The end of a transaction (or of a statement outside one): its notifications go out if it
  // committed, else they are dropped. Returns a WARNING for the client when some listener's
  // mailbox was full ("" otherwise).
  std::string SettleNotifications(bool committed);
  // ON COMMIT DROP / DELETE ROWS of the session's temporary tables, once a transaction ended.
  // A failure is a WARNING on `result` (the transaction has committed already).
  void ApplyOnCommitActions(QueryResult& result);
  int32_t backend_pid_;  // the process's id until a front end names the session
  std::shared_ptr<Mailbox> mailbox_;  // made at the first LISTEN
  std::mutex notify_mu_;              // pg_notify may run on a parallel operator's workers
  std::vector<Notification> pending_notifies_;
  std::unordered_set<std::string> pending_seen_;  // channel '\0' payload of pending_notifies_
  // Swaps the settings back out and lets the database go.
  void Release();

  friend class ResultStream;
  // The open transaction block (see the top of the file).
  struct Block {
    bool implicit = false;
    // It ran a statement a workspace cannot run (DDL ...): the database holds it (a locked block,
    // Database::PromoteWorkspace) until it ends, and knows whether it failed.
    bool promoted = false;
    bool read_only = false;
    Isolation isolation = Isolation::kReadCommitted;
    bool started = false;  // a statement other than transaction control ran
    // Until promotion: its private copies, undo log, savepoints, failed flag and (REPEATABLE
    // READ) snapshot, taken at its first statement.
    Workspace ws;
    // SERIALIZABLE: its transaction in the database's serializable check (engine/serializable.h),
    // begun with its snapshot; what its statements read is added after each.
    std::shared_ptr<SerializableTransactions::Txn> ssi;
  };
  std::optional<Block> block_;
  void StartBlock(bool implicit, const PgQuery__TransactionStmt* begin);
  void EndBlock();
  void FailBlock();
  bool BlockFailed();
  bool SnapshotPerBlock() const { return block_ && block_->isolation >= Isolation::kRepeatableRead; }
  bool SerializableBlock() const { return block_ && block_->isolation == Isolation::kSerializable; }
  // A statement outside any block of a session whose transactions are SERIALIZABLE: it is one.
  bool SerializableStatement() const;
  StatementReads* reads_ = nullptr;  // while a statement runs: what the planner saw it read (SERIALIZABLE)
  // After a statement of a SERIALIZABLE block: what the planner saw it read joins the block's reads.
  void NoteSerializableReads(const StatementReads& reads);
  // COMMIT of a SERIALIZABLE block the database holds (promoted): checked, then run there.
  void CommitPromotedSerializable(const Statement& statement, ResultStream* out);
  // BEGIN, COMMIT, ROLLBACK, SAVEPOINT ... of a workspace block (and BEGIN outside any block);
  // false for the others.
  bool RunBlockControl(const Statement& statement, PgQuery__Node* node, ResultStream* out);
  // A statement of a workspace block: true when it ran (or failed); false when the plain path
  // is to run it (a lone SELECT in READ COMMITTED before the block wrote, or any statement
  // after promotion).
  bool RunInWorkspace(const Statement& statement, PgQuery__Node* node, ResultStream* out);
  // SET TRANSACTION / SET SESSION CHARACTERISTICS AS TRANSACTION; false for other statements.
  bool RunSetTransaction(PgQuery__Node* node, ResultStream* out);
  // The block's snapshot (REPEATABLE READ), taken now if it has none (then the session may be
  // left holding the database).
  const std::shared_ptr<const Database::Snapshot>& BlockSnapshot();
  // Before a statement a workspace cannot run: takes the database and opens a locked block there
  // holding the workspace's changes. false (with the error in *out, the block failed) when it
  // may not (read only, a conflict).
  bool Promote(const Statement& statement, ResultStream* out);
  static ResultStream ErrorStream(Status error);
  // Waits, without the database, until the block holding a row this session's statement wants
  // ends (me: this session's block, nullptr outside one).
  Status WaitForRowLock(const std::shared_ptr<RowLocks::Owner>& me, const std::shared_ptr<RowLocks::Owner>& holder,
                        const RowLocks::Key& key);

  // Cursors (DECLARE / FETCH / MOVE / CLOSE): a started read on snapshots taken at DECLARE,
  // pulled a FETCH at a time; `pending` holds the rest of a chunk a FETCH did not take. WITH HOLD
  // cursors are read whole at DECLARE and outlive the block; the others close with it.
  // SCROLL cursors keep the rows they pulled and move either way (engine/scroll_cursor.h).
  struct Cursor {
    ResultStream rows;
    DataChunk pending;
    size_t pending_pos = 0;
    bool hold = false;
    bool binary = false;  // DECLARE ... BINARY CURSOR
    std::unique_ptr<ScrollCursor> scroll;
  };
  // SQL-level PREPARE, EXECUTE and DEALLOCATE over prepared() (one namespace with the extended
  // protocol's named statements, as in PostgreSQL); false for other statements.
  bool RunPreparedStatementCommand(const Statement& statement, PgQuery__Node* node, ResultStream* out);
  // EXECUTE name (args): the prepared text with its $n replaced by the arguments (cast to the
  // declared types), parsed.
  Statement ExecuteText(const Statement& statement, const PgQuery__ExecuteStmt* e);
  // Runs DECLARE, FETCH/MOVE and CLOSE; false when `statement` is none of them.
  bool RunCursorStatement(const Statement& statement, ResultStream* out);
  ResultStream Declare(const Statement& statement, PgQuery__DeclareCursorStmt* d) REQUIRES(db_.mu_);
  ResultStream Fetch(PgQuery__FetchStmt* f);
  ResultStream Discard(const PgQuery__DiscardStmt* d);
  Database::SessionSettings reset_settings_;  // as after startup: what DISCARD ALL goes back to
  bool has_reset_settings_ = false;
  // A forward-only cursor's next rows (how_many INT64_MAX = ALL), into *chunks unless MOVE.
  int64_t FetchForward(Cursor& c, int64_t how_many, std::vector<DataChunk>* chunks);
  // The end of a block (COMMIT, ROLLBACK, the end of an implicit one) closes its cursors; WITH
  // HOLD ones stay. Call holding the database after anything that may have ended a block.
  void CloseCursorsIfBlockEnded();
  // An error of a cursor statement: inside a block it fails the block, as any error there.
  ResultStream CursorError(Status error);
  std::map<std::string, Cursor> cursors_;

  Database& db_;
  bool holds_ = false;
  Database::SessionSettings settings_;
  SettingsUndo settings_undo_;  // what a rollback or the end of a block does to settings_
  Database::CopyReader copy_in_;
  std::map<std::string, Prepared> prepared_;
};

}  // namespace yunhe
