// GRANT / REVOKE, role membership, ALTER ... OWNER TO (engine/grants.h).
#include "engine/grants.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "engine/default_privileges.h"
#include "sql/planner.h"
#include "sql/privileges.h"
#include "sql/relation_names.h"

namespace yunhe {
namespace {

// What a GRANT names: a relation (kind 'r', 'v', 'S'; key), a schema ('n'; name), the database ('d').
struct AclTarget {
  char kind = 'r';
  std::string key;
};

uint32_t AllPrivilegesOf(const AclTarget& t) {
  switch (t.kind) {
    case 'S': return kSequencePrivileges;
    case 'n': return kSchemaPrivileges;
    case 'd': return kDatabasePrivileges;
    default: return kTablePrivileges;
  }
}

const char* TargetWord(const AclTarget& t) {
  return t.kind == 'n' ? "schema" : t.kind == 'd' ? "database" : RelationKindWord(t.kind);
}

std::string TargetOwner(const Catalog& cat, const AclTarget& t) {
  if (t.kind == 'n') return SchemaOwner(cat, t.key);
  if (t.kind == 'd') return kSuperuserRole;
  return RelationOwner(cat, t.key);
}

std::string TargetName(const Catalog& cat, const AclTarget& t) {
  return t.kind == 'n' || t.kind == 'd' ? t.key : cat.Split(t.key).name;
}

// The object as GRANT's text names it.
std::string TargetSql(const Catalog& cat, const AclTarget& t) {
  switch (t.kind) {
    case 'S': return "SEQUENCE " + cat.Quote(t.key);
    case 'n': return "SCHEMA " + QuoteIdent(t.key);
    case 'd': return "DATABASE " + QuoteIdent(t.key);
    default: return "TABLE " + cat.Quote(t.key);
  }
}

Acl CurrentAcl(const Catalog& cat, const AclTarget& t) {
  if (t.kind == 'n') return SchemaAcl(cat, t.key);
  if (t.kind == 'd') return DatabaseAcl(cat);
  return RelationAcl(cat, t.key);
}

// The stored ACL, made from the default on first change.
Acl& StoredAcl(Catalog& cat, const AclTarget& t) {
  Acl current = CurrentAcl(cat, t);
  Acl& stored = t.kind == 'n' ? cat.schema_acls[t.key] : t.kind == 'd' ? cat.database_acl : cat.relation_acls[t.key];
  stored = std::move(current);
  return stored;
}

// After a revoke took grant options `bits` from `grantor`: what it granted with them goes too
// with CASCADE (and what those grantees granted, in turn); without it, 2BP01. The owner keeps
// its grant options whatever its aclitem says.
void RevokeDependents(Acl& acl, const std::string& owner, const std::string& first, uint32_t bits, bool cascade) {
  std::vector<std::pair<std::string, uint32_t>> pending{{first, bits}};  // (grantor, grant options it lost)
  while (!pending.empty()) {
    const auto [grantor, taken] = pending.back();
    pending.pop_back();
    if (grantor.empty() || grantor == owner || !taken) continue;
    // A grantor keeps what it may still grant through another item naming it as grantee.
    uint32_t still = 0;
    for (const AclItem& i : acl)
      if (i.grantee == grantor) still |= i.grant_options;
    const uint32_t lost = taken & ~still;
    if (!lost) continue;
    for (auto it = acl.begin(); it != acl.end();) {
      if (it->grantor != grantor || !(it->privileges & lost) || it->grantee == grantor) {
        ++it;
        continue;
      }
      if (!cascade)
        throw Error(Status::Error(SqlState::kDependentObjects, "dependent privileges exist").WithHint("Use CASCADE to revoke them too."));
      pending.push_back({it->grantee, it->grant_options & lost});
      it->privileges &= ~lost;
      it->grant_options &= ~lost;
      it = it->privileges ? std::next(it) : acl.erase(it);
    }
  }
}

std::vector<AclTarget> GrantTargets(const Catalog& cat, PgQuery__GrantStmt* s) {
  std::vector<AclTarget> out;
  const auto objtype = s->objtype;
  if (s->targtype == PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_ALL_IN_SCHEMA) {
    for (size_t k = 0; k < s->n_objects; ++k) {
      const std::string schema = s->objects[k]->string->sval;
      if (!cat.SchemaExists(schema)) throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", schema));
      auto in_schema = [&](const std::string& key) { return cat.Split(key).schema == schema && !IsTempRelationKey(key); };
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) {
        for (auto& [key, seq] : cat.sequences)
          if (in_schema(key)) out.push_back({'S', key});
      } else if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
        for (auto& [key, t] : cat.tables)
          if (in_schema(key)) out.push_back({'r', key});
        for (auto& [key, v] : cat.views)
          if (in_schema(key)) out.push_back({'v', key});
      } else {
        throw Error(SqlState::kFeatureNotSupported, "GRANT ... ON ALL FUNCTIONS/PROCEDURES/ROUTINES is not supported: there are no user-defined functions");
      }
    }
    return out;
  }
  if (s->targtype != PG_QUERY__GRANT_TARGET_TYPE__ACL_TARGET_OBJECT)
    throw Error(SqlState::kFeatureNotSupported, "ALTER DEFAULT PRIVILEGES is not supported");
  for (size_t k = 0; k < s->n_objects; ++k) {
    PgQuery__Node* o = s->objects[k];
    if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) {
      auto* rv = o->range_var;
      const std::string key = RangeVarKey(cat, rv);
      const char kind = RelationKind(cat, key);
      if (!kind) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", rv->relname));
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE && kind != 'S')
        throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a sequence", rv->relname));
      out.push_back({kind, key});
    } else if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
      const std::string schema = o->string->sval;
      if (!cat.SchemaExists(schema) || IsTempSchema(schema))
        throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", schema));
      out.push_back({'n', schema});
    } else if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_DATABASE) {
      const std::string name = o->string->sval;
      if (name != "yunhe") throw Error(SqlState::kUndefinedDatabase, fmt::format("database \"{}\" does not exist", name));
      out.push_back({'d', name});
    } else {
      throw Error(SqlState::kFeatureNotSupported, "GRANT and REVOKE are supported on tables, views, sequences, schemas and the database only");
    }
  }
  return out;
}

}  // namespace

std::string PrivilegeList(uint32_t bits, uint32_t all) {
  if (all != 0 && bits == all) return "ALL";
  static const std::pair<uint32_t, const char*> kNames[] = {
      {kPrivSelect, "SELECT"}, {kPrivInsert, "INSERT"}, {kPrivUpdate, "UPDATE"}, {kPrivDelete, "DELETE"}, {kPrivTruncate, "TRUNCATE"},
      {kPrivReferences, "REFERENCES"}, {kPrivTrigger, "TRIGGER"}, {kPrivExecute, "EXECUTE"}, {kPrivUsage, "USAGE"},
      {kPrivCreate, "CREATE"}, {kPrivTemporary, "TEMPORARY"}, {kPrivConnect, "CONNECT"}};
  std::string out;
  for (auto& [bit, name] : kNames)
    if (bits & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string GranteeSql(const std::string& grantee) { return grantee.empty() ? "PUBLIC" : QuoteIdent(grantee); }

// An existing (grantee, grantor) item is changed in place, a new one goes last.
uint32_t UpdateAcl(Acl& acl, bool grant, bool option_only, bool with_option, const std::string& grantee, const std::string& grantor,
                   uint32_t bits) {
  auto it = std::find_if(acl.begin(), acl.end(), [&](const AclItem& i) { return i.grantee == grantee && i.grantor == grantor; });
  if (grant) {
    if (it == acl.end()) it = acl.insert(acl.end(), AclItem{grantee, 0, 0, grantor});
    it->privileges |= bits;
    if (with_option) it->grant_options |= bits;
    return 0;
  }
  if (it == acl.end()) return 0;
  const uint32_t taken = it->grant_options & bits;
  it->grant_options &= ~bits;
  if (!option_only) it->privileges &= ~bits;
  if (it->privileges == 0) acl.erase(it);
  return taken;
}

namespace {

// One column part of a GRANT: privileges and the columns they are on.
struct ColumnGrant {
  uint32_t bits;
  std::vector<std::string> columns;
};

// "SELECT (a, b), INSERT (a, b)": the column privileges as GRANT's text names them.
std::string ColumnPrivilegeList(uint32_t bits, const std::vector<std::string>& columns) {
  std::string cols;
  for (const std::string& c : columns) cols += (cols.empty() ? "" : ", ") + QuoteIdent(c);
  std::string out;
  for (uint32_t bit : {kPrivSelect, kPrivInsert, kPrivUpdate, kPrivReferences})
    if (bits & bit) out += (out.empty() ? "" : ", ") + PrivilegeList(bit, 0) + " (" + cols + ")";
  return out;
}

void GrantColumns(Database& db, PgQuery__GrantStmt* s, const std::vector<AclTarget>& targets, const std::vector<ColumnGrant>& grants)
    REQUIRES(db.mutex());

}  // namespace

std::string RoleSpecName(const Catalog& cat, PgQuery__RoleSpec* spec) {
  switch (spec->roletype) {
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_PUBLIC: return "";
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_USER:
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_CURRENT_ROLE: return CurrentStatement().current_user;
    case PG_QUERY__ROLE_SPEC_TYPE__ROLESPEC_SESSION_USER: return CurrentStatement().session_user;
    default: break;
  }
  const std::string name = spec->rolename ? spec->rolename : "";
  if (!RoleExists(cat, name)) throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", name));
  return name;
}

void ExecuteGrant(Database& db, PgQuery__GrantStmt* s, const std::string&, QueryResult& result) {
  result.tag = s->is_grant ? "GRANT" : "REVOKE";
  const Catalog& cat = db.catalog();
  const std::vector<AclTarget> targets = GrantTargets(cat, s);
  std::vector<std::string> grantees;
  for (size_t k = 0; k < s->n_grantees; ++k) grantees.push_back(RoleSpecName(cat, s->grantees[k]->role_spec));
  const std::string role = CurrentStatement().current_user;
  std::string named_grantor;
  if (s->grantor) {
    named_grantor = RoleSpecName(cat, s->grantor);
    // PostgreSQL accepts only the current user here; replay names the grantor it recorded.
    if (!db.in_replay() && named_grantor != role)
      throw Error(SqlState::kFeatureNotSupported, "grantor must be current user");
  }
  uint32_t asked = 0;
  std::vector<ColumnGrant> column_grants;  // SELECT (a, b), ALL (c) ...
  for (size_t k = 0; k < s->n_privileges; ++k) {
    auto* p = s->privileges[k]->access_priv;
    const uint32_t bit = p->priv_name ? PrivilegeBit(p->priv_name) : kColumnPrivileges;  // ALL (cols) has no name
    if (!bit) throw Error(SqlState::kSyntaxError, fmt::format("unrecognized privilege type \"{}\"", p->priv_name));
    if (p->n_cols > 0) {
      if (bit & ~kColumnPrivileges)
        throw Error(SqlState::kInvalidGrantOperation, fmt::format("invalid privilege type {} for column", PrivilegeList(bit, 0)));
      ColumnGrant g{bit, {}};
      for (size_t c = 0; c < p->n_cols; ++c) g.columns.push_back(StrVal(p->cols[c]));
      column_grants.push_back(std::move(g));
      continue;
    }
    asked |= bit;
  }
  if (!column_grants.empty()) {
    GrantColumns(db, s, targets, column_grants);
    if (asked == 0) return;  // only column privileges were named
  }
  std::vector<std::pair<AclTarget, uint32_t>> changes;  // what changed, with which privileges and grantor
  std::vector<std::string> grantors;
  for (const AclTarget& t : targets) {
    const uint32_t all = AllPrivilegesOf(t);
    uint32_t bits = s->n_privileges == 0 ? all : asked;
    if (bits & ~all) {
      const uint32_t bad = bits & ~all;
      throw Error(SqlState::kInvalidGrantOperation,
                  fmt::format("invalid privilege type {} for {}", PrivilegeList(bad & -bad, 0), TargetWord(t)));
    }
    std::string grantor;
    const std::string owner = TargetOwner(cat, t);
    if (!named_grantor.empty() && db.in_replay()) {
      grantor = named_grantor;
    } else if (IsSuperuser(cat, role) || HasPrivilegesOfRole(cat, role, owner)) {
      grantor = owner;  // PostgreSQL: as though the owner issued it
    } else {
      // A role holding privileges WITH GRANT OPTION grants (and revokes) as itself.
      uint32_t options = 0, held = 0;
      for (const AclItem& i : CurrentAcl(cat, t))
        if (i.grantee == role || (!i.grantee.empty() && HasPrivilegesOfRole(cat, role, i.grantee))) options |= i.grant_options;
      held = PrivilegesHeld(cat, role, CurrentAcl(cat, t), all);
      if (!held) throw Error(SqlState::kInsufficientPrivilege, fmt::format("permission denied for {} {}", TargetWord(t), TargetName(cat, t)));
      if (!(options & bits)) {
        result.notices.push_back(fmt::format("WARNING:  no privileges {} for \"{}\"", s->is_grant ? "were granted" : "could be revoked", TargetName(cat, t)));
        continue;
      }
      if ((options & bits) != bits)
        result.notices.push_back(fmt::format("WARNING:  not all privileges {} for \"{}\"", s->is_grant ? "were granted" : "could be revoked", TargetName(cat, t)));
      bits &= options;
      grantor = role;
    }
    changes.push_back({t, bits});
    grantors.push_back(grantor);
  }
  if (changes.empty()) return;
  db.BeginCatalogChange();
  Catalog& m = db.mutable_catalog();
  std::string grantee_sql;
  for (const std::string& g : grantees) grantee_sql += (grantee_sql.empty() ? "" : ", ") + GranteeSql(g);
  for (size_t k = 0; k < changes.size(); ++k) {
    const auto& [t, bits] = changes[k];
    Acl& acl = StoredAcl(m, t);
    for (const std::string& g : grantees) {
      const uint32_t taken = UpdateAcl(acl, s->is_grant, !s->is_grant && s->grant_option, s->is_grant && s->grant_option, g, grantors[k], bits);
      if (!s->is_grant) RevokeDependents(acl, TargetOwner(m, t), g, taken, s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE);
      // PostgreSQL: revoking on a table revokes the same privileges on each of its columns.
      if (!s->is_grant && (t.kind == 'r' || t.kind == 'v'))
        for (auto it = m.column_acls.lower_bound({t.key, ""}); it != m.column_acls.end() && it->first.first == t.key;) {
          UpdateAcl(it->second, false, s->grant_option, false, g, grantors[k], bits & kColumnPrivileges);
          it = it->second.empty() ? m.column_acls.erase(it) : std::next(it);
        }
    }
    const std::string privs = PrivilegeList(bits, AllPrivilegesOf(t));
    const std::string logged = s->is_grant
        ? fmt::format("GRANT {} ON {} TO {}{} GRANTED BY {}", privs, TargetSql(m, t), grantee_sql, s->grant_option ? " WITH GRANT OPTION" : "", QuoteIdent(grantors[k]))
        // CASCADE always: it did what it did here (a RESTRICT that found dependents failed), and
        // replay must not stop at 2BP01.
        : fmt::format("REVOKE {}{} ON {} FROM {} GRANTED BY {} CASCADE", s->grant_option ? "GRANT OPTION FOR " : "", privs, TargetSql(m, t), grantee_sql,
                      QuoteIdent(grantors[k]));
    db.RecordCatalogChange(logged, t.kind == 'n' || t.kind == 'd' ? "" : t.key);
  }
}

namespace {

void GrantColumns(Database& db, PgQuery__GrantStmt* s, const std::vector<AclTarget>& targets, const std::vector<ColumnGrant>& grants) {
  const Catalog& cat = db.catalog();
  const std::string role = CurrentStatement().current_user;
  std::vector<std::string> grantees;
  for (size_t k = 0; k < s->n_grantees; ++k) grantees.push_back(RoleSpecName(cat, s->grantees[k]->role_spec));
  std::string named_grantor;
  if (s->grantor) named_grantor = RoleSpecName(cat, s->grantor);
  std::vector<std::string> grantors;
  for (const AclTarget& t : targets) {
    if (t.kind != 'r' || !cat.FindTable(t.key))
      throw Error(SqlState::kFeatureNotSupported, "column privileges are supported on tables (grant on the whole view or sequence)");
    const TableSchema& schema = cat.FindTable(t.key)->schema;
    for (const ColumnGrant& g : grants)
      for (const std::string& c : g.columns)
        if (schema.ColumnIndex(c) < 0)
          throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", c, schema.RelName()));
    // The grantor: the owner (for owners and superusers), else the role with the grant option on
    // the table or on every column named.
    const std::string owner = TargetOwner(cat, t);
    std::string grantor = owner;
    if (!named_grantor.empty() && db.in_replay()) {
      grantor = named_grantor;
    } else if (!IsSuperuser(cat, role) && !HasPrivilegesOfRole(cat, role, owner)) {
      for (const ColumnGrant& g : grants) {
        bool may = HasRelationGrantOption(cat, role, t.key, g.bits);
        for (const std::string& c : g.columns) {
          auto it = cat.column_acls.find({t.key, c});
          uint32_t options = 0;
          if (it != cat.column_acls.end())
            for (const AclItem& i : it->second)
              if (i.grantee.empty() || HasPrivilegesOfRole(cat, role, i.grantee)) options |= i.grant_options;
          may = may || (options & g.bits) == g.bits;
        }
        if (!may) throw Error(SqlState::kInsufficientPrivilege, fmt::format("permission denied for table {}", cat.Split(t.key).name));
      }
      grantor = role;
    }
    grantors.push_back(grantor);
  }
  db.BeginCatalogChange();
  Catalog& m = db.mutable_catalog();
  std::string grantee_sql;
  for (const std::string& g : grantees) grantee_sql += (grantee_sql.empty() ? "" : ", ") + GranteeSql(g);
  for (size_t k = 0; k < targets.size(); ++k) {
    const AclTarget& t = targets[k];
    for (const ColumnGrant& g : grants) {
      for (const std::string& c : g.columns) {
        Acl& acl = m.column_acls[{t.key, c}];
        for (const std::string& grantee : grantees)
          UpdateAcl(acl, s->is_grant, !s->is_grant && s->grant_option, s->is_grant && s->grant_option, grantee, grantors[k], g.bits);
        if (acl.empty()) m.column_acls.erase({t.key, c});
      }
      const std::string privs = ColumnPrivilegeList(g.bits, g.columns);
      db.RecordCatalogChange(s->is_grant ? fmt::format("GRANT {} ON {} TO {}{} GRANTED BY {}", privs, TargetSql(m, t), grantee_sql,
                                                       s->grant_option ? " WITH GRANT OPTION" : "", QuoteIdent(grantors[k]))
                                         : fmt::format("REVOKE {}{} ON {} FROM {} GRANTED BY {}", s->grant_option ? "GRANT OPTION FOR " : "", privs,
                                                       TargetSql(m, t), grantee_sql, QuoteIdent(grantors[k])),
                             t.key);
    }
  }
}

}  // namespace

void ExecuteGrantRole(Database& db, PgQuery__GrantRoleStmt* s, const std::string&, QueryResult& result) {
  result.tag = s->is_grant ? "GRANT ROLE" : "REVOKE ROLE";
  const Catalog& cat = db.catalog();
  const std::string role = CurrentStatement().current_user;
  std::vector<std::string> granted, members;
  for (size_t k = 0; k < s->n_granted_roles; ++k) {
    const std::string name = s->granted_roles[k]->access_priv->priv_name;
    if (!RoleExists(cat, name)) throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", name));
    granted.push_back(name);
  }
  for (size_t k = 0; k < s->n_grantee_roles; ++k) {
    const std::string name = RoleSpecName(cat, s->grantee_roles[k]->role_spec);
    if (name.empty()) throw Error(SqlState::kUndefinedObject, "role \"public\" does not exist");
    members.push_back(name);
  }
  const RoleInfo* me = cat.FindRole(role);
  for (const std::string& g : granted) {
    if (IsSuperuser(cat, role)) continue;
    if (IsSuperuser(cat, g)) throw Error(SqlState::kInsufficientPrivilege, "must be superuser to alter superusers");
    if (!(me && me->createrole) && !HasAdminOption(cat, role, g))
      throw Error(SqlState::kInsufficientPrivilege, fmt::format("must have admin option on role \"{}\"", g));
  }
  auto holds = [](const std::vector<std::string>& list, const std::string& r) { return std::find(list.begin(), list.end(), r) != list.end(); };
  std::vector<std::pair<std::string, std::string>> changes;
  for (const std::string& g : granted)
    for (const std::string& m : members) {
      const RoleInfo* mi = cat.FindRole(m);
      const bool already = mi && holds(mi->member_of, g);
      const bool admin = mi && holds(mi->admin_of, g);
      if (s->is_grant) {
        if (g == m || (IsMemberOfRole(cat, g, m) && !IsSuperuser(cat, g)))
          throw Error(SqlState::kInvalidGrantOperation, fmt::format("role \"{}\" is a member of role \"{}\"", g, m));
        if (g == "pg_database_owner") throw Error(SqlState::kInvalidGrantOperation, "role \"pg_database_owner\" cannot have explicit members");
        if (already && (admin || !s->admin_opt)) {
          result.notices.push_back(fmt::format("NOTICE:  role \"{}\" is already a member of role \"{}\"", m, g));
          continue;
        }
      } else if (!already) {
        result.notices.push_back(fmt::format("WARNING:  role \"{}\" is not a member of role \"{}\"", m, g));
        continue;
      }
      changes.push_back({g, m});
    }
  if (changes.empty()) return;
  db.BeginCatalogChange();
  Catalog& m = db.mutable_catalog();
  for (auto& [g, member] : changes) {
    RoleInfo& info = m.roles[member];  // the superuser gets an entry too (no password: "")
    if (s->is_grant) {
      if (!holds(info.member_of, g)) info.member_of.push_back(g);
      if (s->admin_opt && !holds(info.admin_of, g)) info.admin_of.push_back(g);
      db.RecordCatalogChange(fmt::format("GRANT {} TO {}{}", QuoteIdent(g), QuoteIdent(member), s->admin_opt ? " WITH ADMIN OPTION" : ""), "");
    } else {
      // REVOKE ADMIN OPTION FOR keeps the membership.
      if (!s->admin_opt) std::erase(info.member_of, g);
      std::erase(info.admin_of, g);
      db.RecordCatalogChange(fmt::format("REVOKE {}{} FROM {}", s->admin_opt ? "ADMIN OPTION FOR " : "", QuoteIdent(g), QuoteIdent(member)), "");
    }
  }
}

bool IsAlterOwner(PgQuery__AlterTableStmt* stmt) {
  if (stmt->n_cmds == 0) return false;
  for (size_t k = 0; k < stmt->n_cmds; ++k)
    if (stmt->cmds[k]->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner) return false;
  return true;
}

namespace {

// New owner: the old owner's items in a stored ACL become the new owner's (PostgreSQL's aclnewowner).
void ReplaceOwnerInAcl(Acl& acl, const std::string& from, const std::string& to) {
  Acl out;
  for (AclItem item : acl) {
    if (item.grantee == from) item.grantee = to;
    if (item.grantor == from) item.grantor = to;
    auto same = std::find_if(out.begin(), out.end(), [&](const AclItem& i) { return i.grantee == item.grantee && i.grantor == item.grantor; });
    if (same == out.end()) out.push_back(item);
    else same->privileges |= item.privileges, same->grant_options |= item.grant_options;
  }
  acl = std::move(out);
}

void CheckMayGiveTo(const Catalog& cat, const std::string& owner, const std::string& new_owner, const std::string& what) {
  const std::string& role = CurrentStatement().current_user;
  if (IsSuperuser(cat, role)) return;
  if (!HasPrivilegesOfRole(cat, role, owner)) throw Error(SqlState::kInsufficientPrivilege, "must be owner of " + what);
  if (!IsMemberOfRole(cat, role, new_owner))
    throw Error(SqlState::kInsufficientPrivilege, fmt::format("must be member of role \"{}\"", new_owner));
}

void SetRelationOwner(Catalog& cat, const std::string& key, const std::string& owner) {
  const std::string old = RelationOwner(cat, key);
  if (owner == kSuperuserRole) cat.relation_owners.erase(key);
  else cat.relation_owners[key] = owner;
  auto acl = cat.relation_acls.find(key);
  if (acl != cat.relation_acls.end()) ReplaceOwnerInAcl(acl->second, old, owner);
}

}  // namespace

void ExecuteAlterTableOwner(Database& db, PgQuery__AlterTableStmt* stmt, const std::string&, QueryResult& result) {
  const Catalog& cat = db.catalog();
  const std::string key = RangeVarKey(cat, stmt->relation);
  const char kind = RelationKind(cat, key);
  result.tag = std::string("ALTER ") + RelationKindSql(kind);
  if (!kind) {
    if (stmt->missing_ok) {
      result.notices.push_back(fmt::format("NOTICE:  relation \"{}\" does not exist, skipping", stmt->relation->relname));
      return;
    }
    throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", stmt->relation->relname));
  }
  const std::string owner = RoleSpecName(cat, stmt->cmds[stmt->n_cmds - 1]->alter_table_cmd->newowner);
  if (owner.empty()) throw Error(SqlState::kUndefinedObject, "role \"public\" does not exist");
  CheckMayGiveTo(cat, RelationOwner(cat, key), owner, fmt::format("{} {}", RelationKindWord(kind), cat.Split(key).name));
  if (RelationOwner(cat, key) == owner) return;
  db.BeginCatalogChange();
  Catalog& m = db.mutable_catalog();
  SetRelationOwner(m, key, owner);
  // A table's own sequences (serial, identity) follow it, as in PostgreSQL.
  if (kind == 'r')
    for (auto& [skey, seq] : m.sequences)
      if (seq.owned_table == key) SetRelationOwner(m, skey, owner);
  db.RecordCatalogChange(fmt::format("ALTER {} {} OWNER TO {}", RelationKindSql(kind), m.Quote(key), QuoteIdent(owner)), key);
}

void ExecuteAlterOwner(Database& db, PgQuery__AlterOwnerStmt* stmt, const std::string&, QueryResult& result) {
  if (stmt->object_type != PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA || !stmt->object || stmt->object->node_case != PG_QUERY__NODE__NODE_STRING)
    throw Error(SqlState::kFeatureNotSupported, "ALTER ... OWNER TO is supported for tables, views, sequences and schemas");
  result.tag = "ALTER SCHEMA";
  const Catalog& cat = db.catalog();
  const std::string schema = stmt->object->string->sval;
  if (!cat.schemas.count(schema)) {
    if (schema == kPublicSchema) throw Error(SqlState::kFeatureNotSupported, "the owner of schema public is pg_database_owner and stays so");
    throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", schema));
  }
  const std::string owner = RoleSpecName(cat, stmt->newowner);
  if (owner.empty()) throw Error(SqlState::kUndefinedObject, "role \"public\" does not exist");
  CheckMayGiveTo(cat, SchemaOwner(cat, schema), owner, "schema " + schema);
  db.BeginCatalogChange();
  Catalog& m = db.mutable_catalog();
  const std::string old = SchemaOwner(m, schema);
  m.schemas[schema].owner = owner == kSuperuserRole ? "" : owner;
  auto acl = m.schema_acls.find(schema);
  if (acl != m.schema_acls.end()) ReplaceOwnerInAcl(acl->second, old, owner);
  db.RecordCatalogChange(fmt::format("ALTER SCHEMA {} OWNER TO {}", QuoteIdent(schema), QuoteIdent(owner)), "");
}

void RecordNewRelationOwner(Database& db, const std::string& key) {
  const std::string role = CurrentStatement().current_user;
  Catalog& cat = db.mutable_catalog();
  cat.relation_acls.erase(key);  // a stale one of a dropped namesake
  const char kind = RelationKind(cat, key);
  if (role == kSuperuserRole) {
    cat.relation_owners.erase(key);
  } else {
    cat.relation_owners[key] = role;
    db.RecordCatalogChange(fmt::format("ALTER {} {} OWNER TO {}", RelationKindSql(kind), cat.Quote(key), QuoteIdent(role)), key);
  }
  ApplyDefaultPrivileges(db, kind, key, role);
}

std::string PrivilegesDdl(const Catalog& cat) {
  std::string out;
  for (auto& [key, owner] : cat.relation_owners) {
    const char kind = RelationKind(cat, key);
    if (!kind || IsTempRelationKey(key)) continue;
    out += fmt::format("ALTER {} {} OWNER TO {};\n", RelationKindSql(kind), cat.Quote(key), QuoteIdent(owner));
  }
  for (auto& [name, info] : cat.schemas)
    if (!info.owner.empty()) out += fmt::format("ALTER SCHEMA {} OWNER TO {};\n", QuoteIdent(name), QuoteIdent(info.owner));
  // A stored ACL: the default's items revoked, then each item granted again, in order.
  auto rebuild = [&](const AclTarget& t, const Acl& stored, const Acl& fallback) {
    const std::string target = TargetSql(cat, t);
    for (const AclItem& i : fallback)
      out += fmt::format("REVOKE ALL ON {} FROM {} GRANTED BY {};\n", target, GranteeSql(i.grantee), QuoteIdent(i.grantor));
    const uint32_t all = AllPrivilegesOf(t);
    for (const AclItem& i : stored) {
      if (const uint32_t plain = i.privileges & ~i.grant_options)
        out += fmt::format("GRANT {} ON {} TO {} GRANTED BY {};\n", PrivilegeList(plain, all), target, GranteeSql(i.grantee), QuoteIdent(i.grantor));
      if (i.grant_options)
        out += fmt::format("GRANT {} ON {} TO {} WITH GRANT OPTION GRANTED BY {};\n", PrivilegeList(i.grant_options, all), target,
                           GranteeSql(i.grantee), QuoteIdent(i.grantor));
    }
  };
  for (auto& [key, acl] : cat.relation_acls) {
    const char kind = RelationKind(cat, key);
    if (!kind || IsTempRelationKey(key)) continue;
    rebuild({kind, key}, acl, DefaultRelationAcl(cat, key));
  }
  for (auto& [schema, acl] : cat.schema_acls)
    if (cat.SchemaExists(schema)) rebuild({'n', schema}, acl, DefaultSchemaAcl(cat, schema));
  if (!cat.database_acl.empty()) rebuild({'d', "yunhe"}, cat.database_acl, DefaultDatabaseAcl());
  for (auto& [key, acl] : cat.column_acls) {
    if (!cat.FindTable(key.first) || IsTempRelationKey(key.first)) continue;
    const std::string target = TargetSql(cat, {'r', key.first});
    for (const AclItem& i : acl) {
      if (const uint32_t plain = i.privileges & ~i.grant_options)
        out += fmt::format("GRANT {} ON {} TO {} GRANTED BY {};\n", ColumnPrivilegeList(plain, {key.second}), target, GranteeSql(i.grantee), QuoteIdent(i.grantor));
      if (i.grant_options)
        out += fmt::format("GRANT {} ON {} TO {} WITH GRANT OPTION GRANTED BY {};\n", ColumnPrivilegeList(i.grant_options, {key.second}), target,
                           GranteeSql(i.grantee), QuoteIdent(i.grantor));
    }
  }
  return out;
}

void RevokeAllGrantedTo(Database& db, const std::string& role) {
  // Where the role is a grantee, by target, with the grantors of its items.
  std::vector<std::pair<AclTarget, std::vector<std::string>>> found;
  auto scan = [&](const AclTarget& t, const Acl& acl) {
    std::vector<std::string> grantors;
    for (const AclItem& i : acl)
      if (i.grantee == role) grantors.push_back(i.grantor);
    if (!grantors.empty()) found.push_back({t, grantors});
  };
  const Catalog& cat = db.catalog();
  for (auto& [key, acl] : cat.relation_acls)
    if (const char kind = RelationKind(cat, key)) scan({kind, key}, acl);
  for (auto& [schema, acl] : cat.schema_acls)
    if (cat.SchemaExists(schema)) scan({'n', schema}, acl);
  scan({'d', "yunhe"}, cat.database_acl);
  std::vector<std::tuple<std::string, std::string, std::string>> columns;  // (table, column, grantor)
  for (auto& [key, acl] : cat.column_acls)
    for (const AclItem& i : acl)
      if (i.grantee == role) columns.emplace_back(key.first, key.second, i.grantor);
  if (found.empty() && columns.empty()) return;
  db.BeginCatalogChange();
  Catalog& m = db.mutable_catalog();
  for (auto& [t, grantors] : found)
    for (const std::string& grantor : grantors) {
      Acl& acl = StoredAcl(m, t);
      const uint32_t taken = UpdateAcl(acl, false, false, false, role, grantor, AllPrivilegesOf(t));
      RevokeDependents(acl, TargetOwner(m, t), role, taken, /*cascade=*/true);
      db.RecordCatalogChange(fmt::format("REVOKE ALL ON {} FROM {} GRANTED BY {} CASCADE", TargetSql(m, t), QuoteIdent(role), QuoteIdent(grantor)),
                             t.kind == 'n' || t.kind == 'd' ? "" : t.key);
    }
  for (auto& [table, column, grantor] : columns) {
    auto it = m.column_acls.find({table, column});
    if (it == m.column_acls.end()) continue;
    UpdateAcl(it->second, false, false, false, role, grantor, kColumnPrivileges);
    if (it->second.empty()) m.column_acls.erase(it);
    db.RecordCatalogChange(fmt::format("REVOKE {} ON {} FROM {} GRANTED BY {}", ColumnPrivilegeList(kColumnPrivileges, {column}),
                                       TargetSql(m, {'r', table}), QuoteIdent(role), QuoteIdent(grantor)),
                           table);
  }
}

void MovePrivileges(Catalog& cat, const std::string& from, const std::string& to) {
  if (auto owner = cat.relation_owners.extract(from)) {
    owner.key() = to;
    cat.relation_owners.insert(std::move(owner));
  }
  if (auto acl = cat.relation_acls.extract(from)) {
    acl.key() = to;
    cat.relation_acls.insert(std::move(acl));
  }
  for (auto it = cat.column_acls.lower_bound({from, ""}); it != cat.column_acls.end() && it->first.first == from;) {
    auto node = cat.column_acls.extract(it++);
    node.key().first = to;
    cat.column_acls.insert(std::move(node));
  }
}

void ForgetDroppedPrivileges(Catalog& cat) {
  std::erase_if(cat.relation_owners, [&](const auto& e) { return !RelationKind(cat, e.first); });
  std::erase_if(cat.relation_acls, [&](const auto& e) { return !RelationKind(cat, e.first); });
  std::erase_if(cat.column_acls, [&](const auto& e) {
    const auto table = cat.FindTable(e.first.first);
    return !table || table->schema.ColumnIndex(e.first.second) < 0;
  });
  std::erase_if(cat.schema_acls, [&](const auto& e) { return !cat.SchemaExists(e.first); });
  std::erase_if(cat.default_acls, [&](const auto& e) { return !std::get<1>(e.first).empty() && !cat.SchemaExists(std::get<1>(e.first)); });
}

std::vector<std::string> RoleDependents(const Catalog& cat, const std::string& role) {
  std::vector<std::string> out;
  for (auto& [key, owner] : cat.relation_owners) {
    const char kind = RelationKind(cat, key);
    if (owner == role && kind) out.push_back(fmt::format("owner of {} {}", RelationKindWord(kind), key));
  }
  for (auto& [name, info] : cat.schemas)
    if (info.owner == role) out.push_back("owner of schema " + name);
  auto names = [&](const Acl& acl) {
    return std::any_of(acl.begin(), acl.end(), [&](const AclItem& i) { return i.grantee == role || i.grantor == role; });
  };
  for (auto& [key, acl] : cat.relation_acls) {
    const char kind = RelationKind(cat, key);
    if (kind && names(acl)) out.push_back(fmt::format("privileges for {} {}", RelationKindWord(kind), key));
  }
  for (auto& [schema, acl] : cat.schema_acls)
    if (names(acl)) out.push_back("privileges for schema " + schema);
  if (names(cat.database_acl)) out.push_back("privileges for database yunhe");
  for (auto& [key, acl] : cat.column_acls)
    if (names(acl)) out.push_back(fmt::format("privileges for column {} of table {}", key.second, key.first));
  for (std::string& d : DefaultPrivilegeDependents(cat, role)) out.push_back(std::move(d));
  for (auto& [key, t] : cat.tables)
    for (const RowPolicy& p : t->schema.policies)
      if (std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end()) out.push_back(fmt::format("target of policy {} on table {}", p.name, key));
  return out;
}

}  // namespace yunhe
