// The scanner's view of a SQL text (libpg_query's tokens): for work on the text that must not be
// fooled by strings, comments or quoted names: finding $n parameters, the parts of a PREPARE or
// EXECUTE.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace yunhe {

struct SqlToken {
  int start = 0, end = 0;  // byte range in the text
  int kind = 0;            // PgQuery__Token (ASCII characters are their own code)
};
// Empty when the text does not scan (the parser reports why).
std::vector<SqlToken> ScanSqlTokens(const std::string& sql);
// Highest $n in the text (0 if none).
int CountParams(const std::string& sql);
// The text with each $n replaced by replace(n); a $n it has no text for (nullopt) stays.
std::string ReplaceParams(const std::string& sql, const std::function<std::optional<std::string>(int)>& replace);
// The texts of the comma-separated items between the parenthesis at tokens[open] and its match
// (nested parentheses and brackets kept whole); *close receives the index of the match (or
// tokens.size() when there is none).
std::vector<std::string> ParenthesizedItems(const std::string& sql, const std::vector<SqlToken>& tokens, size_t open, size_t* close);

}  // namespace yunhe
