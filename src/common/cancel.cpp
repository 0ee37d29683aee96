#include "common/cancel.h"

#include <atomic>
#include <chrono>

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

void CheckCancel() {
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
