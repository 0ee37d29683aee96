// Morsel-driven work sharing: `workers` threads (the caller's own included; the others from a
// pool) take items 0..items-1 off a shared counter and run fn(worker, item, ctx). Worker 0 runs on the calling
// thread with its ExecContext; the others get a context sharing the database and parameters,
// and the caller's statement context (time zone, now(), cancel flag).
// The first exception stops the others from taking new items and is rethrown here.
#pragma once
#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/statement_context.h"
#include "exec/operator.h"

namespace yunhe {

// Threads an operator uses by default: every core, at most 8.
inline size_t DefaultWorkers() {
  return std::max<size_t>(1, std::min<size_t>(8, std::thread::hardware_concurrency()));
}

// Runs task() on a thread of the process's worker pool (started on first use, one thread per
// core but the caller's, at most 7): starting and joining a thread per parallel operator cost
// ~30 us, a tenth of a 0.3 ms scan. The pool never waits for its tasks: callers do.
void RunOnWorkerPool(std::function<void()> task);

template <typename Fn>
void ParallelFor(size_t workers, size_t items, ExecContext& ctx, Fn&& fn) {
  workers = std::max<size_t>(1, std::min(workers, items));
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(workers);
  StatementContext* statement = &CurrentStatement();  // workers see its zone, clock and cancel flag
  auto work = [&](size_t w) {
    UseStatementContext use(statement);
    try {
      ExecContext local;
      local.db = ctx.db;
      local.params = ctx.params;
      ExecContext& use = w == 0 ? ctx : local;
      for (size_t i; (i = next.fetch_add(1)) < items;) fn(w, i, use);
    } catch (...) {
      errors[w] = std::current_exception();
      next = items;
    }
  };
  if (workers > 1) {
    // Helpers that start after this thread finished every item (the pool busy with another
    // statement's, or this runs on a pool thread itself) do nothing: no wait for a free thread,
    // so nested or concurrent ParallelFors never deadlock.
    struct Helpers {
      std::mutex mu;
      std::condition_variable idle;
      size_t running = 0;
      bool closed = false;
    };
    auto helpers = std::make_shared<Helpers>();
    auto* run = &work;
    for (size_t w = 1; w < workers; ++w) {
      RunOnWorkerPool([helpers, run, w] {
        {
          std::lock_guard<std::mutex> lock(helpers->mu);
          if (helpers->closed) return;
          ++helpers->running;
        }
        (*run)(w);
        std::lock_guard<std::mutex> lock(helpers->mu);
        if (--helpers->running == 0) helpers->idle.notify_all();
      });
    }
    work(0);
    std::unique_lock<std::mutex> lock(helpers->mu);
    helpers->closed = true;
    helpers->idle.wait(lock, [&] { return helpers->running == 0; });
  } else {
    work(0);
  }
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace yunhe
