#include "server/pgwire/pg_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
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
#include "server/pgwire/pg_connection.h"
#include "sql/parser.h"

namespace yunhe::pgwire {

namespace {

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
                          try {
                            Connection(*this, fd, pid).Run(over_limit);
                          } catch (const std::exception& e) {
                            // A bug must cost the client its connection, never the server
                            // (every known path answers errors; fuzz_pgwire looks for others).
                            std::fprintf(stderr, "yunhe: session %d ended by an internal error: %s\n", int(pid), e.what());
                          }
                          std::lock_guard<std::mutex> l(sessions_mu_);
                          session_fds_.erase(std::remove(session_fds_.begin(), session_fds_.end(), fd), session_fds_.end());
                          ::close(fd);
                          --active_;
                          *done = true;
                        }),
                        done});
  }
}

bool Server::EnterRole(const std::string& role, int64_t limit) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  int64_t& n = role_sessions_[role];
  if (limit >= 0 && n >= limit) return false;
  ++n;
  return true;
}

void Server::LeaveRole(const std::string& role) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  if (--role_sessions_[role] <= 0) role_sessions_.erase(role);
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

void Server::RegisterCancelKey(int32_t backend_pid, int32_t key) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  secrets_[backend_pid] = CancelTarget{key, &CurrentStatement()};
}

void Server::ForgetCancelKey(int32_t backend_pid) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  secrets_.erase(backend_pid);
}

void Server::Cancel(int32_t backend_pid, int32_t key) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  auto it = secrets_.find(backend_pid);
  // Idle sessions are unaffected: the next statement clears the flag when it starts.
  if (it != secrets_.end() && it->second.key == key) RequestCancel(*it->second.statement);
}

}  // namespace yunhe::pgwire
