// Database, Connection, Result and PreparedStatement: sessions of the engine behind the API.
#include <fmt/format.h>

#include "api/api_internal.h"
#include "common/sql_text.h"
#include "sql/parser.h"
#include "sql/sql_tokens.h"

namespace yunhe::api {

namespace {

// The count at the end of a command tag ("INSERT 0 5" -> 5), -1 for tags without one.
int64_t TagCount(const std::string& tag) {
  static const char* const kCounted[] = {"INSERT", "UPDATE", "DELETE", "SELECT", "COPY", "MERGE", "FETCH", "MOVE"};
  bool counted = false;
  for (const char* t : kCounted) counted |= tag.rfind(t, 0) == 0;
  const size_t space = tag.rfind(' ');
  if (!counted || space == std::string::npos) return -1;
  try {
    return std::stoll(tag.substr(space + 1));
  } catch (const std::exception&) {
    return -1;
  }
}

void TakeHeader(const QueryResult& r, Result::Impl* out) {
  out->returns_rows = r.returns_rows;
  out->names = r.names;
  out->types.clear();
  for (const LogicalType& t : r.types) out->types.push_back(ToApiType(t));
}

}  // namespace

// --- Database -------------------------------------------------------------------------------

Database::Database(const std::string& path, const Config& config) : impl_(std::make_shared<Impl>()) {
  Status status;
  impl_->db = yunhe::Database::Open(path == ":memory:" ? "" : path, &status);
  if (!impl_->db) throw ToApiError(status);
  if (!config.memory_limit.empty()) {
    QueryResult r = impl_->db->ExecuteStatement("SET memory_limit = " + QuoteLiteral(config.memory_limit));
    if (!r.status.ok()) throw ToApiError(r.status);
  }
}

Database::~Database() = default;

void Database::Checkpoint() {
  Status s = impl_->db->Checkpoint();
  if (!s.ok()) throw ToApiError(s);
}

// --- Result ---------------------------------------------------------------------------------

void Result::Impl::Finish() {
  if (done) return;
  done = true;
  stream = ResultStream();  // unpins its snapshots
  if (con) {
    if (con->active == this) con->active = nullptr;
    con->session->EndOfMessage();
    con.reset();
  }
}

Result::Result() : impl_(std::make_unique<Impl>()) { impl_->done = true; }
Result::~Result() = default;
Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&&) noexcept = default;
bool Result::returns_rows() const { return impl_->returns_rows; }
const std::vector<std::string>& Result::names() const { return impl_->names; }
const std::vector<Type>& Result::types() const { return impl_->types; }
const std::string& Result::tag() const { return impl_->tag; }
int64_t Result::rows_affected() const { return TagCount(impl_->tag); }
const std::vector<std::string>& Result::notices() const { return impl_->notices; }

bool Result::Next(Chunk* chunk) {
  Impl& r = *impl_;
  if (r.done) return false;
  DataChunk& out = Internal::Data(*chunk);
  if (!r.con) {  // materialized
    if (r.next_chunk < r.chunks.size()) {
      out = std::move(r.chunks[r.next_chunk++]);
      return true;
    }
    out = DataChunk();
    r.chunks.clear();
    r.done = true;
    return false;
  }
  if (r.stream.Next(&out)) return true;
  out = DataChunk();
  const QueryResult& q = r.stream.result();
  r.tag = q.tag;
  r.notices = q.notices;
  const Status status = q.status.ok() ? Status::Ok() : PositionInScript(q.status, r.text, r.statement_begin);
  r.Finish();
  if (!status.ok()) throw ToApiError(status);
  return false;
}

std::vector<std::vector<Value>> Result::FetchAll() {
  std::vector<std::vector<Value>> rows;
  for (Chunk c; Next(&c);) {
    for (size_t i = 0; i < c.size(); ++i) {
      std::vector<Value> row;
      for (size_t k = 0; k < c.column_count(); ++k) row.push_back(c.column(k).Get(i));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// --- Connection -----------------------------------------------------------------------------

Connection::Connection(Database& db) : impl_(std::make_shared<Impl>()) {
  impl_->db = db.impl_;
  impl_->session = std::make_unique<Session>(*db.impl_->db);
}

Connection::~Connection() {
  if (impl_) impl_->CloseActive();
}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&&) noexcept = default;

void Connection::Impl::CloseActive() {
  if (active) active->Finish();
}

void Connection::Impl::Locked(const std::function<void(yunhe::Database&)>& fn) {
  CloseActive();
  try {
    session->Locked(fn);
  } catch (const yunhe::Error& e) {
    throw ToApiError(e.status());
  }
}

bool Connection::in_transaction() const { return impl_->session->in_block(); }

Result Connection::Impl::Run(const std::string& sql) {
  CloseActive();
  Session& s = *session;
  Session::Script script = s.Parse(sql);
  if (!script.error.ok()) {
    s.EndOfMessage();
    throw ToApiError(script.error);
  }
  auto out = std::make_unique<Result::Impl>();
  out->done = true;
  if (script.statements.empty()) {
    s.EndOfMessage();
    return Internal::MakeResult(std::move(out));
  }
  if (script.statements.size() == 1) {
    // One statement: its rows stream; the message ends when they have been read (or dropped).
    const Session::Statement& st = script.statements[0];
    if (st.copy_from_stdin) s.SetCopyInput(std::string());  // no client to send data: an empty input
    out->stream = s.Run(st);
    const QueryResult& head = out->stream.result();
    if (!head.status.ok()) {
      const Status status = PositionInScript(head.status, sql, st.begin);
      out->stream = ResultStream();
      s.EndOfMessage();
      throw ToApiError(status);
    }
    TakeHeader(head, out.get());
    out->tag = head.tag;
    out->notices = head.notices;
    out->text = sql;
    out->statement_begin = st.begin;
    if (!head.returns_rows) {
      out->stream = ResultStream();
      s.EndOfMessage();
      return Internal::MakeResult(std::move(out));
    }
    out->done = false;
    out->con = shared_from_this();
    active = out.get();
    return Internal::MakeResult(std::move(out));
  }
  // Several statements: one transaction (unless the text manages its own), as PostgreSQL's
  // simple query; the last result is materialized.
  const bool implicit = s.BeginImplicitBlock(script);
  QueryResult last;
  Status failed;
  for (const Session::Statement& st : script.statements) {
    if (st.copy_from_stdin) s.SetCopyInput(std::string());
    last = s.Run(st).Collect();
    if (!last.status.ok()) {
      failed = PositionInScript(last.status, sql, st.begin);
      break;
    }
  }
  if (implicit) {
    Status committed = s.EndImplicitBlock();
    if (failed.ok() && !committed.ok()) failed = committed;
  }
  s.EndOfMessage();
  if (!failed.ok()) throw ToApiError(failed);
  TakeHeader(last, out.get());
  out->tag = last.tag;
  out->notices = last.notices;
  out->chunks = std::move(last.chunks);
  out->done = !out->returns_rows;
  return Internal::MakeResult(std::move(out));
}

Result Connection::Query(std::string_view sql) { return impl_->Run(std::string(sql)); }

namespace {

// The text with $1.. replaced by the parameters' literals, after checking their count.
std::string BindParams(const std::string& sql, int nparams, const std::vector<Value>& params) {
  if (int(params.size()) != nparams)
    throw Error(SqlState::kProtocolViolation,
                fmt::format("bind message supplies {} parameters, but prepared statement requires {}", params.size(), nparams));
  if (params.empty()) return sql;
  return ReplaceParams(sql, [&](int n) -> std::optional<std::string> {
    if (n < 1 || size_t(n) > params.size()) return std::nullopt;
    return ParameterLiteral(params[size_t(n - 1)]);
  });
}

}  // namespace

Result Connection::Query(std::string_view sql, const std::vector<Value>& params) {
  // No separate syntax check (Prepare's): Run parses the bound text once and reports its errors.
  const std::string text(sql);
  return impl_->Run(BindParams(text, CountParams(text), params));
}

// --- PreparedStatement ----------------------------------------------------------------------

struct PreparedStatement::Impl {
  std::shared_ptr<Connection::Impl> con;
  std::string sql;
  int nparams = 0;
};

PreparedStatement::PreparedStatement() = default;
PreparedStatement::~PreparedStatement() = default;
PreparedStatement::PreparedStatement(PreparedStatement&&) noexcept = default;
PreparedStatement& PreparedStatement::operator=(PreparedStatement&&) noexcept = default;
int PreparedStatement::parameter_count() const { return impl_ ? impl_->nparams : 0; }

PreparedStatement Connection::Prepare(std::string_view sql) {
  PreparedStatement p;
  p.impl_ = std::make_unique<PreparedStatement::Impl>();
  p.impl_->con = impl_;
  p.impl_->sql = std::string(sql);
  p.impl_->nparams = CountParams(p.impl_->sql);
  // A syntax error shows now, as PostgreSQL's Parse reports it (parameters as NULLs).
  try {
    ParsedSql::Parse(ReplaceParams(p.impl_->sql, [](int) -> std::optional<std::string> { return "NULL"; }));
  } catch (const yunhe::Error& e) {
    throw ToApiError(e.status());
  }
  return p;
}

Result PreparedStatement::Execute(const std::vector<Value>& params) {
  if (!impl_) throw Error(SqlState::kInvalidSqlStatementName, "the prepared statement is empty");
  return impl_->con->Run(BindParams(impl_->sql, impl_->nparams, params));
}

}  // namespace yunhe::api
