// INSERT, UPDATE, DELETE (with RETURNING). UPDATE is delete + append of the new row version.
#include <fmt/format.h>

#include <set>

#include <functional>

#include "common/statement_context.h"
#include "common/status.h"
#include "storage/primary_key.h"
#include "engine/statements.h"
#include "engine/check_constraints.h"

#include <algorithm>
#include <unordered_set>
#include <utility>
#include "exec/basic_operators.h"
#include "exec/expression_eval.h"
#include "functions/cast.h"
#include "sql/planner.h"
#include "sql/parse_tree_walk.h"
#include "sql/privileges.h"
#include "sql/relation_names.h"

namespace yunhe {
namespace {

// The columns of `schema` a statement's parse trees name (a `*` names them all): what column
// privileges must cover when the table's own do not.
std::vector<std::string> NamedColumns(const TableSchema& schema, std::initializer_list<std::pair<PgQuery__Node* const*, size_t>> lists) {
  std::set<std::string> names;
  for (auto& [nodes, n] : lists)
    for (size_t k = 0; k < n; ++k)
      WalkParseTree(&nodes[k]->base, [&](const ProtobufCMessage* m) {
        if (m->descriptor != &pg_query__column_ref__descriptor) return true;
        auto* ref = reinterpret_cast<const PgQuery__ColumnRef*>(m);
        if (ref->n_fields == 0) return true;
        const PgQuery__Node* last = ref->fields[ref->n_fields - 1];
        if (last->node_case == PG_QUERY__NODE__NODE_A_STAR)
          for (const ColumnInfo& c : schema.columns) names.insert(c.name);
        else if (last->node_case == PG_QUERY__NODE__NODE_STRING && schema.ColumnIndex(last->string->sval) >= 0)
          names.insert(last->string->sval);
        return true;
      });
  return {names.begin(), names.end()};
}

// Per privilege bit, the columns a statement needs it on (column privileges may stand in for the
// table's SELECT, INSERT, UPDATE); nullptr: the table's privilege only.
using NeededColumns = std::function<std::vector<std::string>(const TableSchema&, uint32_t bit)>;

// The target of INSERT/UPDATE/DELETE, checked for the privileges the statement needs.
std::shared_ptr<Table> TargetTable(Database& db, PgQuery__RangeVar* rv, const Planner& planner, const char* verb, uint32_t privileges,
                                   const NeededColumns& columns = nullptr) REQUIRES(db.mutex()) {
  const std::string name = RangeVarKey(db.catalog(), rv);
  auto table = db.catalog().FindTable(name);
  if (!table) {
    if (db.catalog().FindView(name))
      throw Error(SqlState::kWrongObjectType, fmt::format("cannot {} view \"{}\"", verb, rv->relname), planner.CharPos(rv->location));
    throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name), planner.CharPos(rv->location));
  }
  const std::string& role = CurrentStatement().current_user;
  for (uint32_t bit = 1; bit <= privileges; bit <<= 1) {
    if (!(privileges & bit)) continue;
    if (columns && (bit & kColumnPrivileges) && !HasRelationPrivilege(db.catalog(), role, name, bit) &&
        HasSchemaPrivilege(db.catalog(), role, db.catalog().Split(name).schema, kPrivUsage)) {
      const std::vector<std::string> cols = columns(table->schema, bit);
      bool covered = !cols.empty() || HasAnyColumnPrivilege(db.catalog(), role, name, bit);
      for (const std::string& c : cols) covered = covered && HasColumnPrivilege(db.catalog(), role, name, c, bit);
      if (covered) continue;
    }
    CheckRelationPrivilege(db.catalog(), name, bit);
  }
  return table;
}

// Whether any of the parse trees reads a column: then the statement needs SELECT on its target
// too (PostgreSQL asks for it on the columns read in WHERE, SET expressions and RETURNING).
bool ReadsColumns(std::initializer_list<std::pair<PgQuery__Node* const*, size_t>> lists) {
  bool reads = false;
  for (auto& [nodes, n] : lists)
    for (size_t k = 0; k < n && !reads; ++k)
      WalkParseTree(&nodes[k]->base, [&](const ProtobufCMessage* m) {
        if (m->descriptor == &pg_query__column_ref__descriptor) reads = true;
        return !reads;
      });
  return reads;
}

Scope TableScope(const Table& t, const std::string& label) { return ColumnsScope(t.schema, label); }

ExprPtr DefaultExpr(const ColumnInfo& col, const Catalog& catalog) {
  return BindColumnDefault(col.default_sql, col.type, catalog);
}

void CheckNotNull(const Table& t, const DataChunk& chunk) {
  for (size_t c = 0; c < t.schema.columns.size(); ++c) {
    if (!t.schema.columns[c].not_null) continue;
    const Vector& v = chunk.columns[c];
    for (size_t r = 0; r < chunk.count; ++r) {
      if (v.IsNull(r))
        throw Error(Status::Error(SqlState::kNotNullViolation,
                                  fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                                              t.schema.columns[c].name, t.schema.RelName()))
                        .WithDetail("Failing row contains " + FailingRowText(chunk, r) + ".")
                        .WithObject(t.schema.RelName(), t.schema.columns[c].name, "", t.schema.nspname));
    }
  }
}

// RETURNING: evaluates the list over the rows written.
void Returning(Planner& planner, const Table& t, PgQuery__Node** list, size_t n, const std::vector<DataChunk>& chunks,
               QueryResult& result) {
  if (n == 0) return;
  Scope scope = TableScope(t, planner.catalog().Split(t.schema.name).name);
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names;
  for (size_t k = 0; k < n; ++k) {
    auto* rt = list[k]->res_target;
    PgQuery__Node* v = rt->val;
    if (v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
        v->column_ref->fields[v->column_ref->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
      for (size_t c = 0; c < t.schema.columns.size(); ++c) {
        exprs.push_back(MakeColumn(int(c), t.schema.columns[c].type, t.schema.columns[c].name));
        names.push_back(t.schema.columns[c].name);
      }
      continue;
    }
    ExprPtr e = planner.BindExpression(v, scope);
    if (e->unknown_literal) e = planner.CoerceTo(e, TypeId::kText);
    exprs.push_back(e);
    names.push_back(rt->name && rt->name[0] ? rt->name : Planner::ColumnNameOf(v));
  }
  result.returns_rows = true;
  result.names = names;
  for (auto& e : exprs) result.types.push_back(e->type);
  ExecContext ctx;
  for (const auto& chunk : chunks) {
    DataChunk out;
    for (auto& e : exprs) out.columns.push_back(Evaluate(*e, chunk, ctx));
    out.count = chunk.count;
    result.chunks.push_back(std::move(out));
  }
}

// Splits `rows` into new keys (left in `rows`) and keys that already exist: DO NOTHING drops
// those, DO UPDATE rewrites the existing row from its SET list (EXCLUDED = the proposed row).
void ResolveConflicts(Database& db, const std::shared_ptr<Table>& table, DataChunk& rows, bool update,
                      const std::vector<ExprPtr>& set, const ExprPtr& where, ExecContext& ctx,
                      std::vector<DataChunk>* written, size_t* total, bool keep_written) REQUIRES(db.mutex()) {
  Table& t = *table;
  std::vector<uint32_t> fresh, conflicting;
  std::vector<uint64_t> existing_ids;
  std::unordered_set<std::string> seen;
  for (size_t r = 0; r < rows.count; ++r) {
    if (KeyHasNull(t, rows, r)) {  // a UNIQUE key with a NULL never conflicts
      fresh.push_back(uint32_t(r));
      continue;
    }
    std::string key = PrimaryKeyOf(t, rows, r);
    bool repeat = !seen.insert(key).second;
    if (repeat) {
      if (update)
        throw Error(Status::Error(SqlState::kCardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time")
                        .WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values."));
      continue;  // DO NOTHING: the first copy wins
    }
    const int64_t existing = FindPrimaryKey(t, rows, r, key);
    if (existing < 0) {
      fresh.push_back(uint32_t(r));
    } else if (update) {
      conflicting.push_back(uint32_t(r));
      existing_ids.push_back(uint64_t(existing));
    }
  }
  if (update && !conflicting.empty()) {
    // Rows for the SET list: existing columns, then EXCLUDED columns.
    DataChunk combined;
    combined.count = conflicting.size();
    const size_t ncols = t.schema.columns.size();
    for (size_t c = 0; c < ncols; ++c) {
      Vector v(t.schema.columns[c].type);
      for (uint64_t id : existing_ids) v.AppendFrom(t.data.column(id / kChunkRows, c), id % kChunkRows);
      combined.columns.push_back(std::move(v));
    }
    for (size_t c = 0; c < ncols; ++c) combined.columns.push_back(rows.columns[c].Gather(conflicting));
    std::vector<uint32_t> apply(conflicting.size());
    for (size_t k = 0; k < apply.size(); ++k) apply[k] = uint32_t(k);
    if (where) apply = EvaluateFilter(*where, combined, ctx);
    if (!apply.empty()) {
      DataChunk updated;
      updated.count = combined.count;
      for (size_t c = 0; c < ncols; ++c) {
        Vector v = set[c] ? Evaluate(*set[c], combined, ctx) : combined.columns[c];
        if (v.type() != t.schema.columns[c].type) v = CastVector(v, t.schema.columns[c].type);
        updated.columns.push_back(std::move(v));
      }
      if (apply.size() != updated.count) updated.Select(apply);
      CheckNotNull(t, updated);
      std::vector<uint64_t> old;
      for (uint32_t k : apply) old.push_back(existing_ids[k]);
      db.RecordDelete(table, old, /*by_update=*/true);
      db.RecordAppend(table, updated, false, 'w');
      *total += updated.count;
      if (keep_written) written->push_back(std::move(updated));
    }
  }
  if (fresh.size() != rows.count) rows.Select(fresh);
}

}  // namespace

void ExecuteInsert(Database& db, PgQuery__InsertStmt* stmt, const std::string& sql, QueryResult& result) {
  Planner planner(db.catalog(), sql);
  uint32_t needed = kPrivInsert;
  if (stmt->n_returning_list || (stmt->on_conflict_clause && stmt->on_conflict_clause->infer)) needed |= kPrivSelect;
  if (stmt->on_conflict_clause && stmt->on_conflict_clause->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE) needed |= kPrivUpdate;
  auto table = TargetTable(db, stmt->relation, planner, "insert into", needed, [&](const TableSchema& s, uint32_t bit) {
    std::vector<std::string> cols;
    if (bit == kPrivInsert) {
      // The columns given values: the list, else as many as a VALUES row has, else all.
      for (size_t k = 0; k < stmt->n_cols; ++k) cols.push_back(stmt->cols[k]->res_target->name);
      if (cols.empty()) {
        size_t n = s.columns.size();
        auto* sel = stmt->select_stmt && stmt->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT ? stmt->select_stmt->select_stmt : nullptr;
        if (sel && sel->n_values_lists > 0 && sel->values_lists[0]->node_case == PG_QUERY__NODE__NODE_LIST)
          n = std::min(n, sel->values_lists[0]->list->n_items);
        for (size_t c = 0; c < n; ++c) cols.push_back(s.columns[c].name);
      }
    } else if (bit == kPrivSelect) {
      cols = NamedColumns(s, {{stmt->returning_list, stmt->n_returning_list}});
    } else if (bit == kPrivUpdate && stmt->on_conflict_clause) {
      for (size_t k = 0; k < stmt->on_conflict_clause->n_target_list; ++k) cols.push_back(stmt->on_conflict_clause->target_list[k]->res_target->name);
    }
    return cols;
  });
  // ON CONFLICT: the target must be the primary key (the only unique constraint so far).
  PgQuery__OnConflictClause* oc = stmt->on_conflict_clause;
  std::vector<ExprPtr> conflict_set;  // per column: new value expression or null
  ExprPtr conflict_where;
  Scope conflict_scope;
  if (oc) {
    if (table->schema.primary_key.empty())
      throw Error(SqlState::kInvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification");
    if (oc->infer) {
      std::vector<int> cols;
      for (size_t k = 0; k < oc->infer->n_index_elems; ++k) {
        auto* e = oc->infer->index_elems[k]->index_elem;
        cols.push_back(table->schema.ColumnIndex(e->name ? e->name : ""));
      }
      std::vector<int> pk = table->schema.primary_key;
      std::sort(cols.begin(), cols.end());
      std::sort(pk.begin(), pk.end());
      if (cols != pk)
        throw Error(SqlState::kInvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification",
                    planner.CharPos(oc->infer->location));
    } else if (oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE) {
      throw Error(SqlState::kSyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                  planner.CharPos(oc->location));
    }
    if (oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE) {
      std::string label = stmt->relation->alias ? stmt->relation->alias->aliasname : stmt->relation->relname;
      for (auto& c : table->schema.columns) conflict_scope.columns.push_back(ScopeColumn{label, c.name, c.type, false});
      for (auto& c : table->schema.columns) conflict_scope.columns.push_back(ScopeColumn{"excluded", c.name, c.type, false});
      conflict_set.assign(table->schema.columns.size(), nullptr);
      for (size_t k = 0; k < oc->n_target_list; ++k) {
        auto* rt = oc->target_list[k]->res_target;
        int idx = table->schema.ColumnIndex(rt->name);
        if (idx < 0)
          throw Error(SqlState::kUndefinedColumn,
                      fmt::format("column \"{}\" of relation \"{}\" does not exist", rt->name, table->schema.name),
                      planner.CharPos(rt->location));
        conflict_set[idx] = planner.BindAndCoerce(rt->val, conflict_scope, table->schema.columns[idx].type);
      }
      if (oc->where_clause) conflict_where = planner.CoerceTo(planner.BindExpression(oc->where_clause, conflict_scope), TypeId::kBool);
    }
  }
  if (stmt->with_clause) throw Error(SqlState::kFeatureNotSupported, "WITH in INSERT is not supported yet");
  const TableSchema& schema = table->schema;
  std::vector<int> targets;
  if (stmt->n_cols == 0) {
    for (size_t c = 0; c < schema.columns.size(); ++c) targets.push_back(int(c));
  } else {
    for (size_t k = 0; k < stmt->n_cols; ++k) {
      auto* rt = stmt->cols[k]->res_target;
      int idx = schema.ColumnIndex(rt->name);
      if (idx < 0)
        throw Error(SqlState::kUndefinedColumn,
                    fmt::format("column \"{}\" of relation \"{}\" does not exist", rt->name, schema.name),
                    planner.CharPos(rt->location));
      for (int t : targets)
        if (t == idx)
          throw Error(SqlState::kDuplicateColumn, fmt::format("column \"{}\" specified more than once", rt->name),
                      planner.CharPos(rt->location));
      targets.push_back(idx);
    }
  }
  // Defaults for the columns not given.
  // Without a column list, fewer values than columns fill the leading columns (PostgreSQL).
  if (stmt->n_cols == 0 && stmt->select_stmt) {
    auto* src_sel = stmt->select_stmt->select_stmt;
    size_t width = targets.size();
    if (src_sel->n_values_lists > 0 && src_sel->op == PG_QUERY__SET_OPERATION__SETOP_NONE)
      width = src_sel->values_lists[0]->list->n_items;
    if (width < targets.size()) targets.resize(width);
  }
  std::vector<ExprPtr> defaults(schema.columns.size());
  for (size_t c = 0; c < schema.columns.size(); ++c) defaults[c] = DefaultExpr(schema.columns[c], db.catalog());
  // Identity columns: GENERATED ALWAYS takes a value only with OVERRIDING SYSTEM VALUE;
  // OVERRIDING USER VALUE replaces the values given for any identity column by the sequence's.
  std::vector<bool> use_default(targets.size(), false);
  auto always_error = [&](int column) {
    const std::string& n = schema.columns[size_t(column)].name;
    return Error(Status::Error(SqlState::kGeneratedAlways, fmt::format("cannot insert a non-DEFAULT value into column \"{}\"", n))
                     .WithDetail(fmt::format("Column \"{}\" is an identity column defined as GENERATED ALWAYS.", n))
                     .WithHint("Use OVERRIDING SYSTEM VALUE to override."));
  };
  std::vector<bool> always(targets.size(), false);
  for (size_t k = 0; k < targets.size(); ++k) {
    const char identity = schema.columns[size_t(targets[k])].identity;
    if (identity && stmt->override == PG_QUERY__OVERRIDING_KIND__OVERRIDING_USER_VALUE) use_default[k] = true;
    else if (identity == 'a' && stmt->override != PG_QUERY__OVERRIDING_KIND__OVERRIDING_SYSTEM_VALUE) always[k] = true;
  }

  std::vector<DataChunk> written;
  size_t total = 0;
  ExecContext ctx;
  auto emit = [&](std::vector<Vector> given, size_t count) REQUIRES(db.mutex()) {
    DataChunk row_chunk;
    row_chunk.count = count;
    std::vector<Vector> full(schema.columns.size());
    std::vector<bool> set(schema.columns.size(), false);
    for (size_t k = 0; k < targets.size(); ++k) {
      if (use_default[k]) continue;
      full[targets[k]] = std::move(given[k]);
      set[targets[k]] = true;
    }
    DataChunk dummy;
    dummy.count = count;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      if (!set[c]) full[c] = Evaluate(*defaults[c], dummy, ctx);
      if (full[c].type() != schema.columns[c].type) full[c] = CastVector(full[c], schema.columns[c].type);
      row_chunk.columns.push_back(std::move(full[c]));
    }
    CheckNotNull(*table, row_chunk);
    if (oc) {
      ResolveConflicts(db, table, row_chunk, oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE, conflict_set,
                       conflict_where, ctx, &written, &total, stmt->n_returning_list > 0);
      if (row_chunk.count == 0) return;
    }
    db.RecordAppend(table, row_chunk);
    total += row_chunk.count;
    if (stmt->n_returning_list) written.push_back(std::move(row_chunk));
  };

  PgQuery__Node* src = stmt->select_stmt;
  if (!src) {
    // INSERT ... DEFAULT VALUES
    emit({}, 1);
  } else if (src->select_stmt->n_values_lists > 0 && src->select_stmt->op == PG_QUERY__SET_OPERATION__SETOP_NONE &&
             src->select_stmt->n_sort_clause == 0 && !src->select_stmt->limit_count) {
    // VALUES: bind each cell straight to its column type so bad literals report their position.
    Scope empty;
    DataChunk one;
    one.count = 1;
    std::vector<Vector> columns(targets.size());
    for (size_t k = 0; k < targets.size(); ++k) columns[k] = Vector(schema.columns[targets[k]].type);
    size_t rows = 0;
    for (size_t r = 0; r < src->select_stmt->n_values_lists; ++r) {
      auto* list = src->select_stmt->values_lists[r]->list;
      if (list->n_items > targets.size())
        throw Error(SqlState::kSyntaxError, "INSERT has more expressions than target columns");
      if (list->n_items < targets.size())
        throw Error(SqlState::kSyntaxError, "INSERT has more target columns than expressions");
      for (size_t k = 0; k < list->n_items; ++k) {
        const ColumnInfo& col = schema.columns[targets[k]];
        const bool is_default = list->items[k]->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT;
        if (!is_default && always[k]) throw always_error(targets[k]);
        if (use_default[k]) {  // emit() fills it from the sequence
          columns[k].Append(Value::Null(col.type));
          continue;
        }
        ExprPtr e = is_default ? defaults[targets[k]] : planner.BindAndCoerce(list->items[k], empty, col.type);
        Vector v = Evaluate(*e, one, ctx);
        columns[k].AppendFrom(v, 0);
      }
      if (++rows == kChunkRows) {
        emit(std::move(columns), rows);
        columns.assign(targets.size(), Vector());
        for (size_t k = 0; k < targets.size(); ++k) columns[k] = Vector(schema.columns[targets[k]].type);
        rows = 0;
      }
    }
    if (rows) emit(std::move(columns), rows);
  } else {
    std::unordered_set<const void*> read;  // the tables the SELECT scans
    PlannedQuery q;
    {
      StatementContext& statement = CurrentStatement();
      auto* outer = std::exchange(statement.tables_planned, &read);
      try {
        q = planner.PlanSelect(src, nullptr);
      } catch (...) {
        statement.tables_planned = outer;
        throw;
      }
      statement.tables_planned = outer;
      if (outer) outer->insert(read.begin(), read.end());
    }
    if (stmt->n_cols == 0 && q.types.size() < targets.size()) targets.resize(q.types.size());  // leading columns
    for (size_t k = 0; k < targets.size(); ++k)
      if (always[k]) throw always_error(targets[k]);
    if (q.types.size() > targets.size()) throw Error(SqlState::kSyntaxError, "INSERT has more expressions than target columns");
    if (q.types.size() < targets.size()) throw Error(SqlState::kSyntaxError, "INSERT has more target columns than expressions");
    for (size_t k = 0; k < targets.size(); ++k) {
      const LogicalType& want = schema.columns[targets[k]].type;
      if (q.types[k].id != TypeId::kNull && !CastExists(q.types[k], want))
        throw Error(Status::Error(SqlState::kDatatypeMismatch,
                                  fmt::format("column \"{}\" is of type {} but expression is of type {}",
                                              schema.columns[targets[k]].name, want.ToString(), q.types[k].ToString()))
                        .WithHint("You will need to rewrite or cast the expression."));
    }
    q.plan->Open(ctx);
    if (read.count(table.get())) {
      // Collect first: INSERT INTO t SELECT ... FROM t must not read its own rows.
      auto chunks = CollectAll(*q.plan, ctx);
      for (auto& chunk : chunks) emit(std::move(chunk.columns), chunk.count);
    } else {
      // Stream: a load larger than memory goes to the table a chunk at a time (and a large one
      // is sealed into parts as it goes, engine/database.h MaybeSealStatement).
      while (true) {
        DataChunk chunk;
        chunk.Init(q.plan->types);
        if (!q.plan->Pull(ctx, chunk)) break;
        emit(std::move(chunk.columns), chunk.count);
      }
    }
  }
  Returning(planner, *table, stmt->returning_list, stmt->n_returning_list, written, result);
  result.tag = fmt::format("INSERT 0 {}", total);
}

namespace {

// The rows an UPDATE/DELETE touches: target columns, then the row id, then the columns of the
// other FROM/USING items. `ids_column` receives the row id's position.
std::vector<DataChunk> MatchingRows(Planner& planner, const std::string& table, const std::string& label, int location,
                                    PgQuery__Node** from, size_t n_from, PgQuery__Node* where, Scope* scope) {
  PlannedQuery q = planner.PlanDmlSource(table, label, location, from, n_from, where, scope);
  ExecContext ctx;
  q.plan->Open(ctx);
  return CollectAll(*q.plan, ctx);
}

// Row ids of the target (column `ids_column`), each row once even when a join matched it more
// than once (PostgreSQL updates a row at most once per statement). Returns the kept positions.
std::vector<uint32_t> FirstMatches(const DataChunk& chunk, size_t ids_column, std::unordered_set<uint64_t>* seen,
                                   std::vector<uint64_t>* ids) {
  std::vector<uint32_t> keep;
  const Vector& v = chunk.columns[ids_column];
  for (size_t r = 0; r < chunk.count; ++r) {
    uint64_t id = uint64_t(v.i64()[r]);
    if (!seen->insert(id).second) continue;
    keep.push_back(uint32_t(r));
    ids->push_back(id);
  }
  return keep;
}

}  // namespace

void ExecuteUpdate(Database& db, PgQuery__UpdateStmt* stmt, const std::string& sql, QueryResult& result) {
  Planner planner(db.catalog(), sql);
  PgQuery__Node* where = stmt->where_clause;
  const bool reads = ReadsColumns({{stmt->target_list, stmt->n_target_list}, {stmt->returning_list, stmt->n_returning_list}, {&where, where ? 1u : 0u}});
  auto table = TargetTable(db, stmt->relation, planner, "update", kPrivUpdate | (reads ? uint32_t(kPrivSelect) : 0u), [&](const TableSchema& s, uint32_t bit) {
    std::vector<std::string> cols;
    if (bit == kPrivUpdate)
      for (size_t k = 0; k < stmt->n_target_list; ++k) cols.push_back(stmt->target_list[k]->res_target->name);
    else
      cols = NamedColumns(s, {{stmt->target_list, stmt->n_target_list}, {stmt->returning_list, stmt->n_returning_list}, {&where, where ? 1u : 0u}});
    return cols;
  });
  const TableSchema& schema = table->schema;
  std::string label = stmt->relation->alias ? stmt->relation->alias->aliasname : stmt->relation->relname;
  Scope scope;
  auto chunks = MatchingRows(planner, schema.name, label, stmt->relation->location, stmt->from_clause, stmt->n_from_clause,
                             stmt->where_clause, &scope);
  std::vector<ExprPtr> set(schema.columns.size());
  for (size_t k = 0; k < stmt->n_target_list; ++k) {
    auto* rt = stmt->target_list[k]->res_target;
    int idx = schema.ColumnIndex(rt->name);
    if (idx < 0)
      throw Error(SqlState::kUndefinedColumn,
                  fmt::format("column \"{}\" of relation \"{}\" does not exist", rt->name, schema.name),
                  planner.CharPos(rt->location));
    if (set[idx])
      throw Error(SqlState::kSyntaxError, fmt::format("multiple assignments to same column \"{}\"", rt->name),
                  planner.CharPos(rt->location));
    if (rt->val->node_case == PG_QUERY__NODE__NODE_SET_TO_DEFAULT) {
      set[idx] = DefaultExpr(schema.columns[idx], db.catalog());
    } else {
      if (schema.columns[idx].identity == 'a')
        throw Error(Status::Error(SqlState::kGeneratedAlways, fmt::format("column \"{}\" can only be updated to DEFAULT", rt->name))
                        .WithDetail(fmt::format("Column \"{}\" is an identity column defined as GENERATED ALWAYS.", rt->name)));
      set[idx] = planner.BindAndCoerce(rt->val, scope, schema.columns[idx].type);
    }
  }
  ExecContext ctx;
  size_t total = 0;
  // Compute every new row version before changing anything (a statement sees one snapshot).
  std::vector<DataChunk> new_rows;
  std::vector<std::vector<uint64_t>> old_ids;
  std::unordered_set<uint64_t> seen;
  const size_t ids_column = schema.columns.size();
  for (auto& chunk : chunks) {
    std::vector<uint64_t> ids;
    std::vector<uint32_t> keep = FirstMatches(chunk, ids_column, &seen, &ids);
    if (keep.empty()) continue;
    if (keep.size() != chunk.count) chunk.Select(keep);
    old_ids.push_back(std::move(ids));
    DataChunk out;
    out.count = chunk.count;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      Vector v = set[c] ? Evaluate(*set[c], chunk, ctx) : chunk.columns[c];
      if (v.type() != schema.columns[c].type) v = CastVector(v, schema.columns[c].type);
      out.columns.push_back(std::move(v));
    }
    CheckNotNull(*table, out);
    new_rows.push_back(std::move(out));
  }
  for (size_t k = 0; k < new_rows.size(); ++k) {
    db.RecordDelete(table, old_ids[k], /*by_update=*/true);
    db.RecordAppend(table, new_rows[k], false, 'w');
    total += new_rows[k].count;
  }
  Returning(planner, *table, stmt->returning_list, stmt->n_returning_list, new_rows, result);
  result.tag = fmt::format("UPDATE {}", total);
}

void ExecuteDelete(Database& db, PgQuery__DeleteStmt* stmt, const std::string& sql, QueryResult& result) {
  Planner planner(db.catalog(), sql);
  PgQuery__Node* where = stmt->where_clause;
  const bool reads = ReadsColumns({{stmt->returning_list, stmt->n_returning_list}, {&where, where ? 1u : 0u}});
  auto table = TargetTable(db, stmt->relation, planner, "delete from", kPrivDelete | (reads ? uint32_t(kPrivSelect) : 0u), [&](const TableSchema& s, uint32_t) {
    return NamedColumns(s, {{stmt->returning_list, stmt->n_returning_list}, {&where, where ? 1u : 0u}});
  });
  std::string label = stmt->relation->alias ? stmt->relation->alias->aliasname : stmt->relation->relname;
  Scope scope;
  planner.SetDmlCommand('d');
  auto chunks = MatchingRows(planner, table->schema.name, label, stmt->relation->location, stmt->using_clause,
                             stmt->n_using_clause, stmt->where_clause, &scope);
  size_t total = 0;
  std::unordered_set<uint64_t> seen;
  const size_t ids_column = table->schema.columns.size();
  for (auto& chunk : chunks) {
    std::vector<uint64_t> ids;
    std::vector<uint32_t> keep = FirstMatches(chunk, ids_column, &seen, &ids);
    if (keep.size() != chunk.count) chunk.Select(keep);
    db.RecordDelete(table, ids);
    total += chunk.count;
    chunk.columns.resize(ids_column);  // RETURNING sees the target's columns
  }
  Returning(planner, *table, stmt->returning_list, stmt->n_returning_list, chunks, result);
  result.tag = fmt::format("DELETE {}", total);
}

}  // namespace yunhe
