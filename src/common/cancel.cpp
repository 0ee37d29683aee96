#include "common/cancel.h"

#include <atomic>
#include <chrono>

#include <fmt/format.h>

#include "common/memory_limit.h"
#include "common/statement_context.h"
#include "common/status.h"

namespace yunhe {

namespace {
int64_t SteadyNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void BeginStatementWatch(int64_t timeout_ms) {
  StatementContext& s = CurrentStatement();
  s.cancel = false;
  s.deadline_ns = timeout_ms > 0 ? SteadyNow() + timeout_ms * 1000000 : 0;
}

void RequestCancel(StatementContext& statement) { statement.cancel = true; }

namespace {
void CheckMemoryAt(int64_t now);
}  // namespace

void CheckMemory() { CheckMemoryAt(SteadyNow()); }

namespace {
// At most every 10 ms (over all threads): the process's resident memory against its cap. A
// statement that keeps allocating (a hash join over a runaway cross product: found by sqlsmith,
// 24 GB and the OOM killer) fails with 53200 and its memory goes with it.
void CheckMemoryAt(int64_t now) {
  static std::atomic<int64_t> next_check{0};
  if (now < next_check.load(std::memory_order_relaxed)) return;
  next_check.store(now + 10'000'000, std::memory_order_relaxed);
  uint64_t resident = ResidentBytes();
  const uint64_t cap = ProcessMemoryCapBytes();
  if (resident <= cap) return;
  ReleaseFreeMemory();  // memory malloc kept after frees (KeepFreedMemory) is nobody's
  resident = ResidentBytes();
  if (resident <= cap) return;
  throw Error(Status::Error(SqlState::kOutOfMemory, "out of memory")
                  .WithDetail(fmt::format("The server uses {} MB of memory; the most it may use is {} MB (twice memory_limit, or "
                                          "memory_limit + 1 GB, within 90% of the machine's).",
                                          resident >> 20, cap >> 20)));
}
}  // namespace

void CheckCancel() {
  CheckMemoryAt(SteadyNow());
  StatementContext& s = CurrentStatement();
  if (s.cancel.load(std::memory_order_relaxed)) {
    s.cancel = false;
    throw Error(SqlState::kQueryCanceled, "canceling statement due to user request");
  }
  const int64_t deadline = s.deadline_ns.load(std::memory_order_relaxed);
  if (deadline && SteadyNow() > deadline) {
    s.deadline_ns = 0;
    throw Error(SqlState::kQueryCanceled, "canceling statement due to statement timeout");
  }
}

}  // namespace yunhe
