// CREATE / ALTER / DROP ROLE (or USER, GROUP): roles with PostgreSQL's attributes (SUPERUSER,
// CREATEDB, CREATEROLE, INHERIT, LOGIN, CONNECTION LIMIT), memberships (IN ROLE, ROLE) and
// SCRAM-SHA-256 password verifiers, used by authentication and by the privilege checks
// (sql/privileges.h). Passwords never reach the WAL or the catalog file in clear text: the
// statement is logged rewritten with the verifier.
#include <fmt/format.h>

#include <algorithm>

#include "auth/scram.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "engine/grants.h"
#include "engine/statements.h"
#include "sql/planner.h"
#include "sql/privileges.h"

namespace yunhe {

namespace {

bool BoolArg(PgQuery__DefElem* d) {
  if (!d->arg) return true;
  if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return d->arg->boolean->boolval;
  if (d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) return d->arg->integer->ival != 0;
  return true;
}

std::vector<std::string> RoleListArg(const Catalog& cat, PgQuery__DefElem* d) {
  std::vector<std::string> out;
  if (!d->arg || d->arg->node_case != PG_QUERY__NODE__NODE_LIST) return out;
  for (size_t k = 0; k < d->arg->list->n_items; ++k) out.push_back(RoleSpecName(cat, d->arg->list->items[k]->role_spec));
  return out;
}

// The options of CREATE/ALTER ROLE applied to `role`; memberships asked for returned apart.
struct RoleOptions {
  bool has_password = false;
  std::vector<std::string> in_roles, members, admins;  // IN ROLE, ROLE, ADMIN
  bool changes_superuser = false;
};

RoleOptions ApplyOptions(const Catalog& cat, PgQuery__Node** options, size_t n, RoleInfo* role) {
  RoleOptions out;
  for (size_t k = 0; k < n; ++k) {
    auto* d = options[k]->def_elem;
    const std::string name = d->defname;
    if (name == "password") {
      out.has_password = true;
      if (!d->arg || d->arg->node_case != PG_QUERY__NODE__NODE_STRING) {
        role->verifier.clear();
        continue;
      }
      const std::string pw = d->arg->string->sval;
      if (pw.empty()) throw Error(SqlState::kInvalidParameterValue, "empty password is not allowed");
      role->verifier = auth::IsScramVerifier(pw) ? pw : auth::MakeScramVerifier(pw);
    } else if (name == "superuser") {
      role->superuser = BoolArg(d);
      out.changes_superuser = true;
    } else if (name == "createdb") {
      role->createdb = BoolArg(d);
    } else if (name == "createrole") {
      role->createrole = BoolArg(d);
    } else if (name == "inherit") {
      role->inherit = BoolArg(d);
    } else if (name == "canlogin") {
      role->login = BoolArg(d);
    } else if (name == "connectionlimit") {
      role->connection_limit = d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER ? d->arg->integer->ival : -1;
    } else if (name == "addroleto") {
      out.in_roles = RoleListArg(cat, d);
    } else if (name == "rolemembers") {
      out.members = RoleListArg(cat, d);
    } else if (name == "isreplication" || name == "bypassrls" || name == "validUntil" || name == "sysid") {
      continue;  // accepted; nothing here depends on them
    } else if (name == "adminmembers") {
      out.admins = RoleListArg(cat, d);
    }
  }
  return out;
}

// Who may make or change roles: superusers; CREATEROLE roles for non-superusers (PostgreSQL 15).
void CheckRoleAdmin(const Catalog& cat, const RoleInfo* target, bool makes_superuser, const char* denied) {
  const std::string& me = CurrentStatement().current_user;
  if (IsSuperuser(cat, me)) return;
  if ((target && target->superuser) || makes_superuser) throw Error(SqlState::kInsufficientPrivilege, "must be superuser to alter superusers");
  const RoleInfo* mine = cat.FindRole(me);
  if (!mine || !mine->createrole) throw Error(SqlState::kInsufficientPrivilege, denied);
}

std::string RoleName(PgQuery__RoleSpec* spec) {
  if (!spec) return "";
  if (spec->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_USER || spec->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_ROLE)
    return CurrentStatement().current_user;
  if (spec->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER) return CurrentStatement().session_user;
  return spec->rolename ? spec->rolename : "";
}

}  // namespace

std::string RoleDdl(const std::string& name, const RoleInfo& r) {
  std::string sql = fmt::format("CREATE ROLE {} WITH {}SUPERUSER {}CREATEDB {}CREATEROLE {}INHERIT {}LOGIN", QuoteIdent(name),
                                r.superuser ? "" : "NO", r.createdb ? "" : "NO", r.createrole ? "" : "NO", r.inherit ? "" : "NO",
                                r.login ? "" : "NO");
  if (r.connection_limit >= 0) sql += fmt::format(" CONNECTION LIMIT {}", r.connection_limit);
  if (!r.verifier.empty()) sql += " PASSWORD '" + r.verifier + "'";
  return sql;
}

std::string RolesDdl(const Catalog& cat) {
  std::string out;
  for (auto& [name, r] : cat.roles) {
    if (name == kSuperuserRole) {
      if (!r.verifier.empty()) out += "ALTER ROLE " + QuoteIdent(name) + " PASSWORD '" + r.verifier + "';\n";
      continue;
    }
    out += RoleDdl(name, r) + ";\n";
  }
  for (auto& [name, r] : cat.roles)
    for (const std::string& parent : r.member_of)
      out += fmt::format("GRANT {} TO {}{};\n", QuoteIdent(parent), QuoteIdent(name),
                         std::find(r.admin_of.begin(), r.admin_of.end(), parent) != r.admin_of.end() ? " WITH ADMIN OPTION" : "");
  return out;
}

void ExecuteRoleStatement(Database& db, PgQuery__Node* node, const std::string&, QueryResult& result) {
  const Catalog& cat = db.catalog();
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT: {
      auto* s = node->create_role_stmt;
      const std::string name = s->role;
      if (name == kSuperuserRole && db.in_replay()) {
        // Catalog files before roles had attributes listed the superuser to keep its password.
        RoleInfo role;
        ApplyOptions(cat, s->options, s->n_options, &role);
        db.BeginCatalogChange();
        db.mutable_catalog().roles[name].verifier = role.verifier;
        result.tag = "CREATE ROLE";
        return;
      }
      RoleInfo role;
      role.login = s->stmt_type == PG_QUERY__ROLE_STMT_TYPE__ROLESTMT_USER;  // CREATE USER can log in
      const RoleOptions opts = ApplyOptions(cat, s->options, s->n_options, &role);
      CheckRoleAdmin(cat, nullptr, role.superuser, "permission denied to create role");
      if (RoleExists(cat, name)) throw Error(SqlState::kDuplicateObject, fmt::format("role \"{}\" already exists", name));
      if (name.rfind("pg_", 0) == 0 || name == "public" || name == "none")
        throw Error(Status::Error(SqlState::kReservedName, fmt::format("role name \"{}\" is reserved", name))
                        .WithDetail(name.rfind("pg_", 0) == 0 ? "Role names starting with \"pg_\" are reserved." : ""));
      db.BeginCatalogChange();
      Catalog& m = db.mutable_catalog();
      role.oid = uint32_t(16384 + m.next_table_id++);
      m.roles[name] = role;
      db.RecordCatalogChange(RoleDdl(name, role), "");
      for (const std::string& parent : opts.in_roles) {
        m.roles[name].member_of.push_back(parent);
        db.RecordCatalogChange(fmt::format("GRANT {} TO {}", QuoteIdent(parent), QuoteIdent(name)), "");
      }
      for (const std::string& member : opts.members) {
        m.roles[member].member_of.push_back(name);
        db.RecordCatalogChange(fmt::format("GRANT {} TO {}", QuoteIdent(name), QuoteIdent(member)), "");
      }
      for (const std::string& admin : opts.admins) {  // ADMIN r: a member who may grant the new role
        RoleInfo& a = m.roles[admin];
        if (std::find(a.member_of.begin(), a.member_of.end(), name) == a.member_of.end()) a.member_of.push_back(name);
        a.admin_of.push_back(name);
        db.RecordCatalogChange(fmt::format("GRANT {} TO {} WITH ADMIN OPTION", QuoteIdent(name), QuoteIdent(admin)), "");
      }
      result.tag = "CREATE ROLE";
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT: {
      auto* s = node->alter_role_stmt;
      const std::string name = RoleName(s->role);
      result.tag = "ALTER ROLE";
      if (!RoleExists(cat, name) || IsPredefinedRole(name))
        throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", name));
      const RoleInfo* old = cat.FindRole(name);
      RoleInfo role = old ? *old : RoleInfo{};
      if (name == kSuperuserRole) role.superuser = role.login = role.createdb = role.createrole = true;
      const RoleOptions opts = ApplyOptions(cat, s->options, s->n_options, &role);
      // A role may change its own password; anything else is for role administrators.
      const bool own_password = name == CurrentStatement().current_user && s->n_options == 1 && opts.has_password;
      if (!own_password) CheckRoleAdmin(cat, old, role.superuser && opts.changes_superuser, "permission denied");
      if (name == kSuperuserRole && !role.superuser) throw Error(SqlState::kFeatureNotSupported, "the superuser \"yunhe\" stays a superuser");
      if (!opts.in_roles.empty() || !opts.members.empty() || !opts.admins.empty()) throw Error(SqlState::kFeatureNotSupported, "use GRANT role TO role to change memberships");
      db.BeginCatalogChange();
      Catalog& m = db.mutable_catalog();
      if (name == kSuperuserRole) {
        m.roles[name].verifier = role.verifier;
        db.RecordCatalogChange("ALTER ROLE " + QuoteIdent(name) + (role.verifier.empty() ? " PASSWORD NULL" : " PASSWORD '" + role.verifier + "'"), "");
        return;
      }
      m.roles[name] = role;
      std::string logged = RoleDdl(name, role);
      logged.replace(0, 6, "ALTER");  // CREATE ROLE x WITH ... -> ALTER ROLE x WITH ...
      if (role.verifier.empty() && old && !old->verifier.empty()) logged += " PASSWORD NULL";
      db.RecordCatalogChange(logged, "");
      return;
    }
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT: {
      auto* s = node->drop_role_stmt;
      std::vector<std::string> doomed;
      for (size_t k = 0; k < s->n_roles; ++k) {
        const std::string name = RoleName(s->roles[k]->role_spec);
        if (name == kSuperuserRole || IsPredefinedRole(name))
          throw Error(SqlState::kObjectInUse, fmt::format("cannot drop role \"{}\": it is required by the database system", name));
        if (!cat.FindRole(name)) {
          if (s->missing_ok) {
            result.notices.push_back(fmt::format("NOTICE:  role \"{}\" does not exist, skipping", name));
            continue;
          }
          throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", name));
        }
        CheckRoleAdmin(cat, cat.FindRole(name), false, "permission denied to drop role");
        if (name == CurrentStatement().current_user) throw Error(SqlState::kObjectInUse, "current user cannot be dropped");
        if (name == CurrentStatement().session_user) throw Error(SqlState::kObjectInUse, "session user cannot be dropped");
        const std::vector<std::string> deps = RoleDependents(cat, name);
        if (!deps.empty()) {
          std::string detail;
          for (const std::string& d : deps) detail += (detail.empty() ? "" : "\n") + d;
          throw Error(Status::Error(SqlState::kDependentObjects, fmt::format("role \"{}\" cannot be dropped because some objects depend on it", name))
                          .WithDetail(detail));
        }
        doomed.push_back(name);
      }
      result.tag = "DROP ROLE";
      if (doomed.empty()) return;
      db.BeginCatalogChange();
      Catalog& m = db.mutable_catalog();
      for (const std::string& name : doomed) {
        m.roles.erase(name);
        for (auto& [other, r] : m.roles) std::erase(r.member_of, name), std::erase(r.admin_of, name);  // its memberships go with it
        std::erase_if(m.api_tokens, [&](const auto& t) { return t.second.role == name; });  // and its credentials
        db.RecordCatalogChange("DROP ROLE " + QuoteIdent(name), "");
      }
      return;
    }
    default: throw Error(SqlState::kFeatureNotSupported, "unsupported role statement");
  }
}

}  // namespace yunhe
