// A Session is one client of a Database (DuckDB's ClientContext): a PostgreSQL connection, an
// HTTP request, a line-protocol connection, the shell. It owns its settings (SET values, time
// zone), its prepared statements and its share of the transaction state: while it has a
// transaction block open it holds the database's lock, across statements and round trips.
//
// A text is parsed once (Parse: every statement before any runs, so a syntax error anywhere runs
// none, as PostgreSQL's simple query); Run then decides once per statement how it runs:
//   - a lone SELECT outside a transaction block: planned holding the database, then run on
//     snapshots of the tables after letting it go (readers never block writers);
//   - a lone SELECT while another session's block holds the database: planned and run on the
//     committed state that block started from, without waiting;
//   - a lone SELECT inside this session's block: on snapshots of the live tables (its own
//     changes included), the database kept as the block keeps it anyway;
//   - anything else: holding the database (kept while this session's block is open).
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
#include <vector>

#include "common/thread_safety.h"
#include "engine/database.h"

namespace yunhe {

// One statement's result, pulled chunk by chunk.
class ResultStream {
 public:
  ResultStream() = default;
  ResultStream(ResultStream&&) = default;
  ResultStream& operator=(ResultStream&&) = default;
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
};

class Session {
 public:
  explicit Session(Database& db);
  // Rolls back an open transaction block and lets the database go.
  ~Session();
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
  // True while this session holds the database (its block is open, or mid-message).
  bool holds_database() const { return holds_; }
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

  // Prepared statements (the extended query protocol's Parse; later PREPARE).
  struct Prepared {
    std::string sql;
    std::vector<int32_t> oids;  // as given by Parse, 0 = unspecified
    int nparams = 0;
    std::shared_ptr<ParsedSql> parsed;  // the tree, when it needs no parameters
  };
  std::map<std::string, Prepared>& prepared() { return prepared_; }
  size_t open_cursors() const { return cursors_.size(); }

 private:
  // Takes the database (if this session does not hold it) and swaps this session's settings in.
  // Tells the analysis the lock is held from here on: the hand-off across calls (a block keeps
  // it between messages) is beyond what it can follow, so holds_ tracks it at run time.
  void Hold() ASSERT_CAPABILITY(db_.mu_);
  // Swaps the settings back out and lets the database go.
  void Release();

  // Cursors (DECLARE / FETCH / MOVE / CLOSE): a started read on snapshots taken at DECLARE,
  // pulled a FETCH at a time; `pending` holds the rest of a chunk a FETCH did not take. WITH HOLD
  // cursors are read whole at DECLARE and outlive the block; the others close with it.
  struct Cursor {
    ResultStream rows;
    DataChunk pending;
    size_t pending_pos = 0;
    bool hold = false;
  };
  // Runs DECLARE, FETCH/MOVE and CLOSE; false when `statement` is none of them.
  bool RunCursorStatement(const Statement& statement, ResultStream* out);
  ResultStream Declare(const Statement& statement, PgQuery__DeclareCursorStmt* d) REQUIRES(db_.mu_);
  ResultStream Fetch(PgQuery__FetchStmt* f);
  // The end of a block (COMMIT, ROLLBACK, the end of an implicit one) closes its cursors; WITH
  // HOLD ones stay. Call holding the database after anything that may have ended a block.
  void CloseCursorsIfBlockEnded() REQUIRES(db_.mu_);
  // An error of a cursor statement: inside a block it fails the block, as any error there.
  ResultStream CursorError(Status error);
  std::map<std::string, Cursor> cursors_;

  Database& db_;
  bool holds_ = false;
  Database::SessionSettings settings_;
  Database::CopyReader copy_in_;
  std::map<std::string, Prepared> prepared_;
};

}  // namespace yunhe
