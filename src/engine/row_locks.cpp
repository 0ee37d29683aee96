#include "engine/row_locks.h"

#include <algorithm>
#include <chrono>

#include "common/cancel.h"

namespace yunhe {

std::shared_ptr<RowLocks::Owner> RowLocks::Lock(const std::shared_ptr<Owner>& me, uint64_t table, uint64_t epoch,
                                                const std::vector<uint64_t>& rows, Key* blocked) {
  std::lock_guard<std::mutex> lock(mu_);
  for (uint64_t r : rows) {
    auto it = locks_.find({table, epoch, r});
    if (it == locks_.end()) continue;
    const Entry& e = it->second;
    std::shared_ptr<Owner> ahead;
    if (!e.free() && e.holder != me) ahead = e.holder;
    else if (e.free() && !e.queue.empty() && e.queue.front() != me) ahead = e.queue.front();  // its turn, not mine
    if (ahead) {
      if (blocked) *blocked = it->first;
      return ahead;
    }
  }
  for (uint64_t r : rows) {
    auto [it, fresh] = locks_.try_emplace(Key{table, epoch, r});
    Entry& e = it->second;
    if (e.holder == me) continue;
    e.holder = me;  // free, or left by a block that ended
    me->held.push_back(it->first);
    if (!e.queue.empty() && e.queue.front() == me) {
      e.queue.pop_front();
      auto q = std::find(me->queued.begin(), me->queued.end(), it->first);
      if (q != me->queued.end()) me->queued.erase(q);
      for (auto& w : e.queue) w->waiting_for = me.get();
    }
  }
  return nullptr;
}

std::shared_ptr<RowLocks::Owner> RowLocks::Holder(uint64_t table, uint64_t epoch, const std::vector<uint64_t>& rows) {
  std::lock_guard<std::mutex> lock(mu_);
  if (locks_.empty()) return nullptr;
  for (uint64_t r : rows) {
    auto it = locks_.find({table, epoch, r});
    if (it != locks_.end() && !it->second.free()) return it->second.holder;
  }
  return nullptr;
}

void RowLocks::Handover(Entry& e) {
  if (!e.free() || e.queue.empty()) return;
  Owner* first = e.queue.front().get();
  // Whom each waits for now: the first waits for nobody (its wait ends), the others for it (the
  // first is kept alive by the queue; an ended holder must not stay named, it may be freed).
  first->waiting_for = nullptr;
  for (size_t i = 1; i < e.queue.size(); ++i) e.queue[i]->waiting_for = first;
  first->turn.notify_all();
}

void RowLocks::Dequeue(const std::shared_ptr<Owner>& me, const Key& k) {
  auto it = locks_.find(k);
  if (it == locks_.end()) return;
  Entry& e = it->second;
  auto pos = std::find(e.queue.begin(), e.queue.end(), me);
  if (pos == e.queue.end()) return;
  const bool was_first = pos == e.queue.begin();
  e.queue.erase(pos);
  if (was_first) Handover(e);
  if (e.free() && e.queue.empty()) locks_.erase(it);
}

void RowLocks::ReleaseAll(const std::shared_ptr<Owner>& me) {
  if (!me) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Key& k : me->held) {
      auto it = locks_.find(k);
      if (it == locks_.end() || it->second.holder != me) continue;
      it->second.holder = nullptr;
      if (it->second.queue.empty()) locks_.erase(it);
      else Handover(it->second);
    }
    for (const Key& k : me->queued) Dequeue(me, k);
    me->held.clear();
    me->queued.clear();
    me->done = true;
    me->waiting_for = nullptr;
  }
  me->ended.notify_all();
}

void RowLocks::LeaveQueues(const std::shared_ptr<Owner>& me) {
  if (!me) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Key& k : me->queued) Dequeue(me, k);
  me->queued.clear();
}

Status RowLocks::Wait(const std::shared_ptr<Owner>& me, const std::shared_ptr<Owner>& holder, const Key& key) {
  std::unique_lock<std::mutex> lock(mu_);
  Status result;
  // Sleeps until woken or 50 ms passed, then checks for a cancel request or statement_timeout.
  auto pause = [&](std::condition_variable& cv) {
    cv.wait_for(lock, std::chrono::milliseconds(50));
    lock.unlock();
    try {
      CheckCancel();
    } catch (const Error& e) {
      result = e.status();
    }
    lock.lock();
    return result.ok();
  };
  if (!me) {
    while (!holder->done && pause(holder->ended)) {
    }
    return result;
  }
  for (Owner* p = holder.get(); p; p = p->waiting_for) {
    if (p == me.get())
      return Status::Error(SqlState::kDeadlockDetected, "deadlock detected")
          .WithDetail("Transaction blocks wait in a cycle for rows the others updated.");
  }
  Entry& e = locks_[key];  // kept while `me` is in its queue
  if (std::find(e.queue.begin(), e.queue.end(), me) == e.queue.end()) {
    e.queue.push_back(me);
    me->queued.push_back(key);
  }
  me->waiting_for = holder.get();
  while (!(e.free() && e.queue.front() == me) && pause(me->turn)) {
  }
  if (!result.ok()) {
    me->queued.erase(std::find(me->queued.begin(), me->queued.end(), key));
    Dequeue(me, key);
  }
  me->waiting_for = nullptr;
  return result;
}

}  // namespace yunhe
