// SELECT and EXPLAIN [ANALYZE].
#include <fmt/format.h>

#include <chrono>
#include <functional>

#include "common/cancel.h"
#include "common/notices.h"
#include "common/statement_context.h"
#include "common/timezone.h"
#include "engine/command_calls.h"
#include "engine/sequences.h"
#include "functions/statement_clock.h"
#include "engine/statements.h"
#include "exec/expression_eval.h"
#include "sql/optimizer/cardinality.h"
#include "sql/planner.h"

namespace yunhe {

void CollectResult(PlannedQuery& q, QueryResult& result) {
  ExecContext ctx;
  q.plan->Open(ctx);
  result.chunks = CollectAll(*q.plan, ctx);
  result.returns_rows = true;
  result.names = q.names;
  result.types = q.types;
}

void ExecuteSelect(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) {
  if (IsCommandCall(node)) {  // drop_chunks, AddGeometryColumn, yunhe_create_token ...
    ExecuteCommandCall(db, node, sql, result);
    return;
  }
  Planner planner(db.catalog(), sql);
  PlannedQuery q = planner.PlanOutput(node);
  CollectResult(q, result);
  result.tag = fmt::format("SELECT {}", result.RowCount());
}

struct Database::PreparedRead::State {
  std::string sql;
  std::shared_ptr<ParsedSql> parsed;  // the plan may point into the parse tree
  PlannedQuery plan;
  std::unordered_map<const void*, std::shared_ptr<const void>> snapshots;
  std::shared_ptr<const void> block_start;  // read beside a block: its catalog, kept alive
  Status error;  // planning failed: Run answers with this
  ExecContext ctx;
  uint64_t rows = 0;
  bool done = false;
  Database* block_db = nullptr;  // read inside this database's open block (its session holds it)
};

// The read's snapshots are in its thread's statement context only while it runs a step (Start,
// Next): between steps (a cursor between FETCHes) other statements of the session run with
// their own view of the tables.
struct Database::PreparedRead::Pin {
  explicit Pin(State& s) : state(s) { std::swap(CurrentStatement().snapshots, state.snapshots); }
  ~Pin() { std::swap(CurrentStatement().snapshots, state.snapshots); }
  State& state;
};


bool Database::IsLoneSelect(const ParsedSql& parsed) {
  // Asked several times per statement (each walks the tree for sequence functions): kept.
  if (const int8_t known = parsed.lone_select(); known >= 0) return known == 1;
  const bool lone = parsed.statements().size() == 1 && IsLoneSelectNode(parsed.statements()[0].node);
  parsed.set_lone_select(lone);
  return lone;
}

bool Database::IsLoneSelectNode(const PgQuery__Node* node) {
  if (node->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) return false;
  const PgQuery__SelectStmt* sel = node->select_stmt;
  return !sel->into_clause && sel->n_locking_clause == 0 && !IsCommandCall(const_cast<PgQuery__Node*>(node)) &&
         !CallsSequenceFunction(node);
}

std::unique_ptr<Database::PreparedRead> Database::PlanRead(const Catalog& catalog, std::shared_ptr<ParsedSql> parsed,
                                                           const std::string& sql, PgQuery__Node* select) {
  auto read = std::unique_ptr<PreparedRead>(new PreparedRead());
  read->state_ = std::make_unique<PreparedRead::State>();
  PreparedRead::State& st = *read->state_;
  st.sql = sql;
  st.parsed = std::move(parsed);
  try {
    Planner planner(catalog, sql);
    st.plan = planner.PlanOutput(select ? select : st.parsed->statements()[0].node);
  } catch (const Error& e) {
    st.error = e.status();
  } catch (const std::bad_alloc&) {
    st.error = Status::Error(SqlState::kOutOfMemory, "out of memory");
  }
  return read;
}

std::unique_ptr<Database::PreparedRead> Database::PrepareRead(const std::shared_ptr<ParsedSql>& parsed) {
  if (txn_.failed || replaying_ || !IsLoneSelect(*parsed)) return nullptr;
  Status error;
  auto read = PrepareSelect(parsed, nullptr, &error);
  return error.ok() ? std::move(read) : nullptr;  // RunParsed reports a planning error
}

std::unique_ptr<Database::PreparedRead> Database::PrepareSelect(const std::shared_ptr<ParsedSql>& parsed,
                                                                PgQuery__Node* select, Status* error) {
  const std::string& sql = parsed->text();
  // Inside a transaction block the read sees the block's own changes (snapshots of the live
  // tables, taken now) and its session keeps the database while the rows stream; an error while
  // they do fails the block, as any failed statement in it does.
  // The statement's context on this (the session's) thread: Run happens here too.
  StatementClock::StartStatement();
  SetSessionZone(zone());
  BeginStatementLimits(*current_);
  std::unique_ptr<PreparedRead> read;
  {
    PlanOnLiveTables live;  // the snapshots pinned below are these tables as they are now
    read = PlanRead(catalog(), parsed, sql, select);
  }
  if (!read->state_->error.ok()) {
    *error = read->state_->error;
    return nullptr;
  }
  // Everything this read may see must be durable before it answers (as for any statement).
  try {
    if (durability_) durability_->StatementEnded();
  } catch (const Error& e) {
    *error = e.status();
    return nullptr;
  }
  // The live tables, or the snapshot this statement already reads them from (a REPEATABLE READ
  // block's).
  const auto& pinned = CurrentStatement().snapshots;
  for (auto& [name, table] : catalog_->tables) {
    auto it = pinned.find(table.get());
    read->state_->snapshots[table.get()] = it != pinned.end() ? it->second : table->data.Snapshot();
  }
  if (txn_.explicit_block) read->state_->block_db = this;
  return read;
}

std::shared_ptr<const Database::Snapshot> Database::TakeSnapshot() {
  auto s = std::make_shared<Snapshot>();
  s->catalog = std::make_shared<Catalog>(*catalog_);
  for (auto& [name, table] : catalog_->tables) s->snapshots[table.get()] = table->data.Snapshot();
  s->wal_lsn = durability_ ? durability_->wal_written() : 0;
  s->serializable_seq = serializable_.seq();
  return s;
}

bool Database::SnapshotIsCurrent(const Snapshot& s) {
  if (s.catalog->tables.size() != catalog_->tables.size()) return false;
  for (auto& [name, table] : catalog_->tables) {
    if (s.catalog->FindTable(name) != table) return false;
    auto it = s.snapshots.find(table.get());
    // Consecutive snapshots of an unchanged table are the same object.
    if (it == s.snapshots.end() || it->second != table->data.Snapshot()) return false;
  }
  return true;
}

void Database::SetBlockStart(bool open) {
  std::shared_ptr<const Snapshot> start = open ? TakeSnapshot() : nullptr;
  MutexLock lock(block_start_mu_);
  block_start_ = std::move(start);
}

std::shared_ptr<const Database::Snapshot> Database::BlockStartSnapshot() {
  MutexLock lock(block_start_mu_);
  return block_start_;
}

bool Database::ReadBlockStartCatalog(const std::function<void(const Catalog&)>& fn) {
  std::shared_ptr<const Snapshot> start = BlockStartSnapshot();
  if (!start) return false;
  fn(*start->catalog);
  return true;
}

void Database::ReadCommittedCatalog(const std::function<void(const Catalog&)>& fn) {
  if (ReadBlockStartCatalog(fn)) return;
  MutexLock lock(mu_);
  fn(*catalog_);
}

std::unique_ptr<Database::PreparedRead> Database::PlanOn(const std::shared_ptr<const Snapshot>& snapshot,
                                                         const std::shared_ptr<ParsedSql>& parsed, const SessionSettings& settings,
                                                         PgQuery__Node* select) {
  const std::string& sql = parsed->text();
  StatementClock::StartStatement();
  SetSessionZone(settings.zone);
  BeginStatementLimits(settings);
  // Planning already reads table data (zone maps, index lookups): the snapshot's.
  StatementContext& statement = CurrentStatement();
  statement.snapshots = snapshot->snapshots;
  auto read = PlanRead(*snapshot->catalog, parsed, sql, select);
  statement.snapshots.clear();  // an error (no such table, ...) stays in the read's state
  return read;
}

bool Database::DescribeBesideBlock(const std::shared_ptr<ParsedSql>& parsed, const SessionSettings& settings,
                                   std::vector<std::string>* names, std::vector<LogicalType>* types,
                                   bool* returns_rows, Status* status) {
  std::shared_ptr<const Snapshot> start = BlockStartSnapshot();
  if (!start || !IsLoneSelect(*parsed)) return false;
  auto read = PlanOn(start, parsed, settings, nullptr);
  *status = read->state_->error;
  if (status->ok()) {
    *names = read->state_->plan.names;
    *types = read->state_->plan.types;
    *returns_rows = true;
  }
  return true;
}

std::unique_ptr<Database::PreparedRead> Database::PrepareReadOn(const std::shared_ptr<const Snapshot>& snapshot,
                                                                const std::shared_ptr<ParsedSql>& parsed,
                                                                const SessionSettings& settings, PgQuery__Node* select) {
  auto read = PlanOn(snapshot, parsed, settings, select);
  if (read->state_->error.ok()) {
    try {
      if (durability_) durability_->WaitWritten(snapshot->wal_lsn);
    } catch (const Error& e) {
      read->state_->error = e.status();
    }
  }
  read->state_->snapshots = snapshot->snapshots;
  read->state_->block_start = snapshot;  // keeps the catalog the plan points into
  return read;
}

std::unique_ptr<Database::PreparedRead> Database::PrepareReadBesideBlock(const std::shared_ptr<ParsedSql>& parsed,
                                                                         const SessionSettings& settings) {
  std::shared_ptr<const Snapshot> start = BlockStartSnapshot();
  if (!start || !IsLoneSelect(*parsed)) return nullptr;
  return PrepareReadOn(start, parsed, settings);
}

QueryResult Database::PreparedRead::Run() {
  QueryResult result;
  Start(&result);
  std::vector<DataChunk> chunks;
  DataChunk chunk;
  while (Next(&chunk, &result)) chunks.push_back(std::move(chunk));
  if (result.status.ok()) result.chunks = std::move(chunks);
  return result;
}

void Database::PreparedRead::Start(QueryResult* header) {
  *header = QueryResult();
  header->statement_text = state_->sql;
  if (!state_->error.ok()) {
    header->status = state_->error;
    state_->done = true;
    return;
  }
  Pin pin(*state_);
  TakeNotices();
  header->returns_rows = true;
  header->names = state_->plan.names;
  header->types = state_->plan.types;
  try {
    state_->plan.plan->Open(state_->ctx);
  } catch (const Error& e) {
    Finish(header, e.status());
  } catch (const std::bad_alloc&) {
    Finish(header, Status::Error(SqlState::kOutOfMemory, "out of memory"));
  }
}

bool Database::PreparedRead::Next(DataChunk* out, QueryResult* header) {
  if (state_->done) return false;
  Pin pin(*state_);
  try {
    DataChunk chunk;
    while (state_->plan.plan->Pull(state_->ctx, chunk)) {
      if (chunk.count == 0) continue;
      state_->rows += chunk.count;
      *out = std::move(chunk);
      return true;
    }
  } catch (const Error& e) {
    Finish(header, e.status());
    return false;
  } catch (const std::bad_alloc&) {
    Finish(header, Status::Error(SqlState::kOutOfMemory, "out of memory"));
    return false;
  }
  Finish(header, Status::Ok());
  return false;
}

void Database::PreparedRead::Finish(QueryResult* header, Status error) {
  state_->done = true;
  if (!error.ok() && state_->block_db) {
    state_->block_db->AssertHeld();
    state_->block_db->txn_.failed = true;
  }
  if (!error.ok()) {
    const std::string text = header->statement_text;
    *header = QueryResult();
    header->statement_text = text;
    header->status = std::move(error);
    TakeNotices();
    return;
  }
  header->tag = fmt::format("SELECT {}", state_->rows);
  for (auto& n : TakeNotices()) header->notices.push_back(std::move(n));
}

Database::PreparedRead::~PreparedRead() = default;

void Database::PreparedRead::ForWorkspace(std::shared_ptr<const void> catalog) {
  state_->block_db = nullptr;
  state_->block_start = std::move(catalog);
}

namespace {

void RenderPlan(const PhysicalOperator& op, int depth, bool analyze, std::vector<std::string>& lines) {
  std::string indent = depth == 0 ? "" : std::string(depth * 6 - 6, ' ') + "  ->  ";
  std::string line = indent + op.Name();
  // The optimizer's estimate, as PostgreSQL prints its rows= (sql/optimizer/cardinality.h).
  if (op.estimated_rows >= 0) line += fmt::format("  (rows={:.0f})", op.estimated_rows);
  if (analyze)
    line += fmt::format("  (actual time={:.3f} ms rows={})", double(op.time_ns()) / 1e6, op.rows_out());
  lines.push_back(line);
  // Detail lines go under the operator, indented like PostgreSQL's ("Filter: ...", "Sort Key: ...").
  std::string details = op.Details();
  size_t start = 0;
  while (!details.empty() && start <= details.size()) {
    size_t end = details.find('\n', start);
    std::string line = details.substr(start, end == std::string::npos ? std::string::npos : end - start);
    lines.push_back(std::string(depth == 0 ? 2 : depth * 6, ' ') + line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  for (auto& c : op.children) RenderPlan(*c, depth + 1, analyze, lines);
}

}  // namespace

void ExecuteExplain(Database& db, PgQuery__ExplainStmt* stmt, const std::string& sql, QueryResult& result) {
  bool analyze = false;
  for (size_t k = 0; k < stmt->n_options; ++k) {
    auto* d = stmt->options[k]->def_elem;
    std::string name = d->defname;
    if (name == "analyze") {
      analyze = true;
      if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) analyze = d->arg->boolean->boolval;
      if (d->arg && d->arg->node_case == PG_QUERY__NODE__NODE_STRING) analyze = std::string(d->arg->string->sval) != "false";
    }
  }
  if (stmt->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    throw Error(SqlState::kFeatureNotSupported, "EXPLAIN supports SELECT statements");
  Planner planner(db.catalog(), sql);
  PlannedQuery q = planner.PlanSelect(stmt->query, nullptr);
  EstimateRows(*q.plan);
  std::vector<std::string> lines;
  if (analyze) {
    ExecContext ctx;
    ctx.analyze = true;
    auto t0 = std::chrono::steady_clock::now();
    q.plan->OpenTimed(ctx);
    CollectAll(*q.plan, ctx);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    RenderPlan(*q.plan, 0, true, lines);
    lines.push_back(fmt::format("Execution Time: {:.3f} ms", ms));
  } else {
    RenderPlan(*q.plan, 0, false, lines);
  }
  result.SetTextRows("QUERY PLAN", lines);
  result.tag = "EXPLAIN";
}

Status Database::DescribeStatement(const std::shared_ptr<ParsedSql>& parsed, std::vector<std::string>* names,
                                   std::vector<LogicalType>* types, bool* returns_rows) {
  const std::string& sql = parsed->text();
  names->clear();
  types->clear();
  *returns_rows = false;
  StatementClock::StartStatement();
  try {
    if (parsed->statements().empty()) return Status::Ok();
    PgQuery__Node* node = parsed->statements()[0].node;
    switch (node->node_case) {
      case PG_QUERY__NODE__NODE_SELECT_STMT: {
        if (IsCommandCall(node)) {
          *names = {CommandCallColumn(node)};
          *types = {LogicalType(TypeId::kText)};
        } else {
          Planner planner(catalog(), sql);
          PlannedQuery q = planner.PlanOutput(node);
          *names = q.names;
          *types = q.types;
        }
        *returns_rows = true;
        break;
      }
      case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
        *names = {"QUERY PLAN"};
        *types = {LogicalType(TypeId::kText)};
        *returns_rows = true;
        break;
      case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
        *names = {node->variable_show_stmt->name};
        *types = {LogicalType(TypeId::kText)};
        *returns_rows = true;
        break;
      default: break;
    }
  } catch (const Error& e) {
    return e.status();
  }
  return Status::Ok();
}

}  // namespace yunhe
