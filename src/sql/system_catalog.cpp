#include "sql/system_catalog.h"
#include "sql/privileges.h"
#include "functions/array_value.h"

#include "common/memory_limit.h"
#include "storage/part_file.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <functional>

#include "common/pg_type_ids.h"
#include "common/statement_context.h"
#include "common/value.h"
#include "exec/table_scan.h"
#include "sql/system_catalog_builder.h"

namespace yunhe {

namespace {
using namespace catalog_rows;

// pg_class.reloptions: a table's storage parameters as name=value, NULL when it has none.
Value StorageOptions(const RelationEntry& e) {
  if (e.kind != 'r' || e.table->schema.storage_options.empty()) return Null();
  std::vector<Value> items;
  for (auto& [name, value] : e.table->schema.storage_options) items.push_back(Value::Text(name + "=" + value));
  return MakeArray(items, ArrayOf(TypeId::kText));
}

// Tables (and views) in a stable order with their OIDs.
template <class Fn>
void ForEachRelation(const Catalog& cat, Fn fn) {
  for (auto& [name, t] : cat.tables) fn(cat.Split(name), int64_t(16384 + t->id), t.get(), nullptr);
  for (auto& [name, v] : cat.views) fn(cat.Split(name), int64_t(16384 + v.id), nullptr, &v);
}

const std::vector<std::pair<int64_t, const char*>>& BuiltinTypes() {
  static const std::vector<std::pair<int64_t, const char*>> types = {
      {16, "bool"},    {20, "int8"},         {21, "int2"},      {23, "int4"},   {25, "text"},        {700, "float4"},
      {701, "float8"}, {1043, "varchar"},    {1082, "date"},    {1114, "timestamp"}, {1184, "timestamptz"},
      {1186, "interval"}, {1083, "time"}, {1700, "numeric"}, {26, "oid"},       {19, "name"},   {18, "char"},
      {17, "bytea"},   {kGeometryTypeOid, "geometry"}, {114, "json"}, {3802, "jsonb"}, {2950, "uuid"}, {22, "int2vector"}, {30, "oidvector"},
      {2205, "regclass"}, {2206, "regtype"}, {4089, "regnamespace"}, {4096, "regrole"},
      {2283, "anyelement"}, {2277, "anyarray"}, {2281, "internal"}, {2278, "void"}, {2249, "record"}};  // pseudo-types from anyelement on
  return types;
}

// An ACL as aclitem[] (text elements, as psql prints them).
Value AclValue(const Acl& acl) {
  std::vector<Value> items;
  for (const std::string& t : AclTexts(acl)) items.push_back(Value::Text(t));
  return MakeArray(items, ArrayOf(TypeId::kText));
}
}  // namespace

bool BuildSystemRelation(const Catalog& cat, const std::string& schema, const std::string& name, SystemRelation* out,
                         const ViewColumnsFn& view_columns) {
  // A relation's columns: a table's from its schema, a view's from planning its query.
  auto columns_of = [&](const Table* t, const ViewInfo* v, std::vector<ColumnInfo>* cols) {
    cols->clear();
    if (t) {
      *cols = t->schema.columns;
      return;
    }
    std::vector<std::string> names;
    std::vector<LogicalType> types;
    if (!view_columns || !view_columns(*v, &names, &types)) return;
    for (size_t c = 0; c < names.size(); ++c) {
      ColumnInfo col;
      col.name = names[c];
      col.type = types[c];
      cols->push_back(std::move(col));
    }
  };
  const bool pg = schema == "pg_catalog" || (schema.empty() && name.rfind("pg_", 0) == 0);
  const bool info = schema == "information_schema";
  const bool ours = (schema.empty() || schema == "pg_catalog") && (name == "yunhe_parts" || name == "yunhe_api_tokens");
  const bool postgis = (schema.empty() || schema == "public") && (name == "geometry_columns" || name == "spatial_ref_sys");
  if (!pg && !info && !ours && !postgis) return false;
  if (schema.empty() && (cat.FindTable(name) || cat.FindView(name))) return false;
  if (pg && name == "pg_namespace") {
    Builder b(out, {{"oid", I}, {"nspname", T}, {"nspowner", I}, {"nspacl", TA}});
    for (auto& [oid, s] : CatalogNamespaces(cat)) {
      auto acl = cat.schema_acls.find(s);
      const bool user_schema = s == kPublicSchema || cat.schemas.count(s);
      b.Row({Int(oid), Text(s), Int(user_schema ? RoleOid(cat, SchemaOwner(cat, s)) : kOwnerOid),
             acl != cat.schema_acls.end() ? AclValue(acl->second) : s == kPublicSchema ? AclValue(SchemaAcl(cat, s)) : Null()});
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_class") {
    Builder b(out, {{"oid", I}, {"relname", T}, {"relnamespace", I}, {"reltype", I}, {"reloftype", I}, {"relowner", I},
                    {"relam", I}, {"reltablespace", I}, {"reltoastrelid", I}, {"reltuples", TypeId::kFloat32},
                    {"relhasindex", B}, {"relpersistence", T}, {"relkind", T}, {"relnatts", I2}, {"relchecks", I2},
                    {"relhasrules", B}, {"relhastriggers", B}, {"relrowsecurity", B}, {"relforcerowsecurity", B},
                    {"relreplident", T}, {"relispartition", B}, {"relacl", TA}, {"reloptions", TA}, {"relpartbound", T}});
    const std::vector<RelationEntry> relations = CatalogRelations(cat);
    for (const RelationEntry& e : relations) {
      bool has_index = false;
      for (const RelationEntry& i : relations) has_index = has_index || (i.kind == 'i' && i.table_oid == e.oid);
      Value tuples = Value::Float(e.kind == 'r' ? double(StatementData(*e.table).live_count()) : e.kind == 'S' ? 1 : -1, TypeId::kFloat32);
      int64_t natts = e.kind == 'r'   ? int64_t(e.table->schema.columns.size())
                      : e.kind == 'v' ? int64_t(e.view->column_names.size())
                      : e.kind == 'S' ? 3  // last_value, log_cnt, is_called
                                      : int64_t(e.columns.size());
      const int64_t am = e.kind == 'r' ? 2 : e.kind == 'i' ? (e.method == "gist" ? 783 : 403) : 0;
      const std::string& owned = e.kind == 'i' ? e.table->schema.name : e.key;
      auto acl = cat.relation_acls.find(e.key);
      const Value relacl = e.kind != 'i' && acl != cat.relation_acls.end() ? AclValue(acl->second) : Null();
      // relchecks and relhastriggers (PostgreSQL's foreign keys are triggers): what psql's \d
      // asks before it lists check and foreign-key constraints.
      const int64_t checks = e.kind == 'r' ? int64_t(e.table->schema.checks.size()) : 0;
      bool triggers = e.kind == 'r' && !e.table->schema.foreign_keys.empty();
      for (const RelationEntry& o : relations)
        if (o.kind == 'r' && e.kind == 'r')
          for (const ForeignKey& fk : o.table->schema.foreign_keys) triggers = triggers || fk.ref_table == e.key;
      b.Row({Int(e.oid), Text(e.name), Int(e.namespace_oid), Int(0), Int(0), Int(RoleOid(cat, RelationOwner(cat, owned))), Int(am), Int(0), Int(0), tuples,
             Bool(has_index), Text(IsTempSchema(e.schema) ? "t" : "p"), Text(std::string(1, e.kind)), Int(natts), Int(checks), Bool(false), Bool(triggers),
             Bool(e.kind == 'r' && e.table->schema.row_security), Bool(e.kind == 'r' && e.table->schema.force_row_security), Text(e.kind == 'r' ? "d" : "n"), Bool(false), relacl, StorageOptions(e), Null()});
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_attribute") {
    Builder b(out, {{"attrelid", I}, {"attname", T}, {"atttypid", I}, {"attlen", I2}, {"attnum", I2}, {"atttypmod", I4},
                    {"attnotnull", B}, {"atthasdef", B}, {"attisdropped", B}, {"attidentity", T}, {"attgenerated", T},
                    {"attcollation", I}, {"attstorage", T}, {"attcompression", T}, {"attstattarget", I4}, {"attacl", TA},
                    {"attoptions", TA}, {"attfdwoptions", TA}});
    std::vector<ColumnInfo> cols;
    // attacl: GRANT ... (column) ON t's items (psql's \dp "Column privileges").
    auto ColumnAclValue = [&](const Table* t, const std::string& column) {
      if (!t) return Null();
      auto it = cat.column_acls.find({t->schema.name, column});
      return it == cat.column_acls.end() ? Null() : AclValue(it->second);
    };
    ForEachRelation(cat, [&](const QualifiedName&, int64_t oid, const Table* t, const ViewInfo* v) {
      columns_of(t, v, &cols);
      for (size_t c = 0; c < cols.size(); ++c) {
        const ColumnInfo& col = cols[c];
        b.Row({Int(oid), Text(col.name), Int(PgTypeOid(col.type)), Int(-1), Int(int64_t(c + 1)), Int(PgTypmod(col.type)), Bool(col.not_null),
               Bool(!col.default_sql.empty() && !col.identity), Bool(false), Text(col.identity ? std::string(1, col.identity) : ""), Text(""), Int(0),
               Text(col.type.physical() == PhysicalType::kStr ? "x" : "p"), Text(""), Int(-1), ColumnAclValue(t, col.name), Null(), Null()});
      }
    });
    b.Finish();
    return true;
  }
  if (pg && name == "pg_type") {
    Builder b(out, {{"oid", I}, {"typname", T}, {"typnamespace", I}, {"typowner", I}, {"typlen", I2}, {"typtype", T},
                    {"typcategory", T}, {"typdelim", T}, {"typbasetype", I}, {"typtypmod", I4}, {"typrelid", I}, {"typelem", I},
                    {"typarray", I}, {"typnotnull", B}, {"typcollation", I}, {"typdefault", T}, {"typdefaultbin", T},
                    {"typisdefined", B}, {"typndims", I4}, {"typacl", TA}});
    for (auto& [oid, tn] : BuiltinTypes()) {
      const bool text = oid == 25 || oid == 1043 || oid == 19 || oid == 18;
      const int32_t array = PgArrayTypeOid(int32_t(oid));
      const bool pseudo = oid == 2283 || oid == 2277 || oid == 2281 || oid == 2278 || oid == 2249;
      b.Row({Int(oid), Text(tn), Int(kPgCatalogOid), Int(kOwnerOid), Int(-1), Text(pseudo ? "p" : "b"), Text(text ? "S" : pseudo ? "P" : "U"),
             Text(","), Int(0), Int(-1), Int(0), Int(0), Int(array == 2277 ? 0 : array), Bool(false), Int(text ? 100 : 0), Null(), Null(),
             Bool(true), Int(0), Null()});
      if (array != 2277)
        b.Row({Int(array), Text("_" + std::string(tn)), Int(kPgCatalogOid), Int(kOwnerOid), Int(-1), Text("b"), Text("A"),
               Text(","), Int(0), Int(-1), Int(0), Int(oid), Int(0), Bool(false), Int(text ? 100 : 0), Null(), Null(), Bool(true),
               Int(0), Null()});
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_database") {
    Builder b(out, {{"oid", I}, {"datname", T}, {"datdba", I}, {"encoding", I4}, {"datcollate", T}, {"datctype", T},
                    {"daticulocale", T}, {"datlocprovider", T}, {"datistemplate", B}, {"datallowconn", B}, {"datacl", TA},
                    {"dattablespace", I}, {"datconnlimit", I4}});
    b.Row({Int(kDatabaseOid), Text("yunhe"), Int(kOwnerOid), Int(6), Text("C"), Text("C"), Null(), Text("c"), Bool(false),
           Bool(true), cat.database_acl.empty() ? Null() : AclValue(cat.database_acl), Int(1663), Int(-1)});
    b.Finish();
    return true;
  }
  if (pg && name == "pg_default_acl") {
    // ALTER DEFAULT PRIVILEGES entries (engine/default_privileges.h); defaclnamespace 0 = all schemas.
    Builder b(out, {{"oid", I}, {"defaclrole", I}, {"defaclnamespace", I}, {"defaclobjtype", T}, {"defaclacl", TA}});
    std::map<std::string, int64_t> nsp;
    for (auto& [oid, s] : CatalogNamespaces(cat)) nsp[s] = oid;
    int64_t oid = 0;
    for (auto& [key, acl] : cat.default_acls) {
      const auto& [role, schema, type] = key;
      b.Row({Int(++oid + 90000), Int(RoleOid(cat, role)), Int(schema.empty() ? 0 : nsp[schema]), Text(std::string(1, type)), AclValue(acl)});
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_tablespace") {
    Builder b(out, {{"oid", I}, {"spcname", T}, {"spcowner", I}, {"spcacl", TA}, {"spcoptions", TA}});
    b.Row({Int(1663), Text("pg_default"), Int(kOwnerOid), Null(), Null()});
    b.Row({Int(1664), Text("pg_global"), Int(kOwnerOid), Null(), Null()});
    b.Finish();
    return true;
  }
  if (pg && (name == "pg_roles" || name == "pg_user" || name == "pg_authid")) {
    Builder b(out, {{"oid", I}, {"rolname", T}, {"usename", T}, {"rolsuper", B}, {"usesuper", B}, {"rolinherit", B},
                    {"rolcreaterole", B}, {"rolcreatedb", B}, {"rolcanlogin", B}, {"rolreplication", B}, {"rolbypassrls", B},
                    {"rolconnlimit", I4}, {"rolvaliduntil", TypeId::kTimestampTz}, {"rolpassword", T}});
    // yunhe is the bootstrap superuser; the predefined pg_* roles; then CREATE ROLE's.
    const bool users_only = name == "pg_user";
    b.Row({Int(kOwnerOid), Text("yunhe"), Text("yunhe"), Bool(true), Bool(true), Bool(true), Bool(true), Bool(true), Bool(true),
           Bool(true), Bool(true), Int(-1), Null(), Text("********")});
    if (!users_only)
      for (const PredefinedRole& p : PredefinedRoles())
        b.Row({Int(p.oid), Text(p.name), Text(p.name), Bool(false), Bool(false), Bool(true), Bool(false), Bool(false), Bool(false),
               Bool(false), Bool(false), Int(-1), Null(), Null()});
    for (auto& [role, r] : cat.roles) {
      if (role == "yunhe" || (users_only && !r.login)) continue;
      b.Row({Int(r.oid), Text(role), Text(role), Bool(r.superuser), Bool(r.superuser), Bool(r.inherit), Bool(r.createrole), Bool(r.createdb),
             Bool(r.login), Bool(false), Bool(false), Int(r.connection_limit), Null(), r.verifier.empty() ? Null() : Text("********")});
    }
    b.Finish();
    return true;
  }
  if (pg && (name == "pg_tables" || name == "pg_views" || name == "pg_indexes")) {
    // PostgreSQL's convenience views over pg_class, one row per table / view / index.
    std::vector<std::pair<const char*, LogicalType>> cols =
        name == "pg_tables"  ? std::vector<std::pair<const char*, LogicalType>>{{"schemaname", T}, {"tablename", T}, {"tableowner", T}, {"tablespace", T},
                                                                             {"hasindexes", B}, {"hasrules", B}, {"hastriggers", B}, {"rowsecurity", B}}
        : name == "pg_views" ? std::vector<std::pair<const char*, LogicalType>>{{"schemaname", T}, {"viewname", T}, {"viewowner", T}, {"definition", T}}
                             : std::vector<std::pair<const char*, LogicalType>>{{"schemaname", T}, {"tablename", T}, {"indexname", T}, {"tablespace", T}, {"indexdef", T}};
    Builder b(out, cols);
    const std::vector<RelationEntry> relations = CatalogRelations(cat);
    for (const RelationEntry& e : relations) {
      if (name == "pg_tables" && e.kind == 'r') {
        bool has_index = false;
        for (const RelationEntry& i : relations) has_index = has_index || (i.kind == 'i' && i.table_oid == e.oid);
        b.Row({Text(e.schema), Text(e.name), Text(RelationOwner(cat, e.key)), Null(), Bool(has_index), Bool(false), Bool(false), Bool(false)});
      } else if (name == "pg_views" && e.kind == 'v') {
        b.Row({Text(e.schema), Text(e.name), Text(RelationOwner(cat, e.key)), Text(e.view->sql)});
      } else if (name == "pg_indexes" && e.kind == 'i' && e.table) {
        b.Row({Text(e.schema), Text(cat.Split(e.table->schema.name).name), Text(e.name), Null(), Text(IndexDef(cat, e))});
      }
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_am") {
    Builder b(out, {{"oid", I}, {"amname", T}, {"amtype", T}});
    b.Row({Int(2), Text("heap"), Text("t")});
    b.Row({Int(403), Text("btree"), Text("i")});
    b.Row({Int(783), Text("gist"), Text("i")});
    b.Finish();
    return true;
  }
  if (pg && catalog_rows::BuildDescribeRelation(cat, name, out)) return true;
  if (postgis) return catalog_rows::BuildPostgisRelation(cat, name, out);
  if (catalog_rows::BuildSequenceRelation(cat, pg, info, name, out)) return true;
  if (pg && catalog_rows::BuildFunctionRelation(name, out)) return true;
  if (ours && name == "yunhe_api_tokens") {
    // The HTTP API's tokens (engine/api_tokens.h), never their secret: a role sees its own,
    // superusers and CREATEROLE roles those they may drop.
    Builder b(out, {{"name", T}, {"role", T}, {"created", TypeId::kTimestampTz}});
    const std::string& me = CurrentStatement().current_user;
    const RoleInfo* mine = cat.FindRole(me);
    const bool all = IsSuperuser(cat, me);
    for (auto& [token, t] : cat.api_tokens)
      if (all || t.role == me || (mine && mine->createrole && !IsSuperuser(cat, t.role)))
        b.Row({Text(token), Text(t.role), Value::Time(t.created_us * 1000, TypeId::kTimestampTz)});
    b.Finish();
    return true;
  }
  if (ours) {
    // Where each table's rows live (ClickHouse's system.parts): one row per part file, in row-id
    // order, and one for the resident rows appended since the last checkpoint (part NULL).
    Builder b(out, {{"table_name", T}, {"part", T}, {"partition_start", TypeId::kTimestampTz}, {"row_groups", I}, {"rows", I},
                    {"deleted_rows", I}, {"file_bytes", I}});
    for (auto& [tname, t] : cat.tables) {
      const TableData& data = t->data;
      struct Acc {
        const PartFile* part;
        int64_t partition;
        int64_t groups = 0, rows = 0, deleted = 0;
      };
      std::vector<Acc> parts;
      std::map<const PartFile*, size_t> slot;
      Acc resident{nullptr, 0};
      for (size_t g = 0; g < data.group_count(); ++g) {
        const PartFile* part = data.group_part(g).get();
        Acc* acc = &resident;
        if (part) {
          auto [it, fresh] = slot.try_emplace(part, parts.size());
          if (fresh) parts.push_back(Acc{part, data.group_partition(g)});
          acc = &parts[it->second];
        }
        ++acc->groups;
        acc->rows += int64_t(data.group_rows(g));
        acc->deleted += int64_t(data.group_deleted_count(g));
      }
      const TableSchema& schema = t->schema;  // (clang 14 cannot capture a structured binding)
      auto start = [&schema](const Acc& a) {
        if (schema.time_column < 0 || a.partition == INT64_MIN) return Value::Null(TypeId::kTimestampTz);
        return Value::Time(a.partition * schema.partition_interval_ns, TypeId::kTimestampTz);
      };
      for (const Acc& a : parts)
        b.Row({Text(tname), Text(a.part->name()), start(a), Int(a.groups), Int(a.rows), Int(a.deleted), Int(int64_t(a.part->file_bytes()))});
      if (resident.groups)
        b.Row({Text(tname), Value::Null(TypeId::kText), Value::Null(TypeId::kTimestampTz), Int(resident.groups), Int(resident.rows),
               Int(resident.deleted), Value::Null(TypeId::kInt64)});
    }
    b.Finish();
    return true;
  }
  if (pg && name == "pg_stats") {
    // PostgreSQL's view of planner statistics, from what the storage keeps without a scan: NULL
    // counts from zone maps and distinct counts from the parts' HyperLogLog sketches.
    // n_distinct follows PostgreSQL: a count, or -1 when every non-NULL value is distinct.
    Builder b(out, {{"schemaname", T}, {"tablename", T}, {"attname", T}, {"null_frac", TypeId::kFloat32}, {"n_distinct", TypeId::kFloat32}});
    for (auto& [tname, t] : cat.tables) {
      const size_t rows = t->data.row_count();
      if (rows == 0 || !t->corrupt.empty()) continue;
      for (size_t c = 0; c < t->schema.columns.size(); ++c) {
        const size_t nulls = t->data.NullCount(c);
        const double distinct = std::min<double>(std::round(t->data.ColumnSketch(c).Estimate()), double(rows - nulls));
        const double n_distinct = distinct >= double(rows - nulls) * 0.97 && rows > nulls ? -1.0 : distinct;
        b.Row({Text(cat.Split(tname).schema), Text(cat.Split(tname).name), Text(t->schema.columns[c].name), Value::Float(double(nulls) / double(rows), TypeId::kFloat32),
               Value::Float(n_distinct, TypeId::kFloat32)});
      }
    }
    b.Finish();
    return true;
  }
  if (pg && catalog_rows::BuildSettingsRelation(name, out)) return true;
  if (info && name == "schemata") {
    Builder b(out, {{"catalog_name", T}, {"schema_name", T}, {"schema_owner", T}});
    for (auto& [oid, s] : CatalogNamespaces(cat)) b.Row({Text("yunhe"), Text(s), Text("yunhe")});
    b.Finish();
    return true;
  }
  if (info && (name == "tables" || name == "views")) {
    Builder b(out, name == "tables" ? std::vector<std::pair<const char*, LogicalType>>{{"table_catalog", T}, {"table_schema", T}, {"table_name", T}, {"table_type", T}, {"is_insertable_into", T}}
                                    : std::vector<std::pair<const char*, LogicalType>>{{"table_catalog", T}, {"table_schema", T}, {"table_name", T}, {"view_definition", T}});
    ForEachRelation(cat, [&](const QualifiedName& n, int64_t, const Table* t, const ViewInfo* v) {
      const bool temp = IsTempSchema(n.schema);
      if (name == "tables")
        b.Row({Text("yunhe"), Text(n.schema), Text(n.name), Text(t ? (temp ? "LOCAL TEMPORARY" : "BASE TABLE") : "VIEW"), Text(t ? "YES" : "NO")});
      else if (v) b.Row({Text("yunhe"), Text(n.schema), Text(n.name), Text(v->sql)});
    });
    // PostGIS's own relations, which clients (GDAL) look for here.
    if (name == "tables") {
      if (!cat.FindTable("geometry_columns") && !cat.FindView("geometry_columns"))
        b.Row({Text("yunhe"), Text("public"), Text("geometry_columns"), Text("VIEW"), Text("NO")});
      if (!cat.FindTable("spatial_ref_sys") && !cat.FindView("spatial_ref_sys"))
        b.Row({Text("yunhe"), Text("public"), Text("spatial_ref_sys"), Text("BASE TABLE"), Text("NO")});
    }
    b.Finish();
    return true;
  }
  if (info && name == "columns") {
    Builder b(out, {{"table_catalog", T}, {"table_schema", T}, {"table_name", T}, {"column_name", T}, {"ordinal_position", I4},
                    {"column_default", T}, {"is_nullable", T}, {"data_type", T}, {"udt_name", T}, {"is_identity", T},
                    {"identity_generation", T}});
    std::vector<ColumnInfo> cols;
    ForEachRelation(cat, [&](const QualifiedName& n, int64_t, const Table* t, const ViewInfo* v) {
      columns_of(t, v, &cols);
      for (size_t c = 0; c < cols.size(); ++c) {
        const ColumnInfo& col = cols[c];
        std::string udt;
        for (auto& [oid, tn] : BuiltinTypes())
          if (oid == PgTypeOid(col.type)) udt = tn;
        std::string data_type = col.type.ToString();
        size_t paren = data_type.find('(');
        if (paren != std::string::npos) data_type = data_type.substr(0, paren);
        if (col.type.id == TypeId::kGeometry) data_type = "USER-DEFINED";  // an extension's type, as PostGIS's
        b.Row({Text("yunhe"), Text(n.schema), Text(n.name), Text(col.name), Int(int64_t(c + 1)),
               col.default_sql.empty() || col.identity ? Null() : Text(col.default_sql), Text(col.not_null ? "NO" : "YES"), Text(data_type),
               Text(udt), Text(col.identity ? "YES" : "NO"),
               col.identity ? Text(col.identity == 'a' ? "ALWAYS" : "BY DEFAULT") : Null()});
      }
    });
    b.Finish();
    return true;
  }
  return false;
}

}  // namespace yunhe
