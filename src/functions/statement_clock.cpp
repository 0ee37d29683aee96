#include "functions/statement_clock.h"

#include <chrono>

namespace yunhe {
namespace {
thread_local int64_t statement_start_ns = 0;
}
int64_t StatementClock::WallNow() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count() /
         1000 * 1000;  // microsecond precision, as PostgreSQL
}
int64_t StatementClock::Now() { return statement_start_ns ? statement_start_ns : WallNow(); }
void StatementClock::StartStatement() { statement_start_ns = WallNow(); }
}  // namespace yunhe
