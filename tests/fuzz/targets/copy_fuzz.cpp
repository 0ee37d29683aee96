// Fuzz target: COPY ... FROM STDIN data — text and CSV formats, with the options clients use
// (HEADER, DELIMITER, QUOTE, ESCAPE, NULL) — into the fuzz database's tables of
// every column kind (timestamps, text, doubles, numeric, integers, geometry), as a
// non-superuser, in a block rolled back after each input. The first byte picks the statement; the rest is the data, handed to the
// COPY in pieces of varying size (the wire delivers CopyData messages wherever it likes).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_database.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kStatements[] = {
      "COPY trades FROM STDIN",
      "COPY trades FROM STDIN WITH (FORMAT csv)",
      "COPY trades (ts, sym, price) FROM STDIN WITH (FORMAT csv, HEADER true)",
      "COPY cpu FROM STDIN WITH (FORMAT csv, DELIMITER ';', NULL 'NA', QUOTE '''', ESCAPE '\\')",
      "COPY cpu FROM STDIN WITH (FORMAT text, DELIMITER '|', NULL '')",
      "COPY fix FROM STDIN WITH (FORMAT csv, NULL '')",
      "COPY fix (ts, device, geom) FROM STDIN",
      "COPY cpu (host, usage) FROM STDIN WITH (FORMAT csv, HEADER match)",
  };
  if (size == 0) return 0;
  yunhe::Session& s = yunhe::fuzz::FuzzSession();
  const std::string statement = kStatements[data[0] % std::size(kStatements)];
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t at = 0;
  const size_t piece = 1 + data[0] % 61;  // odd piece sizes split rows, quotes and characters
  s.SetCopyInput([&body, &at, piece](std::string* out) {
    if (at >= body.size()) return false;
    *out = body.substr(at, piece);
    at += piece;
    return true;
  });
  // Inside a block rolled back after: the rows are parsed, converted and appended, and the
  // tables stay as they were for the next input.
  (void)s.Execute("BEGIN");
  (void)s.Execute(statement);
  (void)s.Execute("ROLLBACK");
  return 0;
}
