// now() is the start time of the current statement (PostgreSQL: of the transaction; we use the
// statement so long-running sessions see fresh times). The engine sets it before each statement.
#pragma once
#include <cstdint>

namespace yunhe {
struct StatementClock {
  static int64_t Now();
  static int64_t WallNow();
  static void StartStatement();
};
}  // namespace yunhe
