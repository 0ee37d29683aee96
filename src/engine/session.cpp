#include "engine/session.h"

#include "common/status.h"

namespace yunhe {

bool ResultStream::Next(DataChunk* out) {
  if (read_) {
    if (read_->Next(out, &result_)) return true;
    read_.reset();  // unpins the snapshots
    return false;
  }
  if (next_chunk_ >= result_.chunks.size()) {
    result_.chunks.clear();
    return false;
  }
  *out = std::move(result_.chunks[next_chunk_++]);
  return true;
}

QueryResult ResultStream::Collect() {
  std::vector<DataChunk> chunks;
  DataChunk chunk;
  while (Next(&chunk)) chunks.push_back(std::move(chunk));
  QueryResult r = std::move(result_);
  if (r.status.ok()) r.chunks = std::move(chunks);
  return r;
}

Session::Session(Database& db) : db_(db), settings_(db.DefaultSettings()) {}

Session::~Session() {
  if (!holds_) return;
  Hold();
  if (db_.in_transaction_block()) db_.RunParsed(ParsedSql::Parse("ROLLBACK"));
  Release();
}

void Session::Hold() NO_THREAD_SAFETY_ANALYSIS {
  if (holds_) return;
  db_.mu_.lock();
  holds_ = true;
  db_.UseSessionSettings(&settings_);
}

void Session::Release() NO_THREAD_SAFETY_ANALYSIS {
  if (!holds_) return;
  db_.UseSessionSettings(nullptr);
  holds_ = false;
  db_.mu_.unlock();
}

void Session::EndOfMessage() {
  if (!holds_) return;
  Hold();
  if (!db_.in_transaction_block()) Release();
}

char Session::TransactionStatus() {
  // Without the database this session is in no transaction block (a block holds it).
  if (!holds_) return 'I';
  Hold();
  return db_.transaction_failed() ? 'E' : db_.in_transaction_block() ? 'T' : 'I';
}

Session::Script Session::Parse(const std::string& sql) {
  Script script;
  script.text = sql;
  for (auto [begin, len] : SplitStatements(sql)) {
    Statement st;
    st.begin = begin;
    st.len = len;
    st.text = sql.substr(size_t(begin), size_t(len));
    try {
      st.parsed = ParsedSql::Parse(st.text);
    } catch (const Error& e) {
      script.error = PositionInScript(e.status(), sql, begin);
      script.statements.clear();
      if (holds_) {
        Hold();
        if (db_.in_transaction_block()) db_.txn().failed = true;
      }
      return script;
    }
    if (st.parsed->statements().size() == 1) {
      PgQuery__Node* n = st.parsed->statements()[0].node;
      st.copy_from_stdin = n->node_case == PG_QUERY__NODE__NODE_COPY_STMT && n->copy_stmt->is_from &&
                           !(n->copy_stmt->filename && n->copy_stmt->filename[0]);
    }
    script.statements.push_back(std::move(st));
  }
  return script;
}

ResultStream Session::Run(const Statement& statement) {
  ResultStream stream;
  const bool lone_select = Database::IsLoneSelect(*statement.parsed);
  if (lone_select && !holds_) {
    // Another session's block may hold the database: read what it started from, without waiting.
    if (auto beside = db_.PrepareReadBesideBlock(statement.parsed, settings_)) {
      stream.read_ = std::move(beside);
      stream.read_->Start(&stream.result_);
      return stream;
    }
  }
  Hold();
  if (statement.copy_from_stdin) db_.SetCopyInput(std::move(copy_in_));
  copy_in_ = nullptr;
  if (lone_select) {
    if (auto read = db_.PrepareRead(statement.parsed)) {
      // Planned, snapshots pinned: the rows are produced after the database is let go (inside
      // this session's block it keeps the database, as the block does anyway).
      if (!db_.in_transaction_block()) Release();
      stream.read_ = std::move(read);
      stream.read_->Start(&stream.result_);
      return stream;
    }
  }
  stream.result_ = db_.RunParsed(statement.parsed);
  // A COPY that failed before reading leaves its reader behind: it must not reach another one.
  if (statement.copy_from_stdin) db_.SetCopyInput(nullptr);
  return stream;
}

bool Session::BeginImplicitBlock(const Script& script) {
  if (script.statements.size() < 2) return false;
  for (const Statement& st : script.statements)
    for (const ParsedStatement& p : st.parsed->statements())
      if (p.node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) return false;
  Hold();
  if (db_.in_transaction_block()) return false;
  QueryResult r = db_.RunParsed(ParsedSql::Parse("BEGIN"));
  return r.status.ok();
}

Status Session::EndImplicitBlock() {
  Hold();
  if (!db_.in_transaction_block()) return Status::Ok();
  QueryResult r = db_.RunParsed(ParsedSql::Parse("COMMIT"));  // a failed block rolls back
  return r.status;
}

std::vector<QueryResult> Session::Execute(const std::string& sql) {
  std::vector<QueryResult> results;
  Script script = Parse(sql);
  if (!script.error.ok()) {
    QueryResult r;
    r.statement_text = sql;
    r.status = script.error;
    results.push_back(std::move(r));
    return results;
  }
  for (const Statement& st : script.statements) {
    results.push_back(Run(st).Collect());
    if (!results.back().status.ok()) {
      results.back().status = PositionInScript(results.back().status, sql, st.begin);
      break;
    }
  }
  EndOfMessage();
  return results;
}

Status Session::Describe(const std::shared_ptr<ParsedSql>& parsed, std::vector<std::string>* names,
                         std::vector<LogicalType>* types, bool* returns_rows) {
  // Without the database (another session's block holds it) a lone SELECT is described on the
  // state the block started from; anything else waits for the database.
  Status st;
  if (!holds_ && db_.DescribeBesideBlock(parsed, settings_, names, types, returns_rows, &st)) return st;
  Hold();
  return db_.DescribeStatement(parsed, names, types, returns_rows);
}

}  // namespace yunhe
