#include "engine/command_calls.h"

#include "common/sql_text.h"
#include "engine/api_tokens.h"
#include "engine/geometry_columns.h"
#include "engine/retention.h"
#include "exec/expression_eval.h"
#include "sql/planner.h"

namespace yunhe {

std::string CommandCallName(const PgQuery__Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) return "";
  const auto* s = node->select_stmt;
  if (s->n_from_clause || s->n_target_list != 1 || s->where_clause || s->op != PG_QUERY__SET_OPERATION__SETOP_NONE) return "";
  const PgQuery__Node* v = s->target_list[0]->res_target->val;
  if (!v || v->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return "";
  const auto* f = v->func_call;
  return StrVal(f->funcname[f->n_funcname - 1]);
}

std::string CommandCallColumn(const PgQuery__Node* node) {
  const auto* target = node->select_stmt->target_list[0]->res_target;
  return target->name && *target->name ? std::string(target->name) : CommandCallName(node);
}

bool IsCommandCall(PgQuery__Node* node) { return IsDropChunksCall(node) || IsGeometryColumnCommand(node) || IsApiTokenCommand(node); }

void ExecuteCommandCall(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) {
  if (IsDropChunksCall(node)) return ExecuteDropChunks(db, node, sql, result);
  if (IsGeometryColumnCommand(node)) return ExecuteGeometryColumnCommand(db, node, sql, result);
  ExecuteApiTokenCommand(db, node, sql, result);
}

std::vector<Value> CommandCallArgs(Database& db, PgQuery__Node* node, const std::string& sql) {
  auto* f = node->select_stmt->target_list[0]->res_target->val->func_call;
  std::vector<Value> args;
  Planner planner(db.catalog(), sql);
  ExecContext ctx;
  for (size_t k = 0; k < f->n_args; ++k) {
    if (f->args[k]->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR)
      throw Error(SqlState::kUndefinedFunction, StrVal(f->funcname[f->n_funcname - 1]) + " takes positional arguments only");
    args.push_back(EvaluateConstant(*planner.BindExpression(f->args[k], Scope()), ctx));
  }
  return args;
}

}  // namespace yunhe
