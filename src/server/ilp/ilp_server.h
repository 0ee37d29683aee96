// InfluxDB line protocol over plain TCP (as QuestDB and Telegraf's socket_writer use): each
// connection streams lines; complete lines are written in batches (up to 1 MiB or whatever has
// arrived), one committed statement per batch. TCP has no reply channel: rejected lines are
// logged to stderr with the connection and line number and counted; good lines are kept.
#pragma once
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/database.h"

namespace yunhe::ilp {

struct IlpOptions {
  std::string listen = "127.0.0.1";
  int port = 9009;  // 0: pick a free port
  std::string role = "yunhe";  // the role writes run as (privileges: INSERT, CREATE on the schema)
};

class IlpServer {
 public:
  IlpServer(Database& db, IlpOptions options) : db_(db), options_(std::move(options)) {}
  ~IlpServer();
  Status Start(int* port);
  void Run();
  void Stop();
  uint64_t rows_written() const { return rows_; }
  uint64_t lines_rejected() const { return rejected_; }

 private:
  void Serve(int fd, int connection);

  Database& db_;
  IlpOptions options_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex sessions_mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::atomic<int> next_connection_{1};
  std::atomic<uint64_t> rows_{0}, rejected_{0};
};

}  // namespace yunhe::ilp
