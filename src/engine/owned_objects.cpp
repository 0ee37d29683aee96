#include "engine/owned_objects.h"

#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "engine/default_privileges.h"
#include "engine/grants.h"
#include "sql/privileges.h"

namespace yunhe {

namespace {

// The roles a statement names, each of whose privileges the current user must hold.
std::vector<std::string> OwnedByRoles(const Catalog& cat, PgQuery__Node** roles, size_t n, const char* denied) {
  std::vector<std::string> out;
  const std::string& me = CurrentStatement().current_user;
  for (size_t k = 0; k < n; ++k) {
    const std::string r = RoleSpecName(cat, roles[k]->role_spec);
    if (r.empty()) throw Error(SqlState::kUndefinedObject, "role \"public\" does not exist");
    if (!HasPrivilegesOfRole(cat, me, r)) throw Error(SqlState::kInsufficientPrivilege, denied);
    out.push_back(r);
  }
  return out;
}

// What `role` owns: relations (key, kind) and schemas. Relations of a schema it owns are listed
// on their own (another role may own them). Temporary relations are the sessions' own.
struct Owned {
  std::vector<std::pair<std::string, char>> relations;
  std::vector<std::string> schemas;
};

Owned OwnedBy(const Catalog& cat, const std::string& role) {
  Owned out;
  auto take = [&](const std::string& key) {
    if (IsTempRelationKey(key) || RelationOwner(cat, key) != role) return;
    if (const char kind = RelationKind(cat, key)) out.relations.push_back({key, kind});
  };
  for (auto& [key, v] : cat.views) take(key);
  for (auto& [key, t] : cat.tables) take(key);
  for (auto& [key, s] : cat.sequences) take(key);
  for (auto& [name, info] : cat.schemas)
    if (SchemaOwner(cat, name) == role) out.schemas.push_back(name);
  return out;
}

}  // namespace

void ExecuteReassignOwned(Database& db, PgQuery__ReassignOwnedStmt* stmt, const std::string&, QueryResult& result) {
  result.tag = "REASSIGN OWNED";
  const Catalog& cat = db.catalog();
  const std::vector<std::string> roles = OwnedByRoles(cat, stmt->roles, stmt->n_roles, "permission denied to reassign objects");
  const std::string to = RoleSpecName(cat, stmt->newrole);
  if (to.empty()) throw Error(SqlState::kUndefinedObject, "role \"public\" does not exist");
  if (!HasPrivilegesOfRole(cat, CurrentStatement().current_user, to))
    throw Error(SqlState::kInsufficientPrivilege, "permission denied to reassign objects");
  std::vector<std::string> statements;
  for (const std::string& role : roles) {
    if (role == to) continue;
    const Owned owned = OwnedBy(cat, role);
    for (auto& [key, kind] : owned.relations) {
      // A table's own sequences follow it (ALTER TABLE ... OWNER TO moves them).
      if (kind == 'S' && cat.sequences.at(key).owned_table.size() && RelationOwner(cat, cat.sequences.at(key).owned_table) == role) continue;
      statements.push_back(fmt::format("ALTER {} {} OWNER TO {}", RelationKindSql(kind), cat.Quote(key), QuoteIdent(to)));
    }
    for (const std::string& schema : owned.schemas)
      statements.push_back(fmt::format("ALTER SCHEMA {} OWNER TO {}", QuoteIdent(schema), QuoteIdent(to)));
  }
  for (const std::string& sql : statements) db.ExecuteNested(sql);
}

void ExecuteDropOwned(Database& db, PgQuery__DropOwnedStmt* stmt, const std::string&, QueryResult& result) {
  result.tag = "DROP OWNED";
  const Catalog& cat = db.catalog();
  const std::vector<std::string> roles = OwnedByRoles(cat, stmt->roles, stmt->n_roles, "permission denied to drop objects");
  for (const std::string& role : roles)
    if (role == kSuperuserRole)
      throw Error(SqlState::kDependentObjects,
                  fmt::format("cannot drop objects owned by role {} because they are required by the database system", role));
  const char* behavior = stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE ? " CASCADE" : "";
  for (const std::string& role : roles) {
    const Owned owned = OwnedBy(db.catalog(), role);
    std::vector<std::string> statements;
    // Views before the tables they read, sequences after the tables that own them.
    for (char want : {'v', 'r', 'S'})
      for (auto& [key, kind] : owned.relations)
        if (kind == want) statements.push_back(fmt::format("DROP {} IF EXISTS {}{}", RelationKindSql(kind), db.catalog().Quote(key), behavior));
    for (const std::string& schema : owned.schemas) statements.push_back(fmt::format("DROP SCHEMA IF EXISTS {}{}", QuoteIdent(schema), behavior));
    for (const std::string& sql : statements) db.ExecuteNested(sql);
    RevokeAllGrantedTo(db, role);
    DropDefaultPrivilegesOf(db, role);
  }
}

}  // namespace yunhe
