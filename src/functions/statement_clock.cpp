#include "functions/statement_clock.h"

#include <atomic>
#include <chrono>

namespace yunhe {
namespace {
// Shared by the worker threads of a parallel query; set before each statement starts.
std::atomic<int64_t> statement_start_ns{0};
}
int64_t StatementClock::WallNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count() /
         1000 * 1000;  // microsecond precision, as PostgreSQL
}
int64_t StatementClock::Now() {
  int64_t t = statement_start_ns.load();
  return t ? t : WallNow();
}
void StatementClock::StartStatement() { statement_start_ns = WallNow(); }
}  // namespace yunhe
