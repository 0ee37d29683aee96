// The worker pool behind ParallelFor (parallel_for.h).
#include "exec/parallel_for.h"

#include <deque>

namespace yunhe {
namespace {

class WorkerPool {
 public:
  WorkerPool() {
    const size_t n = std::max<size_t>(1, std::min<size_t>(7, std::thread::hardware_concurrency() - 1));
    for (size_t i = 0; i < n; ++i) std::thread([this] { Loop(); }).detach();
  }
  void Submit(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();  // tasks catch their own errors (ParallelFor's work)
    }
  }
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
};

}  // namespace

void RunOnWorkerPool(std::function<void()> task) {
  // Never destroyed: its threads outlive static destruction at exit, blocked in wait.
  static WorkerPool* pool = new WorkerPool();
  pool->Submit(std::move(task));
}

}  // namespace yunhe
