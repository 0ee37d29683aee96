#include "storage/group_flush.h"

#include <cstring>

#include "common/status.h"

namespace yunhe {

std::string GroupFlush::failure() {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

void GroupFlush::WaitFor(uint64_t lsn, const std::function<int()>& sync, const std::string& dir) {
  std::unique_lock<std::mutex> lock(mu_);
  while (durable_ < lsn) {
    if (!failure_.empty()) throw Error(SqlState::kIoError, failure_);
    if (flushing_) {
      cv_.wait(lock);
      continue;
    }
    // Lead: one fsync for everything written so far, others' frames included.
    flushing_ = true;
    const uint64_t target = written();
    lock.unlock();
    const int err = sync();
    fsyncs_.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    flushing_ = false;
    if (err == 0) {
      if (target > durable_.load(std::memory_order_relaxed)) durable_.store(target, std::memory_order_release);
    } else {
      failure_ = "could not fsync the WAL in \"" + dir + "\": " + std::strerror(err) +
                 "; the outcome of the transactions committing at that moment is unknown until the database is reopened";
    }
    cv_.notify_all();
  }
}

void GroupFlush::Rebase(const std::function<void()>& switch_files) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !flushing_; });
  switch_files();
  durable_.store(written(), std::memory_order_release);
  cv_.notify_all();
}

}  // namespace yunhe
