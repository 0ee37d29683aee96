#include "common/cancel.h"

#include <atomic>
#include <chrono>

#include "common/status.h"

namespace yunhe {

namespace {
std::atomic<bool> g_cancel{false};
std::atomic<int64_t> g_deadline_ns{0};  // steady clock; 0 = none

int64_t SteadyNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

void BeginStatementWatch(int64_t timeout_ms) {
  g_cancel = false;
  g_deadline_ns = timeout_ms > 0 ? SteadyNow() + timeout_ms * 1000000 : 0;
}

void RequestCancel() { g_cancel = true; }

void CheckCancel() {
  if (g_cancel.load(std::memory_order_relaxed)) {
    g_cancel = false;
    throw Error("57014", "canceling statement due to user request");
  }
  const int64_t deadline = g_deadline_ns.load(std::memory_order_relaxed);
  if (deadline && SteadyNow() > deadline) {
    g_deadline_ns = 0;
    throw Error("57014", "canceling statement due to statement timeout");
  }
}

}  // namespace yunhe
