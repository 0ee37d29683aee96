// HTTP API (cpp-httplib): SQL over HTTP and InfluxDB-compatible writes, next to the PostgreSQL
// protocol on the same Database.
//   GET|POST /exec?query=SQL[&fmt=csv]   JSON {columns, rows, tag, timing_ms} or CSV; errors as JSON
//   POST /write?db=&precision=           InfluxDB 1.x line protocol write: 204, or 400 with the
//                                        failing lines (good lines are kept), 413 when too large
//   POST /api/v2/write?org=&bucket=&precision=   the 2.x form (Authorization: Token ... accepted)
//   POST /import?table=T[&header=true][&delimiter=,]   CSV body into an existing table (COPY)
//   GET|POST /query?q=InfluxQL[&db=][&epoch=]   InfluxDB 1.x queries (http/influx_query.h)
//   GET /ping (204), GET /health (JSON), GET /metrics (Prometheus text)
//   GET /  and other files: the web console's static files (web/dist, built by `make web`)
// /exec takes `max_rows=N` to cap the rows sent (the JSON then says "truncated": true and
// "row_count" is the full count), so a browser asking for a huge result stays responsive.
// Gzip request bodies are accepted (Content-Encoding: gzip). A 204 means durable: the write's WAL
// records were fsynced first. Once a role has a password, every endpoint but /ping and /health
// needs `Authorization: Basic user:password` or `Token [user:]password` (401 otherwise); an API
// token (engine/api_tokens.h: `SELECT yunhe_create_token('name')`) stands for user and password
// as `Bearer <token>`, `Token <token>`, `p=<token>` or a Basic password, and once one exists
// credentials are required as with a password.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/database.h"
#include "server/http/web_assets.h"

namespace httplib {
class Server;
struct Request;
}

namespace yunhe::http {

// The header the server puts on an authorized request: the role it runs as (any a client sent
// is removed first).
inline constexpr const char* kRoleHeader = "X-Yunhe-Role";

struct HttpOptions {
  std::string listen = "127.0.0.1";
  int port = 9000;  // 0: pick a free port
  size_t max_body_bytes = 256u << 20;
  // Slow clients (server/http/deadline_server.h): a request's head must arrive within this, its
  // body at this average rate after it; worker threads serving connections.
  int64_t head_timeout_ms = 20000;
  int64_t min_body_rate = 1024;  // bytes/s
  size_t threads = 32;
  // The web console: a directory of its built files (--web-dir), else `assets` (built into the
  // binary; nullptr or empty: `/` says how to get them).
  std::string web_root;
  const std::vector<WebAsset>* assets = nullptr;
  // A raster tile server (URL template with {z}/{x}/{y}) for the console's map, handed to it by
  // GET /console-config.json; "" = the offline Natural Earth basemap.
  std::string basemap_url;
  // HTTPS: a PEM certificate (chain) and its key (the ones --tls-cert/--tls-key give pgwire).
  std::string tls_cert_file, tls_key_file;
};

class HttpServer {
 public:
  // Every request is an engine Session of its own (default settings).
  HttpServer(Database& db, HttpOptions options);
  ~HttpServer();
  Status Start(int* port);  // binds; then Run() serves
  void Run();
  void Stop();
  bool web_console() const { return web_mounted_; }

 private:
  void Routes();
  void MountWebConsole();
  std::map<std::string, const WebAsset*> assets_;  // path -> embedded file
  // Whether the request may go on, and as which role (Basic, Token, u=/p= credentials).
  bool Authorized(const httplib::Request& req, std::string* role);

  Database& db_;
  HttpOptions options_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<class InfluxQueryHandler> influx_query_;  // GET|POST /query
  bool web_mounted_ = false;
  std::atomic<uint64_t> rows_written_{0}, lines_rejected_{0}, writes_{0}, queries_{0}, query_errors_{0}, rows_imported_{0};
  // /exec latency histogram (Prometheus buckets, seconds).
  static constexpr double kBuckets[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10};
  std::atomic<uint64_t> latency_counts_[10]{};  // one per bucket, the last = +Inf
  std::atomic<uint64_t> latency_sum_us_{0};
  void ObserveLatency(double seconds);
};

}  // namespace yunhe::http
