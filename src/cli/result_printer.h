// Prints query results in the shell's output formats: psql-style aligned tables, CSV, TSV and
// JSON; and errors the way psql does (ERROR/DETAIL/HINT, LINE n with a caret).
#pragma once
#include <ostream>
#include <string>

#include "engine/result.h"

namespace yunhe {

enum class OutputFormat { kTable, kCsv, kTsv, kJson };

struct PrintOptions {
  OutputFormat format = OutputFormat::kTable;
  std::string null_string;  // how NULL prints
  bool header = true;
  bool show_tags = true;    // command tags such as "INSERT 0 1" (table format only)
};

// title: printed centered above an aligned table (psql's \d output), "" for none.
void PrintResult(const QueryResult& r, const PrintOptions& o, std::ostream& out, const std::string& title = "");
void PrintError(const Status& s, const std::string& statement, std::ostream& err);

}  // namespace yunhe
