// GRANT / REVOKE of privileges on tables, views, sequences, schemas and the database, GRANT /
// REVOKE of role membership, ALTER ... OWNER TO, and ownership of what a role creates — the
// catalog's owners and ACLs (storage/acl.h) that sql/privileges.h checks.
//
// Durability: a GRANT or REVOKE is logged rewritten with its grantor (GRANTED BY), so replay,
// which runs as the superuser, rebuilds the same aclitems; the catalog file rebuilds each stored
// ACL from its object's default (REVOKE of the default items, then one GRANT per item in order).
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

void ExecuteGrant(Database& db, PgQuery__GrantStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteGrantRole(Database& db, PgQuery__GrantRoleStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// ALTER TABLE | VIEW | SEQUENCE x OWNER TO r (an ALTER TABLE whose commands are all OWNER TO).
bool IsAlterOwner(PgQuery__AlterTableStmt* stmt);
void ExecuteAlterTableOwner(Database& db, PgQuery__AlterTableStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// ALTER SCHEMA s OWNER TO r (and other AlterOwnerStmt kinds: refused).
void ExecuteAlterOwner(Database& db, PgQuery__AlterOwnerStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// The statement's current_user owns the relation it just created (recorded and logged when it
// is not the superuser, who owns whatever has no recorded owner). Call after logging the CREATE.
void RecordNewRelationOwner(Database& db, const std::string& key) REQUIRES(db.mutex());
// The role a RoleSpec names (CURRENT_USER ...); "" for PUBLIC. Throws 42704 for an unknown role.
std::string RoleSpecName(const Catalog& cat, PgQuery__RoleSpec* spec);
// The catalog file's ownership and privilege statements (after every object they name).
std::string PrivilegesDdl(const Catalog& catalog);
// Keep owners and ACLs with their relations: after a rename, and after drops (forgets those of
// relations that no longer exist).
void MovePrivileges(Catalog& catalog, const std::string& from, const std::string& to);
void ForgetDroppedPrivileges(Catalog& catalog);
// ACL editing shared with engine/default_privileges.cpp. UpdateAcl applies one grant or revoke
// of `bits` to `grantee` by `grantor` (PostgreSQL's aclupdate) and returns the grant options a
// revoke took away; PrivilegeList names bits as GRANT does ("ALL" when they are `all`);
// GranteeSql: PUBLIC for "".
uint32_t UpdateAcl(Acl& acl, bool grant, bool option_only, bool with_option, const std::string& grantee, const std::string& grantor,
                   uint32_t bits);
std::string PrivilegeList(uint32_t bits, uint32_t all);
std::string GranteeSql(const std::string& grantee);
// DROP OWNED's revoke: every privilege granted to `role` on a table, view, sequence, schema or
// the database is revoked (with what it granted onward), each revoke logged with its grantor.
void RevokeAllGrantedTo(Database& db, const std::string& role) REQUIRES(db.mutex());
// Objects owned by `role`, and objects whose ACL names it, as DROP ROLE's DETAIL lists them.
std::vector<std::string> RoleDependents(const Catalog& catalog, const std::string& role);

}  // namespace yunhe
