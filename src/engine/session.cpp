#include "engine/session.h"

#include "common/timezone.h"
#include "sql/settings_view.h"

#include <fmt/format.h>
#include <unistd.h>

#include "common/status.h"

namespace yunhe {

ResultStream::~ResultStream() = default;

void ResultStream::Finished() {
  read_.reset();  // unpins the snapshots
  if (fails_block_ && !result_.status.ok()) fails_block_->FailBlock();
  fails_block_ = nullptr;
}

bool ResultStream::Next(DataChunk* out) {
  if (read_) {
    if (read_->Next(out, &result_)) return true;
    Finished();
    return false;
  }
  if (next_chunk_ >= result_.chunks.size()) {
    result_.chunks.clear();
    return false;
  }
  *out = std::move(result_.chunks[next_chunk_++]);
  return true;
}

QueryResult ResultStream::Collect() {
  std::vector<DataChunk> chunks;
  DataChunk chunk;
  while (Next(&chunk)) chunks.push_back(std::move(chunk));
  QueryResult r = std::move(result_);
  if (r.status.ok()) r.chunks = std::move(chunks);
  return r;
}

Session::Session(Database& db) : backend_pid_(int32_t(getpid())), db_(db), settings_(db.DefaultSettings()) {
  // Each session's temporary relations live in a schema of its own (PostgreSQL: pg_temp_<backend>).
  static std::atomic<uint64_t> sessions{0};
  settings_.temp_schema = fmt::format("pg_temp_{}", ++sessions);
}

Session::~Session() {
  if (mailbox_) db_.notifications().UnlistenAll(mailbox_.get());
  if (block_) db_.row_locks().ReleaseAll(block_->ws.owner);
  if (!holds_ && !settings_.made_temp_relations) return;
  Hold();
  if (db_.in_transaction_block()) db_.RunParsed(ParsedSql::Parse("ROLLBACK"));
  if (settings_.made_temp_relations) db_.DropTemporaryRelations(settings_.temp_schema);
  Release();
}

ResultStream Session::ErrorStream(Status error) {
  ResultStream stream;
  stream.result_.status = std::move(error);
  return stream;
}

void Session::Hold() NO_THREAD_SAFETY_ANALYSIS {
  if (holds_) return;
  db_.mu_.lock();
  holds_ = true;
  db_.UseSessionSettings(&settings_);
  SetPlanningSettings(&settings_.values);  // current_setting() / set_config() (sql/settings_view.h)
}

void Session::Release() NO_THREAD_SAFETY_ANALYSIS {
  if (PlanningSettings() == &settings_.values) SetPlanningSettings(nullptr);
  if (!holds_) return;
  db_.UseSessionSettings(nullptr);
  holds_ = false;
  db_.mu_.unlock();
}

void Session::EndOfMessage() {
  if (!holds_) return;
  Hold();
  if (!db_.in_transaction_block()) Release();
}

char Session::TransactionStatus() { return !block_ ? 'I' : BlockFailed() ? 'E' : 'T'; }

bool Session::IsCopyFromStdin(const ParsedSql& parsed) {
  if (parsed.statements().size() != 1) return false;
  const PgQuery__Node* n = parsed.statements()[0].node;
  return n->node_case == PG_QUERY__NODE__NODE_COPY_STMT && n->copy_stmt->is_from && !(n->copy_stmt->filename && n->copy_stmt->filename[0]);
}

Session::Script Session::Parse(const std::string& sql) {
  Script script;
  script.text = sql;
  for (auto [begin, len] : SplitStatements(sql)) {
    Statement st;
    st.begin = begin;
    st.len = len;
    st.text = sql.substr(size_t(begin), size_t(len));
    try {
      st.parsed = ParsedSql::Parse(st.text);
    } catch (const Error& e) {
      script.error = PositionInScript(e.status(), sql, begin);
      script.statements.clear();
      FailBlock();
      return script;
    }
    st.copy_from_stdin = IsCopyFromStdin(*st.parsed);
    script.statements.push_back(std::move(st));
  }
  return script;
}

void Session::SetLoginUser(const std::string& role) {
  settings_.login_user = role;
  reset_settings_.login_user = role;
}

Status Session::ApplyStartupParameters(const std::vector<std::pair<std::string, std::string>>& params) {
  // Set directly, without the database (a connection must not wait for a block that holds it).
  for (const auto& [key, value] : params) {
    std::string name;
    for (char c : key) name += char(tolower((unsigned char)c));
    if (name == "role" || name == "session_authorization" || name == "memory_limit" || name == "temp_directory")
      return Status::Error(SqlState::kInsufficientPrivilege, fmt::format("permission denied to set parameter \"{}\" at connection start", name));
    if (name == "timezone") {
      auto zone = TimeZone::Find(value);
      if (!zone) return Status::Error(SqlState::kInvalidParameterValue, fmt::format("invalid value for parameter \"TimeZone\": \"{}\"", value));
      settings_.zone = zone;
      settings_.values[name] = zone->name();
      continue;
    }
    settings_.values[name] = value;
  }
  reset_settings_ = settings_;
  has_reset_settings_ = true;
  return Status::Ok();
}

ResultStream Session::Discard(const PgQuery__DiscardStmt* d) {
  // DISCARD ALL (what connection pools send when a connection goes back): the session as new —
  // settings reset, prepared statements and cursors gone, currval/lastval forgotten. SEQUENCES
  // forgets currval/lastval only; TEMP drops the session's temporary relations (ALL too);
  // PLANS has nothing to drop (no plan cache).
  ResultStream out;
  const bool all = d->target == PG_QUERY__DISCARD_MODE__DISCARD_ALL;
  const bool temp = all || d->target == PG_QUERY__DISCARD_MODE__DISCARD_TEMP;
  if (temp && block_) {
    out = ErrorStream(Status::Error(SqlState::kActiveSqlTransaction,
                                    all ? "DISCARD ALL cannot run inside a transaction block"
                                        : "DISCARD TEMP inside a transaction block is not supported"));
    FailBlock();
    return out;
  }
  if (temp && settings_.made_temp_relations) {
    Hold();
    db_.DropTemporaryRelations(settings_.temp_schema);
    settings_.made_temp_relations = false;
    EndOfMessage();
  }
  if (all) {
    const std::string temp_schema = settings_.temp_schema;  // the session's own, whatever it resets
    const std::string login_user = settings_.login_user;
    settings_ = has_reset_settings_ ? reset_settings_ : db_.DefaultSettings();
    settings_.temp_schema = temp_schema;
    settings_.login_user = login_user;
    settings_.made_temp_relations = false;
    prepared_.clear();
    cursors_.clear();
    if (mailbox_) db_.notifications().UnlistenAll(mailbox_.get());  // UNLISTEN *, as PostgreSQL
  }
  if (d->target == PG_QUERY__DISCARD_MODE__DISCARD_SEQUENCES) settings_.sequences = {};
  static const char* const kTags[] = {"DISCARD", "DISCARD ALL", "DISCARD PLANS", "DISCARD SEQUENCES", "DISCARD TEMP"};
  out.result_.tag = kTags[std::min<size_t>(size_t(d->target), 4)];
  return out;
}

ResultStream Session::Run(const Statement& statement) {
  // pg_notify() in the statement collects into this session (run on this thread, or its workers).
  NotificationSink* previous = CurrentStatement().notifications.exchange(this);
  const PgQuery__Node* node = statement.parsed->statements().size() == 1 ? statement.parsed->statements()[0].node : nullptr;
  settings_undo_.Before(settings_, block_.has_value(), node);
  StatementReads reads;  // SERIALIZABLE: what the planner sees the statement read
  const bool serializable = SerializableBlock() || SerializableStatement();
  ReadRecorder* outer_reads = std::exchange(CurrentStatement().reads, serializable ? &reads : nullptr);
  reads_ = serializable ? &reads : nullptr;
  ResultStream stream = RunStatement(statement);
  reads_ = nullptr;
  CurrentStatement().reads = outer_reads;
  NoteSerializableReads(reads);
  CurrentStatement().notifications = previous;
  const bool ok = stream.result().status.ok();
  settings_undo_.After(settings_, block_.has_value(), node, ok, ok && stream.result().tag != "ROLLBACK", &stream.result_.notices);
  if (!block_) {
    const std::string warning = SettleNotifications(stream.result().status.ok() && stream.result().tag != "ROLLBACK");
    if (!warning.empty()) stream.result_.notices.push_back(warning);
    if (!settings_.on_commit.empty() && !stream.read_) ApplyOnCommitActions(stream.result_);
  }
  return stream;
}

void Session::ApplyOnCommitActions(QueryResult& result) NO_THREAD_SAFETY_ANALYSIS {
  // After a commit (an autocommitted statement or COMMIT) the tables are dropped or emptied, as
  // PostgreSQL does at commit; after a rollback the ones made in it are gone already. They are
  // temporary: nothing of this reaches the WAL.
  Hold();
  std::vector<std::string> statements;
  for (auto it = settings_.on_commit.begin(); it != settings_.on_commit.end();) {
    if (!db_.catalog().FindTable(it->first)) {
      it = settings_.on_commit.erase(it);
      continue;
    }
    statements.push_back((it->second == 'd' ? "DROP TABLE " : "TRUNCATE ") + db_.catalog().Quote(it->first));
    it = it->second == 'd' ? settings_.on_commit.erase(it) : std::next(it);
  }
  for (const std::string& sql : statements) {
    const QueryResult r = db_.RunParsed(ParsedSql::Parse(sql));
    if (!r.status.ok()) result.notices.push_back("WARNING:  ON COMMIT action failed: " + r.status.message());
  }
  EndOfMessage();
}

ResultStream Session::RunStatement(const Statement& statement) {
  ResultStream stream;
  if (RunCursorStatement(statement, &stream)) return stream;
  PgQuery__Node* node = statement.parsed->statements().size() == 1 ? statement.parsed->statements()[0].node : nullptr;
  if (node && RunPreparedStatementCommand(statement, node, &stream)) return stream;
  if (node && node->node_case == PG_QUERY__NODE__NODE_DISCARD_STMT) return Discard(node->discard_stmt);
  if (node && RunNotifyStatement(node, &stream)) return stream;
  if (node && (RunBlockControl(statement, node, &stream) || RunSetTransaction(node, &stream))) return stream;
  if (node && block_ && !block_->promoted && RunInWorkspace(statement, node, &stream)) return stream;
  // Outside a block, in a locked block, or a READ COMMITTED block's read before it wrote.
  const bool lone_select = Database::IsLoneSelect(*statement.parsed);
  const bool unpromoted = block_ && !block_->promoted;
  // An autocommitted SERIALIZABLE statement is a transaction of the serializable check: it
  // takes the database to be numbered among the commits (no read beside a locked block).
  const bool serializable = !block_ && SerializableStatement() && reads_;
  if (lone_select && !holds_ && !serializable) {
    // Another session's block may hold the database: read what it started from, without waiting.
    if (auto beside = db_.PrepareReadBesideBlock(statement.parsed, settings_)) {
      stream.read_ = std::move(beside);
      if (unpromoted) stream.fails_block_ = this;
      stream.read_->Start(&stream.result_);
      if (!stream.result_.status.ok()) stream.Finished();
      return stream;
    }
  }
  Hold();
  if (statement.copy_from_stdin) db_.SetCopyInput(std::move(copy_in_));
  copy_in_ = nullptr;
  std::shared_ptr<SerializableTransactions::Txn> ssi;
  if (serializable) {
    ssi = db_.serializable().Begin(db_.serializable().seq());
    db_.SetStatementSerializable(ssi.get(), reads_);
  }
  if (lone_select) {
    if (auto read = db_.PrepareRead(statement.parsed)) {
      if (ssi) {
        // Planned: what it reads is known. It commits as a read-only transaction before its rows go out.
        db_.SetStatementSerializable(nullptr, nullptr);
        db_.serializable().AddReads(*ssi, reads_->Items());
        Status st = db_.CommitSerializableReads(*ssi);
        db_.serializable().Ended(*ssi);
        if (!st.ok()) return ErrorStream(st);
      }
      // Planned, snapshots pinned: the rows are produced after the database is let go (inside
      // this session's block it keeps the database, as the block does anyway).
      if (!db_.in_transaction_block()) Release();
      stream.read_ = std::move(read);
      if (unpromoted) stream.fails_block_ = this;
      stream.read_->Start(&stream.result_);
      if (!stream.result_.status.ok()) stream.Finished();
      return stream;
    }
  }
  for (;;) {
    Database::Retry retry;
    retry.can_wait = !statement.copy_from_stdin && !db_.in_transaction_block();
    stream.result_ = db_.RunParsedOrWait(statement.parsed, &retry);
    if (retry.kind != Database::Retry::kWait) break;
    // A row it deletes or updates is locked by an open block: wait for it, then run again.
    Status st = WaitForRowLock(nullptr, retry.holder, retry.key);
    if (!st.ok()) {
      stream.result_ = QueryResult();
      stream.result_.status = st;
      break;
    }
  }
  // A COPY that failed before reading leaves its reader behind: it must not reach another one.
  if (statement.copy_from_stdin) db_.SetCopyInput(nullptr);
  if (ssi) {
    db_.SetStatementSerializable(nullptr, nullptr);
    db_.serializable().Ended(*ssi);  // failed (a commit was recorded already)
  }
  if (!stream.result_.status.ok() && unpromoted) FailBlock();
  if (block_ && block_->promoted && !db_.in_transaction_block()) EndBlock();  // COMMIT or ROLLBACK ended it
  CloseCursorsIfBlockEnded();
  return stream;
}

bool Session::SerializableStatement() const {
  auto it = settings_.values.find("transaction_isolation");
  return !block_ && it != settings_.values.end() && it->second == "serializable";
}

void Session::CloseCursorsIfBlockEnded() {
  if (cursors_.empty() || block_) return;
  for (auto it = cursors_.begin(); it != cursors_.end();) it = it->second.hold ? std::next(it) : cursors_.erase(it);
}

namespace {

constexpr int32_t kCursorBinary = 0x1, kCursorScroll = 0x2, kCursorHold = 0x20;  // PostgreSQL's CURSOR_OPT_* bits

// Rows [from, to) of a chunk as a chunk of their own.
ScrollCursor::Direction ScrollDirection(PgQuery__FetchDirection d) {
  switch (d) {
    case PG_QUERY__FETCH_DIRECTION__FETCH_BACKWARD: return ScrollCursor::Direction::kBackward;
    case PG_QUERY__FETCH_DIRECTION__FETCH_ABSOLUTE: return ScrollCursor::Direction::kAbsolute;
    case PG_QUERY__FETCH_DIRECTION__FETCH_RELATIVE: return ScrollCursor::Direction::kRelative;
    default: return ScrollCursor::Direction::kForward;
  }
}

DataChunk Slice(const DataChunk& c, size_t from, size_t to) {
  DataChunk out;
  out.columns.reserve(c.columns.size());
  for (const Vector& v : c.columns) {
    Vector part(v.type());
    part.AppendRange(v, from, to - from);
    out.columns.push_back(std::move(part));
  }
  out.count = to - from;
  return out;
}

}  // namespace

ResultStream Session::CursorError(Status error) {
  FailBlock();
  return ErrorStream(std::move(error));
}

bool Session::RunCursorStatement(const Statement& statement, ResultStream* out) {
  if (statement.parsed->statements().size() != 1) return false;
  PgQuery__Node* node = statement.parsed->statements()[0].node;
  const auto kind = node->node_case;
  if (kind != PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT && kind != PG_QUERY__NODE__NODE_FETCH_STMT &&
      kind != PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT)
    return false;
  Hold();
  if (BlockFailed()) {
    *out = ErrorStream(Status::Error(SqlState::kInFailedTransaction,
                                     "current transaction is aborted, commands ignored until end of transaction block"));
    return true;
  }
  if (kind == PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT) {
    *out = Declare(statement, node->declare_cursor_stmt);
  } else if (kind == PG_QUERY__NODE__NODE_FETCH_STMT) {
    *out = Fetch(node->fetch_stmt);
  } else {
    const char* name = node->close_portal_stmt->portalname;
    if (!name || !name[0]) {
      cursors_.clear();  // CLOSE ALL
    } else if (!cursors_.erase(name)) {
      *out = CursorError(Status::Error(SqlState::kInvalidCursorName, fmt::format("cursor \"{}\" does not exist", name)));
      return true;
    }
    out->result_.tag = "CLOSE CURSOR";
  }
  return true;
}

ResultStream Session::Declare(const Statement& statement, PgQuery__DeclareCursorStmt* d) {
  const std::string name = d->portalname ? d->portalname : "";
  const bool hold = d->options & kCursorHold;
  if (!hold && !block_)
    return CursorError(Status::Error(SqlState::kNoActiveTransaction, "DECLARE CURSOR can only be used in transaction blocks"));
  if (cursors_.count(name))
    return CursorError(Status::Error(SqlState::kDuplicateCursor, fmt::format("cursor \"{}\" already exists", name)));
  if (!d->query || d->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    return CursorError(Status::Error(SqlState::kSyntaxError, "DECLARE CURSOR takes a SELECT"));
  Status error;
  std::unique_ptr<Database::PreparedRead> read;
  if (block_ && !block_->promoted) {
    // The block's view: its own changes, and its snapshot in REPEATABLE READ.
    if (SnapshotPerBlock()) BlockSnapshot();
    Hold();
    read = db_.PrepareReadInWorkspace(block_->ws, statement.parsed, d->query, &error);
  } else {
    read = db_.PrepareSelect(statement.parsed, d->query, &error);
  }
  if (!read) return CursorError(error);
  if (block_) block_->started = true;
  Cursor cursor;
  cursor.hold = hold;
  cursor.binary = d->options & kCursorBinary;
  cursor.rows.read_ = std::move(read);
  cursor.rows.read_->Start(&cursor.rows.result_);
  if (!cursor.rows.result_.status.ok()) return CursorError(cursor.rows.result_.status);
  if (hold) {
    // Outlives the transaction: read whole now, from the state it was declared on.
    QueryResult all = cursor.rows.Collect();
    if (!all.status.ok()) return CursorError(all.status);
    cursor.rows = ResultStream();
    cursor.rows.result_ = std::move(all);
  }
  Cursor& kept = cursors_[name] = std::move(cursor);
  if (d->options & kCursorScroll) {
    ResultStream* rows = &kept.rows;  // map nodes do not move
    kept.scroll = std::make_unique<ScrollCursor>([rows](DataChunk* out) { return rows->Next(out); });
  }
  ResultStream done;
  done.result_.tag = "DECLARE CURSOR";
  return done;
}

ResultStream Session::Fetch(PgQuery__FetchStmt* f) {
  const std::string name = f->portalname ? f->portalname : "";
  auto it = cursors_.find(name);
  if (it == cursors_.end())
    return CursorError(Status::Error(SqlState::kInvalidCursorName, fmt::format("cursor \"{}\" does not exist", name)));
  Cursor& c = it->second;
  if (!c.scroll && (f->direction != PG_QUERY__FETCH_DIRECTION__FETCH_FORWARD || f->how_many < 0)) {
    return CursorError(Status::Error(SqlState::kObjectNotInPrerequisiteState, "cursor can only scan forward")
                           .WithHint("Declare it with SCROLL option to enable backward scan."));
  }
  ResultStream out;
  QueryResult& r = out.result_;
  r.returns_rows = !f->ismove;
  r.binary_rows = c.binary;
  r.names = c.rows.result().names;
  r.types = c.rows.result().types;
  std::vector<DataChunk>* chunks = f->ismove ? nullptr : &r.chunks;
  const int64_t n = c.scroll ? c.scroll->Fetch(ScrollDirection(f->direction), f->how_many, chunks) : FetchForward(c, f->how_many, chunks);
  if (!c.rows.result().status.ok()) {
    Status error = c.rows.result().status;
    cursors_.erase(it);
    return CursorError(error);
  }
  r.tag = fmt::format("{} {}", f->ismove ? "MOVE" : "FETCH", n);
  return out;
}

int64_t Session::FetchForward(Cursor& c, int64_t how_many, std::vector<DataChunk>* chunks) {
  const size_t want = how_many == INT64_MAX ? SIZE_MAX : size_t(how_many);  // FETCH ALL
  size_t got = 0;
  while (got < want) {
    if (c.pending_pos >= c.pending.count) {
      c.pending = DataChunk();
      c.pending_pos = 0;
      if (!c.rows.Next(&c.pending)) break;
    }
    const size_t take = std::min(want - got, c.pending.count - c.pending_pos);
    if (chunks) {
      chunks->push_back(c.pending_pos == 0 && take == c.pending.count ? std::move(c.pending)
                                                                       : Slice(c.pending, c.pending_pos, c.pending_pos + take));
    }
    c.pending_pos += take;  // a chunk moved out whole counts as taken: the loop top drops it
    got += take;
  }
  return int64_t(got);
}

bool Session::BeginImplicitBlock(const Script& script) {
  if (script.statements.size() < 2 || block_) return false;
  for (const Statement& st : script.statements)
    for (const ParsedStatement& p : st.parsed->statements())
      if (p.node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) return false;
  StartBlock(true, nullptr);
  return true;
}

Status Session::EndImplicitBlock() {
  if (!block_ || !block_->implicit) return Status::Ok();
  Status status;
  const bool failed = BlockFailed();
  if (block_->promoted) {
    Hold();
    status = db_.RunParsed(ParsedSql::Parse("COMMIT")).status;  // a failed block rolls back
  } else if (block_->ws.wrote() && !BlockFailed()) {
    Hold();
    status = db_.CommitWorkspace(block_->ws).status;
  }
  const bool committed = status.ok() && !failed;
  EndBlock();
  settings_undo_.BlockEnded(settings_, committed);
  (void)SettleNotifications(committed);  // a multi-statement message: no result left to warn in
  CloseCursorsIfBlockEnded();
  return status;
}

std::vector<QueryResult> Session::Execute(const std::string& sql) {
  std::vector<QueryResult> results;
  Script script = Parse(sql);
  if (!script.error.ok()) {
    QueryResult r;
    r.statement_text = sql;
    r.status = script.error;
    results.push_back(std::move(r));
    return results;
  }
  for (const Statement& st : script.statements) {
    results.push_back(Run(st).Collect());
    if (!results.back().status.ok()) {
      results.back().status = PositionInScript(results.back().status, sql, st.begin);
      break;
    }
  }
  EndOfMessage();
  return results;
}

Status Session::Describe(const std::shared_ptr<ParsedSql>& parsed, std::vector<std::string>* names,
                         std::vector<LogicalType>* types, bool* returns_rows) {
  // FETCH returns the columns of its cursor (the session's own state: no database needed).
  if (parsed->statements().size() == 1 && parsed->statements()[0].node->node_case == PG_QUERY__NODE__NODE_FETCH_STMT) {
    const PgQuery__FetchStmt* f = parsed->statements()[0].node->fetch_stmt;
    auto it = cursors_.find(f->portalname ? f->portalname : "");
    if (it == cursors_.end())
      return Status::Error(SqlState::kInvalidCursorName, fmt::format("cursor \"{}\" does not exist", f->portalname));
    *names = it->second.rows.result().names;
    *types = it->second.rows.result().types;
    *returns_rows = !f->ismove;
    return Status::Ok();
  }
  // EXECUTE describes the statement it runs.
  if (parsed->statements().size() == 1 && parsed->statements()[0].node->node_case == PG_QUERY__NODE__NODE_EXECUTE_STMT) {
    Statement st;
    st.text = parsed->text();
    st.parsed = parsed;
    try {
      Statement inner = ExecuteText(st, parsed->statements()[0].node->execute_stmt);
      return Describe(inner.parsed, names, types, returns_rows);
    } catch (const Error& e) {
      return e.status();
    }
  }
  // Without the database (another session's block holds it) a lone SELECT is described on the
  // state the block started from; anything else waits for the database.
  Status st;
  if (!holds_ && db_.DescribeBesideBlock(parsed, settings_, names, types, returns_rows, &st)) return st;
  Hold();
  return db_.DescribeStatement(parsed, names, types, returns_rows);
}

}  // namespace yunhe
