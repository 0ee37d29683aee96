// psql-style backslash commands: \q \? \timing \d \dt \dv \di \d NAME.
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "cli/shell.h"
#include "common/time_util.h"
#include "exec/value_row_index.h"

#include <algorithm>

namespace yunhe {
namespace {

QueryResult TextTable(std::vector<std::string> names, const std::vector<std::vector<std::string>>& rows) {
  QueryResult r;
  r.returns_rows = true;
  r.names = std::move(names);
  r.types.assign(r.names.size(), TypeId::kText);
  DataChunk c;
  c.Init(r.types);
  for (auto& row : rows) {
    for (size_t k = 0; k < row.size(); ++k) c.columns[k].Append(Value::Text(row[k]));
    ++c.count;
  }
  r.chunks.push_back(std::move(c));
  return r;
}

}  // namespace

void Shell::PrintHelp() {
  std::cout << "General\n"
               "  \\q                     quit\n"
               "  \\?                     this help\n"
               "  \\timing [on|off]       show how long each statement takes\n"
               "Informational\n"
               "  \\d                     list tables, views and indexes\n"
               "  \\dt, \\dv, \\di          list tables / views / indexes\n"
               "  \\d NAME                describe table or view NAME\n"
               "SQL statements end with ';'. COPY ... FROM STDIN reads data lines up to \\.\n";
}

void Shell::DescribeRelations() {
  std::vector<std::vector<std::string>> rows;
  const Catalog cat = CatalogNow();
  for (auto& [name, t] : cat.tables) rows.push_back({"public", name, "table", "yunhe"});
  for (auto& [name, v] : cat.views) rows.push_back({"public", name, "view", "yunhe"});
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a[1] < b[1]; });
  if (rows.empty()) {
    std::cout << "Did not find any relations.\n";
    return;
  }
  PrintOptions o = options_;
  o.null_string = "";
  PrintResult(TextTable({"Schema", "Name", "Type", "Owner"}, rows), o, std::cout, "List of relations");
}

void Shell::DescribeTable(const std::string& name) {
  const Catalog cat = CatalogNow();
  if (auto t = cat.FindTable(name)) {
    std::vector<std::vector<std::string>> rows;
    for (auto& c : t->schema.columns)
      rows.push_back({c.name, c.type.ToString(), "", c.not_null ? "not null" : "", c.default_sql});
    PrintOptions o = options_;
    o.header = true;
    std::ostringstream body;
    PrintResult(TextTable({"Column", "Type", "Collation", "Nullable", "Default"}, rows), o, body,
                fmt::format("Table \"public.{}\"", name));
    std::string text = body.str();
    // psql prints the footer lines (keys, partitioning, indexes) instead of a row count.
    size_t cut = text.rfind("(");
    if (cut != std::string::npos) text = text.substr(0, cut);
    std::cout << text;
    if (!t->schema.primary_key.empty()) {
      std::string cols;
      for (size_t k = 0; k < t->schema.primary_key.size(); ++k)
        cols += (k ? ", " : "") + t->schema.columns[t->schema.primary_key[k]].name;
      std::cout << (t->schema.key_is_unique ? "Unique key: (" : "Primary key: (") << cols << ")"
                << (t->schema.UpsertsOnKey() ? " -- upsert: a new row with an existing key replaces it" : "") << "\n";
    }
    if (t->schema.time_column >= 0)
      std::cout << "Partition key: RANGE (" << t->schema.columns[t->schema.time_column].name << "), interval "
                << FormatInterval(Interval{0, 0, t->schema.partition_interval_ns})
                << (t->schema.retention_ns > 0 ? ", retention " + FormatInterval(Interval{0, int32_t(t->schema.retention_ns / kNsPerDay), t->schema.retention_ns % kNsPerDay}) : "")
                << "\n";
    bool first = true;
    for (auto& [iname, idx] : cat.indexes) {
      if (idx.table != name) continue;
      if (first) std::cout << "Indexes:\n";
      first = false;
      std::string cols;
      for (size_t k = 0; k < idx.columns.size(); ++k) cols += (k ? ", " : "") + idx.columns[k];
      const int first = t->schema.ColumnIndex(idx.columns[0]);
      const bool lookup = (idx.method == "btree" || idx.method == "hash") && first >= 0 &&
                          ValueIndexable(t->schema.columns[size_t(first)].type);
      std::string how = idx.method == "gist" ? " -- R-tree: ORDER BY " + cols + " <-> g LIMIT k"
                        : lookup ? " -- lookups on " + idx.columns[0] + (idx.method == "hash" ? " (=, IN)" : " (=, IN, ranges)")
                                 : " -- recorded only, not used by the planner";
      std::cout << "    \"" << iname << "\"" << (idx.unique ? " UNIQUE" : "") << " " << idx.method << " (" << cols << ")" << how << "\n";
    }
    std::cout << "\n";
    return;
  }
  if (const ViewInfo* v = cat.FindView(name)) {
    std::cout << fmt::format("View \"public.{}\"", name) << "\n";
    std::cout << "View definition:\n " << v->sql << ";\n\n";
    return;
  }
  std::cerr << fmt::format("Did not find any relation named \"{}\".\n", name);
  had_error_ = true;
}

bool Shell::RunMetaCommand(const std::string& line) {
  std::istringstream in(line);
  std::string cmd, arg;
  in >> cmd >> arg;
  if (cmd == "\\q" || cmd == "\\quit") return false;
  if (cmd == "\\?" || cmd == "\\h") PrintHelp();
  else if (cmd == "\\timing") {
    timing_ = arg.empty() ? !timing_ : (arg == "on");
    std::cout << "Timing is " << (timing_ ? "on." : "off.") << "\n";
  } else if (cmd == "\\d" && !arg.empty()) {
    DescribeTable(arg);
  } else if (cmd == "\\d" || cmd == "\\dt" || cmd == "\\dv" || cmd == "\\di") {
    if (cmd == "\\di") {
      std::vector<std::vector<std::string>> rows;
      for (auto& [name, idx] : CatalogNow().indexes) rows.push_back({"public", name, "index", "yunhe", idx.table});
      PrintResult(TextTable({"Schema", "Name", "Type", "Owner", "Table"}, rows), options_, std::cout);
    } else if (cmd == "\\dt" || cmd == "\\dv") {
      std::vector<std::vector<std::string>> rows;
      if (cmd == "\\dt") for (auto& [name, t] : CatalogNow().tables) rows.push_back({"public", name, "table", "yunhe"});
      else for (auto& [name, v] : CatalogNow().views) rows.push_back({"public", name, "view", "yunhe"});
      if (rows.empty()) std::cout << "Did not find any relations.\n";
      else {
        PrintResult(TextTable({"Schema", "Name", "Type", "Owner"}, rows), options_, std::cout, "List of relations");
      }
    } else {
      DescribeRelations();
    }
  } else {
    std::cerr << "invalid command " << cmd << "\nTry \\? for help.\n";
    had_error_ = true;
  }
  return true;
}

}  // namespace yunhe
