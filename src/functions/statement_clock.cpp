#include "functions/statement_clock.h"

#include <chrono>

#include "common/statement_context.h"

namespace yunhe {
int64_t StatementClock::WallNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count() /
         1000 * 1000;  // microsecond precision, as PostgreSQL
}
int64_t StatementClock::Now() {
  // The statement's context is shared with the worker threads of a parallel query.
  int64_t t = CurrentStatement().start_ns.load();
  return t ? t : WallNow();
}
void StatementClock::StartStatement() { CurrentStatement().start_ns = WallNow(); }
}  // namespace yunhe
