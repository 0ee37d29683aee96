#include "engine/default_privileges.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "engine/grants.h"
#include "sql/privileges.h"

namespace yunhe {

namespace {

char ObjectTypeChar(PgQuery__ObjectType t) {
  switch (t) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: return 'r';
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return 'S';
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION:
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: return 'f';
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE: return 'T';
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return 'n';
    default: return 0;
  }
}

const char* ObjectTypeSql(char t) {
  switch (t) {
    case 'S': return "SEQUENCES";
    case 'f': return "FUNCTIONS";
    case 'T': return "TYPES";
    case 'n': return "SCHEMAS";
    default: return "TABLES";
  }
}

const char* ObjectTypeWord(char t) {
  switch (t) {
    case 'S': return "sequence";
    case 'f': return "function";
    case 'T': return "type";
    case 'n': return "schema";
    default: return "table";
  }
}

uint32_t AllOf(char t) {
  switch (t) {
    case 'S': return kSequencePrivileges;
    case 'f': return kPrivExecute;
    case 'T': return kPrivUsage;
    case 'n': return kSchemaPrivileges;
    default: return kTablePrivileges;
  }
}

// The same items, in any order.
bool SameAcl(const Acl& a, const Acl& b) {
  auto same = [](const AclItem& x, const AclItem& y) {
    return x.grantee == y.grantee && x.grantor == y.grantor && x.privileges == y.privileges && x.grant_options == y.grant_options;
  };
  return a.size() == b.size() &&
         std::all_of(a.begin(), a.end(), [&](const AclItem& x) { return std::any_of(b.begin(), b.end(), [&](const AclItem& y) { return same(x, y); }); });
}

// "ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s] " for an entry.
std::string Prefix(const std::string& role, const std::string& schema) {
  return "ALTER DEFAULT PRIVILEGES FOR ROLE " + QuoteIdent(role) + (schema.empty() ? "" : " IN SCHEMA " + QuoteIdent(schema)) + " ";
}

// The privilege statements that make `acl` from where an entry starts (the built-in default for
// an all-schemas entry, nothing for an IN SCHEMA one), through `prefix` ("ALTER DEFAULT
// PRIVILEGES ... " or "" for an object) and `on` ("ON TABLES", "ON TABLE t").
std::vector<std::string> RebuildAcl(const std::string& prefix, const std::string& on, const Acl& start, const Acl& acl, uint32_t all) {
  std::vector<std::string> out;
  for (const AclItem& i : start) out.push_back(fmt::format("{}REVOKE ALL {} FROM {}", prefix, on, GranteeSql(i.grantee)));
  for (const AclItem& i : acl) {
    if (const uint32_t plain = i.privileges & ~i.grant_options)
      out.push_back(fmt::format("{}GRANT {} {} TO {}", prefix, PrivilegeList(plain, all), on, GranteeSql(i.grantee)));
    if (i.grant_options)
      out.push_back(fmt::format("{}GRANT {} {} TO {} WITH GRANT OPTION", prefix, PrivilegeList(i.grant_options, all), on, GranteeSql(i.grantee)));
  }
  return out;
}

std::vector<std::string> ListOption(PgQuery__DefElem* d, bool roles, const Catalog& cat) {
  std::vector<std::string> out;
  if (!d->arg || d->arg->node_case != PG_QUERY__NODE__NODE_LIST) return out;
  for (size_t k = 0; k < d->arg->list->n_items; ++k) {
    PgQuery__Node* n = d->arg->list->items[k];
    if (roles) {
      const std::string r = RoleSpecName(cat, n->role_spec);
      if (r.empty()) throw Error(SqlState::kUndefinedObject, "role \"public\" does not exist");
      out.push_back(r);
    } else {
      out.push_back(n->string->sval);
    }
  }
  return out;
}

}  // namespace

Acl BuiltinDefaultAcl(char objtype, const std::string& owner) {
  Acl acl{AclItem{owner, AllOf(objtype), 0, owner}};
  if (objtype == 'f' || objtype == 'T') acl.push_back(AclItem{"", AllOf(objtype), 0, owner});  // PUBLIC's EXECUTE / USAGE
  return acl;
}

void ExecuteAlterDefaultPrivileges(Database& db, PgQuery__AlterDefaultPrivilegesStmt* stmt, const std::string&, QueryResult& result) {
  result.tag = "ALTER DEFAULT PRIVILEGES";
  const Catalog& cat = db.catalog();
  const std::string me = CurrentStatement().current_user;
  std::vector<std::string> roles, schemas;
  for (size_t k = 0; k < stmt->n_options; ++k) {
    PgQuery__DefElem* d = stmt->options[k]->def_elem;
    const std::string name = d->defname ? d->defname : "";
    if (name == "roles") roles = ListOption(d, true, cat);
    else if (name == "schemas") schemas = ListOption(d, false, cat);
  }
  if (roles.empty()) roles.push_back(me);
  PgQuery__GrantStmt* g = stmt->action;
  const char type = ObjectTypeChar(g->objtype);
  if (!type) throw Error(SqlState::kFeatureNotSupported, "ALTER DEFAULT PRIVILEGES takes TABLES, SEQUENCES, FUNCTIONS, ROUTINES, TYPES or SCHEMAS");
  if (type == 'n' && !schemas.empty())
    throw Error(SqlState::kInvalidGrantOperation, "cannot use IN SCHEMA clause when using GRANT/REVOKE ON SCHEMAS");
  for (const std::string& s : schemas)
    if (!cat.SchemaExists(s) || IsTempSchema(s)) throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", s));
  for (const std::string& r : roles)
    if (!IsSuperuser(cat, me) && !IsMemberOfRole(cat, me, r)) throw Error(SqlState::kInsufficientPrivilege, "permission denied to change default privileges");
  const uint32_t all = AllOf(type);
  uint32_t bits = 0;
  for (size_t k = 0; k < g->n_privileges; ++k) {
    auto* p = g->privileges[k]->access_priv;
    if (p->n_cols > 0) throw Error(SqlState::kInvalidGrantOperation, "default privileges cannot be set for columns");
    const uint32_t bit = PrivilegeBit(p->priv_name);
    if (!bit) throw Error(SqlState::kSyntaxError, fmt::format("unrecognized privilege type \"{}\"", p->priv_name));
    if (bit & ~all) throw Error(SqlState::kInvalidGrantOperation, fmt::format("invalid privilege type {} for {}", PrivilegeList(bit, 0), ObjectTypeWord(type)));
    bits |= bit;
  }
  if (g->n_privileges == 0) bits = all;
  std::vector<std::string> grantees;
  for (size_t k = 0; k < g->n_grantees; ++k) grantees.push_back(RoleSpecName(cat, g->grantees[k]->role_spec));
  std::string grantee_sql;
  for (const std::string& r : grantees) grantee_sql += (grantee_sql.empty() ? "" : ", ") + GranteeSql(r);
  db.BeginCatalogChange();
  Catalog& m = db.mutable_catalog();
  if (schemas.empty()) schemas.push_back("");
  for (const std::string& role : roles)
    for (const std::string& schema : schemas) {
      const auto key = std::make_tuple(role, schema, type);
      auto it = m.default_acls.find(key);
      const Acl start = schema.empty() ? BuiltinDefaultAcl(type, role) : Acl{};
      Acl acl = it != m.default_acls.end() ? it->second : start;
      for (const std::string& grantee : grantees)
        UpdateAcl(acl, g->is_grant, !g->is_grant && g->grant_option, g->is_grant && g->grant_option, grantee, role, bits);
      // An entry back where it started is no entry (PostgreSQL deletes the row).
      if (SameAcl(acl, start)) m.default_acls.erase(key);
      else m.default_acls[key] = acl;
      const std::string privs = PrivilegeList(bits, all);
      db.RecordCatalogChange(Prefix(role, schema) +
                                 (g->is_grant ? fmt::format("GRANT {} ON {} TO {}{}", privs, ObjectTypeSql(type), grantee_sql, g->grant_option ? " WITH GRANT OPTION" : "")
                                              : fmt::format("REVOKE {}{} ON {} FROM {}", g->grant_option ? "GRANT OPTION FOR " : "", privs, ObjectTypeSql(type), grantee_sql)),
                             "");
    }
}

void ApplyDefaultPrivileges(Database& db, char kind, const std::string& key, const std::string& owner) {
  if (db.in_replay() || IsTempRelationKey(key)) return;
  const char type = kind == 'v' ? 'r' : kind;
  const Catalog& cat = db.catalog();
  const std::string schema = kind == 'n' ? "" : cat.Split(key).schema;
  auto global = cat.default_acls.find({owner, "", type});
  auto in_schema = kind == 'n' ? cat.default_acls.end() : cat.default_acls.find({owner, schema, type});
  if (global == cat.default_acls.end() && in_schema == cat.default_acls.end()) return;
  const Acl builtin = BuiltinDefaultAcl(type, owner);
  Acl acl = global != cat.default_acls.end() ? global->second : builtin;
  if (in_schema != cat.default_acls.end())
    for (const AclItem& i : in_schema->second) {
      UpdateAcl(acl, true, false, false, i.grantee, i.grantor, i.privileges & ~i.grant_options);
      UpdateAcl(acl, true, false, true, i.grantee, i.grantor, i.grant_options);
    }
  if (SameAcl(acl, builtin)) return;
  Catalog& m = db.mutable_catalog();
  const std::string on = kind == 'n' ? "ON SCHEMA " + QuoteIdent(key) : std::string("ON ") + RelationKindSql(kind == 'v' ? 'r' : kind) + " " + m.Quote(key);
  if (kind == 'n') m.schema_acls[key] = acl;
  else m.relation_acls[key] = acl;
  // Logged as its owner would grant it (replay runs as the superuser: GRANTED BY keeps the grantor).
  for (const std::string& sql : RebuildAcl("", on, builtin, acl, AllOf(type)))
    db.RecordCatalogChange(sql + " GRANTED BY " + QuoteIdent(owner), kind == 'n' ? "" : key);
}

std::string DefaultPrivilegesDdl(const Catalog& cat) {
  std::string out;
  for (auto& [key, acl] : cat.default_acls) {
    const auto& [role, schema, type] = key;
    const Acl start = schema.empty() ? BuiltinDefaultAcl(type, role) : Acl{};
    for (const std::string& sql : RebuildAcl(Prefix(role, schema), std::string("ON ") + ObjectTypeSql(type), start, acl, AllOf(type)))
      out += sql + ";\n";
  }
  return out;
}

void DropDefaultPrivilegesOf(Database& db, const std::string& role) {
  // As statements replay can run: the role's own entries revoked down to where they start (then
  // the built-in items granted back: an entry equal to its start is deleted), and the role
  // revoked from other roles' entries.
  std::vector<std::string> statements;
  const Catalog& cat = db.catalog();
  for (auto& [key, acl] : cat.default_acls) {
    const auto& [owner, schema, type] = key;
    const std::string on = std::string(" ON ") + ObjectTypeSql(type);
    if (owner == role) {
      for (const AclItem& i : acl) statements.push_back(Prefix(owner, schema) + "REVOKE ALL" + on + " FROM " + GranteeSql(i.grantee));
      if (schema.empty())
        for (const AclItem& i : BuiltinDefaultAcl(type, owner)) statements.push_back(Prefix(owner, schema) + "GRANT ALL" + on + " TO " + GranteeSql(i.grantee));
    } else if (std::any_of(acl.begin(), acl.end(), [&](const AclItem& i) { return i.grantee == role; })) {
      statements.push_back(Prefix(owner, schema) + "REVOKE ALL" + on + " FROM " + QuoteIdent(role));
    }
  }
  // Other roles' entries change here too, which only their members may ask: the caller checked
  // DROP OWNED's right, so the statements run as the superuser (as replay will).
  std::string& user = CurrentStatement().current_user;
  const std::string caller = user;
  user = kSuperuserRole;
  try {
    for (const std::string& sql : statements) db.ExecuteNested(sql);
  } catch (...) {
    user = caller;
    throw;
  }
  user = caller;
}

std::vector<std::string> DefaultPrivilegeDependents(const Catalog& cat, const std::string& role) {
  std::vector<std::string> out;
  for (auto& [key, acl] : cat.default_acls) {
    const auto& [owner, schema, type] = key;
    const std::string where = schema.empty() ? "" : " in schema " + schema;
    if (owner == role) out.push_back(fmt::format("owner of default privileges on new {}s belonging to role {}{}", ObjectTypeWord(type), owner, where));
    else if (std::any_of(acl.begin(), acl.end(), [&](const AclItem& i) { return i.grantee == role; }))
      out.push_back(fmt::format("privileges for default privileges on new {}s belonging to role {}{}", ObjectTypeWord(type), owner, where));
  }
  return out;
}

}  // namespace yunhe
