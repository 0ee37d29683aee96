// The simple query protocol: one Query message, parsed whole first (a syntax error anywhere runs
// none of it, as PostgreSQL), then statement by statement with results streamed out; COPY FROM
// STDIN reads the client's CopyData, COPY TO STDOUT answers with CopyOutResponse and CopyData
// (both also for the extended protocol's Execute, which GDAL uses for COPY).
#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_rows.h"
#include "sql/parser.h"

#include <fmt/format.h>

namespace yunhe::pgwire {

bool Connection::SimpleQuery(const std::string& sql) {
  Session::Script script = session_->Parse(sql);
  if (!script.error.ok()) {
    AppendError(script.error, &out_);
    return true;
  }
  if (script.statements.empty()) MessageBuilder('I').AppendTo(&out_);
  const bool implicit = session_->BeginImplicitBlock(script);
  for (const Session::Statement& st : script.statements) {
    ResultStream rs;
    if (!RunStatement(st, &rs)) return false;
    if (rs.result().status.ok() && rs.result().returns_rows) {
      // FETCH from a BINARY cursor answers in binary, as PostgreSQL's simple protocol does.
      const std::vector<int16_t> formats = rs.result().binary_rows ? std::vector<int16_t>{1} : std::vector<int16_t>{};
      AppendRowDescription(rs.result().names, rs.result().types, formats, &out_);
      if (!StreamRows(rs, formats)) return false;
    }
    const QueryResult& r = rs.result();
    for (auto& n : r.notices) AppendNotice(n, &out_);
    if (!r.status.ok()) {
      AppendError(PositionInScript(r.status, sql, st.begin), &out_);
      break;
    }
    AppendCopyOut(r);
    if (r.tag.empty()) MessageBuilder('I').AppendTo(&out_);
    else MessageBuilder('C').Str(r.tag).AppendTo(&out_);
  }
  if (implicit) {
    Status committed = session_->EndImplicitBlock();
    if (!committed.ok()) AppendError(committed, &out_);
  }
  return true;
}

bool Connection::RunStatement(const Session::Statement& st, ResultStream* rs) {
  CopyIn copy;
  if (st.copy_from_stdin) {
    // CopyInResponse; the COPY then pulls the client's CopyData as it parses (streaming).
    MessageBuilder('G').Byte(0).Int16(0).AppendTo(&out_);
    if (!Send(out_)) return false;
    out_.clear();
    session_->SetCopyInput([this, &copy](std::string* piece) { return ReadCopyPiece(&copy, piece); });
  }
  *rs = session_->Run(st);
  if (st.copy_from_stdin) {
    // A COPY that failed early (no such table, a bad row) leaves the client sending: its data
    // is read and dropped up to CopyDone, as PostgreSQL does, and the error answers it.
    std::string ignored;
    try {
      while (!copy.done && ReadCopyPiece(&copy, &ignored)) {
      }
    } catch (const Error&) {
    }
    if (copy.gone) return false;
  }
  return true;
}

void Connection::AppendCopyOut(const QueryResult& r) {
  if (!r.is_copy_out) return;
  MessageBuilder('H').Byte(0).Int16(int16_t(r.names.size())).AppendTo(&out_);
  if (!r.copy_out.empty()) MessageBuilder('d').Raw(r.copy_out).AppendTo(&out_);
  MessageBuilder('c').AppendTo(&out_);
}

bool Connection::ReadCopyPiece(CopyIn* copy, std::string* piece) {
  // CopyData up to about 1 MiB per piece; Flush and Sync may come in between (libpq sends them).
  piece->clear();
  while (!copy->done && piece->size() < (1u << 20)) {
    if (!ReadMessage(conn_, &m_)) {
      copy->done = copy->gone = true;
      throw Error(SqlState::kConnectionFailure, "unexpected EOF on client connection during COPY from stdin");
    }
    switch (m_.type) {
      case 'd': *piece += m_.body; break;
      case 'c': copy->done = true; break;
      case 'f': {
        size_t p = 0;
        copy->done = true;
        throw Error(SqlState::kQueryCanceled, "COPY from stdin failed: " + ReadCString(m_.body, &p));
      }
      case 'H': case 'S': break;
      default:
        copy->done = true;
        throw Error(SqlState::kProtocolViolation,
                    fmt::format("unexpected message type 0x{:02X} during COPY from stdin", uint8_t(m_.type)));
    }
  }
  return !piece->empty();
}

}  // namespace yunhe::pgwire
