// Who may do what, as PostgreSQL decides it: superusers bypass every check; an object's owner
// (or a member of the owning role) holds all its privileges unless revoked; everyone else holds
// what an aclitem grants them, their inherited roles or PUBLIC. The data is the catalog's
// (storage/acl.h); the statement's roles are CurrentStatement()'s (common/statement_context.h).
// The Check* functions throw 42501 worded as PostgreSQL's.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "storage/catalog.h"

namespace yunhe {

// PostgreSQL's predefined roles (pg_read_server_files ...), with their OIDs.
struct PredefinedRole {
  const char* name;
  uint32_t oid;
};
const std::vector<PredefinedRole>& PredefinedRoles();
bool IsPredefinedRole(const std::string& role);

bool RoleExists(const Catalog& cat, const std::string& role);
uint32_t RoleOid(const Catalog& cat, const std::string& role);  // 0 when unknown
std::string RoleNameOfOid(const Catalog& cat, uint32_t oid);     // "" when unknown
bool IsSuperuser(const Catalog& cat, const std::string& role);
// Whether `role` holds the privileges of `of`: itself, a superuser, or a member of `of` through
// roles that inherit. IsMemberOfRole ignores inheritance (what SET ROLE needs).
bool HasPrivilegesOfRole(const Catalog& cat, const std::string& role, const std::string& of);
bool IsMemberOfRole(const Catalog& cat, const std::string& role, const std::string& of);
// Whether `role` (or a role it is a member of) was granted `of` WITH ADMIN OPTION: it may grant
// and revoke membership in `of` (PostgreSQL 15's is_admin_of_role).
bool HasAdminOption(const Catalog& cat, const std::string& role, const std::string& of);

// Owners: the superuser unless recorded; the public schema's is pg_database_owner.
std::string RelationOwner(const Catalog& cat, const std::string& key);
std::string SchemaOwner(const Catalog& cat, const std::string& schema);
// 'r' table, 'v' view, 'S' sequence (what kind of relation `key` is; 0 when none), and how
// messages ("table") and statements ("TABLE") name that kind.
char RelationKind(const Catalog& cat, const std::string& key);
const char* RelationKindWord(char kind);
const char* RelationKindSql(char kind);
// Every role by OID: the bootstrap superuser, the predefined roles, then CREATE ROLE's.
std::vector<std::pair<int64_t, std::string>> AllRoles(const Catalog& cat);

// The ACL in force: the stored one, or the object's default (what PostgreSQL's acldefault gives).
Acl RelationAcl(const Catalog& cat, const std::string& key);
Acl SchemaAcl(const Catalog& cat, const std::string& schema);
Acl DatabaseAcl(const Catalog& cat);
Acl DefaultRelationAcl(const Catalog& cat, const std::string& key);
Acl DefaultSchemaAcl(const Catalog& cat, const std::string& schema);
Acl DefaultDatabaseAcl();
// The stored ACL as aclitem[] text ("{yunhe=arwdDxt/yunhe,bob=r/yunhe}"); `stored` empty = NULL.
std::string AclItemText(const AclItem& item);
std::vector<std::string> AclTexts(const Acl& acl);

// The privileges `role` holds on an object with `acl` owned by `owner` (all of `all` for
// superusers).
uint32_t PrivilegesHeld(const Catalog& cat, const std::string& role, const Acl& acl, uint32_t all);
bool HasRelationPrivilege(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of);
bool HasSchemaPrivilege(const Catalog& cat, const std::string& role, const std::string& schema, uint32_t any_of);
// Column privileges: the table's, or the column's own (SELECT, INSERT, UPDATE, REFERENCES).
// HasAnyColumnPrivilege: the table's or any column's (what SELECT count(*) needs).
bool HasColumnPrivilege(const Catalog& cat, const std::string& role, const std::string& key, const std::string& column, uint32_t any_of);
bool HasAnyColumnPrivilege(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of);
// "permission denied for table t" (PostgreSQL's message when a column's privilege is missing).
void CheckColumnPrivilegeAs(const Catalog& cat, const std::string& role, const std::string& key, const std::string& column, uint32_t any_of);
inline constexpr uint32_t kColumnPrivileges = kPrivSelect | kPrivInsert | kPrivUpdate | kPrivReferences;
bool HasDatabasePrivilege(const Catalog& cat, const std::string& role, uint32_t any_of);

// Checks as the statement's current_user.
bool CurrentUserIsSuperuser(const Catalog& cat);
// "permission denied for table t" (view, sequence); also USAGE on the relation's schema.
void CheckRelationPrivilege(const Catalog& cat, const std::string& key, uint32_t any_of);
void CheckRelationPrivilegeAs(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of);
void CheckRelationOwner(const Catalog& cat, const std::string& key);  // "must be owner of table t"
void CheckSchemaPrivilege(const Catalog& cat, const std::string& schema, uint32_t any_of);
void CheckSchemaOwner(const Catalog& cat, const std::string& schema);
// Making a relation with key `key`: CREATE on its schema (TEMPORARY on the database for pg_temp).
void CheckCreateRelation(const Catalog& cat, const std::string& key);
// Reading or writing files of the server (COPY 'file', read_nmea('file')): superusers and
// members of pg_read_server_files / pg_write_server_files. `what` names the operation.
void CheckServerFileAccess(const Catalog& cat, bool write, const std::string& what);
// Settings that act on the whole process (memory_limit, temp_directory): superusers only.
void CheckSuperuserSetting(const Catalog& cat, const std::string& name);

// Whether `role` may grant `any_of` on the relation (owners and superusers always may).
bool HasRelationGrantOption(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of);

// Privilege names as GRANT and has_*_privilege spell them ("SELECT", "ALL"); 0 if unknown.
uint32_t PrivilegeBit(const std::string& name);

}  // namespace yunhe
