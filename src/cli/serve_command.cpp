#include "cli/serve_command.h"

#include "cli/embedded_web.h"

#include "common/memory_limit.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "cli/result_printer.h"
#include "cli/shell.h"
#include "engine/database.h"
#include "server/mqtt/mqtt_ingest.h"
#include "server/http/http_server.h"
#include "server/ilp/ilp_server.h"
#include "common/server_files.h"
#include "server/pgwire/pg_server.h"

namespace yunhe {

namespace {
void Usage(std::ostream& out) {
  out << "usage: yunhe serve [DATADIR] [OPTIONS]\n"
         "  --listen ADDR      address to listen on (default 127.0.0.1)\n"
         "  --pg-port N        PostgreSQL protocol port (default 5432; 0 = pick a free one)\n"
         "  --http-port N      HTTP API port: /exec, InfluxDB /write and /api/v2/write, /ping, /health,\n"
         "                     /metrics (default 9000; 0 = pick a free one; -1 = off)\n"
         "  --web-dir DIR      serve the web console from this directory instead of the copy built\n"
         "                     into the binary (`make web` builds web/dist)\n"
         "  --basemap-url URL  a raster tile server for the console's map, as {z}/{x}/{y} URL\n"
         "                     template (default: the offline Natural Earth countries)\n"
         "  --http-max-body N  largest HTTP request body in bytes (default 268435456); larger: 413\n"
         "  --ilp-port N       line protocol over TCP (default 9009; 0 = pick a free one; -1 = off)\n"
         "  --mqtt HOST:PORT   subscribe to an MQTT broker (payloads: line protocol or JSON objects)\n"
         "  --mqtt-topic T     topic filter to subscribe to (repeatable; default sensors/#)\n"
         "  --mqtt-table NAME  table for JSON payloads without a \"measurement\" key (default mqtt)\n"
         "  --mqtt-client-id ID  a persistent MQTT session under this id: the broker queues QoS 1\n"
         "                     messages published while the server is down\n"
         "  --mqtt-user NAME   log in to the broker as NAME; the password is read from the\n"
         "                     environment variable YUNHE_MQTT_PASSWORD (never from the command line)\n"
         "  --idle-in-transaction-timeout MS  end sessions idle inside BEGIN for this long (default 60000; 0 = never)\n"
         "  --authentication-timeout MS  time a connection has to start up and log in (default 60000)\n"
         "  --http-header-timeout MS  time an HTTP request's line and headers have to arrive (default 20000)\n"
         "  --max-connections N  PostgreSQL protocol sessions at once (default 100); more: FATAL 53300\n"
         "  --memory-limit SIZE  memory for cached table blocks (e.g. 512MB, 2GB, 25%; default 80% of RAM)\n"
         "  --password PW      set the password of the superuser yunhe (then SCRAM-SHA-256 is required)\n"
         "  --shell            also open the interactive shell on the database (stdin a terminal);\n"
         "                     quitting it (\\q, Ctrl+D) stops the server; busy ports give way to free ones\n"
         "  --tls-cert FILE    PEM certificate (chain) for TLS on the PostgreSQL protocol and HTTPS (with --tls-key)\n"
         "  --tls-key FILE     its PEM private key; clients asking for SSL then get TLS 1.2+\n"
         "  --insecure         allow a non-loopback address without any password set\n"
         "  --file-dir DIR     server-side files (COPY ... 'file', read_nmea('file')) only inside DIR\n"
         "                     (they are for superusers and pg_read/write_server_files members)\n"
         "  --ingest-role R    role that line protocol over TCP and MQTT write as (default yunhe)\n"
         "With no DATADIR the database lives in memory. Stops on SIGTERM or SIGINT.\n";
}

// A port number; -1 (off) only where `may_be_off`.
bool ParsePort(const std::string& v, bool may_be_off, int* port) {
  char* end = nullptr;
  long p = strtol(v.c_str(), &end, 10);
  if (v.empty() || *end || p < (may_be_off ? -1 : 0) || p > 65535) {
    std::cerr << "yunhe serve: bad port \"" << v << "\"\n";
    return false;
  }
  *port = int(p);
  return true;
}

// In --shell mode (what `make run` uses) a busy fixed port gives way to a free one instead of
// failing, so a second demo or a local PostgreSQL on the same port does not stop it.
void FreePortIfBusy(const std::string& listen, const char* what, int* port) {
  if (*port <= 0) return;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(*port));
  inet_pton(AF_INET, listen.c_str(), &addr.sin_addr);
  const bool busy = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0;
  close(fd);
  if (!busy) return;
  std::cerr << "yunhe serve: " << what << " port " << *port << " is busy, picking a free one\n";
  *port = 0;
}

bool IsLoopback(const std::string& addr) {
  in_addr a{};
  return inet_pton(AF_INET, addr.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}
}  // namespace

int RunServeCommand(int argc, char** argv) {
  std::string dir;
  pgwire::ServerOptions options;
  http::HttpOptions http_options;
  // The console built into the binary; a binary built without one looks in the source tree.
  http_options.assets = &EmbeddedWebAssets();
#ifdef YH_WEB_DIST
  if (http_options.assets->empty()) http_options.web_root = YH_WEB_DIST;
#endif
  ilp::IlpOptions ilp_options;
  bool insecure = false;
  bool shell = false;
  std::string password;
  std::string file_dir, ingest_role = "yunhe";
  std::string mqtt_broker;
  mqtt::MqttOptions mqtt_options;
  for (int k = 1; k < argc; ++k) {
    std::string a = argv[k];
    auto need = [&]() -> std::string {
      if (k + 1 >= argc) {
        std::cerr << "yunhe serve: option " << a << " needs a value\n";
        exit(2);
      }
      return argv[++k];
    };
    if (a == "--listen") options.listen = need();
    else if (a == "--pg-port") {
      if (!ParsePort(need(), false, &options.port)) return 2;
    } else if (a == "--http-port") {
      if (!ParsePort(need(), true, &http_options.port)) return 2;
    } else if (a == "--ilp-port") {
      if (!ParsePort(need(), true, &ilp_options.port)) return 2;
    } else if (a == "--shell") {
      shell = true;
    } else if (a == "--http-max-body") {
      std::string v = need();
      char* end = nullptr;
      unsigned long long n = strtoull(v.c_str(), &end, 10);
      if (!end || *end || n == 0) {
        std::cerr << "yunhe serve: bad size \"" << v << "\"\n";
        return 2;
      }
      http_options.max_body_bytes = size_t(n);
    } else if (a == "--web-dir") http_options.web_root = need();
    else if (a == "--basemap-url") http_options.basemap_url = need();
    else if (a == "--tls-cert") options.tls_cert_file = need();
    else if (a == "--tls-key") options.tls_key_file = need();
    else if (a == "--insecure") insecure = true;
    else if (a == "--file-dir") file_dir = need();
    else if (a == "--ingest-role") ingest_role = need();
    else if (a == "--password") password = need();
    else if (a == "--idle-in-transaction-timeout") options.idle_in_transaction_timeout_ms = atoi(need().c_str());
    else if (a == "--authentication-timeout") options.authentication_timeout_ms = std::max(1, atoi(need().c_str()));
    else if (a == "--http-header-timeout") http_options.head_timeout_ms = std::max(1, atoi(need().c_str()));
    else if (a == "--max-connections") {
      std::string v = need();
      char* end = nullptr;
      long n = strtol(v.c_str(), &end, 10);
      if (!end || *end || n < 1 || n > 100000) {
        std::cerr << "yunhe serve: bad connection count \"" << v << "\"\n";
        return 2;
      }
      options.max_connections = int(n);
    }
    else if (a == "--memory-limit") {
      std::string v = need();
      uint64_t bytes = 0;
      if (!ParseMemorySize(v, &bytes)) {
        std::cerr << "yunhe serve: bad memory limit \"" << v << "\" (e.g. 512MB, 2GB, 25%)\n";
        return 2;
      }
      SetMemoryLimitBytes(bytes);
    }
    else if (a == "--mqtt") mqtt_broker = need();
    else if (a == "--mqtt-topic") mqtt_options.topics.push_back(need());
    else if (a == "--mqtt-table") mqtt_options.json_table = need();
    else if (a == "--mqtt-client-id") mqtt_options.client_id = need();
    else if (a == "--mqtt-user") {
      mqtt_options.username = need();
      if (const char* pw = getenv("YUNHE_MQTT_PASSWORD")) mqtt_options.password = pw;
    }
    else if (a == "-h" || a == "--help") {
      Usage(std::cout);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "yunhe serve: unknown option " << a << "\n";
      Usage(std::cerr);
      return 2;
    } else if (dir.empty()) dir = a;
    else {
      std::cerr << "yunhe serve: more than one data directory given\n";
      return 2;
    }
  }

  // SIGINT/SIGTERM are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  Status st;
  auto db = Database::Open(dir, &st);
  if (!db) {
    PrintError(st, "", std::cerr);
    return 1;
  }
  if (!password.empty()) {
    std::string quoted;
    for (char c : password) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    QueryResult r = db->ExecuteStatement("ALTER USER yunhe PASSWORD '" + quoted + "'");
    if (!r.status.ok()) {
      PrintError(r.status, "", std::cerr);
      return 1;
    }
  }
  if (!file_dir.empty()) {
    try {
      SetServerFileDirectory(file_dir);
    } catch (const Error& e) {
      std::cerr << "yunhe serve: " << e.status().message() << "\n";
      return 2;
    }
  }
  if (ingest_role != "yunhe") {
    const bool known = db->DefaultSession().Locked([&](Database& d) {
      d.AssertHeld();
      return d.catalog().roles.count(ingest_role) > 0;
    });
    if (!known) {
      std::cerr << "yunhe serve: --ingest-role: role \"" << ingest_role << "\" does not exist\n";
      return 2;
    }
    ilp_options.role = mqtt_options.role = ingest_role;
  }
  bool any_password = false;
  for (auto& [name, r] : db->DefaultSession().Locked([](Database& d) {
         d.AssertHeld();
         return d.catalog().roles;
       }))
    any_password = any_password || !r.verifier.empty();
  if (!IsLoopback(options.listen)) {
    if (!any_password && !insecure) {
      std::cerr << "yunhe serve: refusing to listen on " << options.listen
                << " while no role has a password (use --password, or --insecure to do it anyway)\n";
      return 2;
    }
    if (!any_password) std::cerr << "yunhe serve: WARNING: listening on " << options.listen << " with no authentication\n";
  }
  if (shell) {
    FreePortIfBusy(options.listen, "PostgreSQL", &options.port);
    FreePortIfBusy(options.listen, "HTTP", &http_options.port);
    FreePortIfBusy(options.listen, "line protocol", &ilp_options.port);
  }
  pgwire::Server server(*db, options);
  int port = 0;
  st = server.Start(&port);
  if (!st.ok()) {
    std::cerr << "yunhe serve: " << st.message() << "\n";
    return 1;
  }
  std::cout << "yunhe: PostgreSQL protocol on " << options.listen << ":" << port << (options.tls_cert_file.empty() ? "" : " (TLS)")
            << " (pid " << getpid() << ")\n"
            << "  psql -h " << options.listen << " -p " << port << " -U yunhe yunhe\n"
            << std::flush;
  http_options.listen = options.listen;
  http_options.tls_cert_file = options.tls_cert_file;  // HTTPS with the same certificate
  http_options.tls_key_file = options.tls_key_file;
  const char* scheme = options.tls_cert_file.empty() ? "http" : "https";
  if (!IsLoopback(options.listen) && options.tls_cert_file.empty())
    std::cerr << "yunhe serve: WARNING: listening on " << options.listen << " without TLS: passwords and data cross the network in clear (use --tls-cert/--tls-key)\n";
  http::HttpServer http_server(*db, http_options);
  int http_port = -1;
  if (http_options.port >= 0) {
    st = http_server.Start(&http_port);
    if (!st.ok()) {
      std::cerr << "yunhe serve: " << st.message() << "\n";
      return 1;
    }
    std::cout << "yunhe: HTTP API on " << scheme << "://" << options.listen << ":" << http_port << "/ (exec, write, ping, health, metrics)\n";
    if (http_server.web_console()) std::cout << "yunhe: web console on " << scheme << "://" << options.listen << ":" << http_port << "/\n";
    std::cout << std::flush;
  }
  std::thread http_thread([&] {
    if (http_port >= 0) http_server.Run();
  });
  ilp_options.listen = options.listen;
  ilp::IlpServer ilp_server(*db, ilp_options);
  int ilp_port = -1;
  if (ilp_options.port >= 0) {
    st = ilp_server.Start(&ilp_port);
    if (!st.ok()) {
      std::cerr << "yunhe serve: " << st.message() << "\n";
      return 1;
    }
    std::cout << "yunhe: line protocol over TCP on " << options.listen << ":" << ilp_port << "\n" << std::flush;
  }
  std::thread ilp_thread([&] {
    if (ilp_port >= 0) ilp_server.Run();
  });
  std::unique_ptr<mqtt::MqttIngest> mqtt_ingest;
  if (!mqtt_broker.empty()) {
    size_t colon = mqtt_broker.rfind(':');
    mqtt_options.host = mqtt_broker.substr(0, colon);
    if (colon != std::string::npos) mqtt_options.port = atoi(mqtt_broker.c_str() + colon + 1);
    if (mqtt_options.topics.empty()) mqtt_options.topics.push_back("sensors/#");
    mqtt_ingest = std::make_unique<mqtt::MqttIngest>(*db, mqtt_options);
    st = mqtt_ingest->Start();
    if (!st.ok()) {
      std::cerr << "yunhe serve: " << st.message() << "\n";
      return 1;
    }
    std::cout << "yunhe: MQTT subscriber on " << mqtt_options.host << ":" << mqtt_options.port << "\n" << std::flush;
  }
  std::thread acceptor([&] { server.Run(); });
  int sig = 0;
  if (shell && isatty(STDIN_FILENO)) {
    // The shell owns the terminal; a signal meanwhile ends the shell's read by stopping the
    // process the way a server stops (writes are durable once acknowledged), terminal restored.
    termios saved{};
    tcgetattr(STDIN_FILENO, &saved);
    std::atomic<bool> shell_done{false};
    std::thread waiter([&] {
      int s = 0;
      sigwait(&signals, &s);
      if (shell_done) return;
      tcsetattr(STDIN_FILENO, TCSANOW, &saved);
      std::cout << "\nyunhe: " << (s == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n" << std::flush;
      if (mqtt_ingest) mqtt_ingest->Stop();
      ilp_server.Stop();
      http_server.Stop();
      server.Stop();
      db->mutex().lock();  // no statement half done when the process ends (commits are in the WAL)
      _exit(0);
    });
    Shell repl(*db, PrintOptions{});
    repl.RunInteractive();
    shell_done = true;
    kill(getpid(), SIGTERM);  // wakes the waiter, which sees the shell is done
    waiter.join();
    std::cout << "yunhe: shell closed, stopping\n" << std::flush;
  } else {
    sigwait(&signals, &sig);
    std::cout << "yunhe: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n" << std::flush;
  }
  if (mqtt_ingest) {
    mqtt_ingest->Stop();
    std::cout << "yunhe: MQTT: " << mqtt_ingest->messages() << " messages, " << mqtt_ingest->rows() << " rows, "
              << mqtt_ingest->bad() << " rejected\n";
  }
  ilp_server.Stop();
  ilp_thread.join();
  http_server.Stop();
  http_thread.join();
  server.Stop();
  acceptor.join();
  return 0;  // the Database closes (and checkpoints) here
}

}  // namespace yunhe
