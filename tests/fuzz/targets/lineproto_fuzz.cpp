// Fuzz target: InfluxDB line protocol through the parser and the writer (schema on write, points
// merging into their series) into the fuzz database, as the HTTP and TCP front ends write it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/ingest_statements.h"
#include "fuzz_database.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  yunhe::Session& s = yunhe::fuzz::FuzzSession();
  s.Locked([&](yunhe::Database& db) {
    db.AssertHeld();
    yunhe::lineproto::WriterOptions options;
    options.max_reported_errors = 5;
    yunhe::lineproto::WriteReport report;
    (void)yunhe::WriteLineProtocol(db, std::string_view(reinterpret_cast<const char*>(data), size), options, &report);
  });
  return 0;
}
