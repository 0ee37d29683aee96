// SQL text -> libpg_query protobuf parse tree (PostgreSQL 15 grammar). The ParsedSql owns the
// unpacked tree; statements borrow from it.
#pragma once
#include <cstdint>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "common/status.h"

namespace yunhe {

struct ParsedStatement {
  PgQuery__Node* node = nullptr;
  int location = 0;  // byte offset of the statement in the text
  int length = 0;    // 0 = to the end
};

class ParsedSql {
 public:
  // Throws Error(42601) with the cursor position on a syntax error. Trees of recently parsed
  // texts are shared (they are read-only once parsed).
  static std::shared_ptr<ParsedSql> Parse(const std::string& sql);
  ~ParsedSql();
  const std::vector<ParsedStatement>& statements() const { return statements_; }
  std::string StatementText(const ParsedStatement& s) const;
  const std::string& text() const { return text_; }
  // A fact about the tree worked out once and kept (the tree does not change once parsed, and
  // several sessions may share it): -1 until set. Database::IsLoneSelect's answer.
  int8_t lone_select() const { return lone_select_.load(std::memory_order_relaxed); }
  void set_lone_select(bool v) const { lone_select_.store(v ? 1 : 0, std::memory_order_relaxed); }
  struct Template;  // a tree whose constants can be swapped (parser.cpp)
  // How many parses so far were copies of a tree with other constants (for tests).
  static uint64_t TemplateCopies();

 private:
  static std::shared_ptr<ParsedSql> ParseText(const std::string& sql);
  // A copy of `model`'s tree for `sql`, which differs from the model's text only in constants
  // (sql/literal_template.h); parser.cpp.
  static std::shared_ptr<ParsedSql> FromTemplate(const Template& model, const std::string& sql,
                                                 const std::vector<struct LiteralSpan>& literals);
  static std::shared_ptr<const Template> MakeTemplate(std::shared_ptr<ParsedSql> parsed, std::vector<struct LiteralSpan> literals);
  void IndexStatements();
  // The tree's nodes, unpacked into blocks freed together (parser.cpp: TreeArena) instead of
  // one malloc and one free per node.
  struct TreeArena;
  std::unique_ptr<TreeArena> arena_;
  PgQuery__ParseResult* result_ = nullptr;
  std::vector<ParsedStatement> statements_;
  std::string text_;
  mutable std::atomic<int8_t> lone_select_{-1};
};

// Splits a script into statements without parsing them (for the shell and -f), so one bad
// statement does not stop the ones before it. Returns byte ranges (without the ';'), skipping
// statements that hold only whitespace and comments. Quotes ('', "", $tag$), -- and nested
// /* */ comments are respected. *ends_complete (optional) tells whether the text ends outside
// any quote or comment with its last statement terminated by ';' (or holds no statement).
std::vector<std::pair<int, int>> SplitStatements(const std::string& sql, bool* ends_complete = nullptr);

// Converts a byte offset into a 1-based character position (PostgreSQL counts characters).
int BytePosToCharPos(const std::string& text, int byte_offset);
// An error of the statement that starts at byte `statement_begin` of `script`, with its position
// made relative to the whole script (as PostgreSQL reports positions in a multi-statement query).
Status PositionInScript(Status status, const std::string& script, int statement_begin);

}  // namespace yunhe
