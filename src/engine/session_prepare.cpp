// SQL-level PREPARE / EXECUTE / DEALLOCATE (engine/session.h).
#include <fmt/format.h>

#include "common/status.h"
#include "engine/session.h"
#include "sql/sql_tokens.h"

namespace yunhe {

namespace {

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Error NoSuchStatement(const std::string& name) {
  return Error(SqlState::kInvalidSqlStatementName, fmt::format("prepared statement \"{}\" does not exist", name));
}

}  // namespace

Session::Statement Session::ExecuteText(const Statement& statement, const PgQuery__ExecuteStmt* e) {
  const std::string name = e->name ? e->name : "";
  auto it = prepared_.find(name);
  if (it == prepared_.end()) throw NoSuchStatement(name);
  const Prepared& p = it->second;
  std::vector<SqlToken> tokens = ScanSqlTokens(statement.text);
  std::vector<std::string> args;
  // EXECUTE name ( arg, ... ): the arguments' texts, each an expression of its own.
  if (tokens.size() > 2 && tokens[2].kind == '(') {
    size_t close = 0;
    args = ParenthesizedItems(statement.text, tokens, 2, &close);
  }
  if (int(args.size()) != p.nparams)
    throw Error(Status::Error(SqlState::kSyntaxError, fmt::format("wrong number of parameters for prepared statement \"{}\"", name))
                    .WithDetail(fmt::format("Expected {} parameters but got {}.", p.nparams, args.size())));
  Statement out;
  out.text = p.nparams == 0 ? p.sql : ReplaceParams(p.sql, [&](int n) -> std::optional<std::string> {
    if (n < 1 || size_t(n) > args.size()) return std::nullopt;
    const std::string arg = "(" + Trimmed(args[size_t(n - 1)]) + ")";
    const size_t k = size_t(n - 1);
    return k < p.type_names.size() && !p.type_names[k].empty() ? "(" + arg + "::" + p.type_names[k] + ")" : arg;
  });
  out.len = int(out.text.size());
  out.parsed = p.parsed && p.nparams == 0 ? p.parsed : ParsedSql::Parse(out.text);
  if (out.parsed->statements().size() != 1) throw Error(SqlState::kSyntaxError, "a prepared statement must be one statement");
  return out;
}

bool Session::RunPreparedStatementCommand(const Statement& statement, PgQuery__Node* node, ResultStream* out) {
  const auto kind = node->node_case;
  if (kind != PG_QUERY__NODE__NODE_PREPARE_STMT && kind != PG_QUERY__NODE__NODE_EXECUTE_STMT &&
      kind != PG_QUERY__NODE__NODE_DEALLOCATE_STMT)
    return false;
  if (BlockFailed()) {
    *out = ErrorStream(Status::Error(SqlState::kInFailedTransaction,
                                     "current transaction is aborted, commands ignored until end of transaction block"));
    return true;
  }
  try {
    if (kind == PG_QUERY__NODE__NODE_EXECUTE_STMT) {
      *out = Run(ExecuteText(statement, node->execute_stmt));
      return true;
    }
    if (kind == PG_QUERY__NODE__NODE_DEALLOCATE_STMT) {
      const char* name = node->deallocate_stmt->name;
      if (!name || !name[0]) {
        prepared_.clear();
        out->result_.tag = "DEALLOCATE ALL";
      } else {
        if (!prepared_.erase(name)) throw NoSuchStatement(name);
        out->result_.tag = "DEALLOCATE";
      }
      return true;
    }
    // PREPARE name [ ( type, ... ) ] AS statement
    const std::string name = node->prepare_stmt->name ? node->prepare_stmt->name : "";
    if (prepared_.count(name))
      throw Error(SqlState::kDuplicatePreparedStatement, fmt::format("prepared statement \"{}\" already exists", name));
    std::vector<SqlToken> tokens = ScanSqlTokens(statement.text);
    Prepared p;
    size_t as = 2;
    if (tokens.size() > 2 && tokens[2].kind == '(') {
      for (const std::string& t : ParenthesizedItems(statement.text, tokens, 2, &as)) p.type_names.push_back(Trimmed(t));
      ++as;
    }
    if (as >= tokens.size() || tokens[as].end >= int(statement.text.size()))
      throw Error(SqlState::kSyntaxError, "PREPARE needs AS and a statement");
    p.sql = Trimmed(statement.text.substr(size_t(tokens[as].end)));
    p.nparams = std::max<int>(CountParams(p.sql), int(p.type_names.size()));
    auto parsed = ParsedSql::Parse(p.sql);  // the statement after AS parsed with the PREPARE already
    if (p.nparams == 0) p.parsed = std::move(parsed);
    p.oids.assign(p.type_names.size(), 0);
    prepared_[name] = std::move(p);
    out->result_.tag = "PREPARE";
  } catch (const Error& e) {
    FailBlock();
    *out = ErrorStream(e.status());
  }
  return true;
}

}  // namespace yunhe
