#include "engine/database.h"
#include "engine/check_constraints.h"
#include "engine/foreign_keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/cancel.h"
#include "common/memory_limit.h"
#include "common/statement_context.h"
#include "common/notices.h"
#include "common/timezone.h"
#include "engine/durability.h"
#include "storage/primary_key.h"
#include "engine/comments.h"
#include "engine/retention.h"
#include "engine/schemas.h"
#include "engine/sequences.h"
#include "engine/session.h"
#include "engine/statements.h"
#include "engine/default_privileges.h"
#include "engine/grants.h"
#include "engine/owned_objects.h"
#include "engine/policies.h"
#include "sql/privileges.h"
#include "sql/relation_names.h"
#include "sql/settings_view.h"
#include "sql/statement_name.h"
#include "functions/function.h"
#include "functions/statement_clock.h"
#include "storage/buffer_pool.h"

namespace yunhe {

std::unique_ptr<Database> Database::Open(const std::string& dir_or_memory, Status* status) {
  // ":memory:" (SQLite's and DuckDB's spelling) is an in-memory database, not a directory name.
  const std::string dir = dir_or_memory == ":memory:" ? std::string() : dir_or_memory;
  std::unique_ptr<Database> db(new Database());
  MutexLock lock(db->mu_);  // nobody else can reach it yet; recovery runs statements, which need it
  db->dir_ = dir;
  db->catalog_ = std::make_shared<Catalog>();
  db->sequences_ = std::make_unique<DatabaseSequences>(*db);
  db->own_settings_.values = {{"timezone", "UTC"}, {"datestyle", "ISO, MDY"}, {"client_encoding", "UTF8"},
                   {"server_version", "15.0 (yunhe 0.1)"}, {"server_version_num", "150000"}, {"search_path", kDefaultSearchPath},
                   {"server_encoding", "UTF8"}, {"max_identifier_length", "63"},
                   {"standard_conforming_strings", "on"}, {"integer_datetimes", "on"},
                   {"extra_float_digits", "1"}, {"application_name", ""}, {"statement_timeout", "0"},
                   {"default_transaction_isolation", "read committed"}, {"transaction_isolation", "read committed"},
                   {"default_transaction_read_only", "off"}, {"transaction_read_only", "off"}};
  db->default_settings_.values = db->own_settings_.values;
  FunctionRegistry::Get();
  if (!dir.empty()) {
    try {
      db->durability_ = Durability::Open(dir, db.get());
    } catch (const Error& e) {
      *status = e.status();
      return nullptr;
    }
  }
  db->retention_due_ = true;  // expired partitions go at open too
  db->RunRetentionIfDue();
  *status = Status::Ok();
  return db;
}

Database::~Database() {
  default_session_.reset();  // rolls back a block it left open
  if (durability_) durability_->StopCheckpointer();  // it takes the lock: not while we hold it
  MutexLock lock(mu_);
  if (durability_ && checkpoint_on_close_ && !txn_.explicit_block && durability_->wal_bytes() > 0) {
    // A clean close folds the WAL into segment files so the next open is fast.
    (void)CheckpointLocked();
  }
}

Database::CopyReader Database::CopyText(std::string text) {
  auto left = std::make_shared<std::string>(std::move(text));
  return [left](std::string* piece) {
    if (left->empty()) return false;
    *piece = std::move(*left);
    left->clear();
    return true;
  };
}

Session& Database::DefaultSession() {
  if (!default_session_) default_session_ = std::make_unique<Session>(*this);
  return *default_session_;
}

std::vector<QueryResult> Database::Execute(const std::string& sql) { return DefaultSession().Execute(sql); }

QueryResult Database::ExecuteStatement(const std::string& sql) {
  std::vector<QueryResult> results = DefaultSession().Execute(sql);
  if (results.empty()) {
    QueryResult r;
    r.statement_text = sql;
    return r;
  }
  return std::move(results.back());
}

Status Database::Checkpoint() {
  return DefaultSession().Locked([](Database& db) {
    db.AssertHeld();
    return db.CheckpointLocked();
  });
}

std::string Database::GetSetting(const std::string& name) const {
  auto it = settings().find(name);
  return it == settings().end() ? "" : it->second;
}

Status Database::CheckpointLocked() {
  if (!durability_) return Status::Ok();
  if (txn_.explicit_block)
    return Status::Error(SqlState::kInvalidTransactionState, "CHECKPOINT cannot run inside a transaction block");
  try {
    durability_->Checkpoint(*catalog_);
  } catch (const Error& e) {
    return e.status();
  }
  return Status::Ok();
}


void Database::RecordAppend(const std::shared_ptr<Table>& table, const DataChunk& rows, bool merge_points, char row_security) {
  if (rows.count == 0) return;
  CheckWorkspaceWrite(table.get());
  if (!replaying_ && row_security && table->schema.row_security) EnforceRowSecurityCheck(*catalog_, table->schema, rows, row_security);
  if (!replaying_ && !table->schema.checks.empty()) EnforceCheckConstraints(*catalog_, table->schema, rows);
  if (!replaying_ && !table->schema.foreign_keys.empty()) CheckChildRows(*catalog_, table->schema, rows);
  if (!replaying_ && table->schema.UpsertsOnKey()) {
    std::vector<uint64_t> replaced;
    std::vector<uint32_t> keep;
    std::optional<DataChunk> merged;
    if (merge_points) merged = rows;
    if (ResolveUpserts(*table, rows, &replaced, &keep, merged ? &*merged : nullptr)) {
      if (!replaced.empty()) RecordDelete(table, replaced, /*by_update=*/true);
      DataChunk last_copies = merged ? std::move(*merged) : rows;
      if (!keep.empty()) last_copies.Select(keep);
      AppendChecked(table, last_copies);
      return;
    }
    AppendChecked(table, rows);
    return;
  }
  if (!replaying_) CheckPrimaryKeys(*table, rows);
  AppendChecked(table, rows);
}

void Database::AppendChecked(const std::shared_ptr<Table>& table, const DataChunk& rows) {
  if (table->schema.retention_ns > 0) retention_due_ = true;
  UndoEntry undo{UndoEntry::kAppend, table, {}, 0, nullptr};
  table->data.Append(rows, &undo.append);
  NotePrimaryKeys(*table, undo.append);
  txn_.undo.push_back(std::move(undo));
  if (replaying_ || !durability_) return;
  if (IsTempRelationKey(table->schema.name)) return;  // temporary tables never reach the disk
  const uint64_t appended_bytes = rows.count * Durability::ResidentRowBytes(*table);
  txn_.resident_appended_bytes += appended_bytes;
  MaybeSealStatement();  // in a workspace: its private copies' rows
  if (workspace_) return;  // a workspace's records are written at its COMMIT
  WalRecord r;
  r.type = WalRecordType::kInsert;
  r.table = table->schema.name;
  r.rows = rows;
  txn_.wal_cells += rows.count * std::max<size_t>(1, rows.columns.size());
  txn_.wal_bytes += appended_bytes;
  txn_.wal.push_back(std::move(r));
  MaybeSpillWal();
}

void Database::MaybeSealStatement() {
  // Every eighth of the limit a transaction appends, the buffer pool gives way to the grown
  // tail; the tail may hold half the limit (a background checkpoint is due at a quarter, between
  // statements), past that a statement seals its own rows (parts of a useful size, not a group
  // per append).
  const uint64_t limit = MemoryLimitBytes();
  if (txn_.seal_failed || txn_.resident_appended_bytes < limit / 8) return;
  txn_.resident_appended_bytes = 0;
  if (Durability::ReserveFromPool(*catalog_) <= limit / 2) return;
  // A partial rollback (a failed statement, ROLLBACK TO) stops at the statement's start or at a
  // savepoint; the newest of those marks matters here.
  size_t point = txn_.statement_undo_mark;
  for (const Transaction::Savepoint& sp : txn_.savepoints) point = std::max(point, sp.undo_mark);
  // Per table the transaction appended to: the first group its appends made, the first made
  // after `point`, and the older groups appends topped up. Rolling back an append that topped
  // up a group truncates the group, which must then be resident, unless the same rollback
  // removes the group whole (it was made after `point`: TableData::UndoAppend skips it).
  struct Appended {
    std::shared_ptr<Table> table;
    size_t first = SIZE_MAX, first_since_point = SIZE_MAX;
    std::vector<size_t> touched;
  };
  std::map<const Table*, Appended> by_table;
  for (size_t k = 0; k < txn_.undo.size(); ++k) {
    const UndoEntry& u = txn_.undo[k];
    if (u.kind != UndoEntry::kAppend) continue;
    Appended& a = by_table[u.table.get()];
    a.table = u.table;
    a.first = std::min(a.first, u.append.groups_before);
    if (k >= point) a.first_since_point = std::min(a.first_since_point, u.append.groups_before);
    for (auto [g, before] : u.append.touched) a.touched.push_back(g);
  }
  for (auto& [key, a] : by_table) {
    if (catalog_->FindTable(a.table->schema.name) != a.table) continue;  // replaced by DDL since: not on disk as is
    std::vector<size_t> skip;
    for (size_t g : a.touched)
      if (g < a.first_since_point) skip.push_back(g);
    std::sort(skip.begin(), skip.end());
    if (!durability_->SealStatementGroups(*catalog_, *a.table, a.first, skip)) {
      txn_.seal_failed = true;
      break;
    }
  }
  Durability::ReserveFromPool(*catalog_);
}

void Database::MaybeSpillWal() {
  if (txn_.wal_cells < kWalSpillCells && txn_.wal_bytes < kWalSpillBytes) return;
  ++txn_.wal_spills;
  durability_->Spill(txn_.wal);
  txn_.wal.clear();
  txn_.wal_cells = 0;
  txn_.wal_bytes = 0;
  txn_.wal_spilled = true;
}

void Database::RecordDelete(const std::shared_ptr<Table>& table, const std::vector<uint64_t>& row_ids, bool by_update) {
  CheckWorkspaceWrite(table.get());
  if (!replaying_) NoteRemovedParentRows(*catalog_, *table, row_ids, by_update, &txn_.fk_removed);
  if (workspace_) LockInWorkspace(table.get(), row_ids);
  else if (!replaying_) WaitIfLocked(*table, row_ids);
  std::vector<uint64_t> done;
  const uint64_t version_before = table->data.version();
  for (uint64_t id : row_ids) {
    YH_ASSERT(table->data.ValidRowId(id));  // row ids come from a scan of this table
    if (table->data.Delete(id)) {
      txn_.undo.push_back(UndoEntry{UndoEntry::kDelete, table, {}, id, nullptr});
      done.push_back(id);
    }
  }
  ForgetDeletedKeys(*table, done, version_before);
  if (replaying_ || !durability_ || done.empty() || workspace_ || IsTempRelationKey(table->schema.name)) return;
  txn_.wal_cells += done.size();
  // Records of at most kWalDeleteRowIdsPerRecord ids: what a reader may expand (wal_record.h).
  for (size_t from = 0; from < done.size(); from += kWalDeleteRowIdsPerRecord) {
    WalRecord r;
    r.type = WalRecordType::kDelete;
    r.table = table->schema.name;
    r.row_ids.assign(done.begin() + from, done.begin() + std::min(done.size(), from + kWalDeleteRowIdsPerRecord));
    txn_.wal.push_back(std::move(r));
  }
  MaybeSpillWal();
}

void Database::BeginCatalogChange() {
  CheckWorkspaceWrite(nullptr);
  txn_.undo.push_back(UndoEntry{UndoEntry::kCatalog, nullptr, {}, 0, std::make_shared<Catalog>(*catalog_)});
}

void Database::RecordCatalogChange(const std::string& ddl_sql, const std::string& relation_key) {
  txn_.catalog_changed = true;
  if (replaying_ || !durability_) return;
  if (IsTempRelationKey(relation_key)) return;  // temporary relations never reach the disk
  auto log = [&](std::string sql) REQUIRES(mu_) {
    WalRecord r;
    r.type = WalRecordType::kDdl;
    r.sql = std::move(sql);
    txn_.wal.push_back(std::move(r));
  };
  // The text resolves its unqualified names through search_path: replay must use the same one.
  const std::string& path = CurrentStatement().search_path;
  if (path == kDefaultSearchPath) return log(ddl_sql);
  log("SET search_path = " + QuoteLiteral(path));
  log(ddl_sql);
  log("RESET search_path");
}

void Database::DropTemporaryRelations(const std::string& temp_schema) {
  const std::string prefix = temp_schema + ".";
  auto temporary = [&](const std::string& key) { return key.rfind(prefix, 0) == 0; };
  QueryResult r = RunAsStatement("drop temporary relations", [&](QueryResult&) REQUIRES(mu_) {
    BeginCatalogChange();
    Catalog& cat = *catalog_;
    std::erase_if(cat.tables, [&](const auto& e) { return temporary(e.first); });
    std::erase_if(cat.views, [&](const auto& e) { return temporary(e.first); });
    std::erase_if(cat.indexes, [&](const auto& e) { return temporary(e.first) || temporary(e.second.table); });
    std::erase_if(cat.sequences, [&](const auto& e) { return temporary(e.first); });
    ForgetDroppedComments(cat);
    ForgetDroppedPrivileges(cat);
    txn_.catalog_changed = true;
  });
  (void)r;  // nothing in it can fail but memory
}

std::shared_ptr<Table> Database::CloneTableForDdl(const std::string& name) {
  auto old = catalog_->FindTable(name);
  auto copy = std::make_shared<Table>(*old);
  // Its columns are about to change: indexes keyed by column position must not carry over.
  copy->row_indexes = std::make_shared<Table::RowIndexCache>();
  catalog_->tables[name] = copy;
  return copy;
}

void Database::RollbackTo(size_t undo_mark, size_t wal_mark) {
  // Marks come from the same transaction, taken before the statement being undone.
  YH_ASSERT(undo_mark <= txn_.undo.size());
  YH_ASSERT(wal_mark <= txn_.wal.size() || txn_.wal_spilled);
  while (txn_.undo.size() > undo_mark) {
    UndoEntry& u = txn_.undo.back();
    switch (u.kind) {
      case UndoEntry::kAppend: u.table->data.UndoAppend(u.append); break;
      case UndoEntry::kDelete: u.table->data.Undelete(u.row_id); break;
      case UndoEntry::kCatalog: {
        auto functions = catalog_->user_functions;  // not part of any transaction
        *catalog_ = *u.catalog_before;
        catalog_->user_functions = std::move(functions);
        break;
      }
    }
    txn_.undo.pop_back();
  }
  txn_.wal.resize(std::min(txn_.wal.size(), wal_mark));
  if (txn_.wal_spilled && undo_mark == 0 && durability_) {
    // Records of this transaction are already in the WAL: cancel them. RollbackTo runs on error
    // paths and must not throw; if the abort cannot be written, no later commit may follow them.
    WalRecord abort;
    abort.type = WalRecordType::kAbort;
    try {
      durability_->Commit({abort});
    } catch (const Error& e) {
      durability_->Poison("could not cancel a rolled-back transaction in the WAL: " + e.status().message());
    }
    txn_.wal_spilled = false;
    txn_.wal.clear();
  }
}

void Database::CommitTransaction() {
  if (durability_ && !txn_.wal.empty()) {
    WalRecord commit;
    commit.type = WalRecordType::kCommit;
    txn_.wal.push_back(std::move(commit));
    durability_->Commit(txn_.wal);  // throws on I/O failure; the caller rolls back
  }
  txn_ = Transaction();
  if (durability_) durability_->MaybeCheckpoint(*catalog_);
}

void Database::RunTransactionStatement(PgQuery__TransactionStmt* t, QueryResult& result) {
  switch (t->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
      if (txn_.explicit_block) result.notices.push_back("WARNING:  there is already a transaction in progress");
      if (!txn_.explicit_block) SetBlockStart(true);
      txn_.explicit_block = true;
      result.tag = t->kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START ? "START TRANSACTION" : "BEGIN";
      return;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
      if (!txn_.explicit_block) {
        result.notices.push_back("WARNING:  there is no transaction in progress");
        result.tag = "COMMIT";
        return;
      }
      if (txn_.failed) {
        RollbackTo(0, 0);
        txn_ = Transaction();
        result.tag = "ROLLBACK";
        return;
      }
      try {
        CommitTransaction();
      } catch (...) {
        RollbackTo(0, 0);
        txn_ = Transaction();
        throw;
      }
      result.tag = "COMMIT";
      return;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
      if (!txn_.explicit_block) result.notices.push_back("WARNING:  there is no transaction in progress");
      RollbackTo(0, 0);
      txn_ = Transaction();
      result.tag = "ROLLBACK";
      return;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO:
      RunSavepointStatement(t, result);
      return;
    default:
      throw Error(SqlState::kFeatureNotSupported, "two-phase commit is not supported");
  }
}

void Database::OpenBlock() {
  YH_ASSERT(!txn_.explicit_block);
  SetBlockStart(true);
  txn_.explicit_block = true;
}

void Database::RunSavepointStatement(PgQuery__TransactionStmt* t, QueryResult& result) {
  const auto kind = t->kind;
  const char* what = kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT ? "SAVEPOINT"
                     : kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE ? "RELEASE SAVEPOINT"
                                                                                  : "ROLLBACK TO SAVEPOINT";
  if (!txn_.explicit_block)
    throw Error(SqlState::kNoActiveTransaction, fmt::format("{} can only be used in transaction blocks", what));
  const std::string name = t->savepoint_name ? t->savepoint_name : "";
  // A failed block takes only ROLLBACK TO (which is how it recovers), as in PostgreSQL.
  if (txn_.failed && kind != PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO)
    throw Error(SqlState::kInFailedTransaction, "current transaction is aborted, commands ignored until end of transaction block");
  if (kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT) {
    txn_.savepoints.push_back({name, txn_.undo.size(), txn_.wal.size(), txn_.wal_spills});
    result.tag = "SAVEPOINT";
    return;
  }
  size_t k = txn_.savepoints.size();
  while (k > 0 && txn_.savepoints[k - 1].name != name) --k;
  if (k == 0) {
    txn_.failed = true;  // an error in a block fails it, this one too
    throw Error(SqlState::kInvalidSavepointSpecification, fmt::format("savepoint \"{}\" does not exist", name));
  }
  const Transaction::Savepoint sp = txn_.savepoints[k - 1];
  if (kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE) {
    txn_.savepoints.resize(k - 1);  // it and every later one
    result.tag = "RELEASE";
    return;
  }
  if (sp.merged) {
    txn_.failed = true;
    throw Error(SqlState::kFeatureNotSupported,
                fmt::format("cannot roll back to savepoint \"{}\": the changes after it were merged when the block ran a "
                            "statement that needs the whole database (roll back the whole transaction)", name));
  }
  if (sp.wal_spills != txn_.wal_spills) {
    // Records after the savepoint are already in the WAL (a large transaction writes them
    // early): they cannot be taken back one statement at a time.
    txn_.failed = true;
    throw Error(SqlState::kFeatureNotSupported,
                fmt::format("cannot roll back to savepoint \"{}\": the transaction wrote too much since it "
                            "(roll back the whole transaction)", name));
  }
  RollbackTo(sp.undo_mark, sp.wal_mark);
  txn_.savepoints.resize(k);  // it stays, later ones go
  txn_.failed = false;
  result.tag = "ROLLBACK";
}

QueryResult Database::RunParsed(const std::shared_ptr<ParsedSql>& parsed) {
  PlanOnLiveTables live;  // holding the database: the tables are as the statement sees them
  const std::string& sql = parsed->text();
  QueryResult result;
  result.statement_text = sql;
  StatementClock::StartStatement();
  SetSessionZone(zone());
  BeginStatementLimits(*current_);
  if (parsed->statements().empty()) {
    result.tag = "";
    return result;
  }
  PgQuery__Node* node = parsed->statements()[0].node;
  if (node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
    try {
      RunTransactionStatement(node->transaction_stmt, result);
    } catch (const Error& e) {
      result.status = e.status();
    }
    if (!txn_.explicit_block) SetBlockStart(false);  // the block ended: readers take the database again
    return result;
  }
  result = RunAsStatement(sql, [&](QueryResult& r) REQUIRES(mu_) { Dispatch(node, sql, r); });
  if (result.status.ok()) RunRetentionIfDue();
  return result;
}

void Database::RunRetentionIfDue() {
  if (!retention_due_ || replaying_ || txn_.explicit_block) return;
  retention_due_ = false;
  // Its own statement: a failure here must not undo the write that triggered it.
  QueryResult r = RunAsStatement("retention", [&](QueryResult&) REQUIRES(mu_) { ApplyRetention(*this); });
  (void)r;
}

void Database::BeginStatementLimits(const SessionSettings& session) {
  const std::map<std::string, std::string>& settings = session.values;
  BeginStatementWatch(StatementTimeoutMs(settings));
  uint64_t work_mem = 0;  // the default, a share of memory_limit
  auto it = settings.find("work_mem");
  if (it != settings.end()) ParseMemorySize(it->second, &work_mem, 1024, 64 * 1024);
  CurrentStatement().work_mem_bytes = work_mem;
  UseStatementNames(session);
}

void Database::SetSessionRole(const std::string& name, const std::string& value) {
  // SET SESSION AUTHORIZATION: only a session that logged in as a superuser may become another
  // role (or itself again); SET ROLE: any role the session user is a member of. Empty = RESET.
  const Catalog& cat = *catalog_;
  const std::string login = current_->login_user;
  if (!value.empty() && value != "none" && !RoleExists(cat, value))
    throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", value));
  if (name == "session_authorization") {
    if (!value.empty() && value != login && !IsSuperuser(cat, login))
      throw Error(SqlState::kInsufficientPrivilege, "permission denied to set session authorization");
    if (value.empty()) settings().erase(name);
    else settings()[name] = value;
    settings().erase("role");
  } else {
    auto sa = settings().find("session_authorization");
    const std::string session_user = sa != settings().end() ? sa->second : login;
    if (value.empty() || value == "none") {
      settings().erase(name);
    } else {
      if (!IsMemberOfRole(cat, session_user, value))
        throw Error(SqlState::kInsufficientPrivilege, fmt::format("permission denied to set role \"{}\"", value));
      settings()[name] = value;
    }
  }
  UseStatementNames(*current_);
}

void Database::UseStatementNames(const SessionSettings& session) {
  StatementContext& statement = CurrentStatement();
  auto it = session.values.find("search_path");
  statement.search_path = it != session.values.end() ? it->second : kDefaultSearchPath;
  statement.temp_schema = session.temp_schema;
  auto sa = session.values.find("session_authorization");
  statement.session_user = sa != session.values.end() && !sa->second.empty() ? sa->second : session.login_user;
  auto role = session.values.find("role");
  statement.current_user = role != session.values.end() && !role->second.empty() && role->second != "none" ? role->second : statement.session_user;
}

int64_t Database::StatementTimeoutMs(const std::map<std::string, std::string>& settings) {
  // PostgreSQL: a bare number is milliseconds; units us, ms, s, min, h, d are accepted.
  auto it = settings.find("statement_timeout");
  if (it == settings.end()) return 0;
  const std::string& v = it->second;
  char* end = nullptr;
  double n = strtod(v.c_str(), &end);
  std::string unit = end ? std::string(end) : "";
  while (!unit.empty() && unit[0] == ' ') unit.erase(0, 1);
  double ms = unit.empty() || unit == "ms" ? n : unit == "s" ? n * 1000 : unit == "min" ? n * 60000 : unit == "h" ? n * 3600000
            : unit == "d" ? n * 86400000 : unit == "us" ? n / 1000 : -1;
  return ms > 0 ? int64_t(std::ceil(ms)) : 0;
}

QueryResult Database::RunAsStatement(const std::string& description, const std::function<void(QueryResult&)>& body) {
  UseSequences sequences(sequences_.get());  // nextval() and kin, for SQL and ingest alike
  UseStatementNames(*current_);             // ingest writes run as the session's role too
  QueryResult result;
  result.statement_text = description;
  if (txn_.failed) {
    result.status = Status::Error(SqlState::kInFailedTransaction,
                                  "current transaction is aborted, commands ignored until end of transaction block");
    return result;
  }
  const size_t undo_mark = txn_.undo.size();
  const size_t wal_mark = txn_.wal.size();
  txn_.statement_undo_mark = undo_mark;  // (a nested statement's is later: stricter, see MaybeSealStatement)
  auto fail = [&](Status st) REQUIRES(mu_) {
    result = QueryResult();
    result.statement_text = description;
    result.status = std::move(st);
    RollbackTo(undo_mark, wal_mark);
    if (txn_.explicit_block) txn_.failed = true;
    else txn_ = Transaction();
  };
  TakeNotices();  // start clean: notices raised below the engine belong to this statement
  txn_.fk_removed.clear();
  try {
    body(result);
    if (!txn_.fk_removed.empty()) ResolveRemovedKeys(*this, txn_.fk_removed);
    for (auto& n : TakeNotices()) result.notices.push_back(std::move(n));
    if (!txn_.explicit_block && statement_ssi_) {
      CommitSerializableStatement();
    } else if (!txn_.explicit_block) {
      CommitTransaction();
    }
  } catch (const Error& e) {
    fail(e.status());
  } catch (const std::bad_alloc&) {
    fail(Status::Error(SqlState::kOutOfMemory, "out of memory"));
  }
  if (durability_ && result.status.ok() && !replaying_) {
    try {
      durability_->StatementEnded();
    } catch (const Error& e) {
      result.status = e.status();
    }
  }
  return result;
}

void Database::CommitSerializableStatement() {
  SerializableTransactions::Txn& ssi = *std::exchange(statement_ssi_, nullptr);
  if (statement_reads_) serializable_.AddReads(ssi, statement_reads_->Items());
  Status st = serializable_.Commit(ssi, SsiItems::OfUndoLog(txn_), [&]() REQUIRES(mu_) {
    CommitTransaction();
    return true;
  });
  if (!st.ok()) throw Error(st);
}

Status Database::WaitDurable() {
  if (!durability_) return Status::Ok();
  try {
    durability_->WaitDurable();
  } catch (const Error& e) {
    return e.status();
  }
  return Status::Ok();
}

void Database::ExecuteNested(const std::string& sql) {
  auto parsed = ParsedSql::Parse(sql);
  if (parsed->statements().size() != 1) throw Error(SqlState::kInternalError, "nested statement must be exactly one: " + sql);
  QueryResult ignored;
  Dispatch(parsed->statements()[0].node, sql, ignored);
}

void Database::ReplayRecords(const std::vector<WalRecord>& records) {
  replaying_ = true;
  try {
    for (const auto& r : records) {
      switch (r.type) {
        case WalRecordType::kDdl:
        case WalRecordType::kSequence: {
          QueryResult res = RunParsed(ParsedSql::Parse(r.sql));
          // A sequence record may name a sequence whose CREATE never committed: nothing to set.
          if (r.type == WalRecordType::kSequence && res.status.sqlstate() == SqlState::kUndefinedTable) break;
          if (!res.status.ok())
            throw Error(SqlState::kDataCorrupted, "WAL replay failed for \"" + r.sql + "\": " + res.status.message());
          break;
        }
        case WalRecordType::kInsert:
        case WalRecordType::kDelete: {
          auto table = catalog_->FindTable(r.table);
          if (!table) throw Error(SqlState::kDataCorrupted, "WAL names unknown table \"" + r.table + "\"");
          if (r.type == WalRecordType::kInsert) {
            if (r.rows.columns.size() != table->schema.columns.size())
              throw Error(SqlState::kDataCorrupted, "WAL insert into \"" + r.table + "\" has the wrong column count");
            table->data.Append(r.rows);
          } else {
            for (uint64_t id : r.row_ids) {
              if (!table->data.ValidRowId(id))
                throw Error(SqlState::kDataCorrupted, "WAL delete names a row past the end of \"" + r.table + "\"");
              table->data.Delete(id);
            }
          }
          break;
        }
        case WalRecordType::kCommit:
        case WalRecordType::kAbort: break;
      }
    }
  } catch (...) {
    replaying_ = false;
    txn_ = Transaction();
    throw;
  }
  replaying_ = false;
  txn_ = Transaction();
}

void Database::Dispatch(PgQuery__Node* node, const std::string& sql, QueryResult& result) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: ExecuteSelect(*this, node, sql, result); return;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT: ExecuteExplain(*this, node->explain_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_INSERT_STMT: ExecuteInsert(*this, node->insert_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_UPDATE_STMT: ExecuteUpdate(*this, node->update_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_DELETE_STMT: ExecuteDelete(*this, node->delete_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_CREATE_STMT: ExecuteCreateTable(*this, node->create_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      ExecuteCreateTableAs(*this, node->create_table_as_stmt, sql, result);
      return;
    case PG_QUERY__NODE__NODE_DROP_STMT:
      if (node->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) DropSequences(*this, node->drop_stmt, sql, result);
      else if (node->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) ExecuteDropSchema(*this, node->drop_stmt, sql, result);
      else if (node->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY) ExecuteDropPolicy(*this, node->drop_stmt, sql, result);
      else ExecuteDrop(*this, node->drop_stmt, sql, result);
      return;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: ExecuteCreateSchema(*this, node->create_schema_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_COMMENT_STMT: ExecuteComment(*this, node->comment_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: ExecuteCreateSequence(*this, node->create_seq_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT: ExecuteAlterSequence(*this, node->alter_seq_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      if (IsAlterOwner(node->alter_table_stmt)) ExecuteAlterTableOwner(*this, node->alter_table_stmt, sql, result);
      else ExecuteAlterTable(*this, node->alter_table_stmt, sql, result);
      return;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT: ExecuteTruncate(*this, node->truncate_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_VACUUM_STMT: {
      // VACUUM re-lays the tables as a checkpoint does (drops deleted rows, merges parts);
      // ANALYZE has nothing to do: the statistics (zone maps, distinct sketches) are kept up to
      // date as rows come. Both check their table names, and VACUUM refuses blocks, as PostgreSQL.
      auto* v = node->vacuum_stmt;
      for (size_t k = 0; k < v->n_rels; ++k) {
        auto* rel = v->rels[k]->vacuum_relation->relation;
        if (rel && !catalog_->FindTable(RangeVarKey(*catalog_, rel)) && !catalog_->FindView(RangeVarKey(*catalog_, rel)))
          throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", rel->relname));  // no position, as PostgreSQL
      }
      if (v->is_vacuumcmd) {
        if (txn_.explicit_block) throw Error(SqlState::kActiveSqlTransaction, "VACUUM cannot run inside a transaction block");
        if (durability_) durability_->Checkpoint(*catalog_);
      }
      result.tag = v->is_vacuumcmd ? "VACUUM" : "ANALYZE";
      return;
    }
    case PG_QUERY__NODE__NODE_RENAME_STMT: ExecuteRename(*this, node->rename_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_VIEW_STMT: ExecuteCreateView(*this, node->view_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_INDEX_STMT: ExecuteCreateIndex(*this, node->index_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_COPY_STMT: ExecuteCopy(*this, node->copy_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_GRANT_STMT: ExecuteGrant(*this, node->grant_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT: ExecuteCreatePolicy(*this, node->create_policy_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT: ExecuteAlterPolicy(*this, node->alter_policy_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_REASSIGN_OWNED_STMT: ExecuteReassignOwned(*this, node->reassign_owned_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_DROP_OWNED_STMT: ExecuteDropOwned(*this, node->drop_owned_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT:
      ExecuteAlterDefaultPrivileges(*this, node->alter_default_privileges_stmt, sql, result);
      return;
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT: ExecuteGrantRole(*this, node->grant_role_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_ALTER_OWNER_STMT: ExecuteAlterOwner(*this, node->alter_owner_stmt, sql, result); return;
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT:
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT: ExecuteRoleStatement(*this, node, sql, result); return;
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT: {
      if (!CurrentUserIsSuperuser(*catalog_) && !HasPrivilegesOfRole(*catalog_, CurrentStatement().current_user, "pg_checkpoint"))
        throw Error(SqlState::kInsufficientPrivilege, "must be superuser or have privileges of pg_checkpoint to do CHECKPOINT");
      if (txn_.explicit_block)
        throw Error(SqlState::kInvalidTransactionState, "CHECKPOINT cannot run inside a transaction block");
      if (durability_) durability_->Checkpoint(*catalog_);
      result.tag = "CHECKPOINT";
      return;
    }
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
      auto* s = node->variable_set_stmt;
      std::string name = s->name ? s->name : "";
      std::string value;
      for (size_t k = 0; k < s->n_args; ++k) {
        PgQuery__Node* a = s->args[k];
        if (a->node_case == PG_QUERY__NODE__NODE_A_CONST) {
          auto* c = a->a_const;
          if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL) value += (k ? ", " : "") + std::string(c->sval->sval);
          else if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL) value += (k ? ", " : "") + std::to_string(c->ival->ival);
          else if (c->val_case == PG_QUERY__A__CONST__VAL_FVAL) value += (k ? ", " : "") + std::string(c->fval->fval);
        }
      }
      if (name == "role" || name == "session_authorization") {
        SetSessionRole(name, s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE ? value : "");
        result.tag = "SET";
        return;
      }
      if (name == "memory_limit" || name == "temp_directory") CheckSuperuserSetting(*catalog_, name);
      if (name == "timezone") {
        std::shared_ptr<const TimeZone> zone;
        const bool reset = s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET ||
                           s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT || s->n_args == 0;
        if (reset) {
          zone = TimeZone::Utc();
        } else {
          PgQuery__Node* a = s->args[0];
          if (a->node_case == PG_QUERY__NODE__NODE_A_CONST && a->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
            zone = TimeZone::Fixed(a->a_const->ival->ival * 3600);  // SET TIME ZONE -7: hours east
          } else if (a->node_case == PG_QUERY__NODE__NODE_A_CONST && a->a_const->val_case == PG_QUERY__A__CONST__VAL_FVAL) {
            zone = TimeZone::Fixed(int32_t(std::lround(std::stod(a->a_const->fval->fval) * 3600)));
          } else {
            zone = TimeZone::Find(value);
          }
          if (!zone)
            throw Error(SqlState::kInvalidParameterValue, fmt::format("invalid value for parameter \"TimeZone\": \"{}\"", value));
        }
        this->zone() = zone;
        SetSessionZone(zone);
        value = zone->name();
      }
      if (name == "statement_timeout" && s->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) {
        auto saved = settings()[name];
        settings()[name] = value;
        if (StatementTimeoutMs() == 0 && value != "0" && value.find_first_not_of("0. ") != std::string::npos) {
          settings()[name] = saved;
          Error e(SqlState::kInvalidParameterValue, fmt::format("invalid value for parameter \"statement_timeout\": \"{}\"", value));
          e.status().WithHint("Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".");
          throw e;
        }
      }
      if (name == "statement_timeout" && s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET) value = "0";
      if (name == "work_mem" && s->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_RESET &&
          s->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT) {
        uint64_t bytes = 0;
        if (!ParseMemorySize(value, &bytes, 1024, 64 * 1024)) {  // PostgreSQL: kB by default, at least 64kB
          Error e(SqlState::kInvalidParameterValue, fmt::format("invalid value for parameter \"work_mem\": \"{}\"", value));
          e.status().WithHint("Valid units for this parameter are \"kB\", \"MB\", \"GB\", and \"TB\"; the least is 64kB.");
          throw e;
        }
        value = FormatMemorySize(bytes);
      }
      if ((name == "work_mem" || name == "temp_directory") &&
          (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET || s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT)) {
        if (name == "temp_directory") SetTempDirectory("");
        settings().erase(name);
        result.tag = "SET";
        return;
      }
      if (name == "temp_directory") {
        // Process-wide, as memory_limit: where sorts spill (common/memory_limit.h).
        SetTempDirectory(value);
        result.tag = "SET";
        return;
      }
      if (name == "memory_limit") {
        // Process-wide (DuckDB's choice): the buffer pool of every database in the process.
        uint64_t bytes = DefaultMemoryLimitBytes();
        if (s->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_RESET && s->kind != PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT &&
            !ParseMemorySize(value, &bytes)) {
          Error e(SqlState::kInvalidParameterValue, fmt::format("invalid value for parameter \"memory_limit\": \"{}\"", value));
          e.status().WithHint("Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", \"TB\" and \"%\" (of the machine's memory); the least is 1MB.");
          throw e;
        }
        SetMemoryLimitBytes(bytes);
        BufferPool::Instance().Enforce();
        result.tag = "SET";
        return;
      }
      if (!name.empty() && name != "timezone" &&
          (s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET || s->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT)) {
        // RESET / SET ... TO DEFAULT: the default value back (search_path, DateStyle ...), not ''.
        auto d = default_settings_.values.find(name);
        if (d != default_settings_.values.end()) settings()[name] = d->second;
        else settings().erase(name);
        result.tag = "SET";
        return;
      }
      if (!name.empty()) settings()[name] = value;
      result.tag = "SET";
      return;
    }
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT: {
      std::string name = node->variable_show_stmt->name;
      std::string shown;
      if (name == "is_superuser") shown = CurrentUserIsSuperuser(*catalog_) ? "on" : "off";
      else if (!LookupSetting(&settings(), name, &shown))
        throw Error(SqlState::kUndefinedObject, fmt::format("unrecognized configuration parameter \"{}\"", name));
      result.SetOneText(name, shown);
      result.tag = "SHOW";
      return;
    }
    default:
      throw Error(SqlState::kFeatureNotSupported, fmt::format("{} is not supported", StatementName(node)));
  }
}

}  // namespace yunhe
