#include "server/pgwire/pg_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "server/pgwire/pg_messages.h"
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

// True when the statement is COPY ... FROM STDIN (the client then sends the data).
bool IsCopyFromStdin(const std::string& sql) {
  try {
    auto parsed = ParsedSql::Parse(sql);
    if (parsed->statements().size() != 1) return false;
    PgQuery__Node* n = parsed->statements()[0].node;
    return n->node_case == PG_QUERY__NODE__NODE_COPY_STMT && n->copy_stmt->is_from &&
           !(n->copy_stmt->filename && n->copy_stmt->filename[0]);
  } catch (const Error&) {
    return false;
  }
}

void AppendRows(const QueryResult& r, std::string* out) {
  MessageBuilder desc('T');
  desc.Int16(int16_t(r.names.size()));
  for (size_t c = 0; c < r.names.size(); ++c)
    desc.Str(r.names[c]).Int32(0).Int16(0).Int32(TypeOid(r.types[c])).Int16(TypeLength(r.types[c])).Int32(-1).Int16(0);
  desc.AppendTo(out);
  for (const DataChunk& chunk : r.chunks) {
    for (size_t row = 0; row < chunk.count; ++row) {
      MessageBuilder m('D');
      m.Int16(int16_t(chunk.columns.size()));
      for (const Vector& v : chunk.columns) {
        if (v.IsNull(row)) {
          m.Int32(-1);
          continue;
        }
        std::string text = v.GetValue(row).ToString();
        m.Int32(int32_t(text.size())).Raw(text);
      }
      m.AppendTo(out);
    }
  }
}
}  // namespace

Server::~Server() { Stop(); }

Status Server::Start(int* port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) return Status::Error("58000", std::string("could not create socket: ") + strerror(errno));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(options_.port));
  if (inet_pton(AF_INET, options_.listen.c_str(), &addr.sin_addr) != 1)
    return Status::Error("22023", "invalid listen address \"" + options_.listen + "\" (an IPv4 address)");
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return Status::Error("58000", "could not bind " + options_.listen + ":" + std::to_string(options_.port) + ": " + strerror(errno));
  if (::listen(listen_fd_, 64) != 0) return Status::Error("58000", std::string("could not listen: ") + strerror(errno));
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
    if (active_ >= options_.max_connections) {
      std::string out;
      AppendError(Status::Error("53300", "sorry, too many clients already"), &out, 'E', "FATAL");
      WriteAll(fd, out);
      ::close(fd);
      continue;
    }
    std::lock_guard<std::mutex> lock(sessions_mu_);
    session_fds_.push_back(fd);
    ++active_;
    threads_.emplace_back([this, fd, pid = next_pid_++] {
      Serve(fd, pid);
      std::lock_guard<std::mutex> l(sessions_mu_);
      session_fds_.erase(std::remove(session_fds_.begin(), session_fds_.end(), fd), session_fds_.end());
      ::close(fd);
      --active_;
    });
  }
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
  }
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (int fd : session_fds_) ::shutdown(fd, SHUT_RDWR);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void Server::Serve(int fd, int32_t backend_pid) {
  Message m;
  // Startup: answer SSL/GSS encryption requests with 'N' and read the real startup packet.
  while (true) {
    if (!ReadStartup(fd, &m) || m.body.size() < 4) return;
    const int32_t code = BodyInt32(m.body, 0);
    if (code == kSslRequest || code == kGssEncRequest) {
      if (!WriteAll(fd, "N")) return;
      continue;
    }
    if (code == kCancelRequest) return;  // not supported yet: the statement runs to its end
    if (code != kProtocol3) {
      std::string out;
      AppendError(Status::Error("08P01", "unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                                              std::to_string(code & 0xffff) + ": server supports 3.0"),
                  &out, 'E', "FATAL");
      WriteAll(fd, out);
      return;
    }
    break;
  }
  std::string user = "yunhe", database = "yunhe", application;
  for (size_t pos = 4; pos < m.body.size() && m.body[pos] != '\0';) {
    std::string key = ReadCString(m.body, &pos);
    std::string value = ReadCString(m.body, &pos);
    if (key == "user") user = value;
    else if (key == "database") database = value;
    else if (key == "application_name") application = value;
  }
  std::string out;
  MessageBuilder('R').Int32(0).AppendTo(&out);  // AuthenticationOk: loopback is trusted
  auto param = [&](const std::string& k, const std::string& v) { MessageBuilder('S').Str(k).Str(v).AppendTo(&out); };
  param("server_version", "15.0");
  param("server_encoding", "UTF8");
  param("client_encoding", "UTF8");
  param("DateStyle", "ISO, MDY");
  param("IntervalStyle", "postgres");
  param("TimeZone", db_.GetSetting("timezone"));
  param("integer_datetimes", "on");
  param("standard_conforming_strings", "on");
  param("is_superuser", "on");
  param("session_authorization", user);
  param("application_name", application);
  MessageBuilder('K').Int32(backend_pid).Int32(backend_pid * 7919).AppendTo(&out);
  MessageBuilder('Z').Byte('I').AppendTo(&out);
  if (!WriteAll(fd, out)) return;

  std::unique_lock<std::mutex> hold(db_mu_, std::defer_lock);  // held through a transaction block
  auto ready = [&](std::string* o) {
    char status = db_.transaction_failed() ? 'E' : db_.in_transaction_block() ? 'T' : 'I';
    MessageBuilder('Z').Byte(status).AppendTo(o);
  };
  bool extended_error = false;  // after an extended-protocol message: skip until Sync
  while (!stopping_) {
    if (!ReadMessage(fd, &m)) break;
    out.clear();
    if (m.type == 'X') break;
    if (extended_error && m.type != 'S') continue;
    switch (m.type) {
      case 'Q': {
        size_t pos = 0;
        const std::string sql = ReadCString(m.body, &pos);
        if (!hold.owns_lock()) hold.lock();
        auto statements = SplitStatements(sql);
        if (statements.empty()) MessageBuilder('I').AppendTo(&out);
        for (auto [begin, len] : statements) {
          const std::string text = sql.substr(size_t(begin), size_t(len));
          if (IsCopyFromStdin(text)) {
            // CopyInResponse, then CopyData ... CopyDone (or CopyFail) from the client.
            MessageBuilder('G').Byte(0).Int16(0).AppendTo(&out);
            if (!WriteAll(fd, out)) return;
            out.clear();
            std::string data;
            bool failed = false, done = false;
            std::string fail_reason;
            while (!done) {
              if (!ReadMessage(fd, &m)) return;
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
              AppendError(Status::Error("57014", "COPY from stdin failed: " + fail_reason), &out);
              break;
            }
            db_.SetCopyInput(std::move(data));
          }
          QueryResult r = db_.ExecuteStatement(text);
          for (auto& n : r.notices) AppendNotice(n, &out);
          if (!r.status.ok()) {
            AppendError(r.status, &out);
            break;
          }
          if (r.is_copy_out) {
            MessageBuilder('H').Byte(0).Int16(int16_t(r.names.size())).AppendTo(&out);
            if (!r.copy_out.empty()) MessageBuilder('d').Raw(r.copy_out).AppendTo(&out);
            MessageBuilder('c').AppendTo(&out);
          } else if (r.returns_rows) {
            AppendRows(r, &out);
          }
          if (r.tag.empty()) MessageBuilder('I').AppendTo(&out);
          else MessageBuilder('C').Str(r.tag).AppendTo(&out);
          if (out.size() > (1u << 20)) {  // stream large results
            if (!WriteAll(fd, out)) return;
            out.clear();
          }
        }
        ready(&out);
        if (!db_.in_transaction_block()) hold.unlock();
        break;
      }
      case 'S':
        extended_error = false;
        ready(&out);
        break;
      case 'H':
        break;
      case 'P': case 'B': case 'D': case 'E': case 'C': case 'F':
        AppendError(Status::Error("0A000", "the extended query protocol is not supported yet; use the simple query protocol"), &out);
        extended_error = true;
        break;
      default:
        AppendError(Status::Error("08P01", std::string("invalid frontend message type ") + m.type), &out, 'E', "FATAL");
        WriteAll(fd, out);
        goto done;
    }
    if (!out.empty() && !WriteAll(fd, out)) break;
  }
done:
  if (hold.owns_lock()) {
    // The client left inside a transaction block: roll it back, as PostgreSQL does.
    if (db_.in_transaction_block()) db_.ExecuteStatement("ROLLBACK");
    hold.unlock();
  }
}

}  // namespace yunhe::pgwire
