// ALTER DEFAULT PRIVILEGES [FOR ROLE r, ...] [IN SCHEMA s, ...] GRANT | REVOKE ... ON TABLES |
// SEQUENCES | FUNCTIONS | ROUTINES | TYPES | SCHEMAS ..., as PostgreSQL keeps it (pg_default_acl,
// psql's \ddp): the ACL a role's new objects start with. An entry for all schemas replaces the
// built-in default (the owner's full rights; PUBLIC's EXECUTE / USAGE for functions and types);
// an IN SCHEMA entry adds to it. A new table, view, sequence or schema takes its owner's
// defaults; the result is logged as explicit REVOKE/GRANT statements after the CREATE, so replay
// (which runs as the superuser) rebuilds the same ACL without applying defaults itself.
// Functions and types have no privileges checked here: their entries are kept and listed only.
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

void ExecuteAlterDefaultPrivileges(Database& db, PgQuery__AlterDefaultPrivilegesStmt* stmt, const std::string& sql, QueryResult& result)
    REQUIRES(db.mutex());
// After a CREATE made `owner`'s object (kind 'r'/'v' table or view, 'S' sequence, 'n' schema;
// `key` its catalog key or schema name): stores and logs the ACL its owner's defaults give it.
// Nothing when no default applies, and never during replay (the log carries the result).
void ApplyDefaultPrivileges(Database& db, char kind, const std::string& key, const std::string& owner) REQUIRES(db.mutex());
// The catalog file's ALTER DEFAULT PRIVILEGES statements.
std::string DefaultPrivilegesDdl(const Catalog& catalog);
// The built-in ACL of an object type for its owner (PostgreSQL's acldefault).
Acl BuiltinDefaultAcl(char objtype, const std::string& owner);
// DROP OWNED's part: the role's entries go, and the role from other roles' entries.
void DropDefaultPrivilegesOf(Database& db, const std::string& role) REQUIRES(db.mutex());
// What DROP ROLE's DETAIL lists for `role` among the entries.
std::vector<std::string> DefaultPrivilegeDependents(const Catalog& catalog, const std::string& role);

}  // namespace yunhe
