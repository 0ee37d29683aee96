#include "engine/row_locks.h"

#include <chrono>

#include "common/cancel.h"

namespace yunhe {

std::shared_ptr<RowLocks::Owner> RowLocks::Lock(const std::shared_ptr<Owner>& me, uint64_t table, uint64_t epoch,
                                                const std::vector<uint64_t>& rows) {
  std::lock_guard<std::mutex> lock(mu_);
  for (uint64_t r : rows) {
    auto it = locks_.find({table, epoch, r});
    if (it != locks_.end() && it->second != me && !it->second->done) return it->second;
  }
  for (uint64_t r : rows) {
    auto [it, fresh] = locks_.try_emplace(Key{table, epoch, r}, me);
    if (!fresh && it->second == me) continue;
    it->second = me;  // free, or left by a block that ended
    me->held.push_back(it->first);
  }
  return nullptr;
}

std::shared_ptr<RowLocks::Owner> RowLocks::Holder(uint64_t table, uint64_t epoch, const std::vector<uint64_t>& rows) {
  std::lock_guard<std::mutex> lock(mu_);
  if (locks_.empty()) return nullptr;
  for (uint64_t r : rows) {
    auto it = locks_.find({table, epoch, r});
    if (it != locks_.end() && !it->second->done) return it->second;
  }
  return nullptr;
}

void RowLocks::ReleaseAll(const std::shared_ptr<Owner>& me) {
  if (!me) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Key& k : me->held) {
      auto it = locks_.find(k);
      if (it != locks_.end() && it->second == me) locks_.erase(it);
    }
    me->held.clear();
    me->done = true;
    me->waiting_for = nullptr;
  }
  me->ended.notify_all();
}

Status RowLocks::Wait(Owner* me, const std::shared_ptr<Owner>& holder) {
  std::unique_lock<std::mutex> lock(mu_);
  if (me) {
    for (Owner* p = holder.get(); p; p = p->waiting_for) {
      if (p == me)
        return Status::Error(SqlState::kDeadlockDetected, "deadlock detected")
            .WithDetail("Transaction blocks wait in a cycle for rows the others updated.");
    }
    me->waiting_for = holder.get();
  }
  Status result;
  while (!holder->done) {
    holder->ended.wait_for(lock, std::chrono::milliseconds(50));
    lock.unlock();
    try {
      CheckCancel();  // a cancel request or statement_timeout ends the wait
    } catch (const Error& e) {
      result = e.status();
    }
    lock.lock();
    if (!result.ok()) break;
  }
  if (me) me->waiting_for = nullptr;
  return result;
}

}  // namespace yunhe
