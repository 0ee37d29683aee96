// The pg_catalog relations behind psql's \d TABLE and \du: indexes and key constraints from the
// catalog, column defaults, collations; policies, extended statistics, publications, role
// memberships and inheritance exist and are empty (yunhe has none of those).
#include <algorithm>

#include "common/pg_type_ids.h"
#include "functions/array_value.h"
#include "sql/system_catalog_builder.h"
#include "sql/privileges.h"

namespace yunhe::catalog_rows {

bool BuildDescribeRelation(const Catalog& cat, const std::string& name, SystemRelation* out) {
  if (name == "pg_index") {
    Builder b(out, {{"indexrelid", I}, {"indrelid", I}, {"indnatts", I2}, {"indnkeyatts", I2}, {"indisunique", B},
                    {"indisprimary", B}, {"indisexclusion", B}, {"indimmediate", B}, {"indisclustered", B}, {"indisvalid", B},
                    {"indisready", B}, {"indislive", B}, {"indisreplident", B}, {"indkey", Int2Vector()},
                    {"indoption", Int2Vector()}, {"indexprs", T}, {"indpred", T}});
    for (const RelationEntry& e : CatalogRelations(cat)) {
      if (e.kind != 'i' || !e.table) continue;
      std::vector<Value> keys, options;
      for (auto& c : e.columns) keys.push_back(Value::Int(e.table->schema.ColumnIndex(c) + 1, TypeId::kInt16));
      options.assign(keys.size(), Value::Int(0, TypeId::kInt16));  // ASC NULLS LAST on every column
      b.Row({Int(e.oid), Int(e.table_oid), Int(int64_t(e.columns.size())), Int(int64_t(e.columns.size())), Bool(e.unique),
             Bool(e.primary), Bool(false), Bool(true), Bool(false), Bool(true), Bool(true), Bool(true), Bool(false),
             MakeArray(keys, Int2Vector()), MakeArray(options, Int2Vector()), Null(), Null()});
    }
    b.Finish();
    return true;
  }
  if (name == "pg_constraint") {
    Builder b(out, {{"oid", I}, {"conname", T}, {"connamespace", I}, {"contype", T}, {"condeferrable", B}, {"condeferred", B},
                    {"convalidated", B}, {"conrelid", I}, {"contypid", I}, {"conindid", I}, {"confrelid", I},
                    {"conkey", ArrayOf(TypeId::kInt16)}, {"conislocal", B}, {"coninhcount", I4}, {"conparentid", I},
                    {"confkey", ArrayOf(TypeId::kInt16)}, {"confupdtype", T}, {"confdeltype", T}, {"confmatchtype", T}});
    for (const RelationEntry& e : CatalogRelations(cat)) {
      if (!e.constraint_oid) continue;
      std::vector<Value> keys;
      for (auto& c : e.columns) keys.push_back(Value::Int(e.table->schema.ColumnIndex(c) + 1, TypeId::kInt16));
      b.Row({Int(e.constraint_oid), Text(e.name), Int(e.namespace_oid), Text(e.primary ? "p" : "u"), Bool(false), Bool(false),
             Bool(true), Int(e.table_oid), Int(0), Int(e.oid), Int(0), MakeArray(keys, ArrayOf(TypeId::kInt16)), Bool(true),
             Int(0), Int(0), Null(), Text(" "), Text(" "), Text(" ")});
    }
    for (const RelationEntry& e : CatalogRelations(cat)) {
      if (e.kind != 'r') continue;
      for (size_t k = 0; k < e.table->schema.checks.size(); ++k)
        b.Row({Int(CheckConstraintOid(e.oid, k)), Text(e.table->schema.checks[k].name), Int(e.namespace_oid), Text("c"), Bool(false), Bool(false),
               Bool(true), Int(e.oid), Int(0), Int(0), Int(0), MakeArray({}, ArrayOf(TypeId::kInt16)), Bool(true), Int(0), Int(0), Null(),
               Text(" "), Text(" "), Text(" ")});
      for (size_t k = 0; k < e.table->schema.foreign_keys.size(); ++k) {
        const ForeignKey& fk = e.table->schema.foreign_keys[k];
        std::vector<Value> keys;
        for (const std::string& c : fk.columns) keys.push_back(Value::Int(e.table->schema.ColumnIndex(c) + 1, TypeId::kInt16));
        int64_t parent_oid = 0;
        std::vector<Value> ref_keys;
        for (const RelationEntry& p : CatalogRelations(cat))
          if (p.kind == 'r' && p.key == fk.ref_table) {
            parent_oid = p.oid;
            for (const std::string& c : fk.ref_columns) ref_keys.push_back(Value::Int(p.table->schema.ColumnIndex(c) + 1, TypeId::kInt16));
          }
        b.Row({Int(ForeignKeyOid(e.oid, k)), Text(fk.name), Int(e.namespace_oid), Text("f"), Bool(false), Bool(false), Bool(true),
               Int(e.oid), Int(0), Int(0), Int(parent_oid), MakeArray(keys, ArrayOf(TypeId::kInt16)), Bool(true), Int(0), Int(0),
               MakeArray(ref_keys, ArrayOf(TypeId::kInt16)), Text(std::string(1, fk.on_update)), Text(std::string(1, fk.on_delete)), Text("s")});
      }
    }
    b.Finish();
    return true;
  }
  if (name == "pg_attrdef") {
    // adbin holds the default's text; pg_get_expr gives it back as it is.
    Builder b(out, {{"oid", I}, {"adrelid", I}, {"adnum", I2}, {"adbin", T}});
    int64_t oid = 5000000;
    for (auto& [n, t] : cat.tables)
      for (size_t c = 0; c < t->schema.columns.size(); ++c)
        if (!t->schema.columns[c].default_sql.empty() && !t->schema.columns[c].identity)
          b.Row({Int(oid++), Int(int64_t(16384 + t->id)), Int(int64_t(c + 1)), Text(t->schema.columns[c].default_sql)});
    b.Finish();
    return true;
  }
  if (name == "pg_collation") {
    // Text compares byte-wise: the default collation is C.
    Builder b(out, {{"oid", I}, {"collname", T}, {"collnamespace", I}, {"collprovider", T}, {"collcollate", T}, {"collctype", T}});
    b.Row({Int(100), Text("default"), Int(kPgCatalogOid), Text("d"), Null(), Null()});
    b.Row({Int(950), Text("C"), Int(kPgCatalogOid), Text("c"), Text("C"), Text("C")});
    b.Row({Int(951), Text("POSIX"), Int(kPgCatalogOid), Text("c"), Text("POSIX"), Text("POSIX")});
    b.Finish();
    return true;
  }
  if (name == "pg_extension") {
    // The PostGIS whose functions yunhe provides (postgis_version() says the same); no plpgsql.
    Builder b(out, {{"oid", I}, {"extname", T}, {"extowner", I}, {"extnamespace", I}, {"extrelocatable", B},
                    {"extversion", T}, {"extconfig", ArrayOf(TypeId::kInt64)}, {"extcondition", TA}});
    b.Row({Int(6000000), Text("postgis"), Int(kOwnerOid), Int(kPublicOid), Bool(false), Text("3.3.0"), Null(), Null()});
    b.Finish();
    return true;
  }
  // Present and empty: clients join them without failing.
  const LogicalType oids = ArrayOf(TypeId::kInt64);
  if (name == "pg_inherits") Builder(out, {{"inhrelid", I}, {"inhparent", I}, {"inhseqno", I4}, {"inhdetachpending", B}}).Finish();
  else if (name == "pg_policy") {
    // CREATE POLICY's (sql/row_security.h); polroles {0} = PUBLIC; the expressions as their text
    // (what pg_get_expr gives back here).
    Builder b(out, {{"oid", I}, {"polname", T}, {"polrelid", I}, {"polcmd", T}, {"polpermissive", B}, {"polroles", oids},
                    {"polqual", T}, {"polwithcheck", T}});
    int64_t oid = 0;
    for (const RelationEntry& e : CatalogRelations(cat)) {
      if (e.kind != 'r') continue;
      for (const RowPolicy& p : e.table->schema.policies) {
        std::vector<Value> roles;
        for (const std::string& r : p.roles) roles.push_back(Value::Int(RoleOid(cat, r)));
        if (roles.empty()) roles.push_back(Value::Int(0));
        b.Row({Int(95000 + ++oid), Text(p.name), Int(e.oid), Text(std::string(1, p.command)), Bool(p.permissive), MakeArray(roles, oids),
               p.using_expr.empty() ? Null() : Text(p.using_expr), p.check_expr.empty() ? Null() : Text(p.check_expr)});
      }
    }
    b.Finish();
  }
  else if (name == "pg_statistic_ext")
    Builder(out, {{"oid", I}, {"stxrelid", I}, {"stxname", T}, {"stxnamespace", I}, {"stxowner", I}, {"stxstattarget", I4},
                  {"stxkeys", ArrayOf(TypeId::kInt16)}, {"stxkind", TA}, {"stxexprs", T}}).Finish();
  else if (name == "pg_publication")
    Builder(out, {{"oid", I}, {"pubname", T}, {"pubowner", I}, {"puballtables", B}, {"pubinsert", B}, {"pubupdate", B},
                  {"pubdelete", B}, {"pubtruncate", B}, {"pubviaroot", B}}).Finish();
  else if (name == "pg_publication_namespace") Builder(out, {{"oid", I}, {"pnpubid", I}, {"pnnspid", I}}).Finish();
  else if (name == "pg_publication_rel")
    Builder(out, {{"oid", I}, {"prpubid", I}, {"prrelid", I}, {"prqual", T}, {"prattrs", ArrayOf(TypeId::kInt16)}}).Finish();
  else if (name == "pg_parameter_acl")  // psql's \dconfig+: no GRANT ... ON PARAMETER here
    Builder(out, {{"oid", I}, {"parname", T}, {"paracl", TA}}).Finish();
  else if (name == "pg_auth_members") {
    // Memberships (GRANT role TO role), granted by the bootstrap superuser as far as recorded.
    Builder b(out, {{"roleid", I}, {"member", I}, {"grantor", I}, {"admin_option", B}});
    for (auto& [member, r] : cat.roles)
      for (const std::string& role : r.member_of)
        b.Row({Int(RoleOid(cat, role)), Int(RoleOid(cat, member)), Int(kOwnerOid),
               Bool(std::find(r.admin_of.begin(), r.admin_of.end(), role) != r.admin_of.end())});
    b.Finish();
  }
  else if (name == "pg_enum") Builder(out, {{"oid", I}, {"enumtypid", I}, {"enumsortorder", TypeId::kFloat32}, {"enumlabel", T}}).Finish();
  else if (name == "pg_description") {
    // COMMENT ON: one row per comment, on its relation (objsubid 0) or column (its number).
    Builder b(out, {{"objoid", I}, {"classoid", I}, {"objsubid", I4}, {"description", T}});
    for (const RelationEntry& e : CatalogRelations(cat)) {
      for (auto it = cat.comments.lower_bound({e.key, ""}); it != cat.comments.end() && it->first.first == e.key; ++it) {
        int64_t sub = 0;
        if (!it->first.second.empty()) {
          if (e.kind != 'r') continue;
          sub = e.table->schema.ColumnIndex(it->first.second) + 1;
          if (sub <= 0) continue;
        }
        b.Row({Int(e.oid), Int(1259), Int(sub), Text(it->second)});
      }
    }
    b.Finish();
  }
  else if (name == "pg_trigger")
    Builder(out, {{"oid", I}, {"tgrelid", I}, {"tgname", T}, {"tgenabled", T}, {"tgisinternal", B}, {"tgparentid", I}}).Finish();
  else if (name == "pg_foreign_table") Builder(out, {{"ftrelid", I}, {"ftserver", I}, {"ftoptions", TA}}).Finish();
  else return false;
  return true;
}

}  // namespace yunhe::catalog_rows
