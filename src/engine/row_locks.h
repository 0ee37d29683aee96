// Row locks of transaction blocks (PostgreSQL's tuple locks, for workspaces: engine/workspace.h).
// A block that deletes or updates rows of a table locks them until it ends; another block or an
// autocommit statement of a session that wants one of them waits for that block to end (without
// holding the database), then runs its statement again against what was committed: in READ
// COMMITTED on the new row versions, in REPEATABLE READ with 40001 if they changed. Waits that
// would close a cycle fail with 40P01. Writers that cannot wait (ingest, locked blocks) ignore
// the locks: the lock holder then loses at its COMMIT (first committer wins).
//
// Blocks waiting for a row queue for it in arrival order, as PostgreSQL's tuple locks: when its
// holder ends only the first waiter wakes and runs its statement again (taking the row); the
// next wakes when that one leaves the queue: when it ends if it took the row, or when its
// statement ended without taking it (LeaveQueues). So a row many blocks update in turn (a
// pgbench branch) hands over once per commit instead of every waiter running its statement
// again to find the row taken by another.
//
// Rows are named by (table id, layout epoch, row id): a checkpoint that re-lays a table leaves
// older locks naming nothing (their holders fail at COMMIT anyway).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include "common/status.h"

namespace yunhe {

class RowLocks {
 public:
  // One block's identity as a lock holder; waiters keep it alive to learn how it ended.
  struct Owner {
    bool done = false;       // the block ended (under RowLocks' mutex)
    Owner* waiting_for = nullptr;  // the holder this block waits for (deadlock detection)
    // Notified when the block ends: only its own waiters wake (with RowLocks' mutex), not every
    // waiter in the database at every block's end.
    std::condition_variable ended;
    std::condition_variable turn;  // its turn came in a row's queue
    std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> held;
    std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> queued;  // rows it queues for
  };
  using Key = std::tuple<uint64_t, uint64_t, uint64_t>;  // table id, layout epoch, row id

  // Locks the rows for `me`; returns the holder of one of them when another live block holds it,
  // or the block ahead of `me` in its queue when its holder ended (then none is taken and
  // *blocked names that row), else nullptr.
  std::shared_ptr<Owner> Lock(const std::shared_ptr<Owner>& me, uint64_t table, uint64_t epoch, const std::vector<uint64_t>& rows,
                              Key* blocked = nullptr);
  // The live block holding one of the rows (for writers without a block of their own), or nullptr.
  std::shared_ptr<Owner> Holder(uint64_t table, uint64_t epoch, const std::vector<uint64_t>& rows);
  // Releases every lock of `me` and wakes its waiters.
  void ReleaseAll(const std::shared_ptr<Owner>& me);
  // Waits until `holder` ends (a statement outside a block: me == nullptr), or until it is
  // `me`'s turn for row `key`, queued behind the blocks that came first. 40P01 when `holder`
  // waits, directly or not, for `me`; 57014 on cancel or statement_timeout.
  Status Wait(const std::shared_ptr<Owner>& me, const std::shared_ptr<Owner>& holder, const Key& key);
  // `me`'s statement ended: its places in row queues go to the blocks behind it.
  void LeaveQueues(const std::shared_ptr<Owner>& me);

 private:
  struct Entry {
    std::shared_ptr<Owner> holder;  // nullptr or ended: free
    std::deque<std::shared_ptr<Owner>> queue;
    bool free() const { return !holder || holder->done; }
  };
  // The row is free or queued for: the first in its queue wakes; the others wait for it.
  void Handover(Entry& e);
  void Dequeue(const std::shared_ptr<Owner>& me, const Key& k);
  std::mutex mu_;
  std::map<Key, Entry> locks_;
};

}  // namespace yunhe
