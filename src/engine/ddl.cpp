// CREATE / DROP / ALTER for tables, views and indexes. Each executor snapshots the catalog
// before changing it (rollback) and logs its statement text to the WAL (replayed verbatim).
#include <fmt/format.h>

#include <unordered_set>

#include <algorithm>
#include <cctype>

#include "common/status.h"
#include "common/time_util.h"
#include "engine/check_constraints.h"
#include "engine/comments.h"
#include "engine/foreign_keys.h"
#include "engine/grants.h"
#include "sql/privileges.h"
#include "engine/sequences.h"
#include "engine/view_dependencies.h"
#include "engine/statements.h"
#include "engine/policies.h"
#include "exec/expression_eval.h"
#include "exec/spatial_row_index.h"
#include "exec/value_row_index.h"
#include "functions/cast.h"
#include "sql/planner.h"
#include "sql/relation_names.h"
#include "storage/primary_key.h"

namespace yunhe {
namespace {

// PostgreSQL table storage parameters (heap and autovacuum tuning) accepted and ignored.
bool IgnoredHeapOption(const std::string& name) {
  static const char* const kNames[] = {"toast_tuple_target", "parallel_workers", "autovacuum_enabled",
                                       "vacuum_index_cleanup", "vacuum_truncate", "user_catalog_table",
                                       "log_autovacuum_min_duration"};
  for (const char* n : kNames)
    if (name == n) return true;
  return name.rfind("autovacuum_", 0) == 0 || name.rfind("toast.", 0) == 0;
}

// A PostgreSQL storage parameter of WITH (...) or ALTER TABLE SET (...): checked as PostgreSQL
// checks it, then kept as text (name=value) for pg_class.reloptions and the catalog file; heap
// and vacuum tuning mean nothing to a column store (pgbench -i sends fillfactor).
void SetStorageOption(TableSchema& s, const PgQuery__DefElem* d) {
  const std::string opt = d->defname;
  std::string value = "true";  // WITH (autovacuum_enabled): a bare boolean option
  if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) value = std::to_string(d->arg->integer->ival);
  else if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_STRING) value = d->arg->string->sval;
  else if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_FLOAT) value = d->arg->float_->fval;
  else if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_TYPE_NAME && d->arg->type_name->n_names)
    value = d->arg->type_name->names[d->arg->type_name->n_names - 1]->string->sval;  // WITH (x = false)
  if (opt == "fillfactor") {
    // An integer, written as one or quoted (fillfactor = '80', as the catalog file keeps it).
    char* end = nullptr;
    const long long parsed = value.empty() ? 0 : strtoll(value.c_str(), &end, 10);
    const bool integer = end && *end == '\0' && !value.empty();
    const int64_t v = integer ? parsed : -1;
    if (v < 10 || v > 100)
      throw Error(Status::Error(SqlState::kInvalidParameterValue,
                                integer ? fmt::format("value {} out of bounds for option \"fillfactor\"", v)
                                    : fmt::format("invalid value for integer option \"fillfactor\": {}", value))
                      .WithDetail("Valid values are between \"10\" and \"100\"."));
  } else if (!IgnoredHeapOption(opt)) {
    throw Error(SqlState::kInvalidParameterValue, fmt::format("unrecognized parameter \"{}\"", opt));
  }
  for (auto& [name, old] : s.storage_options)
    if (name == opt) return void(old = value);  // SET replaces in place, as PostgreSQL
  s.storage_options.emplace_back(opt, value);
}

std::string Lower(std::string s) {
  for (auto& c : s) c = char(tolower((unsigned char)c));
  return s;
}

// The text of an expression starting at byte `begin`: up to the next top-level ',' or ')' or a
// column-constraint keyword. Used to keep DEFAULT expressions as SQL text in the catalog.
std::string ExpressionText(const std::string& sql, int begin) {
  static const char* kStops[] = {"not", "null", "primary", "unique", "check", "references", "constraint",
                                 "default", "generated", "collate"};
  int depth = 0;
  size_t k = size_t(begin);
  while (k < sql.size()) {
    char c = sql[k];
    if (c == '\'') {
      ++k;
      while (k < sql.size() && !(sql[k] == '\'' && (k + 1 >= sql.size() || sql[k + 1] != '\''))) k += sql[k] == '\'' ? 2 : 1;
      ++k;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ',' && depth == 0) break;
    if (depth == 0 && isalpha((unsigned char)c) && (k == 0 || !isalnum((unsigned char)sql[k - 1]))) {
      size_t e = k;
      while (e < sql.size() && (isalnum((unsigned char)sql[e]) || sql[e] == '_')) ++e;
      std::string word = Lower(sql.substr(k, e - k));
      bool stop = false;
      for (auto* s : kStops) stop |= word == s;
      if (stop && k > size_t(begin)) break;
      k = e;
      continue;
    }
    ++k;
  }
  std::string out = sql.substr(begin, k - begin);
  while (!out.empty() && isspace((unsigned char)out.back())) out.pop_back();
  return out;
}

int NodeLocationOf(PgQuery__Node* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST: return n->a_const->location;
    case PG_QUERY__NODE__NODE_FUNC_CALL: return n->func_call->location;
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      // 'x'::type starts at the argument; CAST(x AS t) at the cast.
      int a = NodeLocationOf(n->type_cast->arg);
      return a >= 0 && a < n->type_cast->location ? a : n->type_cast->location;
    }
    case PG_QUERY__NODE__NODE_A_EXPR: {
      int l = n->a_expr->lexpr ? NodeLocationOf(n->a_expr->lexpr) : -1;
      return l >= 0 ? l : n->a_expr->location;
    }
    case PG_QUERY__NODE__NODE_COLUMN_REF: return n->column_ref->location;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: return n->sqlvalue_function->location;
    default: return -1;
  }
}

// SERIAL's spellings and the integer type each stands for (TypeId::kNull: not a serial).
TypeId SerialType(const PgQuery__TypeName* tn) {
  if (tn->n_names != 1 || tn->n_array_bounds) return TypeId::kNull;
  const std::string n = StrVal(tn->names[0]);
  if (n == "serial" || n == "serial4") return TypeId::kInt32;
  if (n == "bigserial" || n == "serial8") return TypeId::kInt64;
  if (n == "smallserial" || n == "serial2") return TypeId::kInt16;
  return TypeId::kNull;
}

// A UNIQUE constraint as written: its columns, and NULLS NOT DISTINCT (PostgreSQL 15: NULLs
// equal each other, so the line-protocol series key dedups points without every tag).
struct UniqueSpec {
  std::vector<std::string> columns;
  bool nulls_not_distinct = false;
};

// A FOREIGN KEY of a statement: its constraint, and the column of a column constraint.
struct PendingForeignKey {
  const PgQuery__Constraint* constraint;
  std::string column;
};

// A CHECK constraint of a statement, before it is named (engine/check_constraints.h).
PendingCheck PendingCheckOf(const PgQuery__Constraint* c, const std::string& sql) {
  return PendingCheck{c->conname ? c->conname : "", CheckExpressionText(sql, c->location), c->raw_expr, c->location};
}

std::string UnsupportedConstraint(const PgQuery__Constraint* c) {
  switch (c->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: return "FOREIGN KEY constraints are not supported yet";
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: return "EXCLUDE constraints are not supported";
    case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED: return "generated columns are not supported yet";
    default: return "this constraint is not supported";
  }
}

ColumnInfo BuildColumn(PgQuery__ColumnDef* def, const std::string& table, const std::string& sql, const Planner& planner,
                       std::vector<std::string>* pk, std::vector<UniqueSpec>* uniques,
                       std::vector<OwnedSequenceSpec>* owned, std::vector<PendingCheck>* checks,
                       std::vector<PendingForeignKey>* fks) {
  ColumnInfo col;
  int default_location = def->location, identity_location = -1;
  col.name = def->colname;
  col.not_null = def->is_not_null;
  if (const TypeId serial = SerialType(def->type_name); serial != TypeId::kNull) {
    // PostgreSQL: an integer column, NOT NULL, DEFAULT nextval of a sequence it owns.
    col.type = LogicalType(serial);
    col.not_null = true;
    owned->push_back(OwnedSequenceSpec{col.name, col.type, nullptr, 0, false});
  } else {
    col.type = Planner::ResolveTypeName(def->type_name, planner.CharPos(def->type_name->location));
  }
  for (size_t k = 0; k < def->n_constraints; ++k) {
    auto* c = def->constraints[k]->constraint;
    switch (c->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: col.not_null = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: col.not_null = false; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: {
        int loc = NodeLocationOf(c->raw_expr);
        if (loc < 0) throw Error(SqlState::kFeatureNotSupported, "this DEFAULT expression form is not supported", planner.CharPos(c->location));
        col.default_sql = ExpressionText(sql, loc);
        default_location = c->location;
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        col.not_null = true;
        pk->push_back(col.name);
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: uniques->push_back({{col.name}, bool(c->nulls_not_distinct)}); break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: {
        if (col.identity)
          throw Error(SqlState::kSyntaxError, fmt::format("multiple identity specifications for column \"{}\"", col.name),
                      planner.CharPos(c->location));
        if (!col.type.IsInteger())
          throw Error(SqlState::kInvalidParameterValue, "identity column type must be smallint, integer, or bigint");
        col.identity = c->generated_when && c->generated_when[0] == 'a' ? 'a' : 'd';
        identity_location = c->location;
        col.not_null = true;
        owned->push_back(OwnedSequenceSpec{col.name, col.type, c->options, c->n_options, true});
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: checks->push_back(PendingCheckOf(c, sql)); break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: fks->push_back({c, col.name}); break;
      default: throw Error(SqlState::kFeatureNotSupported, UnsupportedConstraint(c), planner.CharPos(c->location));
    }
  }
  if (!col.default_sql.empty() && (col.identity || (!owned->empty() && owned->back().column == col.name)))
    throw Error(SqlState::kSyntaxError,
                col.identity ? fmt::format("both default and identity specified for column \"{}\" of table \"{}\"", col.name, table)
                             : fmt::format("multiple default values specified for column \"{}\" of table \"{}\"", col.name, table),
                planner.CharPos(std::max(default_location, identity_location)));
  return col;
}

// retention = 'interval' (days or less: partitions are whole days or less); '' or '0' = keep.
void SetRetention(TableSchema& s, const std::string& value) {
  if (s.time_column < 0) throw Error(SqlState::kInvalidParameterValue, "retention needs PARTITION BY RANGE (timestamp_column)");
  Interval iv;
  if (!ParseInterval(value, &iv) || iv.months != 0 || iv.days < 0 || iv.ns < 0)
    throw Error(SqlState::kInvalidParameterValue,
                fmt::format("invalid retention \"{}\": use an interval of days, hours, minutes ...", value));
  s.retention_ns = int64_t(iv.days) * kNsPerDay + iv.ns;
}

// Validates a DEFAULT expression by binding it (no columns visible; nextval's sequence must exist).
void CheckDefault(const ColumnInfo& col, const Catalog& catalog) {
  BindColumnDefault(col.default_sql, col.type, catalog);
}

// " GENERATED ... AS IDENTITY (SEQUENCE NAME s ...)" with the sequence's options: recreates the
// sequence when the catalog file or the WAL is replayed.
std::string IdentityClause(const Catalog& catalog, const std::string& table, const ColumnInfo& col) {
  std::string out = col.identity == 'a' ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY";
  for (auto& [name, seq] : catalog.sequences) {
    if (!seq.identity || seq.owned_table != table || seq.owned_column != col.name) continue;
    const SequenceOptions& o = seq.options;
    out += fmt::format(" (SEQUENCE NAME {} INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {}{})", catalog.Quote(name),
                       o.increment, o.min, o.max, o.start, o.cache, o.cycle ? " CYCLE" : " NO CYCLE");
  }
  return out;
}

}  // namespace

std::string TableDdl(const TableSchema& s, const Catalog& catalog) {
  std::string out = "CREATE TABLE " + catalog.Quote(s.name) + " (";
  for (size_t c = 0; c < s.columns.size(); ++c) {
    const ColumnInfo& col = s.columns[c];
    out += (c ? ", " : "") + QuoteIdent(col.name) + " " + col.type.ToString();
    if (col.not_null) out += " NOT NULL";
    if (col.identity) out += IdentityClause(catalog, s.name, col);
    else if (!col.default_sql.empty()) out += " DEFAULT " + col.default_sql;
  }
  if (!s.primary_key.empty()) {
    out += !s.key_is_unique ? ", PRIMARY KEY (" : s.nulls_not_distinct ? ", UNIQUE NULLS NOT DISTINCT (" : ", UNIQUE (";
    for (size_t k = 0; k < s.primary_key.size(); ++k) out += (k ? ", " : "") + QuoteIdent(s.columns[s.primary_key[k]].name);
    out += ")";
  }
  for (const CheckConstraint& c : s.checks) out += ", CONSTRAINT " + QuoteIdent(c.name) + " CHECK (" + c.expr + ")";
  out += ")";
  std::vector<std::string> with;
  if (s.time_column >= 0) {
    out += " PARTITION BY RANGE (" + QuoteIdent(s.columns[s.time_column].name) + ")";
    with.push_back(fmt::format("partition_interval = '{}'", FormatInterval(Interval{0, 0, s.partition_interval_ns})));
    if (s.retention_ns > 0) with.push_back(fmt::format("retention = '{}'", FormatInterval(Interval{0, 0, s.retention_ns})));
  }
  for (auto& [name, value] : s.storage_options) with.push_back(QuoteIdent(name) + " = " + QuoteLiteral(value));
  for (size_t k = 0; k < with.size(); ++k) out += (k ? ", " : " WITH (") + with[k];
  if (!with.empty()) out += ")";
  return out;
}

void ExecuteCreateTable(Database& db, PgQuery__CreateStmt* stmt, const std::string& sql, QueryResult& result) {
  Planner planner(db.catalog(), sql);
  const std::string name = NewRangeVarKey(db.catalog(), stmt->relation);
  result.tag = "CREATE TABLE";
  if (db.catalog().NameTaken(name)) {
    if (stmt->if_not_exists) {
      result.notices.push_back(fmt::format("NOTICE:  relation \"{}\" already exists, skipping", stmt->relation->relname));
      return;
    }
    throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", stmt->relation->relname),
                planner.CharPos(stmt->relation->location));
  }
  CheckCreateRelation(db.catalog(), name);
  const bool on_commit = stmt->oncommit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DELETE_ROWS || stmt->oncommit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP;
  if (on_commit && !IsTempRelationKey(name))
    throw Error(SqlState::kInvalidTableDefinition, "ON COMMIT can only be used on temporary tables");
  if (IsTempRelationKey(name)) db.NoteTemporaryRelation();
  if (stmt->relation->relpersistence && stmt->relation->relpersistence[0] == 'u')
    result.notices.push_back("NOTICE:  UNLOGGED is ignored: the table is written to the WAL and is as durable as any other");
  auto table = std::make_shared<Table>();
  table->schema.name = name;
  table->schema.relname = db.catalog().Split(name).name;
  table->schema.nspname = db.catalog().Split(name).schema;
  std::vector<std::string> pk;
  std::vector<UniqueSpec> uniques;
  std::vector<OwnedSequenceSpec> owned;  // SERIAL and identity columns' sequences, made below
  std::vector<PendingCheck> checks;
  std::vector<PendingForeignKey> fks;
  for (size_t k = 0; k < stmt->n_table_elts; ++k) {
    PgQuery__Node* elt = stmt->table_elts[k];
    if (elt->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      ColumnInfo col = BuildColumn(elt->column_def, name, sql, planner, &pk, &uniques, &owned, &checks, &fks);
      if (table->schema.ColumnIndex(col.name) >= 0)
        throw Error(SqlState::kDuplicateColumn, fmt::format("column \"{}\" specified more than once", col.name),
                    planner.CharPos(elt->column_def->location));
      if (!col.default_sql.empty()) CheckDefault(col, db.catalog());
      table->schema.columns.push_back(col);
    } else if (elt->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      auto* c = elt->constraint;
      if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
        for (size_t kk = 0; kk < c->n_keys; ++kk) pk.push_back(StrVal(c->keys[kk]));
      } else if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
        uniques.emplace_back();
        uniques.back().nulls_not_distinct = c->nulls_not_distinct;
        for (size_t kk = 0; kk < c->n_keys; ++kk) uniques.back().columns.push_back(StrVal(c->keys[kk]));
      } else if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
        checks.push_back(PendingCheckOf(c, sql));
      } else if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
        fks.push_back({c, ""});
      } else {
        throw Error(SqlState::kFeatureNotSupported, UnsupportedConstraint(c), planner.CharPos(c->location));
      }
    } else {
      throw Error(SqlState::kFeatureNotSupported, "LIKE and inheritance in CREATE TABLE are not supported");
    }
  }
  AddCheckConstraints(db.catalog(), table->schema, checks, planner);
  // One key per table so far: the PRIMARY KEY, or else a single UNIQUE constraint.
  for (auto& u : uniques) {
    if (!pk.empty() && u.columns == pk) continue;
    if (!pk.empty() || uniques.size() > 1)
      throw Error(SqlState::kFeatureNotSupported, "only one PRIMARY KEY or UNIQUE constraint per table is supported so far");
    pk = u.columns;
    table->schema.key_is_unique = true;
    table->schema.nulls_not_distinct = u.nulls_not_distinct;
  }
  for (auto& k : pk) {
    int idx = table->schema.ColumnIndex(k);
    if (idx < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" named in key does not exist", k));
    if (!table->schema.key_is_unique) table->schema.columns[idx].not_null = true;
    table->schema.primary_key.push_back(idx);
  }
  if (stmt->partspec) {
    std::string strategy = Lower(stmt->partspec->strategy ? stmt->partspec->strategy : "");
    if (strategy != "range" || stmt->partspec->n_part_params != 1)
      throw Error(SqlState::kFeatureNotSupported, "only PARTITION BY RANGE (timestamp_column) is supported",
                  planner.CharPos(stmt->partspec->location));
    auto* pe = stmt->partspec->part_params[0]->partition_elem;
    std::string col = pe->name ? pe->name : "";
    int idx = table->schema.ColumnIndex(col);
    if (idx < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" named in partition key does not exist", col),
                  planner.CharPos(pe->location));
    TypeId t = table->schema.columns[idx].type.id;
    if (t != TypeId::kTimestamp && t != TypeId::kTimestampTz && t != TypeId::kDate)
      throw Error(SqlState::kDatatypeMismatch,
                  fmt::format("partition column \"{}\" must be a timestamp, timestamptz or date, not {}", col,
                              table->schema.columns[idx].type.ToString()),
                  planner.CharPos(pe->location));
    table->schema.time_column = idx;
    table->schema.partition_interval_ns = kNsPerDay;
  }
  for (size_t k = 0; k < stmt->n_options; ++k) {
    auto* d = stmt->options[k]->def_elem;
    std::string opt = d->defname;
    std::string value = d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_STRING ? d->arg->string->sval : "";
    if (opt == "partition_interval") {
      if (table->schema.time_column < 0)
        throw Error(SqlState::kInvalidParameterValue, "partition_interval needs PARTITION BY RANGE (timestamp_column)");
      Interval iv;
      if (!ParseInterval(value, &iv) || iv.months != 0 || int64_t(iv.days) * kNsPerDay + iv.ns <= 0)
        throw Error(SqlState::kInvalidParameterValue,
                    fmt::format("invalid partition_interval \"{}\": use a positive interval of days or less", value));
      table->schema.partition_interval_ns = int64_t(iv.days) * kNsPerDay + iv.ns;
    } else if (opt == "retention") {
      SetRetention(table->schema, value);
    } else {
      SetStorageOption(table->schema, d);
    }
  }
  for (const PendingForeignKey& f : fks)
    table->schema.foreign_keys.push_back(BuildForeignKey(db.catalog(), table->schema, f.constraint, f.column, planner));
  table->data.Init(table->schema.Types());
  table->data.SetPartitioning(table->schema.time_column, table->schema.partition_interval_ns);
  db.BeginCatalogChange();
  // The WAL gets a SERIAL's sequence before the table whose default names it, its owner after;
  // an identity column's sequence comes back from the table's own definition.
  std::vector<std::string> owner_ddl;
  for (const OwnedSequenceSpec& o : owned) {
    ColumnInfo& col = table->schema.columns[size_t(table->schema.ColumnIndex(o.column))];
    const std::string seq_name = AddOwnedSequence(db, name, o.column, o.type, o.options, o.n_options, o.identity);
    col.default_sql = NextvalDefault(db.catalog(), seq_name);
    if (o.identity) continue;
    const SequenceInfo& seq = *db.catalog().FindSequence(seq_name);
    db.RecordCatalogChange(SequenceDdl(seq, db.catalog()), seq.name);
    owner_ddl.push_back(fmt::format("ALTER SEQUENCE {} OWNED BY {}.{}", db.catalog().Quote(seq.name),
                                    db.catalog().Quote(name), QuoteIdent(o.column)));
  }
  table->id = db.mutable_catalog().next_table_id++;
  db.mutable_catalog().tables[name] = table;
  db.RecordCatalogChange(TableDdl(table->schema, db.catalog()), name);
  for (const std::string& ddl : owner_ddl) db.RecordCatalogChange(ddl, name);
  for (const std::string& ddl : ForeignKeysDdl(db.catalog(), table->schema)) db.RecordCatalogChange(ddl, name);
  if (on_commit) db.NoteOnCommitAction(name, stmt->oncommit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP ? 'd' : 'r');
  // Its creator owns it, and the sequences it owns.
  RecordNewRelationOwner(db, name);
  for (auto& [seq_name, seq] : db.catalog().sequences)
    if (seq.owned_table == name) RecordNewRelationOwner(db, seq_name);
}

void ExecuteCreateTableAs(Database& db, PgQuery__CreateTableAsStmt* stmt, const std::string& sql, QueryResult& result) {
  auto* into = stmt->into;
  const std::string name = NewRangeVarKey(db.catalog(), into->rel);
  result.tag = "SELECT 0";
  if (db.catalog().NameTaken(name)) {
    if (stmt->if_not_exists) {
      result.notices.push_back(fmt::format("NOTICE:  relation \"{}\" already exists, skipping", into->rel->relname));
      result.tag = "CREATE TABLE AS";
      return;
    }
    throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", into->rel->relname));
  }
  CheckCreateRelation(db.catalog(), name);
  if (IsTempRelationKey(name)) db.NoteTemporaryRelation();
  const bool drop = into->on_commit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DROP;
  if (drop || into->on_commit == PG_QUERY__ON_COMMIT_ACTION__ONCOMMIT_DELETE_ROWS) {
    if (!IsTempRelationKey(name)) throw Error(SqlState::kInvalidTableDefinition, "ON COMMIT can only be used on temporary tables");
    db.NoteOnCommitAction(name, drop ? 'd' : 'r');  // (a failure below rolls the table back: nothing to act on)
  }
  Planner planner(db.catalog(), sql);
  PlannedQuery q = planner.PlanSelect(stmt->query, nullptr);
  auto table = std::make_shared<Table>();
  table->schema.name = name;
  table->schema.relname = db.catalog().Split(name).name;
  table->schema.nspname = db.catalog().Split(name).schema;
  for (size_t c = 0; c < q.names.size(); ++c) {
    std::string col = c < into->n_col_names ? StrVal(into->col_names[c]) : q.names[c];
    LogicalType t = q.types[c].id == TypeId::kNull ? LogicalType(TypeId::kText) : q.types[c];
    table->schema.columns.push_back(ColumnInfo{col, t, false, ""});
  }
  table->data.Init(table->schema.Types());
  db.BeginCatalogChange();
  table->id = db.mutable_catalog().next_table_id++;
  db.mutable_catalog().tables[name] = table;
  db.RecordCatalogChange(TableDdl(table->schema, db.catalog()), name);
  RecordNewRelationOwner(db, name);
  // Streamed a chunk at a time, as INSERT ... SELECT: a result larger than memory goes to the
  // table as it comes (and is sealed into parts as it goes, Database::MaybeSealStatement). The
  // query was planned before the table existed, so it cannot read its own rows.
  ExecContext ctx;
  q.plan->Open(ctx);
  size_t n = 0;
  while (true) {
    DataChunk chunk;
    chunk.Init(q.plan->types);
    if (!q.plan->Pull(ctx, chunk)) break;
    for (size_t c = 0; c < chunk.columns.size(); ++c)
      if (chunk.columns[c].type() != table->schema.columns[c].type)
        chunk.columns[c] = CastVector(chunk.columns[c], table->schema.columns[c].type);
    db.RecordAppend(table, chunk);
    n += chunk.count;
  }
  result.tag = fmt::format("SELECT {}", n);
}

namespace {

// DROP TABLE of a table other tables' foreign keys reference: 2BP01, or with CASCADE those
// constraints go (logged before the drop; tables dropped by the same statement do not count).
void DropReferencingKeys(Database& db, const PgQuery__DropStmt* stmt, const std::string& name, QueryResult& result) REQUIRES(db.mutex()) {
  if (db.in_replay()) return;
  std::set<std::string> dropped;
  for (size_t k = 0; k < stmt->n_objects; ++k)
    dropped.insert(NameListKey(db.catalog(), stmt->objects[k]->list->items, stmt->objects[k]->list->n_items));
  const std::string parent = db.catalog().Split(name).name;
  for (auto& [child, fk_index] : ReferencingKeys(db.catalog(), name)) {
    if (dropped.count(child)) continue;
    const std::string fk = db.catalog().FindTable(child)->schema.foreign_keys[fk_index].name;
    const std::string on = fmt::format("constraint {} on table {}", fk, db.catalog().Split(child).name);
    if (stmt->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
      throw Error(Status::Error(SqlState::kDependentObjects, fmt::format("cannot drop table {} because other objects depend on it", parent))
                      .WithDetail(on + " depends on table " + parent)
                      .WithHint("Use DROP ... CASCADE to drop the dependent objects too."));
    result.notices.push_back("NOTICE:  drop cascades to " + on);
    auto t = db.CloneTableForDdl(child);
    std::erase_if(t->schema.foreign_keys, [&](const ForeignKey& f) { return f.name == fk; });
    db.RecordCatalogChange(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", db.catalog().Quote(child), QuoteIdent(fk)), child);
  }
}

}  // namespace

void ExecuteDrop(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) {
  const char* what = stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ? "table"
                   : stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? "view"
                   : stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX ? "index" : nullptr;
  if (!what) throw Error(SqlState::kFeatureNotSupported, "only DROP TABLE, DROP VIEW and DROP INDEX are supported");
  result.tag = fmt::format("DROP {}", what == std::string("table") ? "TABLE" : what == std::string("view") ? "VIEW" : "INDEX");
  bool changed = false;
  std::string logged, first_dropped;
  const bool relation = std::string(what) != "index";
  const std::set<std::string> views_before = relation ? PlannableViews(db.catalog()) : std::set<std::string>();
  for (size_t k = 0; k < stmt->n_objects; ++k) {
    auto* list = stmt->objects[k]->list;
    Catalog& cat = db.mutable_catalog();
    const std::string name = NameListKey(cat, list->items, list->n_items);
    bool exists = std::string(what) == "table" ? cat.tables.count(name) > 0
                : std::string(what) == "view" ? cat.views.count(name) > 0 : cat.indexes.count(name) > 0;
    if (!exists) {
      bool other = cat.NameTaken(name);
      if (other && !stmt->missing_ok)
        throw Error(Status::Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a {}", name, what)));
      if (stmt->missing_ok) {
        result.notices.push_back(fmt::format("NOTICE:  {} \"{}\" does not exist, skipping", what, name));
        continue;
      }
      throw Error(std::string(what) == "index" ? SqlState::kUndefinedObject : SqlState::kUndefinedTable,
                  fmt::format("{} \"{}\" does not exist", what, name));
    }
    CheckRelationOwner(cat, std::string(what) == "index" ? cat.indexes.at(name).table : name);
    if (!changed) db.BeginCatalogChange();
    changed = true;
    if (first_dropped.empty()) first_dropped = cat.Split(name).name;
    if (!IsTempRelationKey(name)) logged += (logged.empty() ? "" : ", ") + cat.Quote(name);
    if (std::string(what) == "table") {
      DropReferencingKeys(db, stmt, name, result);
      cat.tables.erase(name);
      DropOwnedSequences(cat, name);
      for (auto it = cat.indexes.begin(); it != cat.indexes.end();)
        it = it->second.table == name ? cat.indexes.erase(it) : std::next(it);
    } else if (std::string(what) == "view") {
      cat.views.erase(name);
    } else {
      cat.indexes.erase(name);
    }
  }
  if (changed) {
    ForgetDroppedComments(db.mutable_catalog());
    ForgetDroppedPrivileges(db.mutable_catalog());
    if (relation)
      DropDependentViews(db, views_before, "drop", std::string(what) + " " + first_dropped,
                         stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE, result);
  }
  // The WAL gets the drop of what was on disk: temporary relations never were.
  if (!logged.empty()) db.RecordCatalogChange(fmt::format("DROP {} {}", result.tag.substr(5), logged), "");
}

namespace {

// ALTER TABLE ... ADD [CONSTRAINT name] PRIMARY KEY (cols) | UNIQUE (cols) on a table with rows:
// PostgreSQL's checks (NULLs in a primary key, duplicates) and messages, then the table's one key.
// fn(the live rows of a row group) for each of the table's groups: what a constraint added to a
// table with rows is checked against.
template <class Fn>
void ForEachLiveGroup(const Table& table, Fn&& fn) {
  for (size_t g = 0; g < table.data.group_count(); ++g) {
    DataChunk live = table.data.group(g);
    std::vector<uint32_t> keep;
    for (size_t r = 0; r < live.count; ++r)
      if (!table.data.deleted(g)[r]) keep.push_back(uint32_t(r));
    live.Select(keep);
    fn(live);
  }
}

// CHECK constraints added to a table that may have rows: each checked against every live row.
void AddChecks(Database& db, Table& table, const std::vector<PendingCheck>& checks, const Planner& planner) REQUIRES(db.mutex()) {
  if (checks.empty()) return;
  const size_t before = table.schema.checks.size();
  AddCheckConstraints(db.catalog(), table.schema, checks, planner);
  if (table.schema.checks.size() == before) return;
  const Catalog& catalog = db.catalog();
  ForEachLiveGroup(table, [&](const DataChunk& live) {
    for (const PendingCheck& p : checks)
      for (const CheckConstraint& c : table.schema.checks)
        if (c.expr == p.expr && (p.name.empty() || c.name == p.name)) ValidateCheckConstraint(catalog, table.schema, c, live);
  });
}

// A FOREIGN KEY added to a table that may have rows: every live row is checked (not on replay).
void AddForeignKey(Database& db, Table& table, const PendingForeignKey& f, const Planner& planner) REQUIRES(db.mutex()) {
  table.schema.foreign_keys.push_back(BuildForeignKey(db.catalog(), table.schema, f.constraint, f.column, planner));
  if (db.in_replay()) return;
  TableSchema only = table.schema;
  only.foreign_keys = {table.schema.foreign_keys.back()};
  const Catalog& catalog = db.catalog();
  ForEachLiveGroup(table, [&](const DataChunk& live) { CheckChildRows(catalog, only, live); });
}

void AddKeyConstraint(Table& table, PgQuery__Constraint* c, const Planner& planner) {
  TableSchema& s = table.schema;
  const bool primary = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
  if (!primary && c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)
    throw Error(SqlState::kFeatureNotSupported, "only PRIMARY KEY and UNIQUE constraints can be added so far", planner.CharPos(c->location));
  std::vector<int> key;
  for (size_t k = 0; k < c->n_keys; ++k) {
    const std::string col = StrVal(c->keys[k]);
    const int idx = s.ColumnIndex(col);
    if (idx < 0) throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", col, s.name));
    key.push_back(idx);
  }
  if (primary && !s.primary_key.empty() && !s.key_is_unique)
    throw Error(SqlState::kInvalidTableDefinition, fmt::format("multiple primary keys for table \"{}\" are not allowed", s.name));
  if (!s.primary_key.empty())
    throw Error(SqlState::kFeatureNotSupported, "only one PRIMARY KEY or UNIQUE constraint per table is supported so far");
  s.primary_key = key;
  s.key_is_unique = !primary;
  s.nulls_not_distinct = !primary && c->nulls_not_distinct;
  table.pk_maps.clear();
  std::unordered_set<std::string> seen;
  for (size_t g = 0; g < table.data.group_count(); ++g) {
    const DataChunk chunk = table.data.group(g);
    const auto& deleted = table.data.deleted(g);
    for (size_t r = 0; r < chunk.count; ++r) {
      if (deleted[r]) continue;
      if (KeyHasNull(table, chunk, r)) {
        if (!primary) continue;  // NULLs never conflict in a UNIQUE key
        for (int idx : key)
          if (chunk.columns[size_t(idx)].IsNull(r))
            throw Error(SqlState::kNotNullViolation,
                        fmt::format("column \"{}\" of relation \"{}\" contains null values", s.columns[size_t(idx)].name, s.name));
      }
      if (!seen.insert(PrimaryKeyOf(table, chunk, r)).second) {
        std::string cols, vals;
        for (size_t k = 0; k < key.size(); ++k) {
          cols += (k ? ", " : "") + s.columns[size_t(key[k])].name;
          vals += (k ? ", " : "") + chunk.columns[size_t(key[k])].GetValue(r).ToString();
        }
        const std::string index = c->conname && c->conname[0] ? c->conname : PrimaryKeyConstraintName(table);
        throw Error(Status::Error(SqlState::kUniqueViolation, fmt::format("could not create unique index \"{}\"", index))
                        .WithDetail(fmt::format("Key ({})=({}) is duplicated.", cols, vals)));
      }
    }
  }
  if (primary)
    for (int idx : key) s.columns[size_t(idx)].not_null = true;
}

}  // namespace

void ExecuteTruncate(Database& db, PgQuery__TruncateStmt* stmt, const std::string& sql, QueryResult& result) {
  // All tables are checked before any is emptied; then each is replaced by an empty copy (the
  // catalog before is the undo entry, the statement text the WAL record replay runs again).
  std::vector<std::string> names;
  for (size_t k = 0; k < stmt->n_relations; ++k) {
    auto* rv = stmt->relations[k]->range_var;
    const std::string name = RangeVarKey(db.catalog(), rv);
    if (!db.catalog().FindTable(name)) {  // (PostgreSQL gives no position for these)
      if (db.catalog().FindView(name)) throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a table", name));
      throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
    }
    CheckRelationPrivilege(db.catalog(), name, kPrivTruncate);
    names.push_back(name);
  }
  // Tables whose foreign keys reference these: truncated too with CASCADE, else refused.
  for (size_t k = 0; k < names.size() && !db.in_replay(); ++k)
    for (auto& [child, fk] : ReferencingKeys(db.catalog(), names[k])) {
      if (std::find(names.begin(), names.end(), child) != names.end()) continue;
      if (stmt->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE)
        throw Error(Status::Error(SqlState::kFeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint")
                        .WithDetail(fmt::format("Table \"{}\" references \"{}\".", db.catalog().Split(child).name, db.catalog().Split(names[k]).name))
                        .WithHint(fmt::format("Truncate table \"{}\" at the same time, or use TRUNCATE ... CASCADE.", db.catalog().Split(child).name)));
      CheckRelationPrivilege(db.catalog(), child, kPrivTruncate);
      result.notices.push_back(fmt::format("NOTICE:  truncate cascades to table \"{}\"", db.catalog().Split(child).name));
      names.push_back(child);
    }
  db.BeginCatalogChange();
  for (const std::string& name : names) {
    auto table = db.CloneTableForDdl(name);
    table->data.Clear();
    table->pk_maps.clear();
  }
  // RESTART IDENTITY: the sequences the tables own start over, at once and logged as sequence
  // changes (not again when the TRUNCATE is replayed, which would undo later nextval calls
  // logged before its commit). Unlike PostgreSQL, a rollback does not undo it.
  SequenceAccess* sequences = CurrentStatement().sequences.load();
  if (stmt->restart_seqs && !db.in_replay() && sequences)
    for (auto& [seq_name, seq] : db.catalog().sequences)
      if (std::find(names.begin(), names.end(), seq.owned_table) != names.end()) sequences->SetVal(seq_name, seq.options.start, false);
  std::string logged;  // temporary tables never were on disk
  for (const std::string& name : names)
    if (!IsTempRelationKey(name)) logged += (logged.empty() ? "" : ", ") + db.catalog().Quote(name);
  if (!logged.empty()) db.RecordCatalogChange("TRUNCATE " + logged, "");
  result.tag = "TRUNCATE TABLE";
}

void ExecuteAlterTable(Database& db, PgQuery__AlterTableStmt* stmt, const std::string& sql, QueryResult& result) {
  const std::string name = RangeVarKey(db.catalog(), stmt->relation);
  result.tag = "ALTER TABLE";
  Planner planner(db.catalog(), sql);
  if (!db.catalog().FindTable(name)) {
    if (stmt->missing_ok) {
      result.notices.push_back(fmt::format("NOTICE:  relation \"{}\" does not exist, skipping", name));
      return;
    }
    throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name),
                planner.CharPos(stmt->relation->location));
  }
  CheckRelationOwner(db.catalog(), name);
  // Dropping a column may break views that read it (view_dependencies.h).
  const PgQuery__AlterTableCmd* last_drop = nullptr;
  for (size_t k = 0; k < stmt->n_cmds; ++k)
    if (stmt->cmds[k]->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn) last_drop = stmt->cmds[k]->alter_table_cmd;
  const std::set<std::string> views_before = last_drop ? PlannableViews(db.catalog()) : std::set<std::string>();
  db.BeginCatalogChange();
  auto table = db.CloneTableForDdl(name);
  TableSchema& s = table->schema;
  for (size_t k = 0; k < stmt->n_cmds; ++k) {
    auto* cmd = stmt->cmds[k]->alter_table_cmd;
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
        std::vector<std::string> pk;
        std::vector<UniqueSpec> uniques;
        std::vector<OwnedSequenceSpec> owned;
        std::vector<PendingCheck> checks;
        std::vector<PendingForeignKey> fks;
        ColumnInfo col = BuildColumn(cmd->def->column_def, name, sql, planner, &pk, &uniques, &owned, &checks, &fks);
        if (!pk.empty() || !uniques.empty())
          throw Error(SqlState::kFeatureNotSupported, "adding a PRIMARY KEY or UNIQUE column is not supported yet");
        if (s.ColumnIndex(col.name) >= 0) {
          if (cmd->missing_ok) {
            result.notices.push_back(fmt::format("NOTICE:  column \"{}\" of relation \"{}\" already exists, skipping", col.name, name));
            continue;
          }
          throw Error(SqlState::kDuplicateColumn, fmt::format("column \"{}\" of relation \"{}\" already exists", col.name, name));
        }
        if (!owned.empty()) {
          // Numbering the rows already there would make replaying this statement depend on the
          // sequence's state at the time: only on an empty table for now.
          if (table->data.live_count() > 0)
            throw Error(SqlState::kFeatureNotSupported, "adding a serial or identity column to a table with rows is not supported yet");
          col.default_sql = NextvalDefault(db.catalog(), AddOwnedSequence(db, name, col.name, col.type, owned[0].options, owned[0].n_options, owned[0].identity));
        } else if (!col.default_sql.empty()) {
          CheckDefault(col, db.catalog());
        }
        Value fill = Value::Null(col.type);
        if (!col.default_sql.empty() && owned.empty()) {
          ExecContext ctx;
          fill = EvaluateConstant(*BindColumnDefault(col.default_sql, col.type, db.catalog()), ctx);
        }
        if (col.not_null && fill.is_null && table->data.live_count() > 0)
          throw Error(SqlState::kNotNullViolation, fmt::format("column \"{}\" of relation \"{}\" contains null values", col.name, name));
        s.columns.push_back(col);
        table->data.AddColumn(col.type, fill);
        AddChecks(db, *table, checks, planner);
        for (const PendingForeignKey& f : fks) AddForeignKey(db, *table, f, planner);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions: {
        const bool reset = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions;
        auto* list = cmd->def->list;
        for (size_t o = 0; o < list->n_items; ++o) {
          auto* d = list->items[o]->def_elem;
          std::string opt = d->defname;
          std::string value = d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_STRING ? d->arg->string->sval : "";
          if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) value = std::to_string(d->arg->integer->ival);
          if (opt == "retention") {
            if (reset) s.retention_ns = 0;
            else SetRetention(s, value);
          } else if (opt == "partition_interval") {
            throw Error(SqlState::kFeatureNotSupported, "ALTER TABLE SET (partition_interval) is not supported: the partitions are on disk");
          } else if (reset) {
            std::erase_if(s.storage_options, [&](const auto& o) { return o.first == opt; });
          } else {
            SetStorageOption(s, d);
          }
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: {
        int idx = s.ColumnIndex(cmd->name);
        if (idx < 0) {
          if (cmd->missing_ok) {
            result.notices.push_back(fmt::format("NOTICE:  column \"{}\" of relation \"{}\" does not exist, skipping", cmd->name, name));
            continue;
          }
          throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", cmd->name, name));
        }
        if (idx == s.time_column)
          throw Error(SqlState::kFeatureNotSupported, fmt::format("cannot drop column \"{}\": it is the partition key", cmd->name));
        for (int pk : s.primary_key)
          if (pk == idx) throw Error(SqlState::kFeatureNotSupported, "cannot drop a primary key column");
        // As PostgreSQL: indexes on the column go with it, and its column privileges.
        Catalog& cat = db.mutable_catalog();
        cat.column_acls.erase({name, cmd->name});
        for (auto it = cat.indexes.begin(); it != cat.indexes.end();) {
          const auto& cols = it->second.columns;
          const bool uses = it->second.table == name && std::find(cols.begin(), cols.end(), cmd->name) != cols.end();
          it = uses ? cat.indexes.erase(it) : std::next(it);
        }
        DropOwnedSequences(cat, name, cmd->name);
        s.columns.erase(s.columns.begin() + idx);
        table->data.DropColumn(size_t(idx));
        DropChecksOfMissingColumns(db.catalog(), s);
        std::erase_if(s.foreign_keys, [&](const ForeignKey& f) { return std::find(f.columns.begin(), f.columns.end(), cmd->name) != f.columns.end(); });
        if (s.time_column > idx) --s.time_column;
        for (int& pk : s.primary_key)
          if (pk > idx) --pk;
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault: {
        int idx = s.ColumnIndex(cmd->name);
        if (idx < 0) throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", cmd->name, name));
        if (cmd->def) {
          int loc = NodeLocationOf(cmd->def);
          if (loc < 0) throw Error(SqlState::kFeatureNotSupported, "this DEFAULT expression form is not supported");
          if (s.columns[idx].identity)
            throw Error(SqlState::kSyntaxError, fmt::format("column \"{}\" of relation \"{}\" is an identity column", cmd->name, name));
          s.columns[idx].default_sql = ExpressionText(sql, loc);
          CheckDefault(s.columns[idx], db.catalog());
        } else {
          s.columns[idx].default_sql.clear();
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: {
        int idx = s.ColumnIndex(cmd->name);
        if (idx < 0) throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", cmd->name, name));
        bool set = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull;
        if (set) {
          for (size_t g = 0; g < table->data.group_count(); ++g) {
            const DataChunk& chunk = table->data.group(g);
            for (size_t r = 0; r < chunk.count; ++r)
              if (!table->data.deleted(g)[r] && chunk.columns[idx].IsNull(r))
                throw Error(SqlState::kNotNullViolation, fmt::format("column \"{}\" of relation \"{}\" contains null values", cmd->name, name));
          }
        }
        s.columns[idx].not_null = set;
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        if (cmd->def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) AddChecks(db, *table, {PendingCheckOf(cmd->def->constraint, sql)}, planner);
        else if (cmd->def->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) AddForeignKey(db, *table, {cmd->def->constraint, ""}, planner);
        else AddKeyConstraint(*table, cmd->def->constraint, planner);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: {
        // The table's one key, by the name pg_constraint shows (t_pkey, t_a_b_key). Its columns
        // stay NOT NULL, as in PostgreSQL.
        const std::string constraint = cmd->name ? cmd->name : "";
        if (std::erase_if(s.checks, [&](const CheckConstraint& c) { return c.name == constraint; })) break;
        if (std::erase_if(s.foreign_keys, [&](const ForeignKey& f) { return f.name == constraint; })) break;
        if (s.primary_key.empty() || constraint != PrimaryKeyConstraintName(*table)) {
          if (cmd->missing_ok) {
            result.notices.push_back(fmt::format("NOTICE:  constraint \"{}\" of relation \"{}\" does not exist, skipping", constraint, stmt->relation->relname));
            continue;
          }
          throw Error(SqlState::kUndefinedObject, fmt::format("constraint \"{}\" of relation \"{}\" does not exist", constraint, stmt->relation->relname));
        }
        s.primary_key.clear();
        s.key_is_unique = false;
        s.nulls_not_distinct = false;
        table->pk_maps.clear();
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity: s.row_security = true; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity: s.row_security = false; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity: s.force_row_security = true; break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity: s.force_row_security = false; break;
      default: throw Error(SqlState::kFeatureNotSupported, "this ALTER TABLE form is not supported");
    }
  }
  table->data.SetPartitioning(s.time_column, s.partition_interval_ns);
  ForgetDroppedComments(db.mutable_catalog());  // of dropped columns
  if (last_drop)
    DropDependentViews(db, views_before, "drop", fmt::format("column {} of table {}", last_drop->name, db.catalog().Split(name).name),
                       last_drop->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE, result);
  db.RecordCatalogChange(sql, name);
}

namespace {

// A view is kept as its query's text: a rename RenameInViews could not carry into it is refused
// (the view would break, and the catalog file with it).
void CheckRenameKeepsViews(Database& db, const std::set<std::string>& before, const std::string& object) REQUIRES(db.mutex()) {
  const std::vector<std::string> broken = BrokenViews(db.catalog(), before);
  if (broken.empty() || db.in_replay()) return;
  throw Error(Status::Error(SqlState::kFeatureNotSupported,
                            fmt::format("cannot rename {}: view {} reads it by name", object, db.catalog().Split(broken[0]).name))
                  .WithHint("Drop the view, rename, then create the view again."));
}

}  // namespace

void ExecuteRename(Database& db, PgQuery__RenameStmt* stmt, const std::string& sql, QueryResult& result) {
  if (stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY) return ExecuteRenamePolicy(db, stmt, sql, result);
  Catalog& cat = db.mutable_catalog();
  const std::string name = stmt->relation ? RangeVarKey(cat, stmt->relation) : "";
  std::string new_name = stmt->newname;
  const std::set<std::string> views_before = PlannableViews(cat);
  if (stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) {
    new_name = RelationKey(cat.Split(name).schema, new_name);  // a rename stays in its schema
    result.tag = stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? "ALTER VIEW" : "ALTER TABLE";
    if (!cat.tables.count(name) && !cat.views.count(name))
      throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
    CheckRelationOwner(cat, name);
    if (cat.NameTaken(new_name))
      throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", new_name));
    db.BeginCatalogChange();
    MovePrivileges(cat, name, new_name);
    if (cat.tables.count(name)) {
      auto t = db.CloneTableForDdl(name);
      cat.tables.erase(name);
      t->schema.name = new_name;
      t->schema.relname = cat.Split(new_name).name;
      cat.tables[new_name] = t;
      for (auto& [k, idx] : cat.indexes)
        if (idx.table == name) idx.table = new_name;
      for (auto& [k, seq] : cat.sequences)
        if (seq.owned_table == name) seq.owned_table = new_name;
      MoveComments(cat, name, "", new_name);
      for (auto& [child, fk] : ReferencingKeys(cat, name)) db.CloneTableForDdl(child)->schema.foreign_keys[fk].ref_table = new_name;
      for (ForeignKey& fk : cat.tables[new_name]->schema.foreign_keys)
        if (fk.ref_table == name) fk.ref_table = new_name;  // itself
    } else {
      ViewInfo v = cat.views[name];
      cat.views.erase(name);
      MoveComments(cat, name, "", new_name);
      v.name = new_name;
      cat.views[new_name] = v;
    }
    RenameInViews(cat, views_before, name, "", stmt->newname);
    CheckRenameKeepsViews(db, views_before, fmt::format("{} {}", cat.views.count(new_name) ? "view" : "table", cat.Split(name).name));
    db.RecordCatalogChange(sql, name);
    return;
  }
  if (stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN) {
    result.tag = "ALTER TABLE";
    if (!cat.tables.count(name)) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
    CheckRelationOwner(cat, name);
    std::string col = stmt->subname;
    db.BeginCatalogChange();
    auto t = db.CloneTableForDdl(name);
    int idx = t->schema.ColumnIndex(col);
    if (idx < 0) throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" does not exist", col));
    if (t->schema.ColumnIndex(new_name) >= 0)
      throw Error(SqlState::kDuplicateColumn, fmt::format("column \"{}\" of relation \"{}\" already exists", new_name, name));
    t->schema.columns[idx].name = new_name;
    RenameColumnInChecks(t->schema, col, new_name);
    for (ForeignKey& fk : t->schema.foreign_keys)
      std::replace(fk.columns.begin(), fk.columns.end(), col, new_name);
    for (auto& [child, k] : ReferencingKeys(cat, name)) {
      auto& ref = (child == name ? t : db.CloneTableForDdl(child))->schema.foreign_keys[k].ref_columns;
      std::replace(ref.begin(), ref.end(), col, new_name);
    }
    for (auto& [k, seq] : cat.sequences)
      if (seq.owned_table == name && seq.owned_column == col) seq.owned_column = new_name;
    MoveComments(cat, name, col, new_name);
    if (auto acl = cat.column_acls.extract({name, col})) {  // its column privileges follow it
      acl.key().second = new_name;
      cat.column_acls.insert(std::move(acl));
    }
    for (auto& [k, index] : cat.indexes)
      if (index.table == name)
        for (auto& c : index.columns)
          if (c == col) c = new_name;
    RenameInViews(cat, views_before, name, col, new_name);
    CheckRenameKeepsViews(db, views_before, fmt::format("column {} of table {}", col, cat.Split(name).name));
    db.RecordCatalogChange(sql, name);
    return;
  }
  throw Error(SqlState::kFeatureNotSupported, "this RENAME form is not supported");
}

void ExecuteCreateView(Database& db, PgQuery__ViewStmt* stmt, const std::string& sql, QueryResult& result) {
  Catalog& cat = db.mutable_catalog();
  const std::string name = NewRangeVarKey(cat, stmt->view);
  if (IsTempRelationKey(name)) db.NoteTemporaryRelation();
  result.tag = "CREATE VIEW";
  if (cat.tables.count(name) || cat.indexes.count(name) || (cat.views.count(name) && !stmt->replace))
    throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", name));
  const bool replaces = cat.views.count(name) > 0;
  if (replaces) CheckRelationOwner(cat, name);
  else CheckCreateRelation(cat, name);
  // The view body is the text after the AS that starts the query.
  std::string lower = Lower(sql);
  size_t pos = std::string::npos;
  for (size_t k = 0; k + 2 < lower.size(); ++k) {
    if (lower.compare(k, 2, "as") != 0) continue;
    if (k > 0 && (isalnum((unsigned char)lower[k - 1]) || lower[k - 1] == '_')) continue;
    if (isalnum((unsigned char)lower[k + 2]) || lower[k + 2] == '_') continue;
    size_t j = k + 2;
    while (j < lower.size() && isspace((unsigned char)lower[j])) ++j;
    if (lower.compare(j, 6, "select") == 0 || lower.compare(j, 4, "with") == 0 || lower.compare(j, 6, "values") == 0 ||
        lower[j] == '(') {
      pos = j;
      break;
    }
  }
  if (pos == std::string::npos) throw Error(SqlState::kSyntaxError, "could not find the query of CREATE VIEW");
  std::string body = sql.substr(pos);
  while (!body.empty() && (isspace((unsigned char)body.back()) || body.back() == ';')) body.pop_back();
  ViewInfo v;
  v.name = name;
  v.sql = body;
  for (size_t k = 0; k < stmt->n_aliases; ++k) v.column_names.push_back(StrVal(stmt->aliases[k]));
  size_t columns = v.column_names.size();
  try {
    columns = Planner(db.catalog(), sql).PlanSelect(stmt->query, nullptr).names.size();
  } catch (const Error&) {
    // Replay keeps a view that no longer plans (a directory written before drops checked
    // dependent views may have one): the database opens, and only that view's reads fail.
    if (!db.in_replay()) throw;
  }
  if (v.column_names.size() > columns)
    throw Error(SqlState::kSyntaxError, "CREATE VIEW specifies more column names than columns");
  db.BeginCatalogChange();
  v.id = replaces ? cat.views[name].id : cat.next_table_id++;  // OR REPLACE keeps the view's OID
  cat.views[name] = v;
  db.RecordCatalogChange(sql, name);
  if (!replaces) RecordNewRelationOwner(db, name);
}

void ExecuteCreateIndex(Database& db, PgQuery__IndexStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "CREATE INDEX";
  Catalog& cat = db.mutable_catalog();
  const std::string table = RangeVarKey(cat, stmt->relation);
  auto t = cat.FindTable(table);
  if (!t) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", table));
  CheckRelationOwner(cat, table);
  IndexInfo idx;
  idx.table = table;
  idx.unique = stmt->unique;
  for (size_t k = 0; k < stmt->n_index_params; ++k) {
    auto* e = stmt->index_params[k]->index_elem;
    if (!e->name || !e->name[0]) throw Error(SqlState::kFeatureNotSupported, "expression indexes are not supported");
    if (t->schema.ColumnIndex(e->name) < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" does not exist", e->name));
    idx.columns.push_back(e->name);
  }
  if (stmt->access_method && stmt->access_method[0]) idx.method = stmt->access_method;
  static const char* kMethods[] = {"btree", "hash", "gist", "spgist", "gin", "brin"};
  if (std::find_if(std::begin(kMethods), std::end(kMethods), [&](const char* m) { return idx.method == m; }) == std::end(kMethods))
    throw Error(SqlState::kUndefinedObject, fmt::format("access method \"{}\" does not exist", idx.method));
  if (idx.method == "gist") {
    // Only geometry has a GiST operator class here (PostGIS's gist_geometry_ops_2d).
    for (const std::string& c : idx.columns) {
      const LogicalType& type = t->schema.columns[size_t(t->schema.ColumnIndex(c))].type;
      if (type.id != TypeId::kGeometry)
        throw Error(SqlState::kUndefinedObject,
                    fmt::format("data type {} has no default operator class for access method \"gist\"", type.ToString()));
    }
  }
  // An index lives in its table's schema.
  idx.name = stmt->idxname && stmt->idxname[0] ? RelationKey(cat.Split(table).schema, stmt->idxname) : table + "_" + idx.columns[0] + "_idx";
  if (cat.NameTaken(idx.name)) {
    if (stmt->if_not_exists) {
      result.notices.push_back(fmt::format("NOTICE:  relation \"{}\" already exists, skipping", idx.name));
      return;
    }
    throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", idx.name));
  }
  db.BeginCatalogChange();
  idx.id = cat.next_table_id++;
  cat.indexes[idx.name] = idx;
  db.RecordCatalogChange(sql, table);
  // Build the index now, as PostgreSQL does at CREATE INDEX, not at the first query.
  std::vector<uint32_t> counts;
  for (size_t g = 0; g < t->data.group_count(); ++g) counts.push_back(uint32_t(t->data.group_rows(g)));
  const size_t first = size_t(t->schema.ColumnIndex(idx.columns[0]));
  if (idx.method == "gist" && idx.columns.size() == 1) GetSpatialRowIndex(t, t->data, first, counts);
  if ((idx.method == "btree" || idx.method == "hash") && ValueIndexable(t->schema.columns[first].type))
    GetValueRowIndex(t, t->data, first, counts);
}

}  // namespace yunhe
