// The simple query protocol: one Query message, parsed whole first (a syntax error anywhere runs
// none of it, as PostgreSQL), then statement by statement with results streamed out; COPY FROM
// STDIN reads the client's CopyData, COPY TO STDOUT answers with CopyOutResponse and CopyData.
#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_rows.h"
#include "sql/parser.h"

namespace yunhe::pgwire {

bool Connection::SimpleQuery(const std::string& sql) {
  Session::Script script = session_->Parse(sql);
  if (!script.error.ok()) {
    AppendError(script.error, &out_);
    return true;
  }
  if (script.statements.empty()) MessageBuilder('I').AppendTo(&out_);
  for (const Session::Statement& st : script.statements) {
    if (st.copy_from_stdin) {
      // CopyInResponse, then CopyData ... CopyDone (or CopyFail) from the client.
      MessageBuilder('G').Byte(0).Int16(0).AppendTo(&out_);
      if (!Send(out_)) return false;
      out_.clear();
      std::string data, fail_reason;
      bool failed = false;
      if (!ReceiveCopyData(&data, &failed, &fail_reason)) return false;
      if (failed) {
        AppendError(Status::Error(SqlState::kQueryCanceled, "COPY from stdin failed: " + fail_reason), &out_);
        break;
      }
      session_->SetCopyInput(std::move(data));
    }
    ResultStream rs = session_->Run(st);
    if (rs.result().status.ok() && rs.result().returns_rows) {
      AppendRowDescription(rs.result().names, rs.result().types, {}, &out_);
      if (!StreamRows(rs, {})) return false;
    }
    const QueryResult& r = rs.result();
    for (auto& n : r.notices) AppendNotice(n, &out_);
    if (!r.status.ok()) {
      AppendError(PositionInScript(r.status, sql, st.begin), &out_);
      break;
    }
    if (r.is_copy_out) {
      MessageBuilder('H').Byte(0).Int16(int16_t(r.names.size())).AppendTo(&out_);
      if (!r.copy_out.empty()) MessageBuilder('d').Raw(r.copy_out).AppendTo(&out_);
      MessageBuilder('c').AppendTo(&out_);
    }
    if (r.tag.empty()) MessageBuilder('I').AppendTo(&out_);
    else MessageBuilder('C').Str(r.tag).AppendTo(&out_);
  }
  return true;
}

bool Connection::ReceiveCopyData(std::string* data, bool* failed, std::string* fail_reason) {
  // CopyData ... CopyDone (or CopyFail); Flush and Sync may come in between (libpq sends them).
  while (true) {
    if (!ReadMessage(conn_, &m_)) return false;
    switch (m_.type) {
      case 'd': *data += m_.body; break;
      case 'c': return true;
      case 'f': {
        size_t p = 0;
        *fail_reason = ReadCString(m_.body, &p);
        *failed = true;
        return true;
      }
      case 'H': case 'S': break;
      default:
        *failed = true;
        *fail_reason = "unexpected message during COPY";
        return true;
    }
  }
}

}  // namespace yunhe::pgwire
