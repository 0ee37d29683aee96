// Fuzz target: bytes a client sends over the PostgreSQL protocol — SSLRequest, the startup
// packet, SCRAM messages, simple and extended queries (Parse/Bind/Describe/Execute/Sync), COPY
// data, CancelRequest — decoded and answered by a real pgwire Connection on one end of a socket
// pair (its replies are drained and dropped). Sessions get a statement timeout, and files of
// the server are confined to a scratch directory (an input may log in as the superuser).
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

#include "common/server_files.h"
#include "fuzz_database.h"
#include "server/pgwire/pg_connection.h"
#include "server/pgwire/pg_server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static yunhe::pgwire::Server* server = [] {
    std::signal(SIGPIPE, SIG_IGN);
    const std::string dir = "/tmp/yunhe-pgwire-fuzz-" + std::to_string(getpid());
    ::mkdir(dir.c_str(), 0700);
    yunhe::SetServerFileDirectory(dir);
    yunhe::Database& db = yunhe::fuzz::FuzzDatabase();
    db.SetDefaultSetting("statement_timeout", "200");
    yunhe::pgwire::ServerOptions options;
    options.authentication_timeout_ms = 1000;
    options.idle_in_transaction_timeout_ms = 1000;
    return new yunhe::pgwire::Server(db, options);
  }();
  static int32_t pid = 1000;
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 0;
  // The client: its bytes, then end of input; and everything the server answers, dropped.
  std::thread client([&] {
    size_t off = 0;
    while (off < size) {
      const ssize_t n = ::send(sv[1], data + off, size - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += size_t(n);
    }
    ::shutdown(sv[1], SHUT_WR);
  });
  std::thread drain([&] {
    char buf[65536];
    while (::recv(sv[1], buf, sizeof buf, 0) > 0) {
    }
  });
  {
    yunhe::pgwire::Connection connection(*server, sv[0], ++pid);
    connection.Run(false);
  }
  ::shutdown(sv[0], SHUT_RDWR);
  client.join();
  drain.join();
  ::close(sv[0]);
  ::close(sv[1]);
  return 0;
}
