// Morsel-driven work sharing: `workers` threads (the caller's own included) take items
// 0..items-1 off a shared counter and run fn(worker, item, ctx). Worker 0 runs on the calling
// thread with its ExecContext; the others get a context sharing the database and parameters,
// and the caller's statement context (time zone, now(), cancel flag).
// The first exception stops the others from taking new items and is rethrown here.
#pragma once
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

#include "common/statement_context.h"
#include "exec/operator.h"

namespace yunhe {

// Threads an operator uses by default: every core, at most 8.
inline size_t DefaultWorkers() {
  return std::max<size_t>(1, std::min<size_t>(8, std::thread::hardware_concurrency()));
}

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
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace yunhe
