// What a running statement carries besides its operators: its time zone, its start time (now()),
// its cancel flag and deadline, the notices raised below the engine, and the table snapshots
// it reads. Every thread has its
// own, so statements of different sessions can run at the same time without seeing each
// other's zone or cancel request; the worker threads of a parallel operator install their
// statement's (UseStatementContext) so they see the same zone, clock and cancel flag.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace yunhe {

class TimeZone;

struct StatementContext {
  std::atomic<const TimeZone*> zone{nullptr};  // nullptr = UTC
  std::shared_ptr<const TimeZone> zone_owner;   // keeps `zone` alive (set by its own thread)
  std::atomic<int64_t> start_ns{0};             // now(); 0 = not in a statement
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> deadline_ns{0};          // steady clock; 0 = none
  std::atomic<uint64_t> work_mem_bytes{0};      // SET work_mem; 0 = DefaultWorkMemBytes()
  std::mutex notices_mu;
  std::vector<std::string> notices;
  // Tables this statement reads from snapshots instead of their live data (a read running
  // without the database lock): Table* -> shared_ptr<const TableData>. Empty otherwise.
  std::unordered_map<const void*, std::shared_ptr<const void>> snapshots;
};

// The statement context of the calling thread (its own, or the one installed on it).
StatementContext& CurrentStatement();

// Installs `ctx` as the calling thread's statement context for the guard's lifetime.
class UseStatementContext {
 public:
  explicit UseStatementContext(StatementContext* ctx);
  ~UseStatementContext();
  UseStatementContext(const UseStatementContext&) = delete;
  UseStatementContext& operator=(const UseStatementContext&) = delete;

 private:
  StatementContext* previous_;
};

}  // namespace yunhe
