// PostgreSQL wire protocol server (protocol 3.0) over one Database: accepts connections, each
// served on its own thread by a Connection (pg_connection.h: startup, TLS when a certificate is
// configured, trust or SCRAM-SHA-256 authentication, simple and extended query protocol, COPY,
// notices and errors with SQLSTATE and position), a protocol codec over an engine Session
// (engine/session.h), which decides how each statement runs and holds the database through a
// transaction block (the engine has one transaction at a time). The server keeps the connection
// limit and the CancelRequest keys.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/statement_context.h"
#include "engine/database.h"
#include "server/pgwire/pg_messages.h"

struct ssl_ctx_st;

namespace yunhe::pgwire {

struct ServerOptions {
  std::string listen = "127.0.0.1";
  int port = 5432;  // 0: pick a free port
  int max_connections = 100;
  // A session idle inside a transaction block holds the database; after this long it is ended
  // (rolled back, FATAL 25P03) so the other sessions can go on. 0 = never.
  int idle_in_transaction_timeout_ms = 60000;
  // A connection must finish its startup and authentication within this (PostgreSQL's
  // authentication_timeout), so silent or trickling clients cannot hold connection slots.
  int authentication_timeout_ms = 60000;
  // PEM certificate (chain) and private key: SSLRequest is then answered 'S' and the session
  // runs over TLS; without them it is answered 'N' (clients with sslmode=prefer go on in clear).
  std::string tls_cert_file, tls_key_file;
};

class Server {
 public:
  Server(Database& db, ServerOptions options) : db_(db), options_(std::move(options)) {}
  ~Server();
  // Binds and listens; *port gets the port in use.
  Status Start(int* port);
  // Accepts connections until Stop().
  void Run();
  // Stops accepting, closes every session (rolling back open blocks) and returns when all ended.
  void Stop();

 private:
  friend class Connection;  // server/pgwire/pg_connection.h: one per client
  // CancelRequest support: the key each connection handed out, and the statement it cancels.
  void RegisterCancelKey(int32_t backend_pid, int32_t key);
  void ForgetCancelKey(int32_t backend_pid);
  // Sessions per role, for CREATE ROLE ... CONNECTION LIMIT n (superusers are not limited).
  // Enter is false (and counts nothing) when the role is at its limit.
  bool EnterRole(const std::string& role, int64_t limit);
  void LeaveRole(const std::string& role);
  void Cancel(int32_t backend_pid, int32_t key);

  Database& db_;
  ServerOptions options_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex sessions_mu_;
  std::vector<int> session_fds_;
  struct SessionThread {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<SessionThread> threads_;
  static constexpr int kSendTimeoutSeconds = 60;
  void ReapFinishedSessions();
  static void SetReceiveTimeout(int fd, int ms);
  std::atomic<int> active_{0};
  std::map<std::string, int64_t> role_sessions_;  // under sessions_mu_
  std::atomic<int32_t> next_pid_{1000};
  struct CancelTarget {
    int32_t key;
    StatementContext* statement;  // the session thread's: its running statement checks the flag
  };
  std::map<int32_t, CancelTarget> secrets_;  // backend pid -> cancel key (under sessions_mu_)
  ssl_ctx_st* tls_ = nullptr;              // set when a certificate is configured
};

}  // namespace yunhe::pgwire
