#include "cli/shell.h"

#include <histedit.h>
#include <editline/readline.h>
#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <iostream>
#include <sstream>

namespace yunhe {

bool StatementComplete(const std::string& b) {
  bool complete = false;
  auto statements = SplitStatements(b, &complete);
  return complete && !statements.empty();
}

bool IsCopyFromStdin(const std::string& sql) {
  std::string lower;
  for (char c : sql) lower.push_back(char(tolower((unsigned char)c)));
  size_t start = lower.find_first_not_of(" \t\r\n");
  if (start == std::string::npos || lower.compare(start, 4, "copy") != 0) return false;
  size_t from = lower.find(" from ");
  if (from == std::string::npos) return false;
  size_t s = lower.find_first_not_of(" \t\r\n", from + 6);
  return s != std::string::npos && lower.compare(s, 5, "stdin") == 0;
}

Catalog Shell::CatalogNow() {
  return session_.Locked([](Database& db) {
    db.AssertHeld();
    return db.catalog();
  });
}

bool Shell::RunStatement(const std::string& raw_sql, const std::string& copy_data) {
  // Positions in error messages count from the statement's first character, as in psql.
  size_t start = raw_sql.find_first_not_of(" \t\r\n");
  std::string sql = start == std::string::npos ? "" : raw_sql.substr(start);
  if (!copy_data.empty() || IsCopyFromStdin(sql)) session_.SetCopyInput(copy_data);
  auto t0 = std::chrono::steady_clock::now();
  std::vector<QueryResult> results = session_.Execute(sql);
  QueryResult r = results.empty() ? QueryResult() : std::move(results.back());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  for (auto& n : r.notices) std::cerr << n << "\n";
  if (!r.status.ok()) {
    PrintError(r.status, sql, std::cerr);
    had_error_ = true;
    return false;
  }
  PrintResult(r, options_, std::cout);
  // LISTEN / NOTIFY within the shell's own session: reported after the command, as psql does.
  for (const Notification& n : session_.TakeNotifications())
    std::cout << fmt::format("Asynchronous notification \"{}\" with payload \"{}\" received from server process with PID {}.\n", n.channel,
                             n.payload, n.sender_pid);
  if (timing_) std::cout << fmt::format("Time: {:.3f} ms\n", ms);
  std::cout.flush();
  return true;
}

bool Shell::RunScript(const std::string& text) {
  std::istringstream in(text);
  std::string line, buffer;
  bool ok = true;
  while (std::getline(in, line)) {
    if (buffer.find_first_not_of(" \t\r\n") == std::string::npos) {
      std::string trimmed = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
      if (!trimmed.empty() && trimmed[0] == '\\') {
        buffer.clear();
        if (!RunMetaCommand(trimmed)) return ok;
        continue;
      }
    }
    buffer += line + "\n";
    if (!StatementComplete(buffer)) continue;
    std::string copy_data;
    if (IsCopyFromStdin(buffer)) {
      std::string data_line;
      while (std::getline(in, data_line)) {
        if (data_line == "\\." || data_line == "\\.\r") break;
        copy_data += data_line + "\n";
      }
    }
    // One buffer may hold several statements ("SELECT 1; SELECT 2;").
    for (auto [begin, len] : SplitStatements(buffer)) {
      std::string stmt = buffer.substr(begin, len);
      if (stmt.find_first_not_of(" \t\r\n;") == std::string::npos) continue;
      ok &= RunStatement(stmt, copy_data);
    }
    buffer.clear();
  }
  if (buffer.find_first_not_of(" \t\r\n;") != std::string::npos) {
    // A last statement without a semicolon still runs, as with psql -c.
    for (auto [begin, len] : SplitStatements(buffer)) ok &= RunStatement(buffer.substr(begin, len), "");
  }
  return ok;
}

void Shell::RunInteractive() {
  std::string history = std::string(getenv("HOME") ? getenv("HOME") : ".") + "/.yunhe_history";
  using_history();
  read_history(history.c_str());
  std::cout << "yunhe 0.1 — the data canal. Type \\? for help, \\q to quit.\n";
  std::string buffer;
  while (true) {
    const char* prompt = buffer.empty() ? "yunhe=> " : "yunhe-> ";
    char* raw = readline(prompt);
    if (!raw) {
      std::cout << "\n";
      break;
    }
    std::string line = raw;
    free(raw);
    if (buffer.empty()) {
      std::string trimmed = line.substr(std::min(line.size(), line.find_first_not_of(" \t")));
      if (!trimmed.empty() && trimmed[0] == '\\') {
        add_history(trimmed.c_str());
        if (!RunMetaCommand(trimmed)) break;
        continue;
      }
      if (trimmed.empty()) continue;
    }
    buffer += line + "\n";
    if (!StatementComplete(buffer)) continue;
    std::string entry = buffer.substr(0, buffer.size() - 1);
    add_history(entry.c_str());
    std::string copy_data;
    if (IsCopyFromStdin(buffer)) {
      std::cout << "Enter data to be copied followed by a newline.\nEnd with a backslash and a period on a line by itself.\n";
      while (char* d = readline(">> ")) {
        std::string dl = d;
        free(d);
        if (dl == "\\.") break;
        copy_data += dl + "\n";
      }
    }
    for (auto [begin, len] : SplitStatements(buffer)) {
      std::string stmt = buffer.substr(begin, len);
      if (stmt.find_first_not_of(" \t\r\n;") == std::string::npos) continue;
      RunStatement(stmt, copy_data);
    }
    buffer.clear();
  }
  write_history(history.c_str());
}

}  // namespace yunhe
