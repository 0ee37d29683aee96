// Privilege checks in PostgreSQL's model (sql/privileges.h).
#include "sql/privileges.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/statement_context.h"
#include "common/status.h"

namespace yunhe {

const std::vector<PredefinedRole>& PredefinedRoles() {
  static const std::vector<PredefinedRole> kRoles = {
      {"pg_database_owner", 6171},    {"pg_read_all_data", 6181},      {"pg_write_all_data", 6182},
      {"pg_monitor", 3373},           {"pg_read_all_settings", 3374},  {"pg_read_all_stats", 3375},
      {"pg_stat_scan_tables", 3377},  {"pg_read_server_files", 4569},  {"pg_write_server_files", 4570},
      {"pg_execute_server_program", 4571}, {"pg_signal_backend", 4200}, {"pg_checkpoint", 4544},
  };
  return kRoles;
}

bool IsPredefinedRole(const std::string& role) {
  for (const PredefinedRole& r : PredefinedRoles())
    if (role == r.name) return true;
  return false;
}

bool RoleExists(const Catalog& cat, const std::string& role) {
  return role == kSuperuserRole || cat.roles.count(role) || IsPredefinedRole(role);
}

uint32_t RoleOid(const Catalog& cat, const std::string& role) {
  if (role == kSuperuserRole) return 10;
  if (const RoleInfo* r = cat.FindRole(role)) return r->oid;
  for (const PredefinedRole& p : PredefinedRoles())
    if (role == p.name) return p.oid;
  return 0;
}

std::string RoleNameOfOid(const Catalog& cat, uint32_t oid) {
  for (auto& [o, name] : AllRoles(cat))
    if (o == int64_t(oid)) return name;
  return "";
}

bool IsSuperuser(const Catalog& cat, const std::string& role) {
  if (role == kSuperuserRole) return true;
  const RoleInfo* r = cat.FindRole(role);
  return r && r->superuser;
}

namespace {

// Every role whose privileges `role` holds (itself first), following memberships through
// roles that inherit (or all of them when `any` is set: plain membership). pg_database_owner
// has the database's owner, the superuser, as its member.
std::set<std::string> RolesOf(const Catalog& cat, const std::string& role, bool any) {
  std::set<std::string> out{role};
  std::vector<std::string> todo{role};
  while (!todo.empty()) {
    const std::string r = todo.back();
    todo.pop_back();
    const RoleInfo* info = cat.FindRole(r);
    std::vector<std::string> parents;
    if (info && (any || info->inherit)) parents = info->member_of;
    if (r == kSuperuserRole) parents.push_back("pg_database_owner");
    for (const std::string& p : parents)
      if (out.insert(p).second) todo.push_back(p);
  }
  return out;
}

std::string BareName(const Catalog& cat, const std::string& key) { return cat.Split(key).name; }

Error Denied(const std::string& message) { return Error(SqlState::kInsufficientPrivilege, message); }

}  // namespace

bool HasPrivilegesOfRole(const Catalog& cat, const std::string& role, const std::string& of) {
  if (role == of || IsSuperuser(cat, role)) return true;
  return RolesOf(cat, role, false).count(of) > 0;
}

bool IsMemberOfRole(const Catalog& cat, const std::string& role, const std::string& of) {
  if (role == of || IsSuperuser(cat, role)) return true;
  return RolesOf(cat, role, true).count(of) > 0;
}

bool HasAdminOption(const Catalog& cat, const std::string& role, const std::string& of) {
  if (IsSuperuser(cat, role)) return true;
  for (const std::string& r : RolesOf(cat, role, true)) {
    const RoleInfo* info = cat.FindRole(r);
    if (info && std::find(info->admin_of.begin(), info->admin_of.end(), of) != info->admin_of.end()) return true;
  }
  return false;
}

const char* RelationKindWord(char kind) { return kind == 'v' ? "view" : kind == 'S' ? "sequence" : "table"; }
const char* RelationKindSql(char kind) { return kind == 'v' ? "VIEW" : kind == 'S' ? "SEQUENCE" : "TABLE"; }

std::vector<std::pair<int64_t, std::string>> AllRoles(const Catalog& cat) {
  std::vector<std::pair<int64_t, std::string>> out{{10, kSuperuserRole}};
  for (const PredefinedRole& p : PredefinedRoles()) out.push_back({p.oid, p.name});
  for (auto& [name, r] : cat.roles)
    if (name != kSuperuserRole) out.push_back({r.oid, name});
  return out;
}

char RelationKind(const Catalog& cat, const std::string& key) {
  if (cat.tables.count(key)) return 'r';
  if (cat.views.count(key)) return 'v';
  if (cat.sequences.count(key)) return 'S';
  return 0;
}

std::string RelationOwner(const Catalog& cat, const std::string& key) {
  auto it = cat.relation_owners.find(key);
  return it == cat.relation_owners.end() ? kSuperuserRole : it->second;
}

std::string SchemaOwner(const Catalog& cat, const std::string& schema) {
  if (schema == kPublicSchema) return "pg_database_owner";
  auto it = cat.schemas.find(schema);
  return it == cat.schemas.end() || it->second.owner.empty() ? kSuperuserRole : it->second.owner;
}

Acl DefaultRelationAcl(const Catalog& cat, const std::string& key) {
  const std::string owner = RelationOwner(cat, key);
  return {AclItem{owner, RelationKind(cat, key) == 'S' ? kSequencePrivileges : kTablePrivileges, 0, owner}};
}

Acl DefaultSchemaAcl(const Catalog& cat, const std::string& schema) {
  const std::string owner = SchemaOwner(cat, schema);
  // PostgreSQL 15 makes public with USAGE for PUBLIC and CREATE for its owner only.
  if (schema == kPublicSchema) return {AclItem{owner, kSchemaPrivileges, 0, owner}, AclItem{"", kPrivUsage, 0, owner}};
  return {AclItem{owner, kSchemaPrivileges, 0, owner}};
}

Acl DefaultDatabaseAcl() {
  return {AclItem{"", kPrivTemporary | kPrivConnect, 0, kSuperuserRole}, AclItem{kSuperuserRole, kDatabasePrivileges, 0, kSuperuserRole}};
}

Acl RelationAcl(const Catalog& cat, const std::string& key) {
  auto it = cat.relation_acls.find(key);
  return it != cat.relation_acls.end() ? it->second : DefaultRelationAcl(cat, key);
}

Acl SchemaAcl(const Catalog& cat, const std::string& schema) {
  auto it = cat.schema_acls.find(schema);
  return it != cat.schema_acls.end() ? it->second : DefaultSchemaAcl(cat, schema);
}

Acl DatabaseAcl(const Catalog& cat) { return cat.database_acl.empty() ? DefaultDatabaseAcl() : cat.database_acl; }

std::string AclItemText(const AclItem& item) {
  // Role names that need it are quoted as PostgreSQL's putid does.
  auto id = [](const std::string& name) {
    bool plain = !name.empty();
    for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (plain) return name;
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  std::string out = item.grantee.empty() ? std::string() : id(item.grantee);
  out += "=";
  for (int bit = 0; kPrivilegeLetters[bit]; ++bit) {
    if (!(item.privileges & (1u << bit))) continue;
    out += kPrivilegeLetters[bit];
    if (item.grant_options & (1u << bit)) out += '*';
  }
  return out + "/" + id(item.grantor);
}

std::vector<std::string> AclTexts(const Acl& acl) {
  std::vector<std::string> out;
  for (const AclItem& item : acl) out.push_back(AclItemText(item));
  return out;
}

namespace {
// The privileges an ACL gives the roles whose privileges `role` holds (RolesOf, computed once).
uint32_t HeldBy(const std::set<std::string>& roles, const Acl& acl) {
  uint32_t held = 0;
  for (const AclItem& item : acl)
    if (item.grantee.empty() || roles.count(item.grantee)) held |= item.privileges;
  return held;
}
}  // namespace

uint32_t PrivilegesHeld(const Catalog& cat, const std::string& role, const Acl& acl, uint32_t all) {
  if (IsSuperuser(cat, role)) return all;
  return HeldBy(RolesOf(cat, role, false), acl) & all;
}

bool HasRelationPrivilege(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of) {
  if (IsSuperuser(cat, role)) return true;
  const char kind = RelationKind(cat, key);
  const std::set<std::string> roles = RolesOf(cat, role, false);
  uint32_t held = HeldBy(roles, RelationAcl(cat, key));
  if (kind != 'S') {
    // pg_read_all_data / pg_write_all_data (PostgreSQL 14+).
    if (roles.count("pg_read_all_data")) held |= kPrivSelect;
    if (roles.count("pg_write_all_data")) held |= kPrivInsert | kPrivUpdate | kPrivDelete;
  }
  return (held & any_of) != 0;
}

bool HasColumnPrivilege(const Catalog& cat, const std::string& role, const std::string& key, const std::string& column, uint32_t any_of) {
  if (HasRelationPrivilege(cat, role, key, any_of)) return true;
  auto it = cat.column_acls.find({key, column});
  return it != cat.column_acls.end() && (HeldBy(RolesOf(cat, role, false), it->second) & any_of) != 0;
}

bool HasAnyColumnPrivilege(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of) {
  if (HasRelationPrivilege(cat, role, key, any_of)) return true;
  const std::set<std::string> roles = RolesOf(cat, role, false);
  for (auto it = cat.column_acls.lower_bound({key, ""}); it != cat.column_acls.end() && it->first.first == key; ++it)
    if (HeldBy(roles, it->second) & any_of) return true;
  return false;
}

void CheckColumnPrivilegeAs(const Catalog& cat, const std::string& role, const std::string& key, const std::string& column, uint32_t any_of) {
  if (IsSuperuser(cat, role) || HasColumnPrivilege(cat, role, key, column, any_of)) return;
  throw Denied(fmt::format("permission denied for {} {}", RelationKindWord(RelationKind(cat, key)), BareName(cat, key)));
}

bool HasRelationGrantOption(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of) {
  if (IsSuperuser(cat, role) || HasPrivilegesOfRole(cat, role, RelationOwner(cat, key))) return true;
  const std::set<std::string> roles = RolesOf(cat, role, false);
  uint32_t options = 0;
  for (const AclItem& item : RelationAcl(cat, key))
    if (item.grantee.empty() || roles.count(item.grantee)) options |= item.grant_options;
  return (options & any_of) != 0;
}

bool HasSchemaPrivilege(const Catalog& cat, const std::string& role, const std::string& schema, uint32_t any_of) {
  if (schema == "pg_catalog" || schema == "information_schema") return (any_of & kPrivUsage) || IsSuperuser(cat, role);
  if (IsTempSchema(schema)) return true;  // a session reaches only its own (sql/relation_names.h)
  if (IsSuperuser(cat, role)) return true;
  const std::set<std::string> roles = RolesOf(cat, role, false);
  uint32_t held = HeldBy(roles, SchemaAcl(cat, schema));
  if (roles.count("pg_read_all_data") || roles.count("pg_write_all_data")) held |= kPrivUsage;
  return (held & any_of) != 0;
}

bool HasDatabasePrivilege(const Catalog& cat, const std::string& role, uint32_t any_of) {
  return (PrivilegesHeld(cat, role, DatabaseAcl(cat), kDatabasePrivileges) & any_of) != 0;
}

bool CurrentUserIsSuperuser(const Catalog& cat) { return IsSuperuser(cat, CurrentStatement().current_user); }

void CheckRelationPrivilege(const Catalog& cat, const std::string& key, uint32_t any_of) {
  CheckRelationPrivilegeAs(cat, CurrentStatement().current_user, key, any_of);
}

void CheckRelationPrivilegeAs(const Catalog& cat, const std::string& role, const std::string& key, uint32_t any_of) {
  if (IsSuperuser(cat, role)) return;
  const std::string schema = cat.Split(key).schema;
  if (!HasSchemaPrivilege(cat, role, schema, kPrivUsage)) throw Denied(fmt::format("permission denied for schema {}", schema));
  if (!HasRelationPrivilege(cat, role, key, any_of))
    throw Denied(fmt::format("permission denied for {} {}", RelationKindWord(RelationKind(cat, key)), BareName(cat, key)));
}

void CheckRelationOwner(const Catalog& cat, const std::string& key) {
  const std::string& role = CurrentStatement().current_user;
  if (IsSuperuser(cat, role) || HasPrivilegesOfRole(cat, role, RelationOwner(cat, key))) return;
  throw Denied(fmt::format("must be owner of {} {}", RelationKindWord(RelationKind(cat, key)), BareName(cat, key)));
}

void CheckSchemaPrivilege(const Catalog& cat, const std::string& schema, uint32_t any_of) {
  const std::string& role = CurrentStatement().current_user;
  if (IsSuperuser(cat, role) || HasSchemaPrivilege(cat, role, schema, any_of)) return;
  throw Denied(fmt::format("permission denied for schema {}", schema));
}

void CheckSchemaOwner(const Catalog& cat, const std::string& schema) {
  const std::string& role = CurrentStatement().current_user;
  if (IsSuperuser(cat, role) || HasPrivilegesOfRole(cat, role, SchemaOwner(cat, schema))) return;
  throw Denied(fmt::format("must be owner of schema {}", schema));
}

void CheckCreateRelation(const Catalog& cat, const std::string& key) {
  const std::string& role = CurrentStatement().current_user;
  if (IsSuperuser(cat, role)) return;
  const std::string schema = cat.Split(key).schema;
  if (IsTempSchema(schema)) {
    if (!HasDatabasePrivilege(cat, role, kPrivTemporary))
      throw Denied("permission denied to create temporary tables in database \"yunhe\"");
    return;
  }
  CheckSchemaPrivilege(cat, schema, kPrivCreate);
}

void CheckServerFileAccess(const Catalog& cat, bool write, const std::string& what) {
  const std::string& role = CurrentStatement().current_user;
  const char* needed = write ? "pg_write_server_files" : "pg_read_server_files";
  if (IsSuperuser(cat, role) || HasPrivilegesOfRole(cat, role, needed)) return;
  Error e = Denied(fmt::format("must be superuser or have privileges of the {} role to {}", needed, what));
  if (what.find("COPY") != std::string::npos)
    e.status().WithHint("Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.");
  throw e;
}

void CheckSuperuserSetting(const Catalog& cat, const std::string& name) {
  if (CurrentUserIsSuperuser(cat)) return;
  throw Denied(fmt::format("permission denied to set parameter \"{}\"", name));
}

uint32_t PrivilegeBit(const std::string& name) {
  static const std::pair<const char*, uint32_t> kNames[] = {
      {"select", kPrivSelect}, {"insert", kPrivInsert},         {"update", kPrivUpdate},   {"delete", kPrivDelete},
      {"truncate", kPrivTruncate}, {"references", kPrivReferences}, {"trigger", kPrivTrigger}, {"execute", kPrivExecute},
      {"usage", kPrivUsage},   {"create", kPrivCreate},         {"temporary", kPrivTemporary}, {"temp", kPrivTemporary},
      {"connect", kPrivConnect},
  };
  std::string lower;
  for (char c : name) lower += char(std::tolower(static_cast<unsigned char>(c)));
  for (auto& [n, bit] : kNames)
    if (lower == n) return bit;
  return 0;
}

}  // namespace yunhe
