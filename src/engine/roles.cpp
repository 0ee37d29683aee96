// CREATE / ALTER / DROP USER (or ROLE): roles with SCRAM-SHA-256 password verifiers, used by the
// PostgreSQL protocol's authentication. Passwords never reach the WAL or the catalog file in
// clear text: the statement is logged rewritten with the verifier. Other role options (LOGIN,
// SUPERUSER, CREATEDB, ...) are accepted; every role may do everything for now.
#include <fmt/format.h>

#include "common/status.h"
#include "engine/statements.h"
#include "auth/scram.h"
#include "sql/planner.h"

namespace yunhe {

namespace {
constexpr const char* kSuperuser = "yunhe";

// The PASSWORD option: true if present; *verifier = "" for PASSWORD NULL.
bool PasswordOption(PgQuery__Node** options, size_t n, std::string* verifier) {
  for (size_t k = 0; k < n; ++k) {
    auto* d = options[k]->def_elem;
    if (std::string(d->defname) != "password") continue;
    if (!d->arg || d->arg->node_case != PG_QUERY__NODE__NODE_STRING) {
      verifier->clear();
      return true;
    }
    std::string pw = d->arg->string->sval;
    if (pw.empty()) throw Error(SqlState::kInvalidParameterValue, "empty password is not allowed");
    *verifier = auth::IsScramVerifier(pw) ? pw : auth::MakeScramVerifier(pw);
    return true;
  }
  return false;
}

std::string RoleDdl(const std::string& verb, const std::string& name, const std::string& verifier, bool has_password) {
  std::string sql = verb + " USER " + QuoteIdent(name);
  if (has_password) sql += verifier.empty() ? " PASSWORD NULL" : " PASSWORD '" + verifier + "'";
  return sql;
}
}  // namespace

void ExecuteRoleStatement(Database& db, PgQuery__Node* node, const std::string&, QueryResult& result) {
  Catalog& cat = db.mutable_catalog();
  switch (node->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_ROLE_STMT: {
      auto* s = node->create_role_stmt;
      std::string name = s->role;
      if (cat.users.count(name) || (name == kSuperuser && !db.in_replay()))
        throw Error(SqlState::kDuplicateObject, fmt::format("role \"{}\" already exists", name));
      std::string verifier;
      bool has = PasswordOption(s->options, s->n_options, &verifier);
      db.BeginCatalogChange();
      db.mutable_catalog().users[name] = has ? verifier : "";
      db.RecordCatalogChange(RoleDdl("CREATE", name, verifier, has), "");
      result.tag = "CREATE ROLE";
      return;
    }
    case PG_QUERY__NODE__NODE_ALTER_ROLE_STMT: {
      auto* s = node->alter_role_stmt;
      std::string name = s->role && s->role->rolename ? s->role->rolename : "";
      if (s->role && s->role->roletype == PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_USER) name = kSuperuser;
      if (!cat.users.count(name) && name != kSuperuser) throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", name));
      std::string verifier;
      bool has = PasswordOption(s->options, s->n_options, &verifier);
      result.tag = "ALTER ROLE";
      if (!has) return;
      db.BeginCatalogChange();
      db.mutable_catalog().users[name] = verifier;
      // Replay and the catalog file see CREATE (the role may be the implicit superuser).
      db.RecordCatalogChange(RoleDdl("ALTER", name, verifier, true), "");
      return;
    }
    case PG_QUERY__NODE__NODE_DROP_ROLE_STMT: {
      auto* s = node->drop_role_stmt;
      db.BeginCatalogChange();
      for (size_t k = 0; k < s->n_roles; ++k) {
        auto* r = s->roles[k]->role_spec;
        std::string name = r->rolename ? r->rolename : "";
        if (name == kSuperuser) throw Error(SqlState::kObjectInUse, fmt::format("cannot drop role \"{}\": it is the superuser", name));
        if (!db.mutable_catalog().users.erase(name)) {
          if (s->missing_ok) {
            result.notices.push_back(fmt::format("NOTICE:  role \"{}\" does not exist, skipping", name));
            continue;
          }
          throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", name));
        }
        db.RecordCatalogChange("DROP USER " + QuoteIdent(name), "");
      }
      result.tag = "DROP ROLE";
      return;
    }
    default: throw Error(SqlState::kFeatureNotSupported, "unsupported role statement");
  }
}

}  // namespace yunhe
