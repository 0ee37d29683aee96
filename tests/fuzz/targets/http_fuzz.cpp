// Fuzz target: bytes a client sends to the HTTP API — request line, headers (Authorization,
// Content-Encoding: gzip, Transfer-Encoding: chunked, Range ...), bodies — parsed by cpp-httplib
// and answered by yunhe's handlers (/exec, /write, /api/v2/write, /query, /import, /metrics,
// the console's files) on a real server bound to 127.0.0.1 (a free port), over a loopback TCP
// connection per input. Files of the server are confined to a scratch directory; statements
// have a timeout; the replies are read and dropped.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "common/server_files.h"
#include "fuzz_database.h"
#include "server/http/http_server.h"

namespace {

int Port() {
  static int port = [] {
    std::signal(SIGPIPE, SIG_IGN);
    const std::string dir = "/tmp/yunhe-http-fuzz-" + std::to_string(getpid());
    ::mkdir(dir.c_str(), 0700);
    yunhe::SetServerFileDirectory(dir);
    yunhe::Database& db = yunhe::fuzz::FuzzDatabase();
    db.SetDefaultSetting("statement_timeout", "200");
    yunhe::http::HttpOptions options;
    options.listen = "127.0.0.1";
    options.port = 0;
    options.max_body_bytes = 1 << 20;
    auto* server = new yunhe::http::HttpServer(db, options);
    int p = 0;
    const yunhe::Status st = server->Start(&p);
    if (!st.ok()) {
      std::fprintf(stderr, "fuzz setup: %s\n", st.message().c_str());
      std::abort();
    }
    std::thread([server] { server->Run(); }).detach();
    return p;
  }();
  return port;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int port = Port();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Start() listened already: the connection waits in the backlog until Run() accepts it.
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return 0;
  }
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  size_t off = 0;
  while (off < size) {
    const ssize_t n = ::send(fd, data + off, size - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += size_t(n);
  }
  ::shutdown(fd, SHUT_WR);  // end of the request(s): the server answers and closes
  char buf[65536];
  while (::recv(fd, buf, sizeof buf, 0) > 0) {
  }
  ::close(fd);
  return 0;
}
