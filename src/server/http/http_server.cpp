#include "server/http/http_server.h"

#include "engine/session.h"

#include <fmt/format.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <map>

#include "common/memory_limit.h"
#include "common/value.h"
#include "storage/buffer_pool.h"
#include "ingest/lineproto/line_protocol_writer.h"
#include "auth/scram.h"
#include "engine/api_tokens.h"
#include "server/http/influx_query_handler.h"
#include "server/http/deadline_server.h"
#include "server/http/result_stream.h"
#include "engine/ingest_statements.h"

namespace yunhe::http {

namespace {

std::string ErrorJson(const Status& st) {
  std::string e = "{\"error\":{\"sqlstate\":" + JsonString(st.sqlstate()) + ",\"message\":" + JsonString(st.message());
  if (st.position() > 0) e += ",\"position\":" + std::to_string(st.position());
  if (!st.detail().empty()) e += ",\"detail\":" + JsonString(st.detail());
  return e + "}}";
}

}  // namespace

HttpServer::HttpServer(Database& db, HttpOptions options)
    : db_(db), options_(std::move(options)),
      server_(options_.tls_cert_file.empty()
                  ? std::unique_ptr<httplib::Server>(std::make_unique<DeadlineServer>(options_.head_timeout_ms, options_.min_body_rate))
                  : std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(), options_.tls_key_file.c_str())),
      influx_query_(std::make_unique<InfluxQueryHandler>(db)) {
  server_->set_payload_max_length(options_.max_body_bytes);
  // More connections than cores may wait on slow clients or stream results at once.
  server_->new_task_queue = [n = options_.threads] { return new httplib::ThreadPool(n); };
  // Streamed results go out as many small writes (chunk header, rows, CRLF): without NODELAY,
  // Nagle and the client's delayed ACKs stall each chunk (100k rows took 15 s in Chromium).
  server_->set_tcp_nodelay(true);
  Routes();
  MountWebConsole();
}

void HttpServer::MountWebConsole() {
  // The console is ES modules, styles, JSON and its map's worker; cpp-httplib's own table may not
  // know .mjs, so the types are said here.
  static const std::pair<const char*, const char*> kTypes[] = {
      {"html", "text/html; charset=utf-8"}, {"js", "text/javascript"}, {"mjs", "text/javascript"}, {"css", "text/css"},
      {"json", "application/json"},         {"map", "application/json"}, {"svg", "image/svg+xml"}, {"png", "image/png"}};
  for (auto [ext, type] : kTypes) server_->set_file_extension_and_mimetype_mapping(ext, type);
  // What the console asks before drawing its map.
  server_->Get("/console-config.json", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"basemap_url\":" + (options_.basemap_url.empty() ? std::string("null") : JsonString(options_.basemap_url)) + "}",
                    "application/json");
  });
  if (!options_.web_root.empty() && server_->set_mount_point("/", options_.web_root)) {
    web_mounted_ = true;
    return;
  }
  if (options_.web_root.empty() && options_.assets && !options_.assets->empty()) {
    // Served from memory: the files built into the binary (cli/embedded_web.h).
    for (const WebAsset& a : *options_.assets) assets_.emplace(a.path, &a);
    server_->Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      auto it = assets_.find(req.path == "/" ? std::string("/index.html") : req.path);
      if (it == assets_.end()) {
        res.status = 404;
        res.set_content("not found", "text/plain");
        return;
      }
      const std::string& path = it->first;
      const std::string ext = path.substr(path.find_last_of('.') + 1);
      const char* type = "application/octet-stream";
      for (auto [e, t] : kTypes)
        if (ext == e) type = t;
      res.set_content(it->second->data, it->second->size, type);
    });
    web_mounted_ = true;
    return;
  }
  // Not built (or not found): say how to get it instead of a bare 404.
  server_->Get("/", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content("<!doctype html><meta charset=utf-8><title>yunhe</title><p>The web console is not built"
                    " (looked in <code>" + (options_.web_root.empty() ? std::string("(none)") : options_.web_root) +
                    "</code>). Run <code>make web</code>, or pass <code>--web-dir DIR</code>. The HTTP API works:"
                    " <a href=\"/exec?query=SELECT%201\">/exec?query=SELECT 1</a>.",
                    "text/html; charset=utf-8");
  });
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start(int* port) {
  if (!server_->is_valid())
    return Status::Error(SqlState::kConfigFileError, fmt::format("could not load the TLS certificate \"{}\" and key \"{}\" for HTTPS",
                                                                 options_.tls_cert_file, options_.tls_key_file));
  int p = options_.port == 0 ? server_->bind_to_any_port(options_.listen) : (server_->bind_to_port(options_.listen, options_.port) ? options_.port : -1);
  if (p < 0) return Status::Error(SqlState::kSystemError, fmt::format("could not bind HTTP on {}:{}", options_.listen, options_.port));
  *port = p;
  return Status::Ok();
}

void HttpServer::Run() { server_->listen_after_bind(); }

void HttpServer::Stop() {
  if (server_) server_->stop();
}

bool HttpServer::Authorized(const httplib::Request& req, std::string* role) {
  // Credentials: Authorization: Basic base64(user:password), Token [user:]password or Token
  // <api token> (InfluxDB 2.x clients), Bearer <api token>, or InfluxDB 1.x's u= and p=
  // parameters. An API token may stand wherever a password does.
  std::string h = req.get_header_value("Authorization");
  std::string user = kSuperuserRole, password;
  bool given = true, user_named = true;
  if (h.rfind("Basic ", 0) == 0) {
    std::string decoded;
    if (!auth::DecodeBase64(h.substr(6), &decoded)) return false;
    size_t colon = decoded.find(':');
    if (colon == std::string::npos) return false;
    user = decoded.substr(0, colon);
    password = decoded.substr(colon + 1);
  } else if (h.rfind("Token ", 0) == 0 || h.rfind("Bearer ", 0) == 0) {
    password = h.substr(h.find(' ') + 1);
    size_t colon = password.find(':');
    user_named = colon != std::string::npos;
    if (user_named) {
      user = password.substr(0, colon);
      password = password.substr(colon + 1);
    }
  } else if (req.has_param("u") && req.has_param("p")) {
    user = req.get_param_value("u");
    password = req.get_param_value("p");
  } else {
    given = false;
  }
  // What authorization needs about that role, from the committed catalog (not waiting for an
  // open transaction block of a pgwire session).
  bool required = false, exists = false, may_login = false;
  std::string verifier, token_role;
  auto may_log_in = [](const Catalog& c, const std::string& name) {
    const RoleInfo* r = c.FindRole(name);
    return name == kSuperuserRole || (r && (r->login || r->superuser));
  };
  db_.ReadCommittedCatalog([&](const Catalog& c) {
    required = !c.api_tokens.empty();
    for (auto& [n, r] : c.roles) required = required || !r.verifier.empty();
    const RoleInfo* r = c.FindRole(user);
    exists = r != nullptr;
    may_login = may_log_in(c, user);
    if (r) verifier = r->verifier;
    if (given) {
      token_role = ApiTokenRole(c, password);
      if (!token_role.empty() && !may_log_in(c, token_role)) token_role.clear();
    }
  });
  *role = kSuperuserRole;
  if (!token_role.empty()) {
    // A token is its role's credential: a user named beside it (Basic, u=) must be that role or
    // empty.
    if (user_named && !user.empty() && user != token_role) return false;
    *role = token_role;
    return true;
  }
  if (!required) {
    // Trusted (loopback by default, like the PostgreSQL protocol): as the role the request
    // names if it is one, else the superuser.
    if (given && exists && may_login) *role = user;
    return !given || !exists || may_login;
  }
  if (!given || verifier.empty() || !may_login || !auth::CheckPassword(verifier, password)) return false;
  *role = user;
  return true;
}

void HttpServer::ObserveLatency(double seconds) {
  size_t b = 0;
  while (b < std::size(kBuckets) && seconds > kBuckets[b]) ++b;
  ++latency_counts_[b];
  latency_sum_us_ += uint64_t(seconds * 1e6);
}

void HttpServer::Routes() {
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // cpp-httplib compresses with brotli when a client accepts it (browsers do), at a quality
    // that took 12 s for a 4 MB result; gzip is offered instead. The request object is the
    // server's own, not const: only the handler interface is.
    if (auto it = req.headers.find("Accept-Encoding"); it != req.headers.end() && it->second.find("br") != std::string::npos) {
      std::string accepted;
      for (const char* e : {"gzip", "deflate"})
        if (it->second.find(e) != std::string::npos) accepted += (accepted.empty() ? "" : ", ") + std::string(e);
      const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
      if (!accepted.empty()) const_cast<httplib::Request&>(req).headers.emplace("Accept-Encoding", accepted);
    }
    // The role the request runs as travels in a header of ours, never one the client sent.
    const_cast<httplib::Request&>(req).headers.erase(kRoleHeader);
    std::string role;
    if (req.path == "/ping" || req.path == "/health") return httplib::Server::HandlerResponse::Unhandled;
    if (Authorized(req, &role)) {
      const_cast<httplib::Request&>(req).headers.emplace(kRoleHeader, role);
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 401;
    res.set_header("WWW-Authenticate", "Basic realm=\"yunhe\"");
    res.set_content("{\"error\":\"authorization failed\"}", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  auto exec = [this](const httplib::Request& req, httplib::Response& res) {
    std::string sql = req.has_param("query") ? req.get_param_value("query") : "";
    if (sql.empty() && req.method == "POST" && req.get_header_value("Content-Type").find("form") == std::string::npos) sql = req.body;
    const bool csv = req.has_param("fmt") && req.get_param_value("fmt") == "csv";
    size_t max_rows = SIZE_MAX;
    if (req.has_param("max_rows")) {
      const std::string v = req.get_param_value("max_rows");
      char* end = nullptr;
      const unsigned long long n = strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || v[0] == '-') {
        res.status = 400;
        res.set_content(ErrorJson(Status::Error(SqlState::kInvalidParameterValue, "max_rows must be a non-negative integer")), "application/json");
        return;
      }
      max_rows = size_t(n);
    }
    if (sql.empty()) {
      res.status = 400;
      res.set_content(ErrorJson(Status::Error(SqlState::kSyntaxError, "missing query (use ?query=SQL or a POST body)")), "application/json");
      return;
    }
    ++queries_;
    auto t0 = std::chrono::steady_clock::now();
    // A request is a session of its own: it decides per statement whether to read on snapshots
    // (without the database), beside another session's open block, or holding the database.
    // Every statement but the last runs to completion; the last one's rows stream out.
    auto session = std::make_shared<Session>(db_);
    session->SetLoginUser(req.get_header_value(kRoleHeader));
    auto defer = db_.DeferSync();
    auto fail = [&](const Status& st, int http_status) {
      if (http_status == 400) ++query_errors_;
      res.status = http_status;
      res.set_content(ErrorJson(st), "application/json");
    };
    Session::Script script = session->Parse(sql);
    if (!script.error.ok()) return fail(script.error, 400);
    if (script.statements.empty()) {
      res.set_content("{\"columns\":[],\"rows\":[],\"tag\":\"\"}", "application/json");
      return;
    }
    ::yunhe::ResultStream last;
    for (size_t k = 0; k < script.statements.size(); ++k) {
      const Session::Statement& st = script.statements[k];
      last = session->Run(st);
      if (k + 1 < script.statements.size()) {
        QueryResult done = last.Collect();
        if (!done.status.ok()) return fail(PositionInScript(done.status, sql, st.begin), 400);
      } else if (!last.result().status.ok()) {
        return fail(PositionInScript(last.result().status, sql, st.begin), 400);
      }
    }
    session->EndOfMessage();
    Status durable = db_.WaitDurable();
    if (!durable.ok()) return fail(durable, 500);
    // The first rows are pulled before answering: most errors (sorts, aggregates, planning) show
    // up there and still get a 400; one raised later ends the stream with an "error" member.
    auto first = std::make_shared<std::vector<DataChunk>>();
    {
      DataChunk chunk;
      if (last.Next(&chunk)) first->push_back(std::move(chunk));
      if (!last.result().status.ok()) return fail(PositionInScript(last.result().status, sql, script.statements.back().begin), 400);
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ObserveLatency(ms / 1000);
    // Streamed a chunk of rows at a time (chunked transfer encoding), after the database is let go,
    // on this thread (cpp-httplib writes the response where the handler ran: the read's
    // snapshots are pinned here).
    auto stream = std::make_shared<ResultStream>(session, std::move(last), std::move(*first), csv, max_rows, t0);
    res.set_chunked_content_provider(stream->content_type(), [stream](size_t, httplib::DataSink& sink) {
      std::string piece;
      while (stream->Next(&piece)) {
        if (piece.empty()) continue;
        return sink.write(piece.data(), piece.size());
      }
      sink.done();
      return true;
    });
  };
  server_->Get("/exec", exec);
  server_->Post("/exec", exec);

  // InfluxDB writes: v2 answers errors as {"code","message"}, v1 as {"error"}.
  auto write = [this](const httplib::Request& req, std::string_view body, httplib::Response& res, bool v2) {
    auto fail = [&](int status, const std::string& code, const std::string& message) {
      res.status = status;
      res.set_content(v2 ? "{\"code\":" + JsonString(code) + ",\"message\":" + JsonString(message) + "}"
                         : "{\"error\":" + JsonString(message) + "}",
                      "application/json");
    };
    lineproto::WriterOptions o;
    std::string precision = req.has_param("precision") ? req.get_param_value("precision") : "ns";
    if (!lineproto::ParsePrecision(precision, &o.precision)) {
      fail(400, "invalid", "invalid precision \"" + precision + "\" (ns, us, ms, s)");
      return;
    }
    o.max_reported_errors = 20;
    ++writes_;
    lineproto::WriteReport report;
    QueryResult r;
    Session session(db_);
    session.SetLoginUser(req.get_header_value(kRoleHeader));
    // Parsing starts here, on a second thread for a large body, before the database is held:
    // concurrent writers parse while another one appends.
    lineproto::PieceParser parsed(body, o.precision, lineproto::Writer::kPieceBytes);
    Status durable = session.LockedDurably([&](Database& db) {
      db.AssertHeld();
      r = WriteLineProtocol(db, parsed, o, &report);
    });
    if (!durable.ok()) r.status = durable;
    rows_written_ += report.rows;
    lines_rejected_ += report.bad_lines;
    if (!r.status.ok()) {
      fail(500, "internal error", r.status.message());
      return;
    }
    if (report.bad_lines) {
      std::string msg = fmt::format("partial write: {} line{} rejected, {} written:", report.bad_lines,
                                    report.bad_lines == 1 ? "" : "s", report.rows);
      for (auto& e : report.errors) msg += fmt::format(" line {}: {};", e.line, e.reason);
      fail(400, "invalid", msg);
      return;
    }
    res.status = 204;
  };
  // Bodies are read through a content reader: httplib's plain handlers refuse a form-encoded body
  // over 8 KiB (413), and `curl -d @cpu.lp` (which InfluxDB takes) sends line protocol as one.
  // The reader path skips httplib's --http-max-body check: it is made here.
  auto with_body = [this, write](bool v2) {
    return [this, write, v2](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
      // One body buffer per server thread, kept between requests and sized from Content-Length
      // up front: growing a fresh 15 MB string per batch (copies, then page faults on new
      // memory) was a third of a line-protocol load's time.
      thread_local std::string body;
      body.clear();
      const size_t declared = size_t(std::min<uint64_t>(req.get_header_value<uint64_t>("Content-Length"), options_.max_body_bytes));
      if (body.capacity() < declared) body.reserve(declared);
      bool too_large = false;
      const bool read = reader([&](const char* data, size_t n) {
        if (body.size() + n > options_.max_body_bytes) {
          too_large = true;
          return false;
        }
        body.append(data, n);
        return true;
      });
      // The buffer is not kept past the largest body a server should see often.
      struct Trim {
        ~Trim() {
          if (body.capacity() > (size_t(64) << 20)) std::string().swap(body);
        }
      } trim;
      // httplib refuses a declared Content-Length over the limit before reading (and sets 413).
      if (too_large || (!read && res.status == 413)) {
        res.status = 413;
        res.set_content("{\"error\":\"request body too large\"}", "application/json");
        return;
      }
      if (!read) {
        res.status = 400;
        res.set_content("{\"error\":\"the request body could not be read\"}", "application/json");
        return;
      }
      write(req, body, res, v2);
    };
  };
  server_->Post("/write", with_body(false));
  server_->Post("/api/v2/write", with_body(true));

  // InfluxDB 1.x queries (influxdb-python, Telegraf, Grafana): q= in the query string or a form body.
  auto influx_query = [this](const httplib::Request& req, httplib::Response& res) {
    const std::string q = req.has_param("q") ? req.get_param_value("q") : "";
    if (q.empty()) {
      res.status = 400;
      res.set_content("{\"error\":\"missing required parameter \\\"q\\\"\"}\n", "application/json");
      return;
    }
    res.set_content(influx_query_->Run(q, req.has_param("epoch") ? req.get_param_value("epoch") : "", req.get_header_value(kRoleHeader)), "application/json");
  };
  server_->Get("/query", influx_query);
  server_->Post("/query", influx_query);

  // CSV upload into an existing table, through COPY (errors carry the line number).
  server_->Post("/import", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string table = req.has_param("table") ? req.get_param_value("table") : "";
    if (table.empty()) {
      res.status = 400;
      res.set_content(ErrorJson(Status::Error(SqlState::kSyntaxError, "missing table (use /import?table=NAME)")), "application/json");
      return;
    }
    std::string ident = "\"";
    for (char c : table) ident += c == '"' ? std::string("\"\"") : std::string(1, c);
    ident += "\"";
    const bool header = !req.has_param("header") || req.get_param_value("header") != "false";
    std::string delimiter = req.has_param("delimiter") ? req.get_param_value("delimiter") : ",";
    if (delimiter.size() != 1 || delimiter == "'") {
      res.status = 400;
      res.set_content(ErrorJson(Status::Error(SqlState::kInvalidParameterValue, "delimiter must be one character")), "application/json");
      return;
    }
    const std::string sql = "COPY " + ident + " FROM STDIN WITH (FORMAT csv, HEADER " + (header ? "true" : "false") +
                            ", DELIMITER '" + delimiter + "')";
    Session session(db_);
    session.SetLoginUser(req.get_header_value(kRoleHeader));
    session.SetCopyInput(req.body);
    auto defer = db_.DeferSync();
    std::vector<QueryResult> results = session.Execute(sql);
    QueryResult r = results.empty() ? QueryResult() : std::move(results.back());
    Status durable = db_.WaitDurable();
    if (!durable.ok()) r.status = durable;
    if (!r.status.ok()) {
      res.status = 400;
      res.set_content(ErrorJson(r.status), "application/json");
      return;
    }
    const std::string rows = r.tag.size() > 5 ? r.tag.substr(5) : "0";
    rows_imported_ += std::stoull(rows);
    res.set_content("{\"table\":" + JsonString(table) + ",\"rows\":" + rows + ",\"tag\":" + JsonString(r.tag) + "}", "application/json");
  });

  server_->Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Influxdb-Version", "1.8 (yunhe)");
    res.status = 204;
  });
  server_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"name\":\"yunhe\",\"status\":\"pass\",\"message\":\"ready for queries and writes\"}", "application/json");
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string m;
    auto counter = [&](const char* name, const char* help, uint64_t v) {
      m += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, v);
    };
    counter("yunhe_rows_written_total", "Rows written through the line protocol endpoints.", rows_written_);
    counter("yunhe_lines_rejected_total", "Line protocol lines rejected.", lines_rejected_);
    counter("yunhe_write_requests_total", "Write requests.", writes_);
    counter("yunhe_queries_total", "SQL requests on /exec.", queries_);
    counter("yunhe_query_errors_total", "SQL requests on /exec that failed.", query_errors_);
    counter("yunhe_rows_imported_total", "Rows loaded through /import.", rows_imported_);
    m += "# HELP yunhe_query_duration_seconds Latency of /exec requests.\n# TYPE yunhe_query_duration_seconds histogram\n";
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= std::size(kBuckets); ++b) {
      cumulative += latency_counts_[b];
      m += fmt::format("yunhe_query_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                       b < std::size(kBuckets) ? fmt::format("{}", kBuckets[b]) : std::string("+Inf"), cumulative);
    }
    m += fmt::format("yunhe_query_duration_seconds_sum {:.6f}\nyunhe_query_duration_seconds_count {}\n",
                     double(latency_sum_us_) / 1e6, cumulative);
    auto gauge = [&](const char* name, const char* help, uint64_t v) {
      m += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name, v);
    };
    gauge("yunhe_memory_limit_bytes", "memory_limit: what the buffer pool, the resident tail and operators share.",
          MemoryLimitBytes());
    gauge("yunhe_buffer_pool_bytes", "Decoded part blocks held by the buffer pool.", BufferPool::Instance().used());
    gauge("yunhe_process_resident_bytes", "The server process's resident memory (RSS).", ResidentBytes());
    if (const std::string dir = db_.directory(); !dir.empty()) {
      MutexLock lock(db_.mutex());
      size_t partitions = 0, tables = 0, resident_rows = 0;
      for (auto& [n, t] : db_.catalog().tables) {
        partitions += t->data.partition_count();
        resident_rows += t->data.resident_rows();
        ++tables;
      }
      gauge("yunhe_resident_rows", "Rows held in memory only (the tail not yet sealed into parts).", resident_rows);
      m += fmt::format("# HELP yunhe_tables Tables in the database.\n# TYPE yunhe_tables gauge\nyunhe_tables {}\n", tables);
      m += fmt::format("# HELP yunhe_partitions Time partitions in all tables.\n# TYPE yunhe_partitions gauge\nyunhe_partitions {}\n",
                       partitions);
      const Database::WalStats wal = db_.wal_stats();
      m += fmt::format("# HELP yunhe_wal_bytes Bytes in the current WAL file (since the last checkpoint).\n"
                       "# TYPE yunhe_wal_bytes gauge\nyunhe_wal_bytes {}\n", wal.file_bytes);
      counter("yunhe_wal_written_bytes_total", "Bytes written to the WAL since the server started.", wal.written_bytes);
      counter("yunhe_wal_fsyncs_total", "WAL fsyncs (group commit: one serves every commit written before it).", wal.fsyncs);
      counter("yunhe_checkpoints_total", "Checkpoints run holding the database (CHECKPOINT, close, writers outrunning the background).",
              wal.checkpoints);
      counter("yunhe_background_checkpoints_total", "Background checkpoints installed (rows sealed without holding the database).",
              wal.background_installed);
      counter("yunhe_background_compactions_total", "Background checkpoints that also compacted (merged parts, dropped deleted rows).",
              wal.background_compactions);
      counter("yunhe_statement_seals_total",
              "Times a statement appending more rows than memory_limit keeps resident sealed them into parts before its commit.",
              wal.statement_seals);
    }
    res.set_content(m, "text/plain; version=0.0.4");
  });
  server_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 413) res.set_content("{\"error\":\"request body too large\"}", "application/json");
    else if (res.status == 404) res.set_content("{\"error\":\"not found\"}", "application/json");
  });
}

}  // namespace yunhe::http
