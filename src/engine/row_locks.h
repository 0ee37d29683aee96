// Row locks of transaction blocks (PostgreSQL's tuple locks, for workspaces: engine/workspace.h).
// A block that deletes or updates rows of a table locks them until it ends; another block or an
// autocommit statement of a session that wants one of them waits for that block to end (without
// holding the database), then runs its statement again against what was committed: in READ
// COMMITTED on the new row versions, in REPEATABLE READ with 40001 if they changed. Waits that
// would close a cycle fail with 40P01. Writers that cannot wait (ingest, locked blocks) ignore
// the locks: the lock holder then loses at its COMMIT (first committer wins).
//
// Rows are named by (table id, layout epoch, row id): a checkpoint that re-lays a table leaves
// older locks naming nothing (their holders fail at COMMIT anyway).
#pragma once
#include <condition_variable>
#include <cstdint>
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
    std::vector<std::tuple<uint64_t, uint64_t, uint64_t>> held;
  };
  using Key = std::tuple<uint64_t, uint64_t, uint64_t>;  // table id, layout epoch, row id

  // Locks the rows for `me`; returns the holder of one of them when another live block holds it
  // (then none is taken), else nullptr.
  std::shared_ptr<Owner> Lock(const std::shared_ptr<Owner>& me, uint64_t table, uint64_t epoch, const std::vector<uint64_t>& rows);
  // The live block holding one of the rows (for writers without a block of their own), or nullptr.
  std::shared_ptr<Owner> Holder(uint64_t table, uint64_t epoch, const std::vector<uint64_t>& rows);
  // Releases every lock of `me` and wakes its waiters.
  void ReleaseAll(const std::shared_ptr<Owner>& me);
  // Waits until `holder` ends. `me` (nullptr for a statement outside a block) is recorded as
  // waiting; 40P01 when `holder` waits, directly or not, for `me`; 57014 on cancel or
  // statement_timeout.
  Status Wait(Owner* me, const std::shared_ptr<Owner>& holder);

 private:
  std::mutex mu_;
  std::map<Key, std::shared_ptr<Owner>> locks_;
};

}  // namespace yunhe
