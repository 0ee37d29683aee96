// Group commit for the WAL: writers append their frames while holding the database and wait for
// durability after letting it go, so concurrent committers share one fdatasync instead of
// queueing one each behind the database lock.
//
// Positions are log sequence numbers (LSN): bytes ever appended to the WAL, across WAL files.
// Invariants:
//  1. durable() <= written(); every frame that ends at or below durable() is on stable storage.
//  2. At most one thread (the leader) runs the fsync; it covers every byte written before it
//     started, the other waiters sleep until a flush covers their LSN or one fails.
//  3. After a failed fsync every waiter, then and later, gets the error: the outcome of the
//     waiting transactions is unknown (as in PostgreSQL, which stops), so the database must be
//     reopened, which recovers whatever reached the disk.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace yunhe {

class GroupFlush {
 public:
  // Called by the (single) writer holding the database after write() returned.
  void Written(uint64_t bytes) { written_.fetch_add(bytes, std::memory_order_release); }
  uint64_t written() const { return written_.load(std::memory_order_acquire); }
  // Lock-free: every statement asks this at its end.
  bool Durable(uint64_t lsn) const { return durable_.load(std::memory_order_acquire) >= lsn; }
  // Blocks until every byte up to `lsn` is durable, calling `sync` (fdatasync of the WAL,
  // returning 0 or an errno) as the leader when no flush in progress covers it. Throws 58030.
  void WaitFor(uint64_t lsn, const std::function<int()>& sync, const std::string& dir);
  // Everything written so far became durable another way (a checkpoint replaced the WAL):
  // waits for a running fsync to end, runs `switch_files` (so the leader never fsyncs a
  // closed file), then marks all written bytes durable.
  void Rebase(const std::function<void()>& switch_files);
  // Non-empty once an fsync failed.
  std::string failure();
  // fsyncs run so far (with written(): how many commits each fsync served).
  uint64_t fsyncs() const { return fsyncs_.load(std::memory_order_relaxed); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> fsyncs_{0};
  std::atomic<uint64_t> durable_{0};  // written under mu_; read without it by Durable()
  bool flushing_ = false;
  std::string failure_;
};

}  // namespace yunhe
