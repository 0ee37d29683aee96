// Workspaces: transaction blocks that write on private copies of tables (engine/workspace.h).
#include "engine/workspace.h"

#include "sql/parse_tree_walk.h"
#include "sql/relation_names.h"
#include "engine/sequences.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

#include "common/statement_context.h"
#include "common/status.h"
#include "storage/primary_key.h"

namespace yunhe {

namespace {

// The internal error a statement stops with to be run again (Database::Retry).
Error StopToRetry() { return Error(SqlState::kInternalError, "statement stopped to be run again"); }

Error SerializationFailure() {
  return Error(SqlState::kSerializationFailure, "could not serialize access due to concurrent update");
}

// The table a workspace statement writes, or "" (reads, settings, savepoints, COPY TO).
std::string WorkspaceTarget(const Catalog& catalog, const PgQuery__Node* node) {
  const PgQuery__RangeVar* rel = nullptr;
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT: rel = node->insert_stmt->relation; break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT: rel = node->update_stmt->relation; break;
    case PG_QUERY__NODE__NODE_DELETE_STMT: rel = node->delete_stmt->relation; break;
    case PG_QUERY__NODE__NODE_COPY_STMT:
      if (node->copy_stmt->is_from) rel = node->copy_stmt->relation;
      break;
    default: break;
  }
  return rel && rel->relname ? RangeVarKey(catalog, rel) : "";
}

// What a private copy changed against its base: base rows it deleted (row ids, ascending) and
// the rows it added (chunks, in order). Groups the copy still shares with the base are skipped
// without a look.
void GoneFromBase(const TableData& base, const TableData& mine, std::vector<uint64_t>* gone) {
  for (size_t g = 0; g < std::min(mine.group_count(), base.group_count()); ++g) {
    if (mine.SameGroup(base, g)) continue;
    const auto& now = mine.deleted(g);
    const auto& before = base.deleted(g);
    for (size_t r = 0; r < base.group_rows(g); ++r)
      if (now[r] && !before[r]) gone->push_back(g * kChunkRows + r);
  }
}

// The rows the block added, a row group at a time (a large block's groups may be sealed into
// parts: they are read back one by one, never all at once).
void ForEachAdded(const TableData& base, const TableData& mine, const std::function<void(DataChunk)>& fn) {
  for (size_t g = 0; g < mine.group_count(); ++g) {
    if (mine.SameGroup(base, g)) continue;
    const size_t shared = g < base.group_count() ? base.group_rows(g) : 0;
    const auto& now = mine.deleted(g);
    std::vector<uint32_t> sel;
    for (size_t r = shared; r < mine.group_rows(g); ++r)
      if (!now[r]) sel.push_back(uint32_t(r));
    if (sel.empty()) continue;
    DataChunk rows = mine.group(g);
    if (sel.size() != rows.count) rows.Select(sel);
    fn(std::move(rows));
  }
}

// What a block's commit writes, for the serializable check: per table, the primary keys of the
// base rows it deleted (an UPDATE deletes too) and of the rows it added; a table without a key
// is written whole.
SsiItems WritesOf(const Workspace& ws) {
  SsiItems writes;
  for (const auto& [name, w] : ws.written) {
    const uint64_t id = w.live->id;
    const Table& schema_of = *w.live;
    if (schema_of.schema.primary_key.empty()) {
      writes.AddWhole(id);
      continue;
    }
    SsiItems::OfTable& of = writes.tables[id];
    std::vector<uint64_t> gone;
    GoneFromBase(*w.base, w.mine->data, &gone);
    for (size_t i = 0; i < gone.size() && !of.whole;) {
      const size_t g = gone[i] / kChunkRows;
      const DataChunk rows = w.base->group(g);
      for (; i < gone.size() && gone[i] / kChunkRows == g; ++i)
        SsiItems::AddWrittenKey(of, PrimaryKeyDigest(schema_of, rows, gone[i] % kChunkRows).low);
    }
    if (of.whole) continue;
    ForEachAdded(*w.base, w.mine->data, [&](DataChunk rows) {
      for (size_t r = 0; r < rows.count && SsiItems::AddWrittenKey(of, PrimaryKeyDigest(schema_of, rows, r).low); ++r) {
      }
    });
  }
  return writes;
}

}  // namespace

// Swaps a workspace in for one statement: its transaction, a catalog with its private copies,
// and (REPEATABLE READ) its snapshot as the statement's view of the other tables.
class Database::WorkspaceScope {
 public:
  WorkspaceScope(Database& db, Workspace& ws) REQUIRES(db.mu_) : db_(db), ws_(ws) {
    view_ = std::make_shared<Catalog>(ws.snapshot ? *ws.snapshot->catalog : *db.catalog_);
    for (auto& [name, w] : ws.written) view_->tables[name] = w.mine;
    live_ = db.catalog_;
    db.catalog_ = view_;
    std::swap(db.txn_, ws.txn);
    db.workspace_ = &ws;
    if (ws.snapshot) CurrentStatement().snapshots = ws.snapshot->snapshots;
  }
  ~WorkspaceScope() NO_THREAD_SAFETY_ANALYSIS {
    if (ws_.snapshot) CurrentStatement().snapshots.clear();
    db_.workspace_ = nullptr;
    std::swap(db_.txn_, ws_.txn);
    db_.catalog_ = live_;
  }
  const std::shared_ptr<Catalog>& view() const { return view_; }

 private:
  Database& db_;
  Workspace& ws_;
  std::shared_ptr<Catalog> view_, live_;
};

bool Database::RunsInWorkspace(const PgQuery__Node* node) {
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_INSERT_STMT:
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
    case PG_QUERY__NODE__NODE_DELETE_STMT:
    case PG_QUERY__NODE__NODE_COPY_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT: return true;
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
      return node->explain_stmt->query && IsLoneSelectNode(node->explain_stmt->query);
    // A SELECT calling nextval() changes only sequences, which are not transactional.
    case PG_QUERY__NODE__NODE_SELECT_STMT: return IsLoneSelectNode(node) || CallsSequenceFunction(node);
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT: {
      const auto kind = node->transaction_stmt->kind;
      return kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT || kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE ||
             kind == PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO;
    }
    default: return false;
  }
}

void Database::CheckWorkspaceWrite(const Table* table) {
  if (!workspace_) return;
  if (table)
    for (auto& [name, w] : workspace_->written)
      if (w.mine.get() == table) return;
  // Another table (a second target, DDL): the statement must run on the live tables.
  workspace_needs_lock_ = true;
  throw Error(SqlState::kFeatureNotSupported, "statement needs the database");
}

void Database::LockInWorkspace(const Table* mine, const std::vector<uint64_t>& row_ids) {
  for (auto& [name, w] : workspace_->written) {
    if (w.mine.get() != mine) continue;
    const TableData& live = w.live->data;
    if (live.layout_epoch() != w.base->layout_epoch()) return;  // its COMMIT fails anyway
    std::vector<uint64_t> base_rows;
    for (uint64_t id : row_ids)
      if (w.base->ValidRowId(id) && !w.base->IsDeleted(id)) base_rows.push_back(id);
    if (base_rows.empty()) return;  // rows the block added itself
    for (uint64_t id : base_rows) {
      if (!live.IsDeleted(id)) continue;
      // Changed by a commit since the block's copy was taken: no lock on that dead version
      // (waiters queued for it would wait for this block); the new version is locked when the
      // statement runs again on it.
      if (workspace_->snapshot || !wait_for_row_locks_) throw SerializationFailure();
      refresh_table_ = name;
      throw StopToRetry();
    }
    if (auto holder = row_locks_.Lock(workspace_->owner, w.live->id, live.layout_epoch(), base_rows, &lock_wait_key_)) {
      if (!wait_for_row_locks_) throw SerializationFailure();
      lock_wait_ = holder;
      throw StopToRetry();
    }
    return;
  }
}

void Database::WaitIfLocked(const Table& table, const std::vector<uint64_t>& row_ids) {
  if (!wait_for_row_locks_ || txn_.explicit_block) return;
  if (auto holder = row_locks_.Holder(table.id, table.data.layout_epoch(), row_ids)) {
    lock_wait_ = holder;
    throw StopToRetry();
  }
}

QueryResult Database::RunParsedOrWait(const std::shared_ptr<ParsedSql>& parsed, Retry* retry) {
  wait_for_row_locks_ = retry->can_wait;
  QueryResult r = RunParsed(parsed);
  wait_for_row_locks_ = false;
  if (lock_wait_) {
    retry->kind = Retry::kWait;
    retry->key = lock_wait_key_;
    retry->holder = std::move(lock_wait_);
    lock_wait_.reset();
  }
  return r;
}

Status Database::RefreshPrivateCopy(Workspace& ws, const std::string& table) {
  auto it = ws.written.find(table);
  if (it == ws.written.end()) return Status::Ok();
  Workspace::Written& w = it->second;
  std::shared_ptr<Table> live = catalog_->FindTable(table);
  if (live != w.live || live->data.layout_epoch() != w.base->layout_epoch())
    return Status::Error(SqlState::kSerializationFailure, "could not serialize access due to concurrent update");
  std::vector<uint64_t> gone;
  GoneFromBase(*w.base, w.mine->data, &gone);
  for (uint64_t id : gone)
    if (live->data.IsDeleted(id)) return Status::Error(SqlState::kSerializationFailure, "could not serialize access due to concurrent update");
  // The undo entries of the old copy go (the new one carries their result); a savepoint with
  // some of them after it can no longer be rolled back to.
  std::vector<UndoEntry> kept;
  std::vector<size_t> new_index(ws.txn.undo.size() + 1);
  bool removed_any = false;
  size_t last_removed = 0;
  for (size_t k = 0; k < ws.txn.undo.size(); ++k) {
    new_index[k] = kept.size();
    if (ws.txn.undo[k].table == w.mine) {
      removed_any = true;
      last_removed = k;
      continue;
    }
    kept.push_back(std::move(ws.txn.undo[k]));
  }
  new_index[ws.txn.undo.size()] = kept.size();
  for (Transaction::Savepoint& sp : ws.txn.savepoints) {
    if (removed_any && last_removed >= sp.undo_mark) sp.merged = true;
    sp.undo_mark = new_index[std::min(sp.undo_mark, ws.txn.undo.size())];
  }
  ws.txn.undo = std::move(kept);
  auto base = live->data.Snapshot();
  auto mine = std::make_shared<Table>();
  mine->id = live->id;
  mine->schema = live->schema;
  mine->corrupt = live->corrupt;
  mine->data = base->PrivateCopy();
  for (uint64_t id : gone) mine->data.Delete(id);
  // (Resident again in the new copy, without undo entries: a block refreshed after sealing a
  // large statement's rows keeps them in memory until it ends.)
  ForEachAdded(*w.base, w.mine->data, [&](DataChunk rows) { mine->data.Append(rows); });
  mine->key_source = live;
  mine->key_base = base;
  mine->key_base_epoch = base->layout_epoch();
  w = Workspace::Written{live, base, mine};
  return Status::Ok();
}

namespace {

// The tables a statement names (catalog keys), when those are all it can read: false when it
// names a view or a table with row-level security (their queries name others), or when foreign
// keys or an embedding program's functions could read tables it does not name.
bool TablesNamedOnly(const Catalog& catalog, const ParsedSql& parsed, std::set<std::string>* names) {
  if (parsed.statements().size() != 1) return false;
  if (catalog.user_functions && (!catalog.user_functions->scalars.empty() || !catalog.user_functions->relations.empty())) return false;
  for (const auto& [key, table] : catalog.tables)
    if (!table->schema.foreign_keys.empty()) return false;
  bool known = true;
  WalkParseTree(&parsed.statements()[0].node->base, [&](const ProtobufCMessage* m) {
    if (!known) return false;
    if (m->descriptor != &pg_query__range_var__descriptor) return true;
    const auto* rv = reinterpret_cast<const PgQuery__RangeVar*>(m);
    if (!rv->relname) return true;
    const std::string key = RangeVarKey(catalog, rv);
    if (catalog.FindView(key)) known = false;
    else if (auto t = catalog.FindTable(key); t && t->schema.row_security) known = false;
    else names->insert(key);  // (a CTE's name may resolve to a table too: refreshed for nothing)
    return known;
  });
  return known;
}

}  // namespace

void Database::RefreshStaleCopies(Workspace& ws, const ParsedSql* statement) {
  // READ COMMITTED: each statement sees what others committed before it started, also in the
  // tables the block wrote. A copy whose live table changed since its base is taken anew with
  // the block's changes carried over. Not done (the copy keeps its older base, as a snapshot)
  // when that would lose something: savepoints (their undo entries name the old copy), a
  // re-laid table (row ids moved) or a row the block deleted that a non-waiting writer deleted
  // too (the COMMIT reports that one). Copies of tables the statement cannot read wait for a
  // statement that can (a COMMIT applies a copy against its own base either way): a pgbench
  // transaction's UPDATE of the branch no longer retakes its copies of accounts and tellers.
  if (ws.snapshot || !ws.txn.savepoints.empty()) return;
  std::optional<std::set<std::string>> reads;  // worked out at the first stale copy
  for (auto& [name, w] : ws.written) {
    std::shared_ptr<Table> live = catalog_->FindTable(name);
    // (Snapshot() is cached while the table is unchanged: a pointer compare in the common case.)
    if (live != w.live || live->data.layout_epoch() != w.base->layout_epoch() || live->data.Snapshot() == w.base) continue;
    if (statement && !reads) {
      UseStatementNames(*current_);
      reads.emplace();
      if (!TablesNamedOnly(*catalog_, *statement, &*reads)) statement = nullptr;  // may read any
    }
    if (statement && !reads->count(name)) continue;
    (void)RefreshPrivateCopy(ws, name);  // fails, changing nothing, on a row both deleted
  }
}

void Database::EnsurePrivateCopy(Workspace& ws, const std::string& name) {
  if (name.empty() || ws.written.count(name)) return;
  std::shared_ptr<Table> live = catalog_->FindTable(name);
  if (!live) return;  // the statement reports it
  std::shared_ptr<const TableData> base;
  if (ws.snapshot) {
    // REPEATABLE READ: the rows of the block's snapshot (a table made since is not in its view).
    auto it = ws.snapshot->snapshots.find(live.get());
    if (ws.snapshot->catalog->FindTable(name) != live || it == ws.snapshot->snapshots.end()) {
      if (ws.snapshot->catalog->FindTable(name)) throw SerializationFailure();  // altered since
      return;
    }
    base = std::static_pointer_cast<const TableData>(it->second);
  } else {
    base = live->data.Snapshot();
  }
  auto mine = std::make_shared<Table>();
  mine->id = live->id;
  mine->schema = live->schema;
  mine->corrupt = live->corrupt;
  mine->data = base->PrivateCopy();
  mine->key_source = live;
  mine->key_base = base;
  mine->key_base_epoch = base->layout_epoch();
  ws.written[name] = Workspace::Written{live, base, mine};
}

QueryResult Database::RunInWorkspace(Workspace& ws, const std::shared_ptr<ParsedSql>& parsed, Retry* retry) {
  retry->kind = Retry::kNone;
  RefreshStaleCopies(ws, parsed.get());
  if (parsed->statements().size() == 1) {
    try {
      UseStatementNames(*current_);
      EnsurePrivateCopy(ws, WorkspaceTarget(*catalog_, parsed->statements()[0].node));
    } catch (const Error& e) {
      ws.txn.failed = true;
      QueryResult r;
      r.statement_text = parsed->text();
      r.status = e.status();
      return r;
    }
  }
  const bool failed_before = ws.txn.failed;
  QueryResult r;
  {
    WorkspaceScope scope(*this, ws);
    wait_for_row_locks_ = retry->can_wait;
    r = RunParsed(parsed);
    wait_for_row_locks_ = false;
  }
  if (workspace_needs_lock_) retry->kind = Retry::kPromote;
  else if (lock_wait_) retry->kind = Retry::kWait;
  else if (!refresh_table_.empty()) retry->kind = Retry::kRefresh;
  retry->holder = std::move(lock_wait_);
  retry->key = lock_wait_key_;
  retry->table = std::move(refresh_table_);
  workspace_needs_lock_ = false;
  lock_wait_.reset();
  refresh_table_.clear();
  if (retry->kind != Retry::kNone) ws.txn.failed = failed_before;  // not the statement's fault: it runs again
  return r;
}

std::unique_ptr<Database::PreparedRead> Database::PrepareReadInWorkspace(Workspace& ws, const std::shared_ptr<ParsedSql>& parsed,
                                                                         PgQuery__Node* select, Status* error) {
  RefreshStaleCopies(ws, select ? nullptr : parsed.get());  // (a cursor's SELECT: every copy)
  WorkspaceScope scope(*this, ws);
  auto read = PrepareSelect(parsed, select, error);
  if (read) read->ForWorkspace(scope.view());
  return read;
}

namespace {
constexpr size_t kFewGroups = 4;
}  // namespace

void Database::ApplyWorkspace(Workspace& ws, bool block_ends) {
  for (auto& [name, w] : ws.written) {
    std::shared_ptr<Table> live = catalog_->FindTable(name);
    if (live != w.live) throw SerializationFailure();  // dropped or altered since the block wrote it
    std::vector<uint64_t> gone;
    GoneFromBase(*w.base, w.mine->data, &gone);
    if (!gone.empty()) {
      // Row ids of the base name the same live rows while the layout is the base's.
      if (live->data.layout_epoch() != w.base->layout_epoch()) throw SerializationFailure();
      for (uint64_t id : gone)
        if (!live->data.ValidRowId(id) || live->data.IsDeleted(id)) throw SerializationFailure();  // first committer won
      RecordDelete(live, gone);
    }
    // When the block ends with this commit (not a promotion), a few added groups (the usual
    // block: a row or a few) are taken out first and the block lets go of its base and copy (and
    // of its undo log, which names the copy), so the live table's open group is no longer shared with them and the
    // appends below fill it in place instead of cloning its arrays (copy-on-write). Many groups
    // stream as before (a large block's groups may be sealed into parts: read back one by one).
    size_t added_groups = 0;
    for (size_t g = 0; g < w.mine->data.group_count() && added_groups <= kFewGroups; ++g) added_groups += !w.mine->data.SameGroup(*w.base, g);
    if (!block_ends || added_groups > kFewGroups) {
      ForEachAdded(*w.base, w.mine->data, [&](DataChunk rows) REQUIRES(mu_) { RecordAppend(live, rows, false, 0); });
      continue;
    }
    std::vector<DataChunk> added;
    ForEachAdded(*w.base, w.mine->data, [&](DataChunk rows) { added.push_back(std::move(rows)); });
    ws.txn.undo.clear();
    ws.txn.savepoints.clear();
    w.base.reset();
    w.mine.reset();
    for (const DataChunk& rows : added) RecordAppend(live, rows, false, 0);  // checked when appended to the copy
  }
}

QueryResult Database::CommitWorkspace(Workspace& ws, SerializableTransactions::Txn* ssi) {
  QueryResult r;
  r.statement_text = "COMMIT";
  if (ws.txn.failed) {
    r.tag = "ROLLBACK";
    return r;
  }
  if (ws.wrote()) {
    r = RunAsStatement("COMMIT", [&](QueryResult&) REQUIRES(mu_) {
      if (!ssi) {
        ApplyWorkspace(ws, true);
        return;
      }
      Status st = serializable_.Commit(*ssi, WritesOf(ws), [&]() REQUIRES(mu_) {
        ApplyWorkspace(ws, true);
        return true;
      });
      if (!st.ok()) throw Error(st);
    });
  }
  row_locks_.ReleaseAll(ws.owner);  // its waiters run again on what it committed
  if (r.status.ok()) r.tag = "COMMIT";
  return r;
}

Status Database::CommitSerializableReads(SerializableTransactions::Txn& ssi) {
  return serializable_.Commit(ssi, SsiItems(), [] { return true; });
}

Status Database::PromoteWorkspace(Workspace& ws) {
  OpenBlock();
  try {
    ApplyWorkspace(ws, false);
  } catch (const Error& e) {
    RollbackTo(0, 0);
    txn_ = Transaction();
    SetBlockStart(false);
    return e.status();
  }
  for (const Transaction::Savepoint& sp : ws.txn.savepoints) {
    Transaction::Savepoint s{sp.name, txn_.undo.size(), txn_.wal.size(), txn_.wal_spills};
    s.merged = sp.merged || sp.undo_mark != ws.txn.undo.size();
    txn_.savepoints.push_back(s);
  }
  row_locks_.ReleaseAll(ws.owner);  // the locked block keeps everyone else out now
  return Status::Ok();
}

}  // namespace yunhe
