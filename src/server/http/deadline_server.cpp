#include "server/http/deadline_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace yunhe::http {

namespace {

using Clock = std::chrono::steady_clock;

int64_t MsUntil(Clock::time_point t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count(); }

// poll() for `events` up to timeout_ms (< 0: none); the revents, 0 on timeout, -1 on error.
int Wait(int fd, short events, int64_t timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int r = ::poll(&p, 1, int(std::clamp<int64_t>(timeout_ms, 0, INT32_MAX)));
    if (r < 0 && errno == EINTR) continue;
    return r <= 0 ? r : p.revents;
  }
}

void Address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  if ((peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) : ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len)) != 0) return;
  char buf[INET6_ADDRSTRLEN] = {};
  if (a.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
    ::inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    port = ntohs(v4->sin_port);
  } else if (a.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    port = ntohs(v6->sin6_port);
  }
  ip = buf;
}

// One request's worth of a connection: reads wait at most until the request's deadline (the
// head's, then the body's by its rate) and each at most the per-read timeout.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int fd, int64_t read_timeout_ms, int64_t write_timeout_ms, int64_t head_timeout_ms, int64_t min_body_rate)
      : fd_(fd), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms), head_timeout_ms_(head_timeout_ms),
        min_body_rate_(min_body_rate), deadline_(Clock::now() + std::chrono::milliseconds(head_timeout_ms)) {}

  bool is_readable() const override { return Wait(fd_, POLLIN, std::min(read_timeout_ms_, MsUntil(deadline_))) > 0; }
  // Writable unless the connection is gone (a client that only shut its sending side is not).
  bool is_writable() const override {
    const int r = Wait(fd_, POLLOUT, write_timeout_ms_);
    return r > 0 && !(r & (POLLERR | POLLHUP | POLLNVAL));
  }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == len_) {
      const int64_t left = MsUntil(deadline_);
      if (left <= 0 || Wait(fd_, POLLIN, std::min(read_timeout_ms_, left)) <= 0) return -1;
      ssize_t n;
      do n = ::recv(fd_, buf_, sizeof buf_, 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      pos_ = 0;
      len_ = size_t(n);
    }
    const size_t n = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, n);
    pos_ += n;
    Account(ptr, n);
    return ssize_t(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { Address(fd_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { Address(fd_, false, ip, port); }
  socket_t socket() const override { return fd_; }

 private:
  // Watches for the blank line that ends the head; from then on the deadline moves with the
  // body's bytes.
  void Account(const char* p, size_t n) {
    if (head_done_) {
      deadline_ += std::chrono::microseconds(int64_t(n) * 1000000 / std::max<int64_t>(1, min_body_rate_));
      return;
    }
    for (size_t k = 0; k < n; ++k) {
      tail_ = (tail_ << 8) | uint8_t(p[k]);
      if ((tail_ & 0xffffffff) == 0x0d0a0d0a || (tail_ & 0xffff) == 0x0a0a) {
        head_done_ = true;
        deadline_ = Clock::now() + std::chrono::milliseconds(head_timeout_ms_);
        Account(p + k + 1, n - k - 1);
        return;
      }
    }
  }

  int fd_;
  int64_t read_timeout_ms_, write_timeout_ms_, head_timeout_ms_, min_body_rate_;
  Clock::time_point deadline_;
  bool head_done_ = false;
  uint32_t tail_ = 0;  // the last bytes of the head read so far
  char buf_[4096];
  size_t pos_ = 0, len_ = 0;
};

}  // namespace

bool DeadlineServer::process_and_close_socket(socket_t sock) {
  // cpp-httplib's keep-alive loop, with a stream of ours per request.
  const int64_t read_ms = int64_t(read_timeout_sec_) * 1000 + int64_t(read_timeout_usec_) / 1000;
  const int64_t write_ms = int64_t(write_timeout_sec_) * 1000 + int64_t(write_timeout_usec_) / 1000;
  bool ret = false;
  for (size_t count = keep_alive_max_count_; count > 0; --count) {
    // Wait for the next request, in slices, so a stopping server need not wait for idle clients.
    const auto idle_until = Clock::now() + std::chrono::seconds(keep_alive_timeout_sec_);
    int ready = 0;
    while (svr_sock_ != INVALID_SOCKET && (ready = Wait(sock, POLLIN, std::min<int64_t>(100, MsUntil(idle_until)))) == 0 &&
           MsUntil(idle_until) > 0) {
    }
    if (ready <= 0 || svr_sock_ == INVALID_SOCKET) break;
    DeadlineStream stream(sock, read_ms, write_ms, head_timeout_ms_, min_body_rate_);
    bool connection_closed = false;
    ret = process_request(stream, count == 1, connection_closed, nullptr);
    if (!ret || connection_closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace yunhe::http
