#include "server/ilp/ilp_server.h"

#include "engine/session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "common/count_lines.h"
#include "ingest/lineproto/line_protocol_writer.h"
#include "engine/ingest_statements.h"

namespace yunhe::ilp {

namespace {
constexpr size_t kBatchBytes = 1u << 20;
}

IlpServer::~IlpServer() { Stop(); }

Status IlpServer::Start(int* port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) return Status::Error(SqlState::kSystemError, std::string("could not create socket: ") + strerror(errno));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(options_.port));
  if (inet_pton(AF_INET, options_.listen.c_str(), &addr.sin_addr) != 1)
    return Status::Error(SqlState::kInvalidParameterValue, "invalid listen address \"" + options_.listen + "\"");
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
    return Status::Error(SqlState::kSystemError, "could not listen on " + options_.listen + ":" + std::to_string(options_.port) + ": " + strerror(errno));
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return Status::Ok();
}

void IlpServer::Run() {
  while (!stopping_) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stopping_) break;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;
    }
    std::lock_guard<std::mutex> lock(sessions_mu_);
    fds_.push_back(fd);
    threads_.emplace_back([this, fd, id = next_connection_++] {
      Serve(fd, id);
      std::lock_guard<std::mutex> l(sessions_mu_);
      fds_.erase(std::remove(fds_.begin(), fds_.end(), fd), fds_.end());
      ::close(fd);
    });
  }
}

void IlpServer::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
  }
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    // Half-close: a sender's data already in flight is still read and written before its
    // connection ends.
    for (int fd : fds_) ::shutdown(fd, SHUT_RD);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

void IlpServer::Serve(int fd, int connection) {
  Session session(db_);
  session.SetLoginUser(options_.role);
  std::string pending;
  size_t next_line = 1;
  char buf[64 * 1024];
  lineproto::WriterOptions options;
  options.max_reported_errors = 20;
  auto flush = [&](bool all) {
    size_t cut = all ? pending.size() : pending.rfind('\n');
    if (cut == std::string::npos || cut == 0) return;
    if (!all) ++cut;
    std::string batch = pending.substr(0, cut);
    pending.erase(0, cut);
    lineproto::WriteReport report;
    QueryResult r;
    lineproto::PieceParser parsed(batch, options.precision, lineproto::Writer::kPieceBytes);  // before the database is held
    Status durable = session.LockedDurably([&](Database& db) {
      db.AssertHeld();
      r = WriteLineProtocol(db, parsed, options, &report, next_line);
    });
    if (!durable.ok()) r.status = durable;
    next_line += CountNewlines(batch);
    rows_ += report.rows;
    rejected_ += report.bad_lines;
    if (!r.status.ok()) std::cerr << "yunhe ilp: connection " << connection << ": " << r.status.message() << "\n";
    for (auto& e : report.errors) std::cerr << "yunhe ilp: connection " << connection << ", line " << e.line << ": " << e.reason << "\n";
  };
  bool clean_end = false;
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    clean_end = n == 0;
    if (n <= 0) break;
    pending.append(buf, size_t(n));
    // Write when a batch is full or the sender paused (nothing more waiting on the socket).
    int waiting = 0;
    if (pending.size() >= kBatchBytes || (::recv(fd, &waiting, 1, MSG_PEEK | MSG_DONTWAIT) <= 0 && errno == EAGAIN)) flush(false);
  }
  // A sender that closed properly may leave its last line without a newline; one whose
  // connection broke (reset, error) may have been cut mid-line, so its unfinished line is dropped.
  flush(clean_end);
}

}  // namespace yunhe::ilp
