// Connection startup: encryption negotiation, CancelRequest, the startup packet, authentication
// and the parameters a client expects before its first query.
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "auth/scram.h"
#include "common/cancel.h"
#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_rows.h"
#include "server/pgwire/pg_server.h"
#include "sql/privileges.h"

namespace yunhe::pgwire {

namespace {
constexpr int32_t kProtocol3 = 196608;
constexpr int32_t kSslRequest = 80877103;
constexpr int32_t kGssEncRequest = 80877104;
constexpr int32_t kCancelRequest = 80877102;
}  // namespace

bool Connection::Startup(bool over_limit) {
  // The whole startup and authentication within authentication_timeout_ms (TLS handshake too).
  conn_.deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count() +
                      server_.options_.authentication_timeout_ms;
  Server::SetReceiveTimeout(conn_.fd, server_.options_.authentication_timeout_ms);
  struct EndOfStartup {
    Conn& c;
    ~EndOfStartup() {
      c.deadline_ms = 0;
      Server::SetReceiveTimeout(c.fd, 0);
    }
  } end_of_startup{conn_};
  // Startup: answer SSL/GSS encryption requests with 'N' and read the real startup packet.
  while (true) {
    if (!ReadStartup(conn_, &m_) || m_.body.size() < 4) return false;
    const int32_t code = BodyInt32(m_.body, 0);
    if (code == kSslRequest && server_.tls_ && !conn_.ssl) {
      // TLS with the configured certificate; the startup packet then comes encrypted.
      // Bytes the client sent after the SSLRequest, before the handshake, would be taken as
      // encrypted ones (PostgreSQL refuses them too: CVE-2021-23214).
      if (conn_.HasBuffered()) return false;
      if (!WriteAll(conn_, "S")) return false;
      conn_.ssl = SSL_new(server_.tls_);
      if (!conn_.ssl || SSL_set_fd(conn_.ssl, conn_.fd) != 1 || SSL_accept(conn_.ssl) != 1) return false;
      continue;
    }
    if (code == kSslRequest || code == kGssEncRequest) {
      if (!WriteAll(conn_, "N")) return false;
      continue;
    }
    if (code == kCancelRequest) {
      // CancelRequest: pid and key of the session; its running statement stops with 57014.
      if (m_.body.size() >= 12) {
        const int32_t pid = BodyInt32(m_.body, 4), key = BodyInt32(m_.body, 8);
        server_.Cancel(pid, key);
      }
      return false;
    }
    if (code != kProtocol3) {
      std::string out;
      AppendError(Status::Error(SqlState::kProtocolViolation, "unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                                              std::to_string(code & 0xffff) + ": server supports 3.0"),
                  &out, 'E', "FATAL");
      WriteAll(conn_, out);
      return false;
    }
    break;
  }
  if (over_limit) {
    std::string out;
    AppendError(Status::Error(SqlState::kTooManyConnections, "sorry, too many clients already"), &out, 'E', "FATAL");
    WriteAll(conn_, out);
    return false;
  }
  std::string database = "yunhe", application;
  std::vector<std::pair<std::string, std::string>> settings;  // run-time parameters of the startup packet
  for (size_t pos = 4; pos < m_.body.size() && m_.body[pos] != '\0';) {
    std::string key = ReadCString(m_.body, &pos);
    std::string value = ReadCString(m_.body, &pos);
    if (key == "user") user_ = value;
    else if (key == "database") database = value;
    else if (key == "replication") continue;
    else if (key == "options") {
      // libpq's options / PGOPTIONS: "-c name=value" and "--name=value" settings, as PostgreSQL's
      // (spaces inside a value escaped with a backslash).
      std::vector<std::string> words;
      std::string word;
      for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) word += value[++i];
        else if (value[i] == ' ') {
          if (!word.empty()) words.push_back(word);
          word.clear();
        } else word += value[i];
      }
      if (!word.empty()) words.push_back(word);
      for (size_t i = 0; i < words.size(); ++i) {
        std::string setting;
        if (words[i] == "-c" && i + 1 < words.size()) setting = words[++i];
        else if (words[i].rfind("-c", 0) == 0) setting = words[i].substr(2);
        else if (words[i].rfind("--", 0) == 0) setting = words[i].substr(2);
        const size_t eq = setting.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        std::string name = setting.substr(0, eq);
        std::replace(name.begin(), name.end(), '-', '_');
        settings.emplace_back(name, setting.substr(eq + 1));
      }
      continue;
    }
    else settings.emplace_back(key, value);
    if (key == "application_name") application = value;
  }
  if (!Authenticate(user_)) return false;
  // CONNECTION LIMIT of the role (superusers are exempt, as in PostgreSQL).
  if (!server_.EnterRole(login_role_, login_superuser_ ? -1 : login_connection_limit_)) {
    std::string refused;
    AppendError(Status::Error(SqlState::kTooManyConnections, "too many connections for role \"" + login_role_ + "\""), &refused, 'E', "FATAL");
    WriteAll(conn_, refused);
    return false;
  }
  counted_role_ = true;
  std::string out;
  MessageBuilder('R').Int32(0).AppendTo(&out);  // AuthenticationOk
  // The startup packet's run-time parameters are the session's settings (and what RESET /
  // DISCARD ALL go back to); a bad value ends the connection as in PostgreSQL.
  session_ = std::make_unique<Session>(server_.db_);
  session_->set_backend_pid(backend_pid_);
  session_->SetLoginUser(login_role_);
  const Status applied = session_->ApplyStartupParameters(settings);
  if (!applied.ok()) {
    AppendError(applied, &out, 'E', "FATAL");
    WriteAll(conn_, out);
    return false;
  }
  const std::string zone = session_->settings().values.count("timezone") ? session_->settings().values["timezone"]
                                                                          : server_.db_.DefaultSettings().values["timezone"];
  auto param = [&](const std::string& k, const std::string& v) { MessageBuilder('S').Str(k).Str(v).AppendTo(&out); };
  param("server_version", "15.0");
  param("server_encoding", "UTF8");
  param("client_encoding", "UTF8");
  param("DateStyle", "ISO, MDY");
  param("IntervalStyle", "postgres");
  param("TimeZone", zone);
  param("integer_datetimes", "on");
  param("standard_conforming_strings", "on");
  param("is_superuser", login_superuser_ ? "on" : "off");
  param("session_authorization", login_role_);
  param("application_name", application);
  int32_t cancel_key;
  RAND_bytes(reinterpret_cast<unsigned char*>(&cancel_key), sizeof cancel_key);
  server_.RegisterCancelKey(backend_pid_, cancel_key);  // forgotten when the connection ends
  MessageBuilder('K').Int32(backend_pid_).Int32(cancel_key).AppendTo(&out);
  MessageBuilder('Z').Byte('I').AppendTo(&out);
  return WriteAll(conn_, out);

}

bool Connection::Authenticate(const std::string& user) {
  // Trust until some role has a password; from then on SCRAM-SHA-256 for everyone.
  // Everything the login needs about the role, in one read of the committed catalog (logging in
  // does not wait for another session's open transaction block either).
  std::string verifier;
  bool required = false, known = false, can_login = false;
  server_.db_.ReadCommittedCatalog([&](const Catalog& catalog) {
    for (auto& [name, r] : catalog.roles) required = required || !r.verifier.empty();
    const RoleInfo* role = catalog.FindRole(user);
    if (role) verifier = role->verifier;
    known = user == kSuperuserRole || (role && !IsPredefinedRole(user));
    can_login = user == kSuperuserRole || (role && (role->login || role->superuser));
    login_superuser_ = IsSuperuser(catalog, user);
    login_connection_limit_ = role ? role->connection_limit : -1;
  });
  auto fatal = [&](const std::string& message) {
    std::string out;
    AppendError(Status::Error(SqlState::kInvalidAuthorization, message), &out, 'E', "FATAL");
    WriteAll(conn_, out);
    return false;
  };
  if (known && !can_login) return fatal("role \"" + user + "\" is not permitted to log in");
  // Trusted (no role has a password): a name no role has logs in as the superuser, as every
  // connection did before roles meant something; a role's own name logs in as that role.
  if (!required) {
    login_role_ = known ? user : std::string(kSuperuserRole);
    if (!known) login_superuser_ = true, login_connection_limit_ = -1;
    return true;
  }
  login_role_ = user;
  auto refuse = [&](const std::string& why) {
    std::string out;
    // Like PostgreSQL, the client learns nothing about why (which roles exist, which step failed).
    (void)why;
    AppendError(Status::Error(SqlState::kInvalidPassword, "password authentication failed for user \"" + user + "\""), &out, 'E', "FATAL");
    WriteAll(conn_, out);
    return false;
  };
  std::string out;
  MessageBuilder('R').Int32(10).Str("SCRAM-SHA-256").Byte('\0').AppendTo(&out);  // AuthenticationSASL
  if (!WriteAll(conn_, out)) return false;
  Message m;
  if (!ReadMessage(conn_, &m, kMaxAuthMessage) || m.type != 'p') return false;
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
  if (!WriteAll(conn_, out)) return false;
  if (!ReadMessage(conn_, &m, kMaxAuthMessage) || m.type != 'p') return false;
  std::string server_final = scram.Final(m.body, &error);
  if (server_final.empty() || verifier.empty()) return refuse(verifier.empty() ? "role has no password" : error);
  out.clear();
  MessageBuilder('R').Int32(12).Raw(server_final).AppendTo(&out);  // AuthenticationSASLFinal
  return WriteAll(conn_, out);
}

}  // namespace yunhe::pgwire
