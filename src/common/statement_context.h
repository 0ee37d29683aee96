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
#include <unordered_set>
#include <vector>

namespace yunhe {

class TimeZone;

// The sequences a statement's nextval()/currval()/setval()/lastval() act on: the engine's, for
// the session running the statement (engine/sequences.cpp). Calls may come from the worker
// threads of a parallel operator, so implementations lock for themselves. Errors are thrown.
class SequenceAccess {
 public:
  virtual ~SequenceAccess() = default;
  virtual int64_t NextVal(const std::string& name) = 0;
  virtual int64_t CurrVal(const std::string& name) = 0;
  virtual int64_t SetVal(const std::string& name, int64_t value, bool is_called) = 0;
  virtual int64_t LastVal() = 0;
};

inline constexpr const char* kDefaultSearchPath = "\"$user\", public";

// Where pg_notify() of a statement goes: the session running it, which sends the notifications
// when its transaction commits (engine/notifications.h). Calls may come from worker threads.
class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  virtual void Notify(const std::string& channel, const std::string& payload) = 0;  // throws on a bad channel
  virtual int32_t backend_pid() const = 0;  // pg_backend_pid(): the session's, as notifications name it
};

// What a SERIALIZABLE transaction's statements read, as the planner plans it (engine/serializable.h):
// every table scan planned, and for a scan whose WHERE fixes every primary-key column to
// constants, the digests of those keys (it reads no other rows). Set by the session while it
// plans a statement of such a transaction; called on the planning thread only.
class ReadRecorder {
 public:
  virtual ~ReadRecorder() = default;
  // `scan` reads table `table_id` (a scan object planned again at the same address starts anew).
  virtual void ScanPlanned(const void* scan, uint64_t table_id) = 0;
  // ... and only the rows whose primary key has one of these digests (the low 64 bits).
  virtual void ScanReadsKeys(const void* scan, std::vector<uint64_t> key_digests) = 0;
};

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
  // The statement is planned holding the database, on the tables as they are now (live, or a
  // transaction block's private copies): the planner may look rows up in their primary-key maps
  // (`WHERE k = 5`). Never for plans on snapshots, which those maps do not describe.
  bool live_key_maps = false;
  // While set, the planner adds every table it plans a scan of (Table*): INSERT ... SELECT
  // streams its rows into a table its SELECT does not read (engine/dml.cpp).
  std::unordered_set<const void*>* tables_planned = nullptr;
  // While set, the planner reports the tables and keys the statement reads (SERIALIZABLE).
  ReadRecorder* reads = nullptr;
  // nullptr outside statements the engine runs holding the database (a read on snapshots):
  // sequence functions then fail (the engine routes statements calling them to the database).
  std::atomic<SequenceAccess*> sequences{nullptr};
  std::atomic<NotificationSink*> notifications{nullptr};  // nullptr: not in a session
  // Where unqualified relation names are looked up and created (sql/relation_names.h): the
  // session's search_path as written ("$user", public) and its temporary schema (pg_temp_N, or
  // "" for statements outside a session: recovery). Set before planning, read on this thread.
  std::string search_path = kDefaultSearchPath;
  std::string temp_schema;
  // Who runs the statement (sql/privileges.h checks as current_user): the session's role and
  // the one SET ROLE put in place. The superuser for recovery and the engine's own statements.
  std::string session_user = "yunhe";
  std::string current_user = "yunhe";
};

// The statement context of the calling thread (its own, or the one installed on it).
StatementContext& CurrentStatement();

// Sets StatementContext::live_key_maps for the guard's lifetime (code holding the database).
class PlanOnLiveTables {
 public:
  PlanOnLiveTables() : previous_(CurrentStatement().live_key_maps) { CurrentStatement().live_key_maps = true; }
  ~PlanOnLiveTables() { CurrentStatement().live_key_maps = previous_; }
  PlanOnLiveTables(const PlanOnLiveTables&) = delete;
  PlanOnLiveTables& operator=(const PlanOnLiveTables&) = delete;

 private:
  bool previous_;
};

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
