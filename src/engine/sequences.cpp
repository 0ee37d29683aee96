#include "engine/sequences.h"

#include <fmt/format.h>

#include "common/sql_text.h"
#include "engine/comments.h"
#include "engine/grants.h"
#include "sql/privileges.h"
#include "common/status.h"
#include "sql/parse_tree_walk.h"
#include "sql/planner.h"
#include "sql/relation_names.h"
#include "sql/system_catalog.h"
#include "storage/wal_record.h"

namespace yunhe {

// ---- the functions' side ----

SequenceInfo& DatabaseSequences::Find(const std::string& raw) NO_THREAD_SAFETY_ANALYSIS {
  // The statement calling us holds the database (its workers run while it waits for them).
  // A key the planner resolved, or a name as regclass input reads it (a name known at run time).
  auto it = db_.catalog_->sequences.find(raw);
  if (it != db_.catalog_->sequences.end()) return it->second;
  const std::string name = RelationKeyFromText(*db_.catalog_, raw);
  it = db_.catalog_->sequences.find(name);
  if (it != db_.catalog_->sequences.end()) return it->second;
  if (db_.catalog_->NameTaken(name)) throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a sequence", name));
  throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
}

void DatabaseSequences::Log(const std::string& name, int64_t value, bool is_called) NO_THREAD_SAFETY_ANALYSIS {
  if (db_.replaying_ || !db_.durability_ || IsTempRelationKey(name)) return;
  // Written now, outside the statement's transaction: a value handed out stays handed out. The
  // statement's end (or its commit) makes it durable before anyone is answered.
  WalRecord r;
  r.type = WalRecordType::kSequence;
  r.sql = SequenceSetvalSql(*db_.catalog_, name, value, is_called);
  db_.durability_->Spill({r});
}

int64_t DatabaseSequences::NextVal(const std::string& raw) NO_THREAD_SAFETY_ANALYSIS {
  std::lock_guard<std::mutex> lock(mu_);
  SequenceInfo& seq = Find(raw);
  CheckRelationPrivilege(*db_.catalog_, seq.name, kPrivUsage | kPrivUpdate);
  int64_t value;
  {
    std::lock_guard<std::mutex> state_lock(seq.state->mu);
    std::optional<int64_t> log;
    value = SequenceNext(seq, *seq.state, &log);
    if (log) {
      try {
        Log(seq.name, *log, true);
      } catch (...) {
        seq.state->log_remaining = 0;  // not logged: the next call tries again
        throw;
      }
    }
  }
  auto& session = db_.current_->sequences;
  session.values[seq.name] = value;
  session.last = seq.name;
  return value;
}

int64_t DatabaseSequences::CurrVal(const std::string& raw) NO_THREAD_SAFETY_ANALYSIS {
  std::lock_guard<std::mutex> lock(mu_);
  const SequenceInfo& seq = Find(raw);
  CheckRelationPrivilege(*db_.catalog_, seq.name, kPrivUsage | kPrivSelect);
  const auto& values = db_.current_->sequences.values;
  auto it = values.find(seq.name);
  if (it == values.end())
    throw Error(SqlState::kObjectNotInPrerequisiteState, fmt::format("currval of sequence \"{}\" is not yet defined in this session", seq.name));
  return it->second;
}

int64_t DatabaseSequences::SetVal(const std::string& raw, int64_t value, bool is_called) NO_THREAD_SAFETY_ANALYSIS {
  std::lock_guard<std::mutex> lock(mu_);
  SequenceInfo& seq = Find(raw);
  CheckRelationPrivilege(*db_.catalog_, seq.name, kPrivUpdate);
  CheckSequenceValue(seq, value);
  {
    std::lock_guard<std::mutex> state_lock(seq.state->mu);
    Log(seq.name, value, is_called);
    seq.state->last_value = value;
    seq.state->is_called = is_called;
    seq.state->log_remaining = 0;
  }
  if (is_called && !db_.replaying_) db_.current_->sequences.values[seq.name] = value;  // as PostgreSQL: currval follows setval
  return value;
}

int64_t DatabaseSequences::LastVal() NO_THREAD_SAFETY_ANALYSIS {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& session = db_.current_->sequences;
  auto it = session.values.find(session.last);
  if (session.last.empty() || it == session.values.end())
    throw Error(SqlState::kObjectNotInPrerequisiteState, "lastval is not yet defined in this session");
  if (!db_.catalog_->FindSequence(session.last))
    throw Error(SqlState::kObjectNotInPrerequisiteState, "lastval is not yet defined in this session");
  return it->second;
}

bool CallsSequenceFunction(const PgQuery__Node* node) {
  bool found = false;
  WalkParseTree(&node->base, [&](const ProtobufCMessage* m) {
    if (found) return false;
    if (m->descriptor == &pg_query__func_call__descriptor) {
      auto* f = reinterpret_cast<const PgQuery__FuncCall*>(m);
      const std::string name = f->n_funcname ? StrVal(f->funcname[f->n_funcname - 1]) : "";
      found = name == "nextval" || name == "currval" || name == "setval" || name == "lastval" || name == "pg_notify";
    }
    return !found;
  });
  return found;
}

// ---- options of CREATE / ALTER SEQUENCE and identity columns ----

namespace {

int64_t OptionInt(PgQuery__DefElem* d) {
  if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) return d->arg->integer->ival;
  if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_FLOAT) {
    // Integers past 32 bits arrive as Float nodes holding their text.
    const char* text = d->arg->float_->fval;
    char* end = nullptr;
    errno = 0;
    const long long v = strtoll(text, &end, 10);
    if (errno == 0 && end && *end == 0) return v;
    throw Error(SqlState::kNumericValueOutOfRange, fmt::format("value \"{}\" is out of range for type bigint", text));
  }
  throw Error(SqlState::kSyntaxError, fmt::format("{} requires a numeric value", d->defname));
}

struct SequenceSpec {
  SequenceOptions o;
  bool type_set = false, min_set = false, max_set = false, start_set = false, increment_set = false;
  std::optional<int64_t> restart;  // ALTER ... RESTART [WITH n]; INT64_MIN = to START
  std::optional<std::vector<std::string>> owned_by;  // {} = NONE
  std::string sequence_name;                         // identity: SEQUENCE NAME
};

// Reads CREATE/ALTER SEQUENCE options over `spec` (ALTER starts from the sequence's own).
void ReadSequenceOptions(PgQuery__Node** options, size_t n, const Planner& planner, SequenceSpec* spec) {
  std::vector<std::string> seen;
  for (size_t k = 0; k < n; ++k) {
    auto* d = options[k]->def_elem;
    const std::string opt = d->defname;
    for (auto& s : seen)
      if (s == opt) throw Error(SqlState::kSyntaxError, "conflicting or redundant options", planner.CharPos(d->location));
    seen.push_back(opt);
    if (opt == "as") {
      spec->o.type = Planner::ResolveTypeName(d->arg->type_name, planner.CharPos(d->location));
      spec->type_set = true;
    } else if (opt == "increment") {
      spec->o.increment = OptionInt(d);
      spec->increment_set = true;
    } else if (opt == "minvalue") {
      spec->min_set = d->arg != nullptr;  // NO MINVALUE: the default
      if (d->arg) spec->o.min = OptionInt(d);
    } else if (opt == "maxvalue") {
      spec->max_set = d->arg != nullptr;
      if (d->arg) spec->o.max = OptionInt(d);
    } else if (opt == "start") {
      spec->o.start = OptionInt(d);
      spec->start_set = true;
    } else if (opt == "restart") {
      spec->restart = d->arg ? OptionInt(d) : INT64_MIN;
    } else if (opt == "cache") {
      spec->o.cache = OptionInt(d);
    } else if (opt == "cycle") {
      spec->o.cycle = d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN ? d->arg->boolean->boolval : true;
    } else if (opt == "owned_by") {
      std::vector<std::string> names;
      for (size_t i = 0; d->arg && i < d->arg->list->n_items; ++i) names.push_back(StrVal(d->arg->list->items[i]));
      if (names.size() == 1 && names[0] == "none") names.clear();
      else if (names.size() < 2)
        throw Error(SqlState::kSyntaxError, "invalid OWNED BY option", planner.CharPos(d->location));
      spec->owned_by = names;
    } else if (opt == "sequence_name") {
      for (size_t i = 0; d->arg && i < d->arg->list->n_items; ++i) spec->sequence_name = StrVal(d->arg->list->items[i]);
    } else {
      throw Error(SqlState::kSyntaxError, fmt::format("option \"{}\" not recognized", opt), planner.CharPos(d->location));
    }
  }
}

// OWNED BY table.column: both must exist (the column of a table, not a view).
// The table of OWNED BY [schema.]table.column.
std::string OwnerTable(const Catalog& cat, const std::vector<std::string>& owner) {
  return ExistingRelationKey(cat, owner.size() >= 3 ? owner[owner.size() - 3] : "", owner[owner.size() - 2]);
}

void CheckOwner(const Catalog& cat, const std::vector<std::string>& owner) {
  const std::string table = OwnerTable(cat, owner);
  const std::string& column = owner.back();
  auto t = cat.FindTable(table);
  if (!t) {
    if (cat.NameTaken(table))
      throw Error(SqlState::kWrongObjectType, fmt::format("sequence cannot be owned by relation \"{}\"", table));
    throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", table));
  }
  if (t->schema.ColumnIndex(column) < 0)
    throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", column, table));
}

std::string NewSequenceName(const Catalog& cat, const std::string& table, const std::string& column) {
  const std::string base = table + "_" + column + "_seq";
  std::string name = base;
  for (int k = 1; cat.NameTaken(name); ++k) name = base + std::to_string(k);
  return name;
}

// Does a column default call nextval of `seq`? (The default text is ours or the user's.)
bool DefaultUses(const Catalog& cat, const std::string& default_sql, const std::string& seq) {
  if (default_sql.find("nextval") == std::string::npos) return false;
  for (const std::string& spelled : {QuoteLiteral(seq), QuoteLiteral(QuoteIdent(seq)), QuoteLiteral(cat.Quote(seq))})
    if (default_sql.find(spelled) != std::string::npos) return true;
  return false;
}

}  // namespace

void ExecuteCreateSequence(Database& db, PgQuery__CreateSeqStmt* stmt, const std::string& sql, QueryResult& result) {
  Planner planner(db.catalog(), sql);
  const std::string name = NewRangeVarKey(db.catalog(), stmt->sequence);
  result.tag = "CREATE SEQUENCE";
  if (db.catalog().NameTaken(name)) {
    if (stmt->if_not_exists) {
      result.notices.push_back(fmt::format("NOTICE:  relation \"{}\" already exists, skipping", stmt->sequence->relname));
      return;
    }
    throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", stmt->sequence->relname),
                planner.CharPos(stmt->sequence->location));
  }
  CheckCreateRelation(db.catalog(), name);
  if (IsTempRelationKey(name)) db.NoteTemporaryRelation();
  SequenceSpec spec;
  ReadSequenceOptions(stmt->options, stmt->n_options, planner, &spec);
  if (spec.restart) throw Error(SqlState::kSyntaxError, "option \"restart\" not recognized");
  SequenceDefaults(&spec.o, spec.min_set, spec.max_set, spec.start_set);
  CheckSequenceOptions(spec.o);
  SequenceInfo seq;
  seq.name = name;
  seq.options = spec.o;
  seq.state->last_value = spec.o.start;
  if (spec.owned_by && !spec.owned_by->empty()) {
    CheckOwner(db.catalog(), *spec.owned_by);
    seq.owned_table = OwnerTable(db.catalog(), *spec.owned_by);
    seq.owned_column = spec.owned_by->back();
  }
  db.BeginCatalogChange();
  Catalog& cat = db.mutable_catalog();
  seq.id = cat.next_table_id++;
  cat.sequences[name] = seq;
  db.RecordCatalogChange(sql, name);
  RecordNewRelationOwner(db, name);
}

void ExecuteAlterSequence(Database& db, PgQuery__AlterSeqStmt* stmt, const std::string& sql, QueryResult& result) {
  Planner planner(db.catalog(), sql);
  const std::string name = RangeVarKey(db.catalog(), stmt->sequence);
  result.tag = "ALTER SEQUENCE";
  const SequenceInfo* old = db.catalog().FindSequence(name);
  if (!old) {
    if (stmt->missing_ok) {
      result.notices.push_back(fmt::format("NOTICE:  relation \"{}\" does not exist, skipping", name));
      return;
    }
    if (db.catalog().NameTaken(name)) throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a sequence", name));
    throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name), planner.CharPos(stmt->sequence->location));
  }
  CheckRelationOwner(db.catalog(), name);
  SequenceSpec spec;
  spec.o = old->options;
  const SequenceOptions before = old->options;
  ReadSequenceOptions(stmt->options, stmt->n_options, planner, &spec);
  // A new type or direction moves the bounds that were the old defaults (PostgreSQL does too).
  int64_t lo = 0, hi = 0, old_lo = 0, old_hi = 0;
  SequenceTypeBounds(spec.o.type, &lo, &hi);
  SequenceTypeBounds(before.type, &old_lo, &old_hi);
  if (!spec.max_set && (spec.type_set || spec.increment_set) && before.max == (before.increment > 0 ? old_hi : -1))
    spec.o.max = spec.o.increment > 0 ? hi : -1;
  if (!spec.min_set && (spec.type_set || spec.increment_set) && before.min == (before.increment > 0 ? 1 : old_lo))
    spec.o.min = spec.o.increment > 0 ? 1 : lo;
  CheckSequenceOptions(spec.o);
  std::optional<int64_t> restart;
  if (spec.restart) {
    restart = *spec.restart == INT64_MIN ? spec.o.start : *spec.restart;
    if (*restart < spec.o.min)
      throw Error(SqlState::kInvalidParameterValue, fmt::format("RESTART value ({}) cannot be less than MINVALUE ({})", *restart, spec.o.min));
    if (*restart > spec.o.max)
      throw Error(SqlState::kInvalidParameterValue,
                  fmt::format("RESTART value ({}) cannot be greater than MAXVALUE ({})", *restart, spec.o.max));
  }
  if (spec.owned_by && !spec.owned_by->empty()) CheckOwner(db.catalog(), *spec.owned_by);
  db.BeginCatalogChange();
  SequenceInfo& seq = db.mutable_catalog().sequences[name];  // the catalog is a fresh copy: the old one stays for rollback
  seq.options = spec.o;
  if (spec.owned_by) {
    seq.owned_table = spec.owned_by->empty() ? "" : OwnerTable(db.catalog(), *spec.owned_by);
    seq.owned_column = spec.owned_by->empty() ? "" : spec.owned_by->back();
  }
  {
    std::lock_guard<std::mutex> lock(seq.state->mu);
    if (restart) {
      seq.state->last_value = *restart;
      seq.state->is_called = false;
    }
    seq.state->log_remaining = 0;  // the horizon logged under the old options may not hold
  }
  db.RecordCatalogChange(sql, name);
}

void DropSequences(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "DROP SEQUENCE";
  const bool cascade = stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  bool changed = false;
  std::string logged;  // what was on disk: temporary sequences never were
  for (size_t k = 0; k < stmt->n_objects; ++k) {
    auto* list = stmt->objects[k]->list;
    const std::string name = NameListKey(db.catalog(), list->items, list->n_items);
    const SequenceInfo* seq = db.catalog().FindSequence(name);
    if (!seq) {
      if (db.catalog().NameTaken(name) && !stmt->missing_ok)
        throw Error(Status::Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a sequence", name))
                        .WithHint("Use DROP TABLE to remove a table."));
      if (stmt->missing_ok) {
        result.notices.push_back(fmt::format("NOTICE:  sequence \"{}\" does not exist, skipping", name));
        continue;
      }
      throw Error(SqlState::kUndefinedTable, fmt::format("sequence \"{}\" does not exist", name));
    }
    CheckRelationOwner(db.catalog(), name);
    if (seq->identity)
      throw Error(Status::Error(SqlState::kDependentObjects,
                                fmt::format("cannot drop sequence {} because column {} of table {} requires it", name, seq->owned_column,
                                            seq->owned_table))
                      .WithHint(fmt::format("You can drop column {} of table {} instead.", seq->owned_column, seq->owned_table)));
    // Column defaults that call it.
    std::vector<std::pair<std::string, std::string>> users;
    for (auto& [tname, t] : db.catalog().tables)
      for (auto& col : t->schema.columns)
        if (DefaultUses(db.catalog(), col.default_sql, name)) users.emplace_back(tname, col.name);
    if (!users.empty() && !cascade) {
      std::string detail;
      for (auto& [t, c] : users) detail += (detail.empty() ? "" : "\n") + fmt::format("default value for column {} of table {} depends on sequence {}", c, t, name);
      throw Error(Status::Error(SqlState::kDependentObjects, fmt::format("cannot drop sequence {} because other objects depend on it", name))
                      .WithDetail(detail)
                      .WithHint("Use DROP ... CASCADE to drop the dependent objects too."));
    }
    if (!changed) db.BeginCatalogChange();
    changed = true;
    for (auto& [t, c] : users) {
      result.notices.push_back(fmt::format("NOTICE:  drop cascades to default value for column {} of table {}", c, t));
      auto copy = db.CloneTableForDdl(t);
      copy->schema.columns[size_t(copy->schema.ColumnIndex(c))].default_sql.clear();
    }
    if (!IsTempRelationKey(name)) logged += (logged.empty() ? "" : ", ") + db.catalog().Quote(name);
    db.mutable_catalog().sequences.erase(name);
  }
  if (changed) {
    ForgetDroppedComments(db.mutable_catalog());
    ForgetDroppedPrivileges(db.mutable_catalog());
  }
  if (!logged.empty()) db.RecordCatalogChange("DROP SEQUENCE " + logged + (cascade ? " CASCADE" : ""), "");
}

std::string AddOwnedSequence(Database& db, const std::string& table, const std::string& column, const LogicalType& type,
                             PgQuery__Node** options, size_t n_options, bool identity) {
  Planner planner(db.catalog(), "");
  SequenceSpec spec;
  ReadSequenceOptions(options, n_options, planner, &spec);
  if (!spec.type_set) spec.o.type = type;  // SERIAL: integer; identity: the column's type
  if (spec.owned_by || spec.restart) throw Error(SqlState::kSyntaxError, "invalid option for an identity column's sequence");
  SequenceDefaults(&spec.o, spec.min_set, spec.max_set, spec.start_set);
  CheckSequenceOptions(spec.o);
  Catalog& cat = db.mutable_catalog();
  SequenceInfo seq;
  // Named after its table, in the table's schema (SEQUENCE NAME too: its schema part is ignored).
  seq.name = spec.sequence_name.empty() ? NewSequenceName(cat, table, column) : RelationKey(cat.Split(table).schema, spec.sequence_name);
  if (cat.NameTaken(seq.name)) throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", seq.name));
  seq.options = spec.o;
  seq.state->last_value = spec.o.start;
  seq.owned_table = table;
  seq.owned_column = column;
  seq.identity = identity;
  seq.id = cat.next_table_id++;
  const std::string name = seq.name;
  cat.sequences[name] = std::move(seq);
  return name;
}

std::string NextvalDefault(const Catalog& catalog, const std::string& name) {
  // As PostgreSQL shows it: bare in public, schema-qualified elsewhere.
  const QualifiedName q = catalog.Split(name);
  return fmt::format("nextval({}::regclass)", QuoteLiteral(q.schema == kPublicSchema ? QuoteIdent(q.name) : catalog.Quote(name)));
}

void DropOwnedSequences(Catalog& catalog, const std::string& table, const std::string& column) {
  for (auto it = catalog.sequences.begin(); it != catalog.sequences.end();)
    it = it->second.owned_table == table && (column.empty() || it->second.owned_column == column) ? catalog.sequences.erase(it)
                                                                                                    : std::next(it);
}

std::string SequencesBeforeTablesDdl(const Catalog& catalog) {
  std::string out;
  for (auto& [name, seq] : catalog.sequences)
    if (!seq.identity && !IsTempRelationKey(name)) out += SequenceDdl(seq, catalog) + ";\n";
  return out;
}

std::string SequencesAfterTablesDdl(const Catalog& catalog) {
  std::string out;
  for (auto& [name, seq] : catalog.sequences) {
    if (IsTempRelationKey(name)) continue;
    if (!seq.identity && !seq.owned_table.empty())
      out += fmt::format("ALTER SEQUENCE {} OWNED BY {}.{};\n", catalog.Quote(name), catalog.Quote(seq.owned_table), QuoteIdent(seq.owned_column));
    std::lock_guard<std::mutex> lock(seq.state->mu);
    out += SequenceSetvalSql(catalog, name, seq.state->last_value, seq.state->is_called) + ";\n";
  }
  return out;
}

void ResetSequenceLogs(const Catalog& catalog) {
  for (auto& [name, seq] : catalog.sequences) {
    std::lock_guard<std::mutex> lock(seq.state->mu);
    seq.state->log_remaining = 0;
  }
}

}  // namespace yunhe
