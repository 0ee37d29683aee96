// The interactive and scripted shell: splits input into statements (quotes, comments and
// dollar quoting respected), runs psql-style meta commands, feeds COPY ... FROM STDIN data,
// prints results. Errors never stop a script; the exit status says whether any happened.
#pragma once
#include <istream>
#include <string>

#include "cli/result_printer.h"
#include "engine/session.h"

namespace yunhe {

class Shell {
 public:
  // The shell is one engine Session: with a server in the same process (`yunhe serve --shell`)
  // its statements take turns with the server's sessions, and an open transaction block of the
  // shell holds the database as any session's does.
  Shell(Database& db, PrintOptions options) : session_(db), options_(options) {}
  // Runs SQL text (from -c, -f or a pipe). Returns false if any statement failed.
  bool RunScript(const std::string& text);
  // Line-editing loop on a terminal; returns when the user quits.
  void RunInteractive();
  bool had_error() const { return had_error_; }

 private:
  bool RunStatement(const std::string& sql, const std::string& copy_data);
  // Returns false on \q.
  bool RunMetaCommand(const std::string& line);
  void DescribeRelations();
  void DescribeTable(const std::string& name);
  void PrintHelp();

  // A copy of the catalog as it is now (meta commands read it without holding the database).
  Catalog CatalogNow();

  Session session_;
  PrintOptions options_;
  bool timing_ = false;
  bool had_error_ = false;
};

// True when `buffer` holds a complete statement (ends with ';' outside quotes and comments).
bool StatementComplete(const std::string& buffer);
// True for COPY ... FROM STDIN, whose data follows in the input up to a line "\.".
bool IsCopyFromStdin(const std::string& sql);

}  // namespace yunhe
