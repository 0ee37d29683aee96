#include "engine/check_constraints.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <unordered_map>

#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "exec/expression_eval.h"
#include "sql/parse_tree_walk.h"
#include "sql/planner.h"
#include "sql/sql_tokens.h"

namespace yunhe {

std::string FailingRowText(const DataChunk& chunk, size_t row) {
  std::string s = "(";
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    Value v = chunk.columns[c].GetValue(row);
    s += (c ? ", " : "") + (v.is_null ? std::string("null") : v.ToString());
  }
  return s + ")";
}

ExprPtr BindTableExpression(const Catalog& catalog, const TableSchema& schema, const std::string& expr, const char* what) {
  const std::string sql = "SELECT " + expr;
  auto parsed = ParsedSql::Parse(sql);
  Planner planner(catalog, sql);
  ExprPtr e = planner.BindExpression(parsed->statements()[0].node->select_stmt->target_list[0]->res_target->val,
                                     ColumnsScope(schema, schema.RelName()));
  if (e->type.id != TypeId::kBool && e->type.id != TypeId::kNull)
    throw Error(SqlState::kDatatypeMismatch, fmt::format("argument of {} must be type boolean, not type {}", what, e->type.ToString()));
  return e;
}

Scope ColumnsScope(const TableSchema& schema, const std::string& label) {
  Scope s;
  for (auto& c : schema.columns) s.columns.push_back(ScopeColumn{label, c.name, c.type, false});
  return s;
}

namespace {

// The expression's parse tree, from its text (as the catalog keeps it).
// A check's expression bound against the table's columns (the row is the table's row).
ExprPtr BindCheck(const Catalog& catalog, const TableSchema& schema, const std::string& expr) {
  return BindTableExpression(catalog, schema, expr, "CHECK constraint");
}

// Bound checks by table shape and expression: binding is a parse and a plan, and appends come a
// chunk at a time.
ExprPtr CachedCheck(const Catalog& catalog, const TableSchema& schema, const std::string& expr) {
  static std::mutex mu;
  static std::unordered_map<std::string, ExprPtr> cache;
  // current_user, session_user and current_schema bind as constants: part of the key.
  const StatementContext& statement = CurrentStatement();
  std::string key = schema.name + '\x1f' + expr + '\x1f' + statement.current_user + '\x1f' + statement.session_user + '\x1f' + statement.search_path;
  for (const ColumnInfo& c : schema.columns) key += '\x1f' + c.name + ':' + c.type.ToString();
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  ExprPtr e = BindCheck(catalog, schema, expr);
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() > 4096) cache.clear();
  cache[key] = e;
  return e;
}

// The first row the check makes false (not NULL), or -1.
int64_t FirstFailingRow(const Catalog& catalog, const TableSchema& schema, const CheckConstraint& check, const DataChunk& rows) {
  ExecContext ctx;
  const Vector v = Evaluate(*CachedCheck(catalog, schema, check.expr), rows, ctx);
  for (size_t r = 0; r < rows.count; ++r)
    if (!v.IsNull(r) && v.i64()[r] == 0) return int64_t(r);
  return -1;
}

// The distinct table columns an expression reads.
std::set<std::string> ColumnsRead(const PgQuery__Node* node, const TableSchema& schema) {
  std::set<std::string> out;
  WalkParseTree(&node->base, [&](const ProtobufCMessage* m) {
    if (m->descriptor != &pg_query__column_ref__descriptor) return;
    auto* cr = reinterpret_cast<const PgQuery__ColumnRef*>(m);
    const PgQuery__Node* last = cr->n_fields ? cr->fields[cr->n_fields - 1] : nullptr;
    if (last && last->node_case == PG_QUERY__NODE__NODE_STRING && schema.ColumnIndex(last->string->sval) >= 0) out.insert(last->string->sval);
  });
  return out;
}

}  // namespace

std::string CheckExpressionText(const std::string& sql, int location) {
  const std::vector<SqlToken> tokens = ScanSqlTokens(sql);
  size_t open = 0;
  while (open < tokens.size() && (tokens[open].start < location || tokens[open].kind != '(')) ++open;
  int depth = 0;
  for (size_t k = open; k < tokens.size(); ++k) {
    depth += tokens[k].kind == '(' ? 1 : tokens[k].kind == ')' ? -1 : 0;
    if (depth == 0) return sql.substr(size_t(tokens[open].end), size_t(tokens[k].start - tokens[open].end));
  }
  throw Error(SqlState::kSyntaxError, "could not find the expression of CHECK");
}

std::set<std::string> ConstraintNames(const TableSchema& schema) {
  std::set<std::string> out;
  for (const CheckConstraint& c : schema.checks) out.insert(c.name);
  for (const ForeignKey& f : schema.foreign_keys) out.insert(f.name);
  return out;
}

std::string ChooseConstraintName(const std::string& base, const std::set<std::string>& taken) {
  std::string name = base;
  for (int n = 1; taken.count(name); ++n) name = base + std::to_string(n);
  return name;
}

void AddCheckConstraints(const Catalog& catalog, TableSchema& schema, const std::vector<PendingCheck>& checks, const Planner& planner) {
  std::set<std::string> taken = ConstraintNames(schema);
  for (const PendingCheck& p : checks)
    if (!p.name.empty() && !taken.insert(p.name).second)
      throw Error(SqlState::kDuplicateObject, fmt::format("constraint \"{}\" for relation \"{}\" already exists", p.name, schema.RelName()));
  for (const PendingCheck& p : checks) {
    CheckConstraint c{p.name, p.expr};
    if (c.name.empty()) {
      // PostgreSQL's ChooseConstraintName: t_col_check or t_check, then a number until unique.
      const std::set<std::string> read = ColumnsRead(p.node, schema);
      c.name = ChooseConstraintName(schema.RelName() + (read.size() == 1 ? "_" + *read.begin() : "") + "_check", taken);
      taken.insert(c.name);
    }
    try {
      BindCheck(catalog, schema, c.expr);
    } catch (Error& e) {
      if (e.status().position() == 0 && p.location >= 0) e.status().WithPosition(planner.CharPos(p.location));
      throw;
    }
    schema.checks.push_back(c);
  }
  std::sort(schema.checks.begin(), schema.checks.end(), [](const CheckConstraint& a, const CheckConstraint& b) { return a.name < b.name; });
}

std::vector<std::pair<size_t, std::string>> CheckConstraintFailures(const Catalog& catalog, const TableSchema& schema, const DataChunk& rows) {
  std::vector<std::string> failed(rows.count);  // per row: the first check (in name order) it fails
  for (const CheckConstraint& c : schema.checks) {
    ExecContext ctx;
    const Vector v = Evaluate(*CachedCheck(catalog, schema, c.expr), rows, ctx);
    for (size_t r = 0; r < rows.count; ++r)
      if (failed[r].empty() && !v.IsNull(r) && v.i64()[r] == 0)
        failed[r] = fmt::format("new row for relation \"{}\" violates check constraint \"{}\"", schema.RelName(), c.name);
  }
  std::vector<std::pair<size_t, std::string>> out;
  for (size_t r = 0; r < rows.count; ++r)
    if (!failed[r].empty()) out.emplace_back(r, std::move(failed[r]));
  return out;
}

void EnforceCheckConstraints(const Catalog& catalog, const TableSchema& schema, const DataChunk& rows) {
  for (const CheckConstraint& c : schema.checks) {
    const int64_t r = FirstFailingRow(catalog, schema, c, rows);
    if (r < 0) continue;
    throw Error(Status::Error(SqlState::kCheckViolation,
                              fmt::format("new row for relation \"{}\" violates check constraint \"{}\"", schema.RelName(), c.name))
                    .WithDetail("Failing row contains " + FailingRowText(rows, size_t(r)) + ".")
                    .WithObject(schema.RelName(), "", c.name, schema.nspname));
  }
}

void ValidateCheckConstraint(const Catalog& catalog, const TableSchema& schema, const CheckConstraint& check, const DataChunk& rows) {
  if (FirstFailingRow(catalog, schema, check, rows) < 0) return;
  throw Error(Status::Error(SqlState::kCheckViolation,
                            fmt::format("check constraint \"{}\" of relation \"{}\" is violated by some row", check.name, schema.RelName()))
                  .WithObject(schema.RelName(), "", check.name, schema.nspname));
}

void RenameColumnInChecks(TableSchema& schema, const std::string& old_name, const std::string& new_name) {
  for (CheckConstraint& c : schema.checks) c.expr = RenameColumnInExpression(c.expr, old_name, new_name);
  for (RowPolicy& p : schema.policies) {
    p.using_expr = RenameColumnInExpression(p.using_expr, old_name, new_name);
    p.check_expr = RenameColumnInExpression(p.check_expr, old_name, new_name);
  }
}

std::string RenameColumnInExpression(const std::string& expr, const std::string& old_name, const std::string& new_name) {
  // The expression reads one table: a name token that is the old column and not a function's
  // name (followed by '(') or a field of something else (after '.').
  const std::vector<SqlToken> tokens = ScanSqlTokens(expr);
  std::string out;
  size_t at = 0;
  for (size_t k = 0; k < tokens.size(); ++k) {
    const SqlToken& t = tokens[k];
    std::string text = expr.substr(size_t(t.start), size_t(t.end - t.start));
    std::string name = text;
    if (!text.empty() && text[0] == '"') name = text.substr(1, text.size() - 2);
    else for (char& ch : name) ch = char(tolower((unsigned char)ch));
    const bool call = k + 1 < tokens.size() && tokens[k + 1].kind == '(';
    const bool field = k > 0 && tokens[k - 1].kind == '.';
    if (name != old_name || call || field || !(isalpha((unsigned char)text[0]) || text[0] == '_' || text[0] == '"')) continue;
    out += expr.substr(at, size_t(t.start) - at) + QuoteIdent(new_name);
    at = size_t(t.end);
  }
  return out + expr.substr(at);
}

void DropChecksOfMissingColumns(const Catalog& catalog, TableSchema& schema) {
  std::erase_if(schema.checks, [&](const CheckConstraint& c) {
    try {
      BindCheck(catalog, schema, c.expr);
      return false;
    } catch (const Error&) {
      return true;  // PostgreSQL drops a check with the column it reads
    }
  });
}

}  // namespace yunhe
