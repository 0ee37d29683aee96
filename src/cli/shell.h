// The interactive and scripted shell: splits input into statements (quotes, comments and
// dollar quoting respected), runs psql-style meta commands, feeds COPY ... FROM STDIN data,
// prints results. Errors never stop a script; the exit status says whether any happened.
#pragma once
#include <istream>
#include <mutex>
#include <string>

#include "cli/result_printer.h"
#include "engine/database.h"

namespace yunhe {

class Shell {
 public:
  Shell(Database& db, PrintOptions options) : db_(db), options_(options) {}
  // Runs SQL text (from -c, -f or a pipe). Returns false if any statement failed.
  bool RunScript(const std::string& text);
  // Line-editing loop on a terminal; returns when the user quits.
  void RunInteractive();
  bool had_error() const { return had_error_; }
  // Shares the database with a server in the same process (`yunhe serve --shell`): every
  // statement takes the server's lock, and keeps it while a transaction block is open.
  void ShareWith(std::mutex* db_mutex) { hold_ = std::unique_lock<std::mutex>(*db_mutex, std::defer_lock); }

 private:
  bool RunStatement(const std::string& sql, const std::string& copy_data);
  // Returns false on \q.
  bool RunMetaCommand(const std::string& line);
  void DescribeRelations();
  void DescribeTable(const std::string& name);
  void PrintHelp();

  // Holds the shared lock for one statement or meta command (see ShareWith).
  class Turn {
   public:
    explicit Turn(Shell& s);
    ~Turn();
   private:
    Shell& shell_;
  };

  Database& db_;
  PrintOptions options_;
  std::unique_lock<std::mutex> hold_;
  bool timing_ = false;
  bool had_error_ = false;
};

// True when `buffer` holds a complete statement (ends with ';' outside quotes and comments).
bool StatementComplete(const std::string& buffer);
// True for COPY ... FROM STDIN, whose data follows in the input up to a line "\.".
bool IsCopyFromStdin(const std::string& sql);

}  // namespace yunhe
