#include "engine/schemas.h"

#include "engine/default_privileges.h"
#include "engine/view_dependencies.h"

#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/status.h"
#include "engine/comments.h"
#include "engine/grants.h"
#include "common/statement_context.h"
#include "sql/privileges.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

bool ReservedSchema(const std::string& name) {
  return name == kPublicSchema || name == "pg_catalog" || name == "information_schema" || name.rfind("pg_", 0) == 0;
}

// The relations of schema `s` ("s.<name>" keys), as "table s.t" for DROP's messages.
std::vector<std::string> Members(const Catalog& cat, const std::string& s) {
  std::vector<std::string> out;
  const std::string prefix = s + ".";
  auto add = [&](const char* kind, const std::string& key) {
    if (key.rfind(prefix, 0) == 0) out.push_back(fmt::format("{} {}", kind, key));
  };
  for (auto& [key, t] : cat.tables) add("table", key);
  for (auto& [key, v] : cat.views) add("view", key);
  for (auto& [key, seq] : cat.sequences)
    if (seq.owned_table.empty()) add("sequence", key);  // owned ones go with their table
  return out;
}

}  // namespace

void ExecuteCreateSchema(Database& db, PgQuery__CreateSchemaStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "CREATE SCHEMA";
  // CREATE SCHEMA AUTHORIZATION role: the schema is named after the role.
  std::string name = stmt->schemaname && stmt->schemaname[0] ? stmt->schemaname
                   : stmt->authrole && stmt->authrole->rolename ? stmt->authrole->rolename : "";
  if (stmt->authrole && stmt->authrole->rolename) {
    const std::string role = stmt->authrole->rolename;
    if (!RoleExists(db.catalog(), role)) throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", role));
  }
  const Catalog& c = db.catalog();
  const std::string& me = CurrentStatement().current_user;
  if (!HasDatabasePrivilege(c, me, kPrivCreate))
    throw Error(SqlState::kInsufficientPrivilege, "permission denied for database yunhe");
  const std::string owner = stmt->authrole ? RoleSpecName(c, stmt->authrole) : me;
  if (!IsMemberOfRole(c, me, owner)) throw Error(SqlState::kInsufficientPrivilege, fmt::format("must be member of role \"{}\"", owner));
  if (stmt->n_schema_elts > 0)
    throw Error(SqlState::kFeatureNotSupported, "CREATE SCHEMA with schema elements is not supported: create the schema, then its objects");
  if (db.catalog().SchemaExists(name)) {
    if (stmt->if_not_exists) {
      result.notices.push_back(fmt::format("NOTICE:  schema \"{}\" already exists, skipping", name));
      return;
    }
    throw Error(SqlState::kDuplicateSchema, fmt::format("schema \"{}\" already exists", name));
  }
  if (name.rfind("pg_", 0) == 0)
    throw Error(Status::Error(SqlState::kReservedName, fmt::format("unacceptable schema name \"{}\"", name))
                    .WithDetail("The prefix \"pg_\" is reserved for system schemas."));
  // Keys split at the first dot (storage/catalog.h): a schema name cannot have one, nor be the
  // part before a dot of a public relation's name.
  if (name.find('.') != std::string::npos)
    throw Error(SqlState::kInvalidName, fmt::format("schema names containing \".\" are not supported: \"{}\"", name));
  std::vector<std::string> keys;
  for (auto& [k, t] : db.catalog().tables) keys.push_back(k);
  for (auto& [k, v] : db.catalog().views) keys.push_back(k);
  for (auto& [k, q] : db.catalog().sequences) keys.push_back(k);
  for (const std::string& key : keys)
    if (key.rfind(name + ".", 0) == 0)
      throw Error(SqlState::kInvalidName,
                  fmt::format("schema \"{}\" would take in relation \"{}\" of schema public: rename it first", name, key));
  db.BeginCatalogChange();
  Catalog& cat = db.mutable_catalog();
  cat.schemas[name].id = cat.next_table_id++;
  cat.schema_acls.erase(name);  // a stale one of a dropped namesake
  db.RecordCatalogChange(sql, "");
  if (owner != kSuperuserRole) {
    cat.schemas[name].owner = owner;
    db.RecordCatalogChange(fmt::format("ALTER SCHEMA {} OWNER TO {}", QuoteIdent(name), QuoteIdent(owner)), "");
  }
  ApplyDefaultPrivileges(db, 'n', name, owner);
}

void ExecuteDropSchema(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "DROP SCHEMA";
  const bool cascade = stmt->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  std::vector<std::string> names;
  for (size_t k = 0; k < stmt->n_objects; ++k) {
    PgQuery__Node* o = stmt->objects[k];
    const std::string name = o->node_case == PG_QUERY__NODE__NODE_STRING ? o->string->sval : "";
    if (!db.catalog().schemas.count(name)) {
      if (ReservedSchema(name) && db.catalog().SchemaExists(name))
        throw Error(SqlState::kFeatureNotSupported, fmt::format("cannot drop schema {}: it is built in", name));
      if (stmt->missing_ok) {
        result.notices.push_back(fmt::format("NOTICE:  schema \"{}\" does not exist, skipping", name));
        continue;
      }
      throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", name));
    }
    CheckSchemaOwner(db.catalog(), name);
    const std::vector<std::string> members = Members(db.catalog(), name);
    if (!members.empty() && !cascade) {
      std::string detail;
      for (const std::string& m : members) detail += (detail.empty() ? "" : "\n") + m + " depends on schema " + name;
      throw Error(Status::Error(SqlState::kDependentObjects, fmt::format("cannot drop schema {} because other objects depend on it", name))
                      .WithDetail(detail)
                      .WithHint("Use DROP ... CASCADE to drop the dependent objects too."));
    }
    if (members.size() == 1) result.notices.push_back("NOTICE:  drop cascades to " + members[0]);
    else if (!members.empty()) result.notices.push_back(fmt::format("NOTICE:  drop cascades to {} other objects", members.size()));
    names.push_back(name);
  }
  if (names.empty()) return;
  const std::set<std::string> views_before = PlannableViews(db.catalog());
  db.BeginCatalogChange();
  Catalog& cat = db.mutable_catalog();
  for (const std::string& name : names) {
    const std::string prefix = name + ".";
    auto inside = [&](const std::string& key) { return key.rfind(prefix, 0) == 0; };
    std::erase_if(cat.tables, [&](const auto& e) { return inside(e.first); });
    std::erase_if(cat.views, [&](const auto& e) { return inside(e.first); });
    std::erase_if(cat.indexes, [&](const auto& e) { return inside(e.first) || inside(e.second.table); });
    std::erase_if(cat.sequences, [&](const auto& e) { return inside(e.first) || inside(e.second.owned_table); });
    cat.schemas.erase(name);
  }
  ForgetDroppedComments(cat);
  ForgetDroppedPrivileges(cat);
  // Views elsewhere that read the schema's relations go too (its own members are non-empty only with CASCADE).
  DropDependentViews(db, views_before, "drop", "schema " + names[0], cascade, result);
  std::string logged;
  for (const std::string& name : names) logged += (logged.empty() ? "" : ", ") + QuoteIdent(name);
  db.RecordCatalogChange(fmt::format("DROP SCHEMA {}{}", logged, cascade ? " CASCADE" : ""), "");
}

std::string SchemasDdl(const Catalog& catalog) {
  std::string out;
  for (auto& [name, info] : catalog.schemas) out += "CREATE SCHEMA " + QuoteIdent(name) + ";\n";
  return out;
}

}  // namespace yunhe
