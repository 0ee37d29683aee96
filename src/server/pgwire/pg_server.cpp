#include "server/pgwire/pg_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "common/cancel.h"
#include "auth/scram.h"
#include "server/pgwire/pg_messages.h"
#include "server/pgwire/pg_values.h"
#include "engine/session.h"
#include "sql/parser.h"

namespace yunhe::pgwire {

namespace {
constexpr int32_t kProtocol3 = 196608;
constexpr int32_t kSslRequest = 80877103;
constexpr int32_t kGssEncRequest = 80877104;
constexpr int32_t kCancelRequest = 80877102;

int32_t BodyInt32(const std::string& body, size_t pos) {
  uint32_t v;
  memcpy(&v, body.data() + pos, 4);
  return int32_t(ntohl(v));
}

// Result format of column c from the Bind message's codes (none: text; one: all; else each).
int16_t FormatOf(const std::vector<int16_t>& formats, size_t c) {
  if (formats.empty()) return 0;
  return formats.size() == 1 ? formats[0] : (c < formats.size() ? formats[c] : 0);
}

void AppendRowDescription(const std::vector<std::string>& names, const std::vector<LogicalType>& types,
                          const std::vector<int16_t>& formats, std::string* out) {
  MessageBuilder desc('T');
  desc.Int16(int16_t(names.size()));
  for (size_t c = 0; c < names.size(); ++c)
    desc.Str(names[c]).Int32(0).Int16(0).Int32(PgTypeOid(types[c])).Int16(TypeLength(types[c])).Int32(PgTypmod(types[c])).Int16(FormatOf(formats, c));
  desc.AppendTo(out);
}

void AppendDataRows(const DataChunk& chunk, const std::vector<int16_t>& formats, std::string* out) {
  std::string bin;
  {
    for (size_t row = 0; row < chunk.count; ++row) {
      MessageBuilder m('D');
      m.Int16(int16_t(chunk.columns.size()));
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        const Vector& v = chunk.columns[c];
        if (v.IsNull(row)) {
          m.Int32(-1);
          continue;
        }
        Value value = v.GetValue(row);
        bin.clear();
        if (FormatOf(formats, c) == 1 && EncodeBinary(value, &bin)) {
          m.Int32(int32_t(bin.size())).Raw(bin);
          continue;
        }
        std::string text = EncodeText(value);
        m.Int32(int32_t(text.size())).Raw(text);
      }
      m.AppendTo(out);
    }
  }
}

using Prepared = Session::Prepared;
struct Portal {
  std::string sql;  // with the parameters in place
  std::shared_ptr<ParsedSql> parsed;  // parsed once, at Bind
  std::vector<int16_t> formats;
};
}  // namespace

Server::~Server() {
  Stop();
  if (tls_) SSL_CTX_free(tls_);
}

namespace {
std::string TlsError(const std::string& what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  return what + ": " + buf;
}
}  // namespace

Status Server::Start(int* port) {
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    if (options_.tls_cert_file.empty() || options_.tls_key_file.empty())
      return Status::Error(SqlState::kConfigFileError, "TLS needs both a certificate and a key file");
    tls_ = SSL_CTX_new(TLS_server_method());
    if (!tls_) return Status::Error(SqlState::kConfigFileError, TlsError("could not set up TLS"));
    SSL_CTX_set_min_proto_version(tls_, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(tls_, options_.tls_cert_file.c_str()) != 1)
      return Status::Error(SqlState::kConfigFileError, TlsError("could not load server certificate file \"" + options_.tls_cert_file + "\""));
    if (SSL_CTX_use_PrivateKey_file(tls_, options_.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1)
      return Status::Error(SqlState::kConfigFileError, TlsError("could not load private key file \"" + options_.tls_key_file + "\""));
    if (SSL_CTX_check_private_key(tls_) != 1)
      return Status::Error(SqlState::kConfigFileError, TlsError("private key file \"" + options_.tls_key_file + "\" does not match the certificate"));
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) return Status::Error(SqlState::kSystemError, std::string("could not create socket: ") + strerror(errno));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(options_.port));
  if (inet_pton(AF_INET, options_.listen.c_str(), &addr.sin_addr) != 1)
    return Status::Error(SqlState::kInvalidParameterValue, "invalid listen address \"" + options_.listen + "\" (an IPv4 address)");
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status::Error(SqlState::kSystemError, "could not bind " + options_.listen + ":" + std::to_string(options_.port) + ": " + strerror(errno));
  if (::listen(listen_fd_, 64) != 0) return Status::Error(SqlState::kSystemError, std::string("could not listen: ") + strerror(errno));
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return Status::Ok();
}

void Server::Run() {
  while (!stopping_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stopping_) break;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // A client that stops reading its results fails the session after a while instead of
    // blocking its thread (and, inside a transaction block, everyone) for ever.
    timeval send_timeout{kSendTimeoutSeconds, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    ReapFinishedSessions();
    // Past the limit the session is still started, to answer SSLRequest and read the startup
    // packet (a CancelRequest must get through), then refused as PostgreSQL refuses it; refused
    // sessions beyond twice the limit are closed at once.
    const bool over_limit = active_ >= options_.max_connections;
    if (active_ >= 2 * options_.max_connections + 16) {
      ::close(fd);
      continue;
    }
    std::lock_guard<std::mutex> lock(sessions_mu_);
    session_fds_.push_back(fd);
    ++active_;
    auto done = std::make_shared<std::atomic<bool>>(false);
    threads_.push_back({std::thread([this, fd, pid = next_pid_++, done, over_limit] {
                          Serve(fd, pid, over_limit);
                          std::lock_guard<std::mutex> l(sessions_mu_);
                          session_fds_.erase(std::remove(session_fds_.begin(), session_fds_.end(), fd), session_fds_.end());
                          ::close(fd);
                          --active_;
                          *done = true;
                        }),
                        done});
  }
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
  }
  std::vector<SessionThread> threads;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (int fd : session_fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.thread.join();
}

// Joins the threads of sessions that ended, so a server that sees many short connections does
// not keep a thread handle (and its stack) per connection it ever had.
void Server::ReapFinishedSessions() {
  std::vector<SessionThread> finished;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto split = std::partition(threads_.begin(), threads_.end(), [](const SessionThread& t) { return !*t.done; });
    finished.assign(std::make_move_iterator(split), std::make_move_iterator(threads_.end()));
    threads_.erase(split, threads_.end());
  }
  for (auto& t : finished) t.thread.join();
}

void Server::SetReceiveTimeout(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

bool Server::Authenticate(Conn& conn, const std::string& user) {
  // Trust until some role has a password; from then on SCRAM-SHA-256 for everyone.
  std::string verifier;
  bool required = false;
  auto read_roles = [&](const Catalog& catalog) {
    for (auto& [name, v] : catalog.users) required = required || !v.empty();
    auto it = catalog.users.find(user);
    if (it != catalog.users.end()) verifier = it->second;
  };
  // Logging in does not wait for another session's open transaction block either.
  if (!db_.ReadBlockStartCatalog(read_roles)) {
    MutexLock lock(db_.mutex());
    read_roles(db_.catalog());
  }
  if (!required) return true;
  auto refuse = [&](const std::string& why) {
    std::string out;
    // Like PostgreSQL, the client learns nothing about why (which roles exist, which step failed).
    (void)why;
    AppendError(Status::Error(SqlState::kInvalidPassword, "password authentication failed for user \"" + user + "\""), &out, 'E', "FATAL");
    WriteAll(conn, out);
    return false;
  };
  std::string out;
  MessageBuilder('R').Int32(10).Str("SCRAM-SHA-256").Byte('\0').AppendTo(&out);  // AuthenticationSASL
  if (!WriteAll(conn, out)) return false;
  Message m;
  if (!ReadMessage(conn, &m) || m.type != 'p') return false;
  size_t pos = 0;
  std::string mechanism = ReadCString(m.body, &pos);
  if (mechanism != "SCRAM-SHA-256" || pos + 4 > m.body.size()) return refuse("unsupported SASL mechanism");
  const int32_t len = BodyInt32(m.body, pos);
  pos += 4;
  if (len < 0 || pos + size_t(len) > m.body.size()) return refuse("malformed SASL message");
  // A role without a password still goes through the exchange, against a throw-away verifier,
  // so the client cannot tell which roles exist.
  auth::ScramServer scram(verifier.empty() ? auth::MakeScramVerifier(std::to_string(getpid()) + "x", 4096) : verifier);
  std::string error;
  std::string server_first = scram.First(m.body.substr(pos, size_t(len)), &error);
  if (server_first.empty()) return refuse(error);
  out.clear();
  MessageBuilder('R').Int32(11).Raw(server_first).AppendTo(&out);  // AuthenticationSASLContinue
  if (!WriteAll(conn, out)) return false;
  if (!ReadMessage(conn, &m) || m.type != 'p') return false;
  std::string server_final = scram.Final(m.body, &error);
  if (server_final.empty() || verifier.empty()) return refuse(verifier.empty() ? "role has no password" : error);
  out.clear();
  MessageBuilder('R').Int32(12).Raw(server_final).AppendTo(&out);  // AuthenticationSASLFinal
  return WriteAll(conn, out);
}

void Server::Serve(int fd, int32_t backend_pid, bool over_limit) {
  Conn conn{fd};
  // The TLS session (if the client asked for one) ends with the connection.
  struct EndTls {
    Conn& c;
    ~EndTls() {
      if (!c.ssl) return;
      SSL_shutdown(c.ssl);
      SSL_free(c.ssl);
    }
  } end_tls{conn};
  Message m;
  // Startup: answer SSL/GSS encryption requests with 'N' and read the real startup packet.
  while (true) {
    if (!ReadStartup(conn, &m) || m.body.size() < 4) return;
    const int32_t code = BodyInt32(m.body, 0);
    if (code == kSslRequest && tls_ && !conn.ssl) {
      // TLS with the configured certificate; the startup packet then comes encrypted.
      if (!WriteAll(conn, "S")) return;
      conn.ssl = SSL_new(tls_);
      if (!conn.ssl || SSL_set_fd(conn.ssl, fd) != 1 || SSL_accept(conn.ssl) != 1) return;
      continue;
    }
    if (code == kSslRequest || code == kGssEncRequest) {
      if (!WriteAll(conn, "N")) return;
      continue;
    }
    if (code == kCancelRequest) {
      // CancelRequest: pid and key of the session; its running statement stops with 57014.
      if (m.body.size() >= 12) {
        const int32_t pid = BodyInt32(m.body, 4), key = BodyInt32(m.body, 8);
        std::lock_guard<std::mutex> lock(sessions_mu_);
        auto it = secrets_.find(pid);
        // Idle sessions are unaffected: the next statement clears the flag when it starts.
        if (it != secrets_.end() && it->second.key == key) RequestCancel(*it->second.statement);
      }
      return;
    }
    if (code != kProtocol3) {
      std::string out;
      AppendError(Status::Error(SqlState::kProtocolViolation, "unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                                              std::to_string(code & 0xffff) + ": server supports 3.0"),
                  &out, 'E', "FATAL");
      WriteAll(conn, out);
      return;
    }
    break;
  }
  if (over_limit) {
    std::string out;
    AppendError(Status::Error(SqlState::kTooManyConnections, "sorry, too many clients already"), &out, 'E', "FATAL");
    WriteAll(conn, out);
    return;
  }
  std::string user = "yunhe", database = "yunhe", application;
  for (size_t pos = 4; pos < m.body.size() && m.body[pos] != '\0';) {
    std::string key = ReadCString(m.body, &pos);
    std::string value = ReadCString(m.body, &pos);
    if (key == "user") user = value;
    else if (key == "database") database = value;
    else if (key == "application_name") application = value;
  }
  if (!Authenticate(conn, user)) return;
  std::string out;
  MessageBuilder('R').Int32(0).AppendTo(&out);  // AuthenticationOk
  auto param = [&](const std::string& k, const std::string& v) { MessageBuilder('S').Str(k).Str(v).AppendTo(&out); };
  param("server_version", "15.0");
  param("server_encoding", "UTF8");
  param("client_encoding", "UTF8");
  param("DateStyle", "ISO, MDY");
  param("IntervalStyle", "postgres");
  param("TimeZone", db_.DefaultSettings().values["timezone"]);
  param("integer_datetimes", "on");
  param("standard_conforming_strings", "on");
  param("is_superuser", "on");
  param("session_authorization", user);
  param("application_name", application);
  int32_t cancel_key;
  RAND_bytes(reinterpret_cast<unsigned char*>(&cancel_key), sizeof cancel_key);
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    secrets_[backend_pid] = CancelTarget{cancel_key, &CurrentStatement()};
  }
  struct ForgetKey {
    Server* s;
    int32_t pid;
    ~ForgetKey() {
      std::lock_guard<std::mutex> lock(s->sessions_mu_);
      s->secrets_.erase(pid);
    }
  } forget{this, backend_pid};
  MessageBuilder('K').Int32(backend_pid).Int32(cancel_key).AppendTo(&out);
  MessageBuilder('Z').Byte('I').AppendTo(&out);
  if (!WriteAll(conn, out)) return;

  // Group commit: this session's commits return before their fsync, and nothing goes to the
  // client before it (send() waits), mostly after the database is let go, so concurrent
  // sessions share fsyncs. Declared first: its end (a last wait) comes after the session's.
  auto defer_sync = db_.DeferSync();
  auto send = [&](const std::string& o) {
    Status durable = db_.WaitDurable();
    if (!durable.ok()) {
      std::string bye;
      AppendError(durable, &bye, 'E', "FATAL");
      WriteAll(conn, bye);
      return false;
    }
    return WriteAll(conn, o);
  };
  // This session's settings, transaction state and prepared statements. However the session
  // ends (the client left mid-COPY, a write failed, a stall timed out), its destructor rolls an
  // open block back, as PostgreSQL does, and lets the database go.
  Session session(db_);
  int receive_timeout_ms = 0;
  // Rows of a result as DataRow messages, sent on whenever a good amount has piled up (a large
  // result never sits in memory whole). False: the client is gone.
  constexpr size_t kFlushBytes = 256 << 10;
  auto stream_rows = [&](ResultStream& rs, const std::vector<int16_t>& formats, std::string* o) {
    DataChunk chunk;
    while (rs.Next(&chunk)) {
      AppendDataRows(chunk, formats, o);
      if (o->size() >= kFlushBytes) {
        if (!send(*o)) return false;
        o->clear();
      }
    }
    return true;
  };
  // The answer to Execute: rows in the portal's formats, notices, CommandComplete; an error
  // throws (the caller turns it into ErrorResponse and skips to Sync). False: the client is gone.
  auto execute_portal = [&](const Portal& portal, std::string* o) {
    ResultStream rs = session.Run(Session::Statement{0, int(portal.sql.size()), portal.sql, portal.parsed, false});
    if (rs.result().status.ok() && rs.result().returns_rows && !stream_rows(rs, portal.formats, o)) return false;
    const QueryResult& r = rs.result();
    for (auto& n : r.notices) AppendNotice(n, o);
    if (!r.status.ok()) throw Error(r.status);
    MessageBuilder('C').Str(r.tag).AppendTo(o);
    return true;
  };
  // The extended query protocol: Parse, Bind, Describe, Execute, Close (Sync is in the loop).
  // False: the client is gone.
  auto HandleExtended = [&](const Message& msg, std::map<std::string, Portal>& ports, std::string* o) {
    std::map<std::string, Prepared>& stmts = session.prepared();
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
        MessageBuilder('1').AppendTo(o);
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
        ports[portal] = std::move(port);
        MessageBuilder('2').AppendTo(o);
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
          pd.AppendTo(o);
          // Describe with the parameters as NULL: the plan's columns do not depend on them.
          std::vector<std::optional<std::string>> nulls(size_t(it->second.nparams));
          parsed = it->second.parsed ? it->second.parsed : ParsedSql::Parse(SubstituteParams(it->second.sql, nulls, it->second.oids));
        } else if (kind == 'P') {
          auto it = ports.find(name);
          if (it == ports.end()) throw Error(SqlState::kInvalidCursorName, "portal \"" + name + "\" does not exist");
          parsed = it->second.parsed;
          formats = it->second.formats;
        } else {
          throw Error(SqlState::kProtocolViolation, "invalid DESCRIBE message subtype");
        }
        std::vector<std::string> names;
        std::vector<LogicalType> types;
        bool rows = false;
        Status st = session.Describe(parsed, &names, &types, &rows);
        if (!st.ok()) throw Error(st);
        if (rows) AppendRowDescription(names, types, formats, o);
        else MessageBuilder('n').AppendTo(o);
        break;
      }
      case 'E': {
        std::string name = ReadCString(b, &pos);
        auto it = ports.find(name);
        if (it == ports.end()) throw Error(SqlState::kInvalidCursorName, "portal \"" + name + "\" does not exist");
        if (it->second.parsed->statements().empty()) {
          MessageBuilder('I').AppendTo(o);
          break;
        }
        return execute_portal(it->second, o);
      }
      case 'C': {
        const char kind = pos < b.size() ? b[pos++] : 0;
        std::string name = ReadCString(b, &pos);
        if (kind == 'S') stmts.erase(name);
        else ports.erase(name);
        MessageBuilder('3').AppendTo(o);
        break;
      }
    }
    return true;
  };
  // One simple-query message: parsed whole first (a syntax error anywhere runs nothing), then
  // statement by statement. False: the client is gone.
  auto simple_query = [&](const std::string& sql) {
    Session::Script script = session.Parse(sql);
    if (!script.error.ok()) {
      AppendError(script.error, &out);
      return true;
    }
    if (script.statements.empty()) MessageBuilder('I').AppendTo(&out);
    for (const Session::Statement& st : script.statements) {
      if (st.copy_from_stdin) {
        // CopyInResponse, then CopyData ... CopyDone (or CopyFail) from the client.
        MessageBuilder('G').Byte(0).Int16(0).AppendTo(&out);
        if (!send(out)) return false;
        out.clear();
        std::string data;
        bool failed = false, done = false;
        std::string fail_reason;
        while (!done) {
          if (!ReadMessage(conn, &m)) return false;
          if (m.type == 'd') data += m.body;
          else if (m.type == 'c') done = true;
          else if (m.type == 'f') {
            size_t p = 0;
            fail_reason = ReadCString(m.body, &p);
            failed = done = true;
          } else if (m.type == 'H' || m.type == 'S') {
            continue;
          } else {
            failed = done = true;
            fail_reason = "unexpected message during COPY";
          }
        }
        if (failed) {
          AppendError(Status::Error(SqlState::kQueryCanceled, "COPY from stdin failed: " + fail_reason), &out);
          break;
        }
        session.SetCopyInput(std::move(data));
      }
      ResultStream rs = session.Run(st);
      if (rs.result().status.ok() && rs.result().returns_rows) {
        AppendRowDescription(rs.result().names, rs.result().types, {}, &out);
        if (!stream_rows(rs, {}, &out)) return false;
      }
      const QueryResult& r = rs.result();
      for (auto& n : r.notices) AppendNotice(n, &out);
      if (!r.status.ok()) {
        AppendError(PositionInScript(r.status, sql, st.begin), &out);
        break;
      }
      if (r.is_copy_out) {
        MessageBuilder('H').Byte(0).Int16(int16_t(r.names.size())).AppendTo(&out);
        if (!r.copy_out.empty()) MessageBuilder('d').Raw(r.copy_out).AppendTo(&out);
        MessageBuilder('c').AppendTo(&out);
      }
      if (r.tag.empty()) MessageBuilder('I').AppendTo(&out);
      else MessageBuilder('C').Str(r.tag).AppendTo(&out);
    }
    return true;
  };
  auto ready = [&](std::string* o) { MessageBuilder('Z').Byte(session.TransactionStatus()).AppendTo(o); };
  bool extended_error = false;  // after an error in the extended protocol: skip until Sync
  std::map<std::string, Portal> portals;
  while (!stopping_) {
    // Waiting for the client while holding the database (inside a transaction block, or between
    // extended-protocol messages before Sync) is bounded, as PostgreSQL's
    // idle_in_transaction_session_timeout: for the next message and for every byte of it, so a
    // client that stalls half-way through a message cannot hang the others either.
    const int want_timeout = session.holds_database() ? options_.idle_in_transaction_timeout_ms : 0;
    if (want_timeout != receive_timeout_ms) {
      SetReceiveTimeout(fd, want_timeout);
      receive_timeout_ms = want_timeout;
    }
    if (want_timeout > 0 && !conn.HasBuffered()) {
      pollfd p{fd, POLLIN, 0};
      int ready = ::poll(&p, 1, want_timeout);
      if (ready == 0) {
        std::string bye;
        AppendError(session.TransactionStatus() != 'I'
                        ? Status::Error(SqlState::kIdleInTransactionTimeout, "terminating connection due to idle-in-transaction timeout")
                        : Status::Error(SqlState::kProtocolViolation,
                                        "terminating connection: no Sync from the client within the idle timeout"),
                    &bye, 'E', "FATAL");
        WriteAll(conn, bye);
        break;  // the block is rolled back as the session ends
      }
    }
    if (!ReadMessage(conn, &m)) break;
    out.clear();
    if (m.type == 'X') break;
    if (extended_error && m.type != 'S') continue;
    switch (m.type) {
      case 'Q': {
        size_t pos = 0;
        const std::string sql = ReadCString(m.body, &pos);
        if (!simple_query(sql)) return;
        session.EndOfMessage();
        ready(&out);
        break;
      }
      case 'S':
        extended_error = false;
        session.EndOfMessage();
        ready(&out);
        break;
      case 'H':
        break;
      case 'P': case 'B': case 'D': case 'E': case 'C':
        try {
          if (!HandleExtended(m, portals, &out)) return;
        } catch (const Error& e) {
          AppendError(e.status(), &out);
          extended_error = true;  // PostgreSQL skips messages until Sync after an error
        }
        break;
      case 'F':
        AppendError(Status::Error(SqlState::kFeatureNotSupported, "the function call protocol is not supported"), &out);
        extended_error = true;
        break;
      default:
        AppendError(Status::Error(SqlState::kProtocolViolation, std::string("invalid frontend message type ") + m.type), &out, 'E',
                    "FATAL");
        WriteAll(conn, out);
        return;
    }
    if (!out.empty() && !send(out)) break;
  }
}

}  // namespace yunhe::pgwire
