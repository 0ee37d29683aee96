#include "engine/policies.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "engine/check_constraints.h"
#include "engine/grants.h"
#include "exec/expression_eval.h"
#include "sql/parse_tree_walk.h"
#include "sql/planner.h"
#include "sql/privileges.h"
#include "sql/relation_names.h"
#include "sql/row_security.h"
#include "sql/sql_tokens.h"

namespace yunhe {

namespace {

// The text inside the parentheses around the expression at `location` (USING (...), WITH
// CHECK (...)): the innermost parenthesis open at that point.
std::string ParenthesizedAt(const std::string& sql, int location) {
  const std::vector<SqlToken> tokens = ScanSqlTokens(sql);
  std::vector<size_t> open;
  size_t k = 0;
  for (; k < tokens.size() && tokens[k].start < location; ++k) {
    if (tokens[k].kind == '(') open.push_back(k);
    else if (tokens[k].kind == ')' && !open.empty()) open.pop_back();
  }
  if (open.empty()) throw Error(SqlState::kSyntaxError, "could not find the expression of the policy");
  int depth = 0;
  for (size_t j = open.back(); j < tokens.size(); ++j) {
    depth += tokens[j].kind == '(' ? 1 : tokens[j].kind == ')' ? -1 : 0;
    if (depth == 0) return sql.substr(size_t(tokens[open.back()].end), size_t(tokens[j].start - tokens[open.back()].end));
  }
  throw Error(SqlState::kSyntaxError, "could not find the expression of the policy");
}

// Where an expression is: its top node's location (an operator's, a function name's ...), which
// lies inside the parentheses around the expression and outside any nested in it; else the
// smallest location in the tree.
int ExpressionLocation(PgQuery__Node* node) {
  auto location_of = [](const ProtobufCMessage* m) {
    const ProtobufCFieldDescriptor* f = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, "location");
    return f && f->type == PROTOBUF_C_TYPE_INT32 ? *reinterpret_cast<const int32_t*>(reinterpret_cast<const char*>(m) + f->offset) : -1;
  };
  const ProtobufCFieldDescriptor* set = SetNodeField(node);
  if (set) {
    const auto* inner = *reinterpret_cast<ProtobufCMessage* const*>(reinterpret_cast<const char*>(node) + set->offset);
    if (inner && location_of(inner) >= 0) return location_of(inner);
  }
  int location = -1;
  WalkParseTree(&node->base, [&](const ProtobufCMessage* m) {
    const int l = location_of(m);
    if (l >= 0 && (location < 0 || l < location)) location = l;
  });
  return location;
}

ExprPtr BindPolicyExpression(const Catalog& catalog, const TableSchema& schema, const std::string& expr) {
  return BindTableExpression(catalog, schema, expr, "POLICY");
}

std::string RolesSql(const RowPolicy& p) {
  if (p.roles.empty()) return "PUBLIC";
  std::string out;
  for (const std::string& r : p.roles) out += (out.empty() ? "" : ", ") + (r.empty() ? std::string("PUBLIC") : QuoteIdent(r));
  return out;
}

const RowPolicy* FindPolicy(const TableSchema& schema, const std::string& name) {
  for (const RowPolicy& p : schema.policies)
    if (p.name == name) return &p;
  return nullptr;
}

Error NoSuchPolicy(const std::string& name, const std::string& table) {
  return Error(SqlState::kUndefinedObject, fmt::format("policy \"{}\" for table \"{}\" does not exist", name, table));
}

Error PolicyExists(const std::string& name, const std::string& table) {
  return Error(SqlState::kDuplicateObject, fmt::format("policy \"{}\" for table \"{}\" already exists", name, table));
}

// The table a policy statement names, which the current role must own.
std::shared_ptr<Table> PolicyTable(const Catalog& cat, PgQuery__RangeVar* rv) {
  const std::string key = RangeVarKey(cat, rv);
  auto table = cat.FindTable(key);
  if (!table) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", rv->relname));
  CheckRelationOwner(cat, key);
  return table;
}

// TO roles (PUBLIC among them covers everyone: no list), USING and WITH CHECK of CREATE and
// ALTER POLICY, checked against the policy's command and bound over the table's columns.
void SetPolicyClauses(const Catalog& cat, const TableSchema& schema, const std::string& sql, PgQuery__Node** roles, size_t n_roles,
                      PgQuery__Node* qual, PgQuery__Node* with_check, RowPolicy* p) {
  if (n_roles) {
    p->roles.clear();
    for (size_t k = 0; k < n_roles; ++k) p->roles.push_back(RoleSpecName(cat, roles[k]->role_spec));
    if (std::find(p->roles.begin(), p->roles.end(), "") != p->roles.end()) p->roles.clear();
  }
  if (qual && p->command == 'a') throw Error(SqlState::kSyntaxError, "only WITH CHECK expression allowed for INSERT");
  if (with_check && (p->command == 'r' || p->command == 'd')) throw Error(SqlState::kSyntaxError, "WITH CHECK cannot be applied to SELECT or DELETE");
  if (qual) BindPolicyExpression(cat, schema, p->using_expr = ParenthesizedAt(sql, ExpressionLocation(qual)));
  if (with_check) BindPolicyExpression(cat, schema, p->check_expr = ParenthesizedAt(sql, ExpressionLocation(with_check)));
}

}  // namespace

void ExecuteCreatePolicy(Database& db, PgQuery__CreatePolicyStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "CREATE POLICY";
  const Catalog& cat = db.catalog();
  const auto table = PolicyTable(cat, stmt->table);
  RowPolicy p;
  p.name = stmt->policy_name;
  p.permissive = stmt->permissive;
  const std::string cmd = stmt->cmd_name ? stmt->cmd_name : "all";
  p.command = cmd == "select" ? 'r' : cmd == "insert" ? 'a' : cmd == "update" ? 'w' : cmd == "delete" ? 'd' : '*';
  SetPolicyClauses(cat, table->schema, sql, stmt->roles, stmt->n_roles, stmt->qual, stmt->with_check, &p);
  if (FindPolicy(table->schema, p.name)) throw PolicyExists(p.name, table->schema.RelName());
  db.BeginCatalogChange();
  db.CloneTableForDdl(table->schema.name)->schema.policies.push_back(p);
  db.RecordCatalogChange(sql, table->schema.name);
}

void ExecuteAlterPolicy(Database& db, PgQuery__AlterPolicyStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "ALTER POLICY";
  const Catalog& cat = db.catalog();
  const auto table = PolicyTable(cat, stmt->table);
  const RowPolicy* old = FindPolicy(table->schema, stmt->policy_name);
  if (!old) throw NoSuchPolicy(stmt->policy_name, table->schema.RelName());
  RowPolicy p = *old;
  SetPolicyClauses(cat, table->schema, sql, stmt->roles, stmt->n_roles, stmt->qual, stmt->with_check, &p);
  db.BeginCatalogChange();
  for (RowPolicy& q : db.CloneTableForDdl(table->schema.name)->schema.policies)
    if (q.name == p.name) q = p;
  db.RecordCatalogChange(sql, table->schema.name);
}

void ExecuteRenamePolicy(Database& db, PgQuery__RenameStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "ALTER POLICY";
  const Catalog& cat = db.catalog();
  const auto table = PolicyTable(cat, stmt->relation);
  const std::string from = stmt->subname, to = stmt->newname;
  if (!FindPolicy(table->schema, from)) throw NoSuchPolicy(from, table->schema.RelName());
  if (FindPolicy(table->schema, to)) throw PolicyExists(to, table->schema.RelName());
  db.BeginCatalogChange();
  for (RowPolicy& q : db.CloneTableForDdl(table->schema.name)->schema.policies)
    if (q.name == from) q.name = to;
  db.RecordCatalogChange(sql, table->schema.name);
}

void ExecuteDropPolicy(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) {
  result.tag = "DROP POLICY";
  const Catalog& cat = db.catalog();
  std::string changed;  // the table whose policy went (the grammar names one)
  for (size_t k = 0; k < stmt->n_objects; ++k) {
    // [schema,] table, policy
    const PgQuery__List* names = stmt->objects[k]->list;
    if (!names || names->n_items < 2) throw Error(SqlState::kSyntaxError, "DROP POLICY name ON table");
    const std::string policy = StrVal(names->items[names->n_items - 1]);
    const std::string table = StrVal(names->items[names->n_items - 2]);
    const std::string schema = names->n_items > 2 ? StrVal(names->items[names->n_items - 3]) : "";
    const std::string key = ExistingRelationKey(cat, schema, table);
    auto t = cat.FindTable(key);
    if (!t) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", table));
    if (!FindPolicy(t->schema, policy)) {
      if (!stmt->missing_ok) throw NoSuchPolicy(policy, table);
      result.notices.push_back(fmt::format("NOTICE:  policy \"{}\" for relation \"{}\" does not exist, skipping", policy, table));
      continue;
    }
    CheckRelationOwner(cat, key);
    if (changed.empty()) db.BeginCatalogChange();
    changed = key;
    std::erase_if(db.CloneTableForDdl(key)->schema.policies, [&](const RowPolicy& p) { return p.name == policy; });
  }
  // Logged under the table's key: a temporary table's never reaches the WAL (replay would not
  // find the table and the directory would not open).
  if (!changed.empty()) db.RecordCatalogChange(sql, changed);
}

std::vector<std::string> PoliciesDdl(const Catalog& catalog, const TableSchema& schema) {
  std::vector<std::string> out;
  const std::string table = catalog.Quote(schema.name);
  for (const RowPolicy& p : schema.policies) {
    std::string s = fmt::format("CREATE POLICY {} ON {} AS {} FOR {} TO {}", QuoteIdent(p.name), table, p.permissive ? "PERMISSIVE" : "RESTRICTIVE",
                                PolicyCommandSql(p.command), RolesSql(p));
    if (!p.using_expr.empty()) s += " USING (" + p.using_expr + ")";
    if (!p.check_expr.empty()) s += " WITH CHECK (" + p.check_expr + ")";
    out.push_back(std::move(s));
  }
  if (schema.row_security) out.push_back(fmt::format("ALTER TABLE {} ENABLE ROW LEVEL SECURITY", table));
  if (schema.force_row_security) out.push_back(fmt::format("ALTER TABLE {} FORCE ROW LEVEL SECURITY", table));
  return out;
}

void EnforceRowSecurityCheck(const Catalog& catalog, const TableSchema& schema, const DataChunk& rows, char command) {
  if (rows.count == 0 || !RowSecurityApplies(catalog, schema, CurrentStatement().current_user)) return;
  const std::string expr = RowSecurityExpression(catalog, schema, CurrentStatement().current_user, command, true);
  ExecContext ctx;
  const Vector v = Evaluate(*BindPolicyExpression(catalog, schema, expr), rows, ctx);
  for (size_t r = 0; r < rows.count; ++r)
    if (v.IsNull(r) || v.i64()[r] == 0)
      throw Error(SqlState::kInsufficientPrivilege, fmt::format("new row violates row-level security policy for table \"{}\"", schema.RelName()));
}

}  // namespace yunhe
