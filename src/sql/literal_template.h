// Statement texts that differ only in their constants (`UPDATE t SET v = v + 5 WHERE k = 7` and
// `... + -3 WHERE k = 12`): what psycopg2, pgbench -M simple and every driver that inlines
// parameters send. A light scan of the text (PostgreSQL's lexical rules for comments, quoted
// identifiers, strings and numbers) finds the plain numeric and string constants and makes a
// key with each replaced by a mark of its class; texts with the same key parse to trees that
// differ only in those constants and in the text positions after them, so one parse tree can be
// copied and patched (sql/parser.cpp) instead of parsing again.
//
// The scan is only a proposal: the parser accepts a template for a key only after checking, on a
// real parse, that every constant it found is exactly one A_Const of that value at that place.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace yunhe {

struct LiteralSpan {
  int32_t begin = 0;  // byte offset of its first character (a string's opening quote)
  int32_t length = 0;
  // 'i': digits that fit a 32-bit integer (the grammar's ICONST: an A_Const ival);
  // 'n': other numbers (FCONST: fval, its text); 's': a plain '...' string (sval).
  char kind = 0;
};

// The key of `sql` and its constants, in text order; false when the text has none or holds
// something the scan does not follow (escape or prefixed strings, a number run into a name).
bool MakeLiteralTemplate(std::string_view sql, std::string* key, std::vector<LiteralSpan>* literals);

// An 'i' constant's value (it fits 32 bits: MakeLiteralTemplate says so).
int64_t IntegerLiteralValue(std::string_view sql, const LiteralSpan& s);

// A string constant's value: its text without the quotes, '' read as '.
std::string StringLiteralValue(std::string_view sql, const LiteralSpan& s);

// Whether `text` holds one of the (lower-case) `hints` in any letter case.
bool ContainsAnyCaseless(std::string_view text, std::initializer_list<std::string_view> hints);

}  // namespace yunhe
