#include "engine/foreign_keys.h"

#include <fmt/format.h>

#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "common/sql_text.h"
#include "engine/check_constraints.h"
#include "common/status.h"
#include "functions/cast.h"
#include "sql/planner.h"
#include "sql/relation_names.h"
#include "sql/system_catalog.h"
#include "storage/primary_key.h"

namespace yunhe {

namespace {

std::vector<std::string> Names(PgQuery__Node* const* nodes, size_t n) {
  std::vector<std::string> out;
  for (size_t k = 0; k < n; ++k) out.push_back(nodes[k]->string->sval);
  return out;
}

std::vector<int> Indexes(const TableSchema& s, const std::vector<std::string>& names) {
  std::vector<int> out;
  for (const std::string& n : names) out.push_back(s.ColumnIndex(n));
  return out;
}

// A key as text, its values cast to the parent's column types: equal keys, equal text.
std::string KeyText(const std::vector<Value>& values) {
  std::string out;
  for (const Value& v : values) out += v.ToString() + '\x1f';
  return out;
}

// Row r's key columns `cols` of `rows`, cast to `types`; false when one is NULL (MATCH SIMPLE).
bool RowKey(const DataChunk& rows, size_t r, const std::vector<int>& cols, const std::vector<LogicalType>& types, std::vector<Value>* key) {
  key->clear();
  for (size_t k = 0; k < cols.size(); ++k) {
    Value v = rows.columns[size_t(cols[k])].GetValue(r);
    if (v.is_null) return false;
    key->push_back(v.type == types[k] ? v : CastValue(v, types[k]));
  }
  return true;
}

std::vector<LogicalType> TypesOf(const TableSchema& s, const std::vector<int>& cols) {
  std::vector<LogicalType> out;
  for (int c : cols) out.push_back(s.columns[size_t(c)].type);
  return out;
}

// Calls fn(group chunk, row) for every live row of t.
template <class Fn>
void ForEachLiveRow(const Table& t, Fn&& fn) {
  for (size_t g = 0; g < t.data.group_count(); ++g) {
    const DataChunk chunk = t.data.group(g);
    const auto& deleted = t.data.deleted(g);
    for (size_t r = 0; r < chunk.count; ++r)
      if (!deleted[r]) fn(chunk, r, uint64_t(g) * kChunkRows + r);
  }
}

// Whether the parent holds `key` (values of `ref_cols`, which are its key columns) as a live
// row: the key map's point lookup, or a scan where the map cannot tell (a block's copy).
class ParentKeys {
 public:
  ParentKeys(Table& parent, const std::vector<int>& ref_cols) : parent_(parent), ref_cols_(ref_cols) {}
  bool Has(const std::vector<Value>& key) {
    if (!scanned_) {
      const auto& pk = parent_.schema.primary_key;
      std::vector<Value> in_pk_order(pk.size());
      bool mapped = pk.size() == ref_cols_.size();
      for (size_t k = 0; mapped && k < pk.size(); ++k) {
        size_t at = 0;
        while (at < ref_cols_.size() && ref_cols_[at] != pk[k]) ++at;
        mapped = at < ref_cols_.size();
        if (mapped) in_pk_order[k] = key[at];
      }
      const int64_t id = mapped ? LookupPrimaryKey(parent_, in_pk_order) : -2;
      if (id != -2) return id >= 0;
      const std::vector<LogicalType> types = TypesOf(parent_.schema, ref_cols_);
      std::vector<Value> row_key;
      ForEachLiveRow(parent_, [&](const DataChunk& chunk, size_t r, uint64_t) {
        if (RowKey(chunk, r, ref_cols_, types, &row_key)) keys_.insert(KeyText(row_key));
      });
      scanned_ = true;
    }
    return keys_.count(KeyText(key)) > 0;
  }

 private:
  Table& parent_;
  std::vector<int> ref_cols_;
  bool scanned_ = false;
  std::unordered_set<std::string> keys_;
};

std::string KeyDetail(const std::vector<std::string>& cols, const std::vector<Value>& key) {
  std::string names, values;
  for (size_t k = 0; k < cols.size(); ++k) {
    names += (k ? ", " : "") + cols[k];
    values += (k ? ", " : "") + key[k].ToString();
  }
  return fmt::format("Key ({})=({})", names, values);
}

}  // namespace

ForeignKey BuildForeignKey(const Catalog& catalog, const TableSchema& child, const PgQuery__Constraint* c, const std::string& inline_column,
                           const Planner& planner) {
  ForeignKey fk;
  fk.columns = inline_column.empty() ? Names(c->fk_attrs, c->n_fk_attrs) : std::vector<std::string>{inline_column};
  const std::string parent_key = RangeVarKey(catalog, c->pktable);
  fk.ref_table = parent_key;
  const bool self = parent_key == child.name;
  std::shared_ptr<Table> parent_table = self ? nullptr : catalog.FindTable(parent_key);
  if (!self && !parent_table)
    throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", c->pktable->relname), planner.CharPos(c->pktable->location));
  const TableSchema& parent = self ? child : parent_table->schema;
  for (const std::string& col : fk.columns)
    if (child.ColumnIndex(col) < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" referenced in foreign key constraint does not exist", col),
                  planner.CharPos(c->location));
  fk.ref_columns = Names(c->pk_attrs, c->n_pk_attrs);
  if (fk.ref_columns.empty()) {  // REFERENCES p: its primary key
    if (parent.primary_key.empty() || parent.key_is_unique)
      throw Error(SqlState::kUndefinedObject, fmt::format("there is no primary key for referenced table \"{}\"", parent.RelName()));
    for (int k : parent.primary_key) fk.ref_columns.push_back(parent.columns[size_t(k)].name);
  }
  for (const std::string& col : fk.ref_columns)
    if (parent.ColumnIndex(col) < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" referenced in foreign key constraint does not exist", col));
  if (fk.ref_columns.size() != fk.columns.size())
    throw Error(SqlState::kInvalidForeignKey, "number of referencing and referenced columns for foreign key disagree");
  // The referenced columns must be the parent's key (in any order).
  std::vector<int> want = parent.primary_key, got = Indexes(parent, fk.ref_columns);
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  if (want.empty() || want != got)
    throw Error(SqlState::kInvalidForeignKey, fmt::format("there is no unique constraint matching given keys for referenced table \"{}\"", parent.RelName()));
  for (size_t k = 0; k < fk.columns.size(); ++k) {
    const LogicalType& a = child.columns[size_t(child.ColumnIndex(fk.columns[k]))].type;
    const LogicalType& b = parent.columns[size_t(parent.ColumnIndex(fk.ref_columns[k]))].type;
    if (!(a.IsNumeric() && b.IsNumeric()) && a.id != b.id)
      throw Error(Status::Error(SqlState::kDatatypeMismatch, fmt::format("foreign key constraint \"{}\" cannot be implemented",
                                                                         c->conname ? c->conname : "")).WithDetail(
          fmt::format("Key columns \"{}\" and \"{}\" are of incompatible types: {} and {}.", fk.columns[k], fk.ref_columns[k], a.ToString(), b.ToString())));
  }
  auto action = [](const char* a) { return a && a[0] ? a[0] : 'a'; };
  fk.on_delete = action(c->fk_del_action);
  fk.on_update = action(c->fk_upd_action);
  if (fk.on_update != 'a' && fk.on_update != 'r')
    throw Error(SqlState::kFeatureNotSupported, "ON UPDATE CASCADE, SET NULL and SET DEFAULT are not supported yet (NO ACTION and RESTRICT are)");
  if (fk.on_delete == 'd') throw Error(SqlState::kFeatureNotSupported, "ON DELETE SET DEFAULT is not supported yet");
  fk.name = c->conname ? c->conname : "";
  if (fk.name.empty()) {  // PostgreSQL: t_col1_col2_fkey, then a number until unique
    std::string base = child.RelName();
    for (const std::string& col : fk.columns) base += "_" + col;
    base += "_fkey";
    fk.name = ChooseConstraintName(base, ConstraintNames(child));
  }
  return fk;
}

void CheckChildRows(const Catalog& catalog, const TableSchema& child, const DataChunk& rows) {
  for (const ForeignKey& fk : child.foreign_keys) {
    auto parent = catalog.FindTable(fk.ref_table);
    if (!parent) continue;  // dropped with CASCADE in this statement: the constraint goes too
    const std::vector<int> cols = Indexes(child, fk.columns), ref_cols = Indexes(parent->schema, fk.ref_columns);
    const std::vector<LogicalType> types = TypesOf(parent->schema, ref_cols);
    ParentKeys keys(*parent, ref_cols);
    std::unordered_set<std::string> own;  // a table referencing itself: keys of these rows count
    if (fk.ref_table == child.name) {
      std::vector<Value> k;
      for (size_t r = 0; r < rows.count; ++r)
        if (RowKey(rows, r, ref_cols, types, &k)) own.insert(KeyText(k));
    }
    std::vector<Value> key;
    for (size_t r = 0; r < rows.count; ++r) {
      if (!RowKey(rows, r, cols, types, &key) || own.count(KeyText(key)) || keys.Has(key)) continue;
      throw Error(Status::Error(SqlState::kForeignKeyViolation,
                                fmt::format("insert or update on table \"{}\" violates foreign key constraint \"{}\"", child.RelName(), fk.name))
                      .WithDetail(fmt::format("{} is not present in table \"{}\".", KeyDetail(fk.columns, key), parent->schema.RelName()))
                      .WithObject(child.RelName(), "", fk.name, child.nspname));
    }
  }
}

std::vector<std::string> ForeignKeysDdl(const Catalog& catalog, const TableSchema& schema) {
  std::vector<std::string> out;
  for (const ForeignKey& fk : schema.foreign_keys)
    out.push_back("ALTER TABLE " + catalog.Quote(schema.name) + " ADD CONSTRAINT " + QuoteIdent(fk.name) + " " + ForeignKeyDef(catalog, fk, /*for_ddl=*/true));
  return out;
}

std::vector<std::pair<std::string, size_t>> ReferencingKeys(const Catalog& catalog, const std::string& table) {
  std::vector<std::pair<std::string, size_t>> out;
  for (auto& [key, t] : catalog.tables)
    for (size_t k = 0; k < t->schema.foreign_keys.size(); ++k)
      if (t->schema.foreign_keys[k].ref_table == table) out.emplace_back(key, k);
  return out;
}

void NoteRemovedParentRows(const Catalog& catalog, const Table& parent, const std::vector<uint64_t>& ids, bool by_update,
                           std::vector<RemovedKey>* out) {
  if (ids.empty()) return;
  // Per referencing constraint, once: the parent's columns it references and their types.
  struct Ref {
    std::string child;
    size_t fk;
    std::vector<int> cols;
    std::vector<LogicalType> types;
  };
  std::vector<Ref> refs;
  for (auto& [child_key, k] : ReferencingKeys(catalog, parent.schema.name)) {
    const std::vector<int> cols = Indexes(parent.schema, catalog.FindTable(child_key)->schema.foreign_keys[k].ref_columns);
    refs.push_back(Ref{child_key, k, cols, TypesOf(parent.schema, cols)});
  }
  if (refs.empty()) return;
  size_t loaded = SIZE_MAX;
  DataChunk chunk;
  for (uint64_t id : ids) {
    const size_t g = id / kChunkRows;
    if (g != loaded) chunk = parent.data.group(loaded = g);
    for (const Ref& ref : refs) {
      RemovedKey removed{parent.schema.name, {}, ref.child, ref.fk, by_update};
      if (RowKey(chunk, id % kChunkRows, ref.cols, ref.types, &removed.values)) out->push_back(std::move(removed));
    }
  }
}

void ResolveRemovedKeys(Database& db, std::vector<RemovedKey>& pending) {
  while (!pending.empty()) {
    std::vector<RemovedKey> batch;
    batch.swap(pending);
    // One scan of a child per constraint and kind of removal, whatever the number of keys.
    std::map<std::tuple<std::string, std::string, size_t, bool>, std::vector<const RemovedKey*>> groups;
    for (const RemovedKey& rk : batch) groups[{rk.parent, rk.child, rk.fk, rk.by_update}].push_back(&rk);
    for (auto& [what, keys] : groups) {
      const auto& [parent_key, child_key, fk_index, by_update] = what;
      auto parent = db.catalog().FindTable(parent_key);
      auto child = db.catalog().FindTable(child_key);
      if (!parent || !child || fk_index >= child->schema.foreign_keys.size()) continue;
      const ForeignKey fk = child->schema.foreign_keys[fk_index];
      if (fk.ref_table != parent_key) continue;
      const std::vector<int> ref_cols = Indexes(parent->schema, fk.ref_columns), cols = Indexes(child->schema, fk.columns);
      ParentKeys still(*parent, ref_cols);
      std::unordered_map<std::string, const RemovedKey*> gone;  // removed and not put back (an UPDATE keeps its key)
      for (const RemovedKey* rk : keys)
        if (!still.Has(rk->values)) gone.emplace(KeyText(rk->values), rk);
      if (gone.empty()) continue;
      const char action = by_update ? fk.on_update : fk.on_delete;
      const std::vector<LogicalType> types = TypesOf(parent->schema, ref_cols);
      std::vector<uint64_t> ids;
      const RemovedKey* first = nullptr;
      std::vector<Value> key;
      DataChunk nulled;
      nulled.Init(child->schema.Types());
      ForEachLiveRow(*child, [&](const DataChunk& chunk, size_t r, uint64_t id) {
        if (!RowKey(chunk, r, cols, types, &key)) return;
        auto it = gone.find(KeyText(key));
        if (it == gone.end()) return;
        if (!first) first = it->second;
        ids.push_back(id);
        if (action != 'n') return;
        for (size_t c = 0; c < chunk.columns.size(); ++c) nulled.columns[c].Append(chunk.columns[c].GetValue(r));
        ++nulled.count;
      });
      if (ids.empty()) continue;
      if (action == 'c') {
        db.RecordDelete(child, ids);  // notes the child's own referenced keys in turn
      } else if (action == 'n') {
        for (int c : cols)
          for (size_t r = 0; r < nulled.count; ++r) nulled.columns[size_t(c)].SetNull(r, true);
        db.RecordDelete(child, ids, /*by_update=*/true);
        db.RecordAppend(child, nulled, false, 0);  // referential actions pass by row security, as PostgreSQL
      } else {
        throw Error(Status::Error(SqlState::kForeignKeyViolation,
                                  fmt::format("update or delete on table \"{}\" violates foreign key constraint \"{}\" on table \"{}\"",
                                              parent->schema.RelName(), fk.name, child->schema.RelName()))
                        .WithDetail(fmt::format("{} is still referenced from table \"{}\".", KeyDetail(fk.ref_columns, first->values),
                                                child->schema.RelName()))
                        .WithObject(child->schema.RelName(), "", fk.name, child->schema.nspname));
      }
    }
  }
}

}  // namespace yunhe
