// Catalog objects with OIDs and their text forms (sql/system_catalog.h): what pg_class, pg_index
// and pg_constraint list, and what ::regclass, pg_get_indexdef and pg_get_constraintdef say.
#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/pg_type_ids.h"
#include "sql/relation_names.h"
#include "sql/system_catalog.h"
#include "sql/privileges.h"
#include "storage/part_file.h"

#include <set>

namespace yunhe {

namespace {
// A type, schema or role name as their reg* input reads it: "Quoted" kept, else lower-cased;
// a pg_catalog. or public. prefix dropped.
std::string PlainNameFromText(const std::string& text) {
  std::string name = text;
  for (const char* prefix : {"public.", "pg_catalog."})
    if (name.rfind(prefix, 0) == 0) name = name.substr(strlen(prefix));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    std::string inner;
    for (size_t k = 1; k + 1 < name.size(); ++k) {
      inner += name[k];
      if (name[k] == '"' && name[k + 1] == '"') ++k;
    }
    return inner;
  }
  for (auto& c : name) c = char(tolower((unsigned char)c));
  return name;
}

constexpr int64_t kKeyIndexOidBase = 3000000, kConstraintOidBase = 4000000;

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (size_t k = 0; k < columns.size(); ++k) out += (k ? ", " : "") + QuoteIdent(columns[k]);
  return out;
}

// The system catalogs' own OIDs, fixed in PostgreSQL ('pg_catalog.pg_class'::regclass = 1259).
const std::vector<std::pair<int64_t, std::string>>& SystemRelations() {
  static const std::vector<std::pair<int64_t, std::string>> r = {
      {1247, "pg_type"},       {1249, "pg_attribute"}, {1255, "pg_proc"},       {1259, "pg_class"},
      {1260, "pg_authid"},     {1262, "pg_database"},  {2604, "pg_attrdef"},    {2606, "pg_constraint"},
      {2609, "pg_description"}, {2610, "pg_index"},    {2615, "pg_namespace"},  {3079, "pg_extension"},
      {3456, "pg_collation"},  {2601, "pg_am"},        {2611, "pg_inherits"},   {3256, "pg_policy"}};
  return r;
}

const std::vector<std::pair<int64_t, std::string>>& Namespaces() {
  static const std::vector<std::pair<int64_t, std::string>> n = {{11, "pg_catalog"}, {2200, "public"}, {13000, "information_schema"}};
  return n;
}
constexpr int64_t kTempNamespaceOidBase = 5000000;

// Built-in type OIDs and their regtype names (PostgreSQL's format_type without modifiers).
std::vector<std::pair<int64_t, std::string>> TypeNames() {
  std::vector<std::pair<int64_t, std::string>> out;
  for (TypeId id : {TypeId::kBool, TypeId::kInt16, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat32, TypeId::kFloat64,
                    TypeId::kNumeric, TypeId::kText, TypeId::kDate, TypeId::kTimestamp, TypeId::kTimestampTz,
                    TypeId::kInterval, TypeId::kTime, TypeId::kGeometry, TypeId::kBytea}) {
    const LogicalType t(id);
    out.emplace_back(PgTypeOid(t), t.ToString());
    out.emplace_back(PgTypeOid(ArrayOf(t)), ArrayOf(t).ToString());
  }
  out.emplace_back(1043, "character varying");
  out.emplace_back(26, "oid");
  for (OidAlias a : {OidAlias::kRegclass, OidAlias::kRegtype, OidAlias::kRegnamespace, OidAlias::kRegrole})
    out.emplace_back(OidAliasTypeOid(a), OidAliasName(a));
  out.emplace_back(19, "name");
  out.emplace_back(18, "\"char\"");
  return out;
}
}  // namespace

int64_t NamespaceOid(const Catalog& cat, const std::string& schema) {
  for (auto& [oid, name] : Namespaces())
    if (name == schema) return oid;
  auto it = cat.schemas.find(schema);
  if (it != cat.schemas.end()) return int64_t(16384 + it->second.id);
  if (IsTempSchema(schema)) return kTempNamespaceOidBase + atoll(schema.c_str() + strlen("pg_temp_"));
  return 0;
}

std::vector<std::pair<int64_t, std::string>> CatalogNamespaces(const Catalog& cat) {
  std::vector<std::pair<int64_t, std::string>> out = Namespaces();
  for (auto& [name, info] : cat.schemas) out.emplace_back(16384 + int64_t(info.id), name);
  std::set<std::string> temp;
  for (auto& [key, t] : cat.tables)
    if (IsTempRelationKey(key)) temp.insert(cat.Split(key).schema);
  for (const std::string& s : temp) out.emplace_back(NamespaceOid(cat, s), s);
  return out;
}

std::vector<RelationEntry> CatalogRelations(const Catalog& cat) {
  std::vector<RelationEntry> out;
  for (auto& [name, t] : cat.tables) {
    RelationEntry e;
    e.oid = int64_t(16384 + t->id);
    e.key = name;
    e.kind = 'r';
    e.table = t.get();
    out.push_back(e);
    if (t->schema.primary_key.empty()) continue;
    // The key's index, as PostgreSQL names it: t_pkey, or t_a_b_key for UNIQUE.
    RelationEntry k;
    k.oid = kKeyIndexOidBase + int64_t(t->id);
    k.kind = 'i';
    k.table = t.get();
    k.table_oid = e.oid;
    k.method = "btree";
    k.unique = true;
    k.primary = !t->schema.key_is_unique;
    for (int c : t->schema.primary_key) k.columns.push_back(t->schema.columns[size_t(c)].name);
    if (k.primary) {
      k.key = name + "_pkey";
    } else {
      k.key = name;
      for (auto& c : k.columns) k.key += "_" + c;
      k.key += "_key";
    }
    k.constraint_oid = kConstraintOidBase + int64_t(t->id);
    out.push_back(k);
  }
  for (auto& [name, seq] : cat.sequences) {
    RelationEntry e;
    e.oid = int64_t(16384 + seq.id);
    e.key = name;
    e.kind = 'S';
    e.sequence = &seq;
    out.push_back(e);
  }
  for (auto& [name, v] : cat.views) {
    RelationEntry e;
    e.oid = int64_t(16384 + v.id);
    e.key = name;
    e.kind = 'v';
    e.view = &v;
    out.push_back(e);
  }
  for (auto& [name, idx] : cat.indexes) {
    RelationEntry e;
    e.oid = int64_t(16384 + idx.id);
    e.key = name;
    e.kind = 'i';
    auto t = cat.FindTable(idx.table);
    e.table = t.get();
    e.table_oid = t ? int64_t(16384 + t->id) : 0;
    e.columns = idx.columns;
    e.method = idx.method;
    e.unique = idx.unique;
    out.push_back(e);
  }
  for (RelationEntry& e : out) {
    const QualifiedName q = cat.Split(e.key);
    e.name = q.name;
    e.schema = q.schema;
    e.namespace_oid = NamespaceOid(cat, q.schema);
  }
  return out;
}

std::string IndexDef(const Catalog& cat, const RelationEntry& e) {
  return fmt::format("CREATE {}INDEX {} ON {}.{} USING {} ({})", e.unique ? "UNIQUE " : "", QuoteIdent(e.name), QuoteIdent(e.schema),
                     QuoteIdent(e.table ? cat.Split(e.table->schema.name).name : ""), e.method, ColumnList(e.columns));
}

uint64_t TableBytes(const TableData& data) {
  std::set<const PartFile*> parts;
  uint64_t resident = 0;
  for (size_t g = 0; g < data.group_count(); ++g) {
    if (const PartFile* part = data.group_part(g).get()) parts.insert(part);
    else resident += uint64_t(data.group_rows(g)) * data.types().size() * 8;
  }
  uint64_t bytes = resident;
  for (const PartFile* p : parts) bytes += p->file_bytes();
  return bytes;
}

std::string ForeignKeyDef(const Catalog& cat, const ForeignKey& fk, bool for_ddl) {
  auto list = [](const std::vector<std::string>& cols) {
    std::string out;
    for (const std::string& c : cols) out += (out.empty() ? "" : ", ") + QuoteIdent(c);
    return out;
  };
  std::string out = "FOREIGN KEY (" + list(fk.columns) + ") REFERENCES " +
                    (for_ddl || !RelationVisible(cat, fk.ref_table, LookupSchemas(cat)) ? cat.Quote(fk.ref_table) : QuoteIdent(cat.Split(fk.ref_table).name)) + "(" + list(fk.ref_columns) + ")";
  auto action = [](char a) { return a == 'r' ? "RESTRICT" : a == 'c' ? "CASCADE" : a == 'n' ? "SET NULL" : a == 'd' ? "SET DEFAULT" : ""; };
  if (fk.on_update != 'a') out += std::string(" ON UPDATE ") + action(fk.on_update);
  if (fk.on_delete != 'a') out += std::string(" ON DELETE ") + action(fk.on_delete);
  return out;
}

std::string CatalogMap(const Catalog& cat, const std::string& what) {
  std::string out;
  auto line = [&](int64_t key, const std::string& value) { out += fmt::format("{}\t{}\n", key, value); };
  const std::vector<std::string> schemas = LookupSchemas(cat);  // where unqualified names are found
  if (what == "regclass" || what == "indexdef" || what == "constraintdef") {
    if (what == "regclass")
      for (auto& [oid, name] : SystemRelations()) line(oid, name);
    for (const RelationEntry& e : CatalogRelations(cat)) {
      // regclass output: the name, schema-qualified when search_path would not find it.
      if (what == "regclass") line(e.oid, RelationVisible(cat, e.key, schemas) ? QuoteIdent(e.name) : QuoteIdent(e.schema) + "." + QuoteIdent(e.name));
      else if (what == "indexdef" && e.kind == 'i')
        line(e.oid, IndexDef(cat, e));
      else if (what == "constraintdef" && e.kind == 'r') {
        for (size_t k = 0; k < e.table->schema.checks.size(); ++k)
          line(CheckConstraintOid(e.oid, k), "CHECK ((" + e.table->schema.checks[k].expr + "))");  // as pg_get_constraintdef
        for (size_t k = 0; k < e.table->schema.foreign_keys.size(); ++k)
          line(ForeignKeyOid(e.oid, k), ForeignKeyDef(cat, e.table->schema.foreign_keys[k]));
      }
      else if (what == "constraintdef" && e.constraint_oid)
        line(e.constraint_oid, fmt::format("{} ({})", e.primary ? "PRIMARY KEY" : e.table->schema.nulls_not_distinct ? "UNIQUE NULLS NOT DISTINCT" : "UNIQUE",
                                           ColumnList(e.columns)));
    }
  } else if (what == "regclass_in") {
    // Relation name -> OID, in the spellings regclass input accepts (plain, quoted, qualified).
    // Unqualified spellings for what search_path finds, qualified ones for all.
    auto spellings = [&](int64_t oid, const std::string& name, const std::string& schema, bool visible) {
      for (const std::string& n : {name, QuoteIdent(name)}) {
        if (visible) out += fmt::format("{}\t{}\n", n, oid);
        for (const std::string& sn : {schema, QuoteIdent(schema)}) out += fmt::format("{}.{}\t{}\n", sn, n, oid);
      }
    };
    for (auto& [oid, name] : SystemRelations()) spellings(oid, name, "pg_catalog", true);
    for (const RelationEntry& e : CatalogRelations(cat)) spellings(e.oid, e.name, e.schema, RelationVisible(cat, e.key, schemas));
  } else if (what == "table_size") {
    // Bytes on disk (its part files) plus an estimate of its resident rows (8 bytes a value).
    for (const RelationEntry& e : CatalogRelations(cat)) {
      if (e.kind == 'i' || e.kind == 'v') {
        out += fmt::format("{}\t0\n", e.oid);
        continue;
      }
      if (e.kind == 'S') {
        out += fmt::format("{}\t8192\n", e.oid);  // what a PostgreSQL sequence takes
        continue;
      }
      out += fmt::format("{}\t{}\n", e.oid, TableBytes(e.table->data));
    }
  } else if (what == "comment" || what == "column_comment") {
    // COMMENT ON text: relation OID -> comment, or "OID:attnum" -> a column's.
    for (const RelationEntry& e : CatalogRelations(cat)) {
      for (auto it = cat.comments.lower_bound({e.key, ""}); it != cat.comments.end() && it->first.first == e.key; ++it) {
        std::string text = it->second;
        for (auto& c : text)
          if (c == '\n' || c == '\t') c = ' ';  // one map line per entry
        if (what == "comment" && it->first.second.empty()) out += fmt::format("{}\t{}\n", e.oid, text);
        if (what == "column_comment" && !it->first.second.empty() && e.kind == 'r') {
          const int idx = e.table->schema.ColumnIndex(it->first.second);
          if (idx >= 0) out += fmt::format("{}:{}\t{}\n", e.oid, idx + 1, text);
        }
      }
    }
  } else if (what == "serial_sequence") {
    // "table\x1fcolumn" -> the sequence that column owns, schema-qualified.
    for (auto& [name, seq] : cat.sequences) {
      if (seq.owned_table.empty()) continue;
      const QualifiedName t = cat.Split(seq.owned_table), q = cat.Split(name);
      std::vector<std::string> spelled = {t.schema + "." + t.name, t.schema + "." + QuoteIdent(t.name)};
      if (RelationVisible(cat, seq.owned_table, schemas)) spelled.insert(spelled.end(), {t.name, QuoteIdent(t.name)});
      for (const std::string& sp : spelled)
        out += fmt::format("{}\x1f{}\t{}\n", sp, seq.owned_column, QuoteIdent(q.schema) + "." + QuoteIdent(q.name));
    }
  } else if (what == "visible") {
    // pg_table_is_visible: whether search_path finds the relation by its bare name.
    for (auto& [oid, name] : SystemRelations()) line(oid, "t");
    for (const RelationEntry& e : CatalogRelations(cat)) line(e.oid, RelationVisible(cat, e.key, schemas) ? "t" : "f");
  } else if (what == "regtype") {
    for (auto& [oid, name] : TypeNames()) line(oid, name);
  } else if (what == "regnamespace") {
    for (auto& [oid, name] : CatalogNamespaces(cat)) line(oid, QuoteIdent(name));
  } else if (what == "regrole") {
    for (auto& [oid, name] : AllRoles(cat)) line(oid, name);
  }
  return out;
}


bool CatalogOid(const Catalog& cat, const std::string& what, const std::string& raw_name, int64_t* oid) {
  if (what == "regclass") {
    // pg_catalog's relations come first for an unqualified name, as in PostgreSQL.
    std::string system = raw_name;
    if (system.rfind("pg_catalog.", 0) == 0) system = system.substr(strlen("pg_catalog."));
    for (auto& [o, n] : SystemRelations())
      if (n == system) return *oid = o, true;
    const std::string key = RelationKeyFromText(cat, raw_name);
    for (const RelationEntry& e : CatalogRelations(cat))
      if (e.key == key) return *oid = e.oid, true;
    return false;
  }
  const std::string name = PlainNameFromText(raw_name);
  if (what == "regtype") {
    LogicalType t;
    if (LookupTypeName(name, &t) || (name.size() > 2 && name.substr(name.size() - 2) == "[]" && LookupTypeName(name.substr(0, name.size() - 2), &t) && (t = ArrayOf(t), true))) {
      // varchar without a length is text here, but the type PostgreSQL names is still varchar.
      *oid = t.id == TypeId::kText && t.scale == 0 && (name == "varchar" || name == "character varying") ? 1043 : PgTypeOid(t);
      return true;
    }
    for (auto& [o, n] : TypeNames())
      if (n == name) return *oid = o, true;
    return false;
  }
  if (what == "regnamespace") {
    for (auto& [o, n] : CatalogNamespaces(cat))
      if (n == name) return *oid = o, true;
    return false;
  }
  if (what == "regrole") {
    if (!RoleExists(cat, name)) return false;
    *oid = RoleOid(cat, name);
    return true;
  }
  return false;
}

}  // namespace yunhe
