// Fuzz target: SQL text through parse, bind, plan and execute (tests/fuzz/targets/fuzz_database.h).
// Any statement may fail; none may crash, hang past its timeout or leave the session unusable.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_database.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  yunhe::Session& s = yunhe::fuzz::FuzzSession();
  (void)s.Execute(std::string(reinterpret_cast<const char*>(data), size));
  (void)s.Execute("ROLLBACK");  // a block the input left open (a no-op otherwise)
  return 0;
}
