#include "sql/row_security.h"

#include "sql/privileges.h"

namespace yunhe {

bool RowSecurityApplies(const Catalog& cat, const TableSchema& schema, const std::string& role) {
  if (!schema.row_security || IsSuperuser(cat, role)) return false;
  return schema.force_row_security || !HasPrivilegesOfRole(cat, role, RelationOwner(cat, schema.name));
}

const char* PolicyCommandSql(char command) {
  switch (command) {
    case 'r': return "SELECT";
    case 'a': return "INSERT";
    case 'w': return "UPDATE";
    case 'd': return "DELETE";
    default: return "ALL";
  }
}

std::string RowSecurityExpression(const Catalog& cat, const TableSchema& schema, const std::string& role, char command, bool check) {
  std::string permissive, restrictive;
  for (const RowPolicy& p : schema.policies) {
    if (p.command != '*' && p.command != command) continue;
    bool for_role = p.roles.empty();
    for (const std::string& r : p.roles) for_role = for_role || r.empty() || HasPrivilegesOfRole(cat, role, r);
    if (!for_role) continue;
    const std::string& expr = check && !p.check_expr.empty() ? p.check_expr : p.using_expr;
    if (expr.empty()) continue;  // PostgreSQL: a policy without the expression adds nothing here
    std::string& into = p.permissive ? permissive : restrictive;
    into += std::string(into.empty() ? "" : p.permissive ? " OR " : " AND ") + "(" + expr + ")";
  }
  if (permissive.empty()) return "false";
  return restrictive.empty() ? permissive : "(" + permissive + ") AND " + restrictive;
}

}  // namespace yunhe
