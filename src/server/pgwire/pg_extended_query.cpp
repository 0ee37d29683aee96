// The extended query protocol: Parse, Bind, Describe, Execute, Close (Sync and the error state
// that skips messages until it are in the connection loop).
#include <optional>

#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_rows.h"
#include "server/pgwire/pg_values.h"
#include "sql/parser.h"

namespace yunhe::pgwire {

using Prepared = Session::Prepared;

bool Connection::ExecutePortal(const Portal& portal) {
  ResultStream rs;
  const Session::Statement st{0, int(portal.sql.size()), portal.sql, portal.parsed, Session::IsCopyFromStdin(*portal.parsed)};
  if (!RunStatement(st, &rs)) return false;
  if (rs.result().status.ok() && rs.result().returns_rows && !StreamRows(rs, portal.formats)) return false;
  const QueryResult& r = rs.result();
  for (auto& n : r.notices) AppendNotice(n, &out_);
  if (!r.status.ok()) throw Error(r.status);
  AppendCopyOut(r);
  MessageBuilder('C').Str(r.tag).AppendTo(&out_);
  return true;
}

bool Connection::Extended(const Message& msg) {
  std::map<std::string, Prepared>& stmts = session_->prepared();
  size_t pos = 0;
  const std::string& b = msg.body;
  auto int16_at = [&]() {
    if (pos + 2 > b.size()) throw Error(SqlState::kProtocolViolation, "insufficient data left in message");
    int16_t v = int16_t((uint8_t(b[pos]) << 8) | uint8_t(b[pos + 1]));
    pos += 2;
    return v;
  };
  auto int32_at = [&]() {
    if (pos + 4 > b.size()) throw Error(SqlState::kProtocolViolation, "insufficient data left in message");
    int32_t v = BodyInt32(b, pos);
    pos += 4;
    return v;
  };
  switch (msg.type) {
    case 'P': {
      std::string name = ReadCString(b, &pos);
      Prepared p;
      p.sql = ReadCString(b, &pos);
      int16_t n = int16_at();
      for (int16_t k = 0; k < n; ++k) p.oids.push_back(int32_at());
      if (SplitStatements(p.sql).size() > 1)
        throw Error(SqlState::kSyntaxError, "cannot insert multiple commands into a prepared statement");
      p.nparams = std::max<int>(CountParams(p.sql), int(p.oids.size()));
      // Syntax errors belong to Parse, as in PostgreSQL; without parameters the tree is kept.
      if (!p.sql.empty()) {
        auto parsed = ParsedSql::Parse(p.sql);
        if (p.nparams == 0) p.parsed = std::move(parsed);
      }
      stmts[name] = std::move(p);
      MessageBuilder('1').AppendTo(&out_);
      break;
    }
    case 'B': {
      std::string portal = ReadCString(b, &pos);
      std::string stmt = ReadCString(b, &pos);
      auto it = stmts.find(stmt);
      if (it == stmts.end()) throw Error(SqlState::kInvalidSqlStatementName, "prepared statement \"" + stmt + "\" does not exist");
      const Prepared& p = it->second;
      std::vector<int16_t> param_formats(size_t(std::max<int16_t>(int16_at(), 0)));
      for (auto& f : param_formats) f = int16_at();
      const int16_t nvalues = int16_at();
      if (nvalues != p.nparams)
        throw Error(SqlState::kProtocolViolation, "bind message supplies " + std::to_string(nvalues) +
                                                      " parameters, but prepared statement \"" + stmt + "\" requires " +
                                                      std::to_string(p.nparams));
      std::vector<std::optional<std::string>> values;
      for (int16_t k = 0; k < nvalues; ++k) {
        int32_t len = int32_at();
        if (len < 0) {
          values.emplace_back(std::nullopt);
          continue;
        }
        if (pos + size_t(len) > b.size()) throw Error(SqlState::kProtocolViolation, "insufficient data left in message");
        std::string raw = b.substr(pos, size_t(len));
        pos += size_t(len);
        const int16_t fmt = param_formats.empty() ? 0 : param_formats.size() == 1 ? param_formats[0] : param_formats[size_t(k)];
        const int32_t oid = size_t(k) < p.oids.size() ? p.oids[size_t(k)] : 0;
        values.emplace_back(fmt == 1 ? BinaryParamToText(oid, raw) : raw);
      }
      Portal port;
      port.sql = p.nparams == 0 ? p.sql : SubstituteParams(p.sql, values, p.oids);
      port.parsed = p.parsed ? p.parsed : ParsedSql::Parse(port.sql);
      const int16_t nformats = int16_at();
      for (int16_t k = 0; k < nformats; ++k) port.formats.push_back(int16_at());
      portals_[portal] = std::move(port);
      MessageBuilder('2').AppendTo(&out_);
      break;
    }
    case 'D': {
      const char kind = pos < b.size() ? b[pos++] : 0;
      std::string name = ReadCString(b, &pos);
      std::shared_ptr<ParsedSql> parsed;
      std::vector<int16_t> formats;
      if (kind == 'S') {
        auto it = stmts.find(name);
        if (it == stmts.end()) throw Error(SqlState::kInvalidSqlStatementName, "prepared statement \"" + name + "\" does not exist");
        MessageBuilder pd('t');
        pd.Int16(int16_t(it->second.nparams));
        for (int k = 0; k < it->second.nparams; ++k) {
          int32_t oid = size_t(k) < it->second.oids.size() ? it->second.oids[size_t(k)] : 0;
          pd.Int32(oid ? oid : 25);  // unspecified parameters are sent and read as text
        }
        pd.AppendTo(&out_);
        // Describe with the parameters as NULL: the plan's columns do not depend on them.
        std::vector<std::optional<std::string>> nulls(size_t(it->second.nparams));
        parsed = it->second.parsed ? it->second.parsed : ParsedSql::Parse(SubstituteParams(it->second.sql, nulls, it->second.oids));
      } else if (kind == 'P') {
        auto it = portals_.find(name);
        if (it == portals_.end()) throw Error(SqlState::kInvalidCursorName, "portal \"" + name + "\" does not exist");
        parsed = it->second.parsed;
        formats = it->second.formats;
      } else {
        throw Error(SqlState::kProtocolViolation, "invalid DESCRIBE message subtype");
      }
      std::vector<std::string> names;
      std::vector<LogicalType> types;
      bool rows = false;
      Status st = session_->Describe(parsed, &names, &types, &rows);
      if (!st.ok()) throw Error(st);
      if (rows) AppendRowDescription(names, types, formats, &out_);
      else MessageBuilder('n').AppendTo(&out_);
      break;
    }
    case 'E': {
      std::string name = ReadCString(b, &pos);
      auto it = portals_.find(name);
      if (it == portals_.end()) throw Error(SqlState::kInvalidCursorName, "portal \"" + name + "\" does not exist");
      if (it->second.parsed->statements().empty()) {
        MessageBuilder('I').AppendTo(&out_);
        break;
      }
      return ExecutePortal(it->second);
    }
    case 'C': {
      const char kind = pos < b.size() ? b[pos++] : 0;
      std::string name = ReadCString(b, &pos);
      if (kind == 'S') stmts.erase(name);
      else portals_.erase(name);
      MessageBuilder('3').AppendTo(&out_);
      break;
    }
  }
  return true;
}

}  // namespace yunhe::pgwire
