// has_table_privilege and its kin (has_sequence_, has_column_, has_any_column_, has_schema_,
// has_database_privilege, pg_has_role), answered from the catalog's ACLs (sql/privileges.h) as
// PostgreSQL answers them. Constant arguments fold while binding; a relation given per row (an
// OID column of pg_class) is looked up in a map the planner builds once for the statement.
#include <fmt/format.h>

#include "common/statement_context.h"
#include "common/status.h"
#include "sql/planner.h"
#include "sql/privileges.h"
#include "sql/relation_names.h"
#include "sql/system_catalog.h"

namespace yunhe {
namespace {

// "SELECT, INSERT WITH GRANT OPTION": the privileges asked for; with_grant when any of them asks
// for the option (PostgreSQL: true when any listed privilege is held).
struct AskedPrivileges {
  uint32_t plain = 0, with_grant = 0;
};

AskedPrivileges ParsePrivileges(const std::string& text, bool roles) {
  AskedPrivileges out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() + 1 : comma + 1;
    std::string lower;
    for (char c : item) lower += char(std::tolower(static_cast<unsigned char>(c)));
    while (!lower.empty() && std::isspace(static_cast<unsigned char>(lower.front()))) lower.erase(lower.begin());
    while (!lower.empty() && std::isspace(static_cast<unsigned char>(lower.back()))) lower.pop_back();
    bool grant = false;
    const std::string suffix = " with grant option", admin = " with admin option";
    for (const std::string& s : {suffix, admin})
      if (lower.size() > s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0) {
        lower.resize(lower.size() - s.size());
        grant = true;
      }
    uint32_t bit = 0;
    if (roles) bit = lower == "member" ? 1u : lower == "usage" ? 2u : 0u;
    else bit = PrivilegeBit(lower);
    if (!bit) throw Error(SqlState::kInvalidParameterValue, fmt::format("unrecognized privilege type: \"{}\"", item));
    (grant ? out.with_grant : out.plain) |= bit;
  }
  return out;
}

bool RelationAnswer(const Catalog& cat, const std::string& role, const std::string& key, const AskedPrivileges& p) {
  return (p.plain && HasRelationPrivilege(cat, role, key, p.plain)) || (p.with_grant && HasRelationGrantOption(cat, role, key, p.with_grant));
}

}  // namespace

ExprPtr Planner::BindPrivilegeFunction(const std::string& name, std::vector<ExprPtr>& args, int location) {
  const bool column = name == "has_column_privilege";
  const size_t object_args = column ? 2 : 1;  // (table, column)
  if (args.size() != object_args + 1 && args.size() != object_args + 2)
    throw Error(SqlState::kUndefinedFunction, fmt::format("function {} with {} arguments does not exist", name, args.size()), CharPos(location));
  std::vector<ExprPtr> a = args;
  if (a.size() == object_args + 1) a.insert(a.begin(), MakeConstant(Value::Text(CurrentStatement().current_user), location));
  if (a.back()->kind != ExprKind::kConstant)
    throw Error(SqlState::kFeatureNotSupported, fmt::format("{}() takes a constant privilege here", name), CharPos(location));
  if (a.back()->value.is_null) return MakeConstant(Value::Null(TypeId::kBool), location);
  const AskedPrivileges asked = ParsePrivileges(a.back()->value.ToString(), name == "pg_has_role");
  const uint32_t any = asked.plain | asked.with_grant;
  const char kind = name == "has_schema_privilege" ? 'n' : name == "has_database_privilege" ? 'd' : name == "pg_has_role" ? 'a' : 'r';

  // Objects by name and OID, and the answer for (role, object name).
  std::vector<std::pair<int64_t, std::string>> objects;
  if (kind == 'r') {
    for (const RelationEntry& e : CatalogRelations(catalog_))
      if (e.kind != 'i') objects.push_back({e.oid, e.key});
  } else if (kind == 'n') {
    objects = CatalogNamespaces(catalog_);
  } else if (kind == 'd') {
    objects.push_back({16383, "yunhe"});
  } else {
    objects = AllRoles(catalog_);
  }
  const std::vector<std::pair<int64_t, std::string>> roles = AllRoles(catalog_);
  // has_column_privilege with a constant column (name or number): that column's privileges;
  // a column given per row answers for the table's. has_any_column_privilege: any column's.
  const ExprPtr column_arg = column ? a[2] : nullptr;
  auto column_name = [&](const std::string& key) -> std::string {
    if (!column_arg || column_arg->kind != ExprKind::kConstant || column_arg->value.is_null) return "";
    const auto table = catalog_.FindTable(key);
    if (!table) return "";
    if (column_arg->value.type.IsInteger()) {
      const int64_t n = column_arg->value.i;
      return n >= 1 && size_t(n) <= table->schema.columns.size() ? table->schema.columns[size_t(n - 1)].name : "";
    }
    const std::string c = column_arg->value.ToString();
    if (table->schema.ColumnIndex(c) < 0)
      throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", c, table->schema.RelName()));
    return c;
  };
  auto answer = [&](const std::string& role, const std::string& object) {
    if (kind == 'r' && asked.plain && !RelationAnswer(catalog_, role, object, asked)) {
      if (name == "has_any_column_privilege") return HasAnyColumnPrivilege(catalog_, role, object, asked.plain);
      if (const std::string c = column_name(object); !c.empty()) return HasColumnPrivilege(catalog_, role, object, c, asked.plain);
    }
    switch (kind) {
      case 'n': return HasSchemaPrivilege(catalog_, role, object, any);
      case 'd': return HasDatabasePrivilege(catalog_, role, any);
      case 'a': return ((any & 1u) && IsMemberOfRole(catalog_, role, object)) || ((any & 2u) && HasPrivilegesOfRole(catalog_, role, object));
      default: return RelationAnswer(catalog_, role, object, asked);
    }
  };
  // A constant argument: the name it gives (an OID is looked up), or a clear error.
  auto resolve = [&](const ExprPtr& e, const std::vector<std::pair<int64_t, std::string>>& among, char what) -> std::string {
    const Value& v = e->value;
    if (v.type.IsInteger()) {
      for (auto& [oid, n] : among)
        if (oid == v.i) return n;
      return "";
    }
    const std::string text = v.ToString();
    if (what == 'u' || what == 'a') {
      if (text == "public" && what == 'u') return "";
      if (!RoleExists(catalog_, text)) throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", text));
      return text;
    }
    if (what == 'n') {
      if (!catalog_.SchemaExists(text) && text != "pg_catalog" && text != "information_schema")
        throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", text));
      return text;
    }
    if (what == 'd') {
      if (text != "yunhe") throw Error(SqlState::kUndefinedDatabase, fmt::format("database \"{}\" does not exist", text));
      return text;
    }
    const std::string key = RelationKeyFromText(catalog_, text);
    if (!RelationKind(catalog_, key)) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", text));
    return key;
  };
  const ExprPtr& user = a[0];
  const ExprPtr& object = a[1];
  const bool user_const = user->kind == ExprKind::kConstant, object_const = object->kind == ExprKind::kConstant;
  if ((user_const && user->value.is_null) || (object_const && object->value.is_null)) return MakeConstant(Value::Null(TypeId::kBool), location);
  if (user_const && object_const) return MakeConstant(Value::Bool(answer(resolve(user, roles, 'u'), resolve(object, objects, kind))), location);
  if (!user_const && !object_const)
    throw Error(SqlState::kFeatureNotSupported, fmt::format("{}() takes a constant role or a constant object here", name), CharPos(location));
  // One side per row: a map from its OIDs (or names) to the answer.
  const ExprPtr& varying = user_const ? object : user;
  const auto& among = user_const ? objects : roles;
  const std::string fixed = user_const ? resolve(user, roles, 'u') : resolve(object, objects, kind);
  const bool by_oid = varying->type.IsInteger() && !varying->unknown_literal;
  std::string map;
  for (auto& [oid, n] : among) {
    const bool yes = user_const ? answer(fixed, n) : answer(n, fixed);
    std::string key = by_oid ? std::to_string(oid) : kind == 'r' && user_const ? catalog_.Split(n).name : n;
    map += fmt::format("{}\t{}\n", key, yes ? "t" : "f");
  }
  ExprPtr lookup = by_oid ? ResolveCall("__catalog_lookup", {varying, MakeConstant(Value::Text(map), location)}, location, false)
                          : ResolveCall("__catalog_lookup_text", {CoerceTo(varying, TypeId::kText), MakeConstant(Value::Text(map), location)}, location, false);
  return CoerceTo(lookup, TypeId::kBool);
}

}  // namespace yunhe
