// A session's transaction block (engine/session.h): BEGIN, COMMIT, ROLLBACK, savepoints and
// SET TRANSACTION while the block holds nothing, its REPEATABLE READ snapshot, and its
// promotion to a locked block at its first write.
#include <fmt/format.h>

#include <cctype>

#include "common/status.h"
#include "engine/session.h"

namespace yunhe {

namespace {

using Isolation = Session::Isolation;

const char* IsolationName(Isolation i) {
  switch (i) {
    case Isolation::kReadUncommitted: return "read uncommitted";
    case Isolation::kReadCommitted: return "read committed";
    case Isolation::kRepeatableRead: return "repeatable read";
    case Isolation::kSerializable: return "serializable";
  }
  return "read committed";
}

bool ParseIsolation(std::string text, Isolation* out) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (Isolation i : {Isolation::kReadUncommitted, Isolation::kReadCommitted, Isolation::kRepeatableRead, Isolation::kSerializable}) {
    if (text == IsolationName(i)) {
      *out = i;
      return true;
    }
  }
  return false;
}

Status BadIsolation(const std::string& value, const char* parameter = "transaction_isolation") {
  return Status::Error(SqlState::kInvalidParameterValue, fmt::format("invalid value for parameter \"{}\": \"{}\"", parameter, value))
      .WithHint("Available values: serializable, repeatable read, read committed, read uncommitted.");
}

bool ParseOnOff(std::string text, bool* out) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (text == "on" || text == "true" || text == "1" || text == "yes") *out = true;
  else if (text == "off" || text == "false" || text == "0" || text == "no") *out = false;
  else return false;
  return true;
}

// The modes of BEGIN / START TRANSACTION / SET TRANSACTION (DefElems transaction_isolation,
// transaction_read_only, transaction_deferrable).
struct TransactionModes {
  std::optional<Isolation> isolation;
  std::optional<bool> read_only;
};

TransactionModes ParseModes(PgQuery__Node* const* options, size_t n) {
  TransactionModes modes;
  for (size_t k = 0; k < n; ++k) {
    if (options[k]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem* d = options[k]->def_elem;
    const std::string name = d->defname ? d->defname : "";
    const PgQuery__Node* arg = d->arg;
    if (!arg || arg->node_case != PG_QUERY__NODE__NODE_A_CONST) continue;
    const PgQuery__AConst* c = arg->a_const;
    if (name == "transaction_isolation" && c->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
      Isolation i;
      if (!ParseIsolation(c->sval->sval, &i)) throw Error(BadIsolation(c->sval->sval));
      modes.isolation = i;
    } else if (name == "transaction_read_only" && c->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      modes.read_only = c->ival->ival != 0;
    }
  }
  return modes;
}

// The text of a SET's value (its first constant).
std::string SetValue(const PgQuery__VariableSetStmt* s) {
  if (s->n_args == 0 || s->args[0]->node_case != PG_QUERY__NODE__NODE_A_CONST) return "";
  const PgQuery__AConst* c = s->args[0]->a_const;
  if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL) return c->sval->sval;
  if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL) return std::to_string(c->ival->ival);
  if (c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL) return c->boolval->boolval ? "on" : "off";
  return "";
}

// "INSERT", "CREATE TABLE", ...: how PostgreSQL names a statement in "cannot execute %s in a
// read-only transaction".
std::string CommandName(const Session::Statement& st) {
  const PgQuery__Node* node = st.parsed->statements()[0].node;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT: return "INSERT";
    case PG_QUERY__NODE__NODE_UPDATE_STMT: return "UPDATE";
    case PG_QUERY__NODE__NODE_DELETE_STMT: return "DELETE";
    case PG_QUERY__NODE__NODE_COPY_STMT: return "COPY FROM";
    case PG_QUERY__NODE__NODE_CREATE_STMT: return "CREATE TABLE";
    case PG_QUERY__NODE__NODE_SELECT_STMT: return "SELECT INTO";
    default: break;
  }
  std::string word;
  for (char c : st.text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (word.empty()) continue;
      break;
    }
    word += char(std::toupper(static_cast<unsigned char>(c)));
  }
  return word;
}

// Statements a READ ONLY block may run.
bool ReadOnlyStatement(const PgQuery__Node* node) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT: return false;
    case PG_QUERY__NODE__NODE_COPY_STMT: return !node->copy_stmt->is_from;
    default: return Database::RunsInWorkspace(node);
  }
}

Status AbortedBlock() {
  return Status::Error(SqlState::kInFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block");
}

}  // namespace

Status Session::WaitForRowLock(const std::shared_ptr<RowLocks::Owner>& me, const std::shared_ptr<RowLocks::Owner>& holder,
                               const RowLocks::Key& key) {
  Release();  // the holder needs the database to end
  Status st = db_.row_locks().Wait(me, holder, key);
  Hold();
  return st;
}

void Session::StartBlock(bool implicit, const PgQuery__TransactionStmt* begin) {
  Block b;
  b.implicit = implicit;
  auto& values = settings_.values;
  Isolation level = Isolation::kReadCommitted;
  if (values.count("default_transaction_isolation")) ParseIsolation(values["default_transaction_isolation"], &level);
  bool read_only = false;
  if (values.count("default_transaction_read_only")) ParseOnOff(values["default_transaction_read_only"], &read_only);
  if (begin) {
    TransactionModes modes = ParseModes(begin->options, begin->n_options);
    if (modes.isolation) level = *modes.isolation;
    if (modes.read_only) read_only = *modes.read_only;
  }
  b.isolation = level;
  b.read_only = read_only;
  values["transaction_isolation"] = IsolationName(level);
  values["transaction_read_only"] = read_only ? "on" : "off";
  block_ = std::move(b);
}

void Session::EndBlock() {
  if (block_) db_.row_locks().ReleaseAll(block_->ws.owner);
  if (block_ && block_->ssi) db_.serializable().Ended(*block_->ssi);  // rolled back (a commit was recorded)
  block_.reset();
  auto& values = settings_.values;
  values["transaction_isolation"] = values.count("default_transaction_isolation") ? values["default_transaction_isolation"] : "read committed";
  values["transaction_read_only"] = values.count("default_transaction_read_only") ? values["default_transaction_read_only"] : "off";
}

void Session::FailBlock() {
  if (!block_) return;
  if (!block_->promoted) {
    block_->ws.txn.failed = true;
    return;
  }
  Hold();
  db_.txn().failed = true;
}

bool Session::BlockFailed() {
  if (!block_) return false;
  if (!block_->promoted) return block_->ws.txn.failed;
  Hold();
  return db_.transaction_failed();
}

bool Session::RunBlockControl(const Statement& statement, PgQuery__Node* node, ResultStream* out) {
  if (node->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT) return false;
  const PgQuery__TransactionStmt* t = node->transaction_stmt;
  if (block_ && block_->promoted) {
    if (t->kind != PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT || !block_->ssi || BlockFailed()) return false;  // the database runs the block's control now
    CommitPromotedSerializable(statement, out);
    return true;
  }
  QueryResult& r = out->result_;
  try {
    switch (t->kind) {
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
        if (!block_) {
          StartBlock(false, t);
        } else {
          if (BlockFailed()) throw Error(AbortedBlock());
          r.notices.push_back("WARNING:  there is already a transaction in progress");
        }
        r.tag = t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START ? "START TRANSACTION" : "BEGIN";
        return true;
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
        if (!block_) return false;  // the database warns: no transaction in progress
        if (block_->ws.wrote() && !BlockFailed()) {
          Hold();
          r = db_.CommitWorkspace(block_->ws, block_->ssi.get());
        } else if (block_->ssi && !BlockFailed()) {
          // A SERIALIZABLE block that only read may still not commit (the read-only anomaly).
          Hold();
          r.status = db_.CommitSerializableReads(*block_->ssi);
          r.tag = r.status.ok() ? "COMMIT" : "";
        } else {
          r.tag = BlockFailed() ? "ROLLBACK" : "COMMIT";
        }
        EndBlock();
        CloseCursorsIfBlockEnded();
        return true;
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        if (!block_) return false;
        r.tag = "ROLLBACK";
        EndBlock();  // its private copies go with it: nothing reached the tables
        CloseCursorsIfBlockEnded();
        return true;
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
      case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO: {
        if (!block_) return false;  // the database answers 25P01
        Hold();
        Database::Retry retry;
        r = db_.RunInWorkspace(block_->ws, statement.parsed, &retry);
        return true;
      }
      default:
        if (!block_) return false;
        FailBlock();
        throw Error(SqlState::kFeatureNotSupported, "two-phase commit is not supported");
    }
  } catch (const Error& e) {
    *out = ErrorStream(e.status());
    return true;
  }
}

bool Session::RunSetTransaction(PgQuery__Node* node, ResultStream* out) {
  if (node->node_case != PG_QUERY__NODE__NODE_VARIABLE_SET_STMT) return false;
  const PgQuery__VariableSetStmt* s = node->variable_set_stmt;
  const std::string name = s->name ? s->name : "";
  const bool set = s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE || s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_MULTI;
  QueryResult& r = out->result_;
  try {
    if (name == "SESSION CHARACTERISTICS") {
      TransactionModes modes = ParseModes(s->args, s->n_args);
      if (modes.isolation) settings_.values["default_transaction_isolation"] = IsolationName(*modes.isolation);
      if (modes.read_only) settings_.values["default_transaction_read_only"] = *modes.read_only ? "on" : "off";
      if (!block_) EndBlock();  // outside a block the transaction's modes are the defaults
      r.tag = "SET";
      return true;
    }
    if (name == "default_transaction_isolation" && set) {
      Isolation level;
      if (!ParseIsolation(SetValue(s), &level)) throw Error(BadIsolation(SetValue(s), "default_transaction_isolation"));
      settings_.values[name] = IsolationName(level);
      if (!block_) EndBlock();  // outside a block the transaction's level is the default
      r.tag = "SET";
      return true;
    }
    if (name != "TRANSACTION" && !(name == "transaction_isolation" && set) && !(name == "transaction_read_only" && set))
      return false;
    TransactionModes modes;
    if (name == "TRANSACTION") {
      modes = ParseModes(s->args, s->n_args);
    } else if (name == "transaction_isolation") {
      Isolation level;
      if (!ParseIsolation(SetValue(s), &level)) throw Error(BadIsolation(SetValue(s)));
      modes.isolation = level;
    } else {
      bool on = false;
      if (!ParseOnOff(SetValue(s), &on))
        throw Error(SqlState::kInvalidParameterValue, fmt::format("parameter \"transaction_read_only\" requires a Boolean value"));
      modes.read_only = on;
    }
    r.tag = "SET";
    if (!block_) {
      // PostgreSQL: the setting would last until the end of a transaction that is not there.
      if (name == "TRANSACTION") r.notices.push_back("WARNING:  SET TRANSACTION can only be used in transaction blocks");
      return true;
    }
    if (BlockFailed()) throw Error(AbortedBlock());
    if (modes.isolation && (block_->started || block_->promoted)) {
      FailBlock();
      throw Error(SqlState::kActiveSqlTransaction, "SET TRANSACTION ISOLATION LEVEL must be called before any query");
    }
    if (modes.read_only && !*modes.read_only && block_->read_only && block_->started) {
      FailBlock();
      throw Error(SqlState::kActiveSqlTransaction, "transaction read-write mode must be set before any query");
    }
    if (modes.isolation) {
      block_->isolation = *modes.isolation;
      settings_.values["transaction_isolation"] = IsolationName(*modes.isolation);
    }
    if (modes.read_only) {
      block_->read_only = *modes.read_only;
      settings_.values["transaction_read_only"] = *modes.read_only ? "on" : "off";
    }
    return true;
  } catch (const Error& e) {
    *out = ErrorStream(e.status());
    return true;
  }
}

const std::shared_ptr<const Database::Snapshot>& Session::BlockSnapshot() {
  auto& snapshot = block_->ws.snapshot;
  if (!snapshot) {
    // While another session's locked block holds the database, the committed state is what that
    // block started from: no need to wait for it.
    snapshot = db_.BlockStartSnapshot();
    if (!snapshot) {
      Hold();
      snapshot = db_.TakeSnapshot();
    }
  }
  if (SerializableBlock() && !block_->ssi) block_->ssi = db_.serializable().Begin(snapshot->serializable_seq);
  return snapshot;
}

void Session::NoteSerializableReads(const StatementReads& reads) {
  if (!SerializableBlock() || reads.empty()) return;
  if (!block_->ssi) {
    // Read holding the database (a promoted block's statement before any snapshot): the
    // committed state then is what it read.
    Hold();
    block_->ssi = db_.serializable().Begin(db_.serializable().seq());
  }
  db_.serializable().AddReads(*block_->ssi, reads.Items());
}

void Session::CommitPromotedSerializable(const Statement& statement, ResultStream* out) {
  Hold();
  Status st = db_.serializable().Commit(*block_->ssi, SsiItems::OfUndoLog(db_.txn()), [&]() NO_THREAD_SAFETY_ANALYSIS {
    out->result_ = db_.RunParsed(statement.parsed);  // held above
    return out->result_.status.ok() && out->result_.tag == "COMMIT";
  });
  if (!st.ok()) {
    (void)db_.RunParsed(ParsedSql::Parse("ROLLBACK"));  // 40001 ends the block, as PostgreSQL's failed COMMIT
    *out = ErrorStream(st);
  }
  if (!db_.in_transaction_block()) EndBlock();
  CloseCursorsIfBlockEnded();
}

bool Session::Promote(const Statement& statement, ResultStream* out) {
  if (block_->read_only) {
    FailBlock();
    *out = ErrorStream(Status::Error(SqlState::kReadOnlySqlTransaction,
                                     fmt::format("cannot execute {} in a read-only transaction", CommandName(statement))));
    return false;
  }
  Hold();
  Workspace& ws = block_->ws;
  if (SerializableBlock() && !block_->ssi) block_->ssi = db_.serializable().Begin(db_.serializable().seq());
  if (ws.snapshot && !db_.SnapshotIsCurrent(*ws.snapshot)) {
    // A locked block reads the live tables: after another commit they are no longer what this
    // REPEATABLE READ block has been reading.
    FailBlock();
    *out = ErrorStream(Status::Error(SqlState::kSerializationFailure, "could not serialize access due to concurrent update"));
    return false;
  }
  Status st = db_.PromoteWorkspace(ws);
  if (!st.ok()) {
    FailBlock();
    *out = ErrorStream(st);
    return false;
  }
  block_->promoted = true;
  ws = Workspace();  // the locked block holds its changes now (and its row locks are gone)
  return true;
}

bool Session::RunInWorkspace(const Statement& statement, PgQuery__Node* node, ResultStream* out) {
  Block& b = *block_;
  if (BlockFailed()) {
    *out = ErrorStream(AbortedBlock());
    return true;
  }
  b.started = true;
  const bool lone_select = Database::IsLoneSelect(*statement.parsed);
  if (lone_select) {
    if (!b.ws.wrote() && !SnapshotPerBlock()) return false;  // a plain read on the live tables
    std::unique_ptr<Database::PreparedRead> read;
    if (!b.ws.wrote()) {
      // REPEATABLE READ before any write: on the block's snapshot, without the database.
      const auto snapshot = BlockSnapshot();
      EndOfMessage();  // lets the database go (it is no locked block)
      read = db_.PrepareReadOn(snapshot, statement.parsed, settings_);
    } else {
      Hold();
      Status error;
      read = db_.PrepareReadInWorkspace(b.ws, statement.parsed, nullptr, &error);
      EndOfMessage();  // lets the database go (it is no locked block)
      if (!read) {
        FailBlock();
        *out = ErrorStream(error);
        return true;
      }
    }
    out->read_ = std::move(read);
    out->fails_block_ = this;
    out->read_->Start(&out->result_);
    if (!out->result_.status.ok()) out->Finished();
    return true;
  }
  if (Database::RunsInWorkspace(node)) {
    if (b.read_only && !ReadOnlyStatement(node)) {
      FailBlock();
      *out = ErrorStream(Status::Error(SqlState::kReadOnlySqlTransaction,
                                       fmt::format("cannot execute {} in a read-only transaction", CommandName(statement))));
      return true;
    }
    if (SnapshotPerBlock()) BlockSnapshot();
    Hold();
    for (;;) {
      if (statement.copy_from_stdin) db_.SetCopyInput(std::move(copy_in_));
      copy_in_ = nullptr;
      Database::Retry retry;
      retry.can_wait = !statement.copy_from_stdin;  // its input is read once
      out->result_ = db_.RunInWorkspace(b.ws, statement.parsed, &retry);
      if (statement.copy_from_stdin) db_.SetCopyInput(nullptr);
      Status st;
      if (retry.kind == Database::Retry::kWait) st = WaitForRowLock(b.ws.owner, retry.holder, retry.key);
      else if (retry.kind == Database::Retry::kRefresh) st = db_.RefreshPrivateCopy(b.ws, retry.table);
      else if (retry.kind == Database::Retry::kPromote) break;
      else {
        db_.row_locks().LeaveQueues(b.ws.owner);  // rows it queued for and did not take go to the next
        return true;
      }
      if (!st.ok()) {
        db_.row_locks().LeaveQueues(b.ws.owner);
        FailBlock();
        *out = ErrorStream(st);
        return true;
      }
    }
    *out = ResultStream();
    db_.row_locks().LeaveQueues(b.ws.owner);  // Promote may fail before it lets go of the block's locks
  }
  return !Promote(statement, out);  // promoted: the plain path runs it on the locked block
}

}  // namespace yunhe
