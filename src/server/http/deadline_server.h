// cpp-httplib's server with deadlines on what a client sends, so slow or stalled clients
// (slowloris) cannot hold the API's worker threads: a request's line and headers must arrive
// within `head_timeout_ms` of its first byte, and its body at an average of at least
// `min_body_rate` bytes/s after that (plus the same grace), else the connection is closed
// (Apache's RequestReadTimeout, nginx's client_header_timeout). cpp-httplib alone only bounds
// each read (5 s), so a client sending a header line every 4 s kept a thread forever, and its
// pool of 8 threads was gone with 8 such clients. A client that half-closes its side after the
// request (`nc -N`, shutdown(SHUT_WR)) still gets its answer. Plain HTTP only: HTTPS keeps
// cpp-httplib's own connection handling (its TLS handshake lives there).
#pragma once
#include <httplib.h>

#include <cstdint>

namespace yunhe::http {

class DeadlineServer : public httplib::Server {
 public:
  DeadlineServer(int64_t head_timeout_ms, int64_t min_body_rate) : head_timeout_ms_(head_timeout_ms), min_body_rate_(min_body_rate) {}

 private:
  bool process_and_close_socket(socket_t sock) override;
  int64_t head_timeout_ms_;
  int64_t min_body_rate_;
};

}  // namespace yunhe::http
