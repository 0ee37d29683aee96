#include "engine/retention.h"

#include "engine/command_calls.h"
#include "sql/privileges.h"

#include <fmt/format.h>

#include "common/status.h"
#include "common/time_util.h"
#include "engine/statements.h"
#include "exec/expression_eval.h"
#include "functions/statement_clock.h"
#include "sql/planner.h"

namespace yunhe {

std::vector<std::string> DropChunks(Database& db, const std::shared_ptr<Table>& table, std::optional<int64_t> older_than_ns,
                                    std::optional<int64_t> newer_than_ns) {
  const TableSchema& s = table->schema;
  if (s.time_column < 0)
    throw Error(SqlState::kInvalidParameterValue,
                fmt::format("table \"{}\" is not time-partitioned (create it with PARTITION BY RANGE (time_column))", s.name));
  const TableData& data = table->data;
  const int64_t width = s.partition_interval_ns;
  // Partitions and their groups, in time order.
  std::map<int64_t, std::vector<size_t>> partitions;
  for (size_t g = 0; g < data.group_count(); ++g) partitions[data.group_partition(g)].push_back(g);
  std::vector<uint64_t> ids;
  std::vector<std::string> dropped;
  const bool is_date = s.columns[s.time_column].type.id == TypeId::kDate;
  auto show = [&](int64_t ns) { return is_date ? FormatDate(FloorDiv(ns, kNsPerDay)) : FormatTimestampTz(ns); };
  for (auto& [p, groups] : partitions) {
    const __int128 start = __int128(p) * width, end = start + width;
    bool drop = older_than_ns || newer_than_ns;
    if (older_than_ns) drop = drop && end <= *older_than_ns;
    if (newer_than_ns) drop = drop && start >= *newer_than_ns;
    if (!drop) continue;
    size_t live = 0;
    for (size_t g : groups) {
      const auto& del = data.deleted(g);
      for (size_t r = 0; r < data.group_rows(g); ++r)
        if (!del[r]) {
          ids.push_back(g * kChunkRows + r);
          ++live;
        }
    }
    if (live) dropped.push_back(fmt::format("{} [{}, {}) {} rows", s.name, show(int64_t(start)), show(int64_t(end)), live));
  }
  if (!ids.empty()) db.RecordDelete(table, ids);
  return dropped;
}

bool IsDropChunksCall(PgQuery__Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) return false;
  auto* s = node->select_stmt;
  if (s->n_from_clause || s->n_target_list != 1 || s->where_clause || s->op != PG_QUERY__SET_OPERATION__SETOP_NONE) return false;
  PgQuery__Node* v = s->target_list[0]->res_target->val;
  if (v->node_case != PG_QUERY__NODE__NODE_FUNC_CALL) return false;
  auto* f = v->func_call;
  return StrVal(f->funcname[f->n_funcname - 1]) == "drop_chunks";
}

void ExecuteDropChunks(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) {
  auto* f = node->select_stmt->target_list[0]->res_target->val->func_call;
  Planner planner(db.catalog(), sql);
  const int pos = planner.CharPos(f->location);
  ExecContext ctx;
  auto eval = [&](PgQuery__Node* n) { return EvaluateConstant(*planner.BindExpression(n, Scope()), ctx); };
  std::string table_name;
  std::optional<int64_t> older, newer;
  auto cutoff = [&](const Value& v, const char* what) -> int64_t {
    switch (v.type.id) {
      case TypeId::kInterval: return AddInterval(StatementClock::Now(), v.iv, -1);
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz: return v.i;
      case TypeId::kDate: return v.i * kNsPerDay;
      case TypeId::kText: {
        int64_t ns;
        bool zone;
        if (ParseTimestamp(v.s, &ns, &zone)) return ns;
        Interval iv;
        if (ParseInterval(v.s, &iv)) return AddInterval(StatementClock::Now(), iv, -1);
        break;
      }
      default: break;
    }
    throw Error(SqlState::kInvalidParameterValue,
                fmt::format("invalid {} argument of drop_chunks: use an interval or a timestamp", what), pos);
  };
  for (size_t k = 0; k < f->n_args; ++k) {
    PgQuery__Node* a = f->args[k];
    std::string name;
    if (a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR) {
      name = a->named_arg_expr->name;
      a = a->named_arg_expr->arg;
    } else {
      name = k == 0 ? "relation" : k == 1 ? "older_than" : k == 2 ? "newer_than" : "verbose";
    }
    Value v = eval(a);
    if (name == "relation") {
      if (v.type.id != TypeId::kText || v.is_null)
        throw Error(SqlState::kInvalidParameterValue, "drop_chunks: relation must be a table name", pos);
      table_name = v.s;
      if (table_name.rfind("public.", 0) == 0) table_name = table_name.substr(7);
    } else if (name == "older_than") {
      if (!v.is_null) older = cutoff(v, "older_than");
    } else if (name == "newer_than") {
      if (!v.is_null) newer = cutoff(v, "newer_than");
    } else if (name != "verbose") {
      throw Error(SqlState::kUndefinedFunction, fmt::format("drop_chunks has no parameter named \"{}\"", name), pos);
    }
  }
  if (table_name.empty()) throw Error(SqlState::kInvalidParameterValue, "drop_chunks: relation is required", pos);
  if (!older && !newer)
    throw Error(SqlState::kInvalidParameterValue, "invalid time range for dropping chunks", pos);
  auto table = db.catalog().FindTable(table_name);
  if (!table) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", table_name), pos);
  CheckRelationOwner(db.catalog(), table_name);  // TimescaleDB: the hypertable's owner
  auto dropped = DropChunks(db, table, older, newer);
  result.SetTextRows(CommandCallColumn(node), dropped);
  result.tag = fmt::format("SELECT {}", dropped.size());
}

size_t ApplyRetention(Database& db) {
  size_t n = 0;
  for (auto& [name, table] : db.catalog().tables) {
    if (table->schema.retention_ns <= 0 || table->schema.time_column < 0 || !table->corrupt.empty()) continue;
    n += DropChunks(db, table, StatementClock::WallNow() - table->schema.retention_ns, std::nullopt).size();
  }
  return n;
}

}  // namespace yunhe
