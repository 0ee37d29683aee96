// Fuzz target: parse trees shared by shape (sql/literal_template.h, ParsedSql::Parse). For an
// input text that parses, it and variants of it with other constants (lengths and values taken
// from the input's bytes) go through ParsedSql::Parse, whose later calls copy the first tree;
// every statement must equal what libpg_query parses afresh, byte for byte (packed protobuf,
// locations included). A difference aborts.
#include <pg_query.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/literal_template.h"
#include "sql/parse_tree_clone.h"
#include "sql/parser.h"
#include "sql/srf_rewrite.h"

namespace {

// False when libpg_query rejects the text; aborts when ParsedSql::Parse differs from it.
bool CheckAgainstFresh(const std::string& sql) {
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
  if (r.error) {
    pg_query_free_protobuf_parse_result(r);
    return false;
  }
  PgQuery__ParseResult* fresh = pg_query__parse_result__unpack(nullptr, r.parse_tree.len, reinterpret_cast<const uint8_t*>(r.parse_tree.data));
  pg_query_free_protobuf_parse_result(r);
  std::shared_ptr<yunhe::ParsedSql> mine;
  try {
    mine = yunhe::ParsedSql::Parse(sql);
  } catch (const yunhe::Error&) {
    pg_query__parse_result__free_unpacked(fresh, nullptr);
    return false;  // invalid UTF-8, ASOF syntax: refused before the grammar
  }
  bool same = mine->statements().size() == fresh->n_stmts;
  for (size_t k = 0; same && k < fresh->n_stmts; ++k) {
    const yunhe::ParsedStatement& st = mine->statements()[k];
    same = st.location == fresh->stmts[k]->stmt_location && st.length == fresh->stmts[k]->stmt_len &&
           yunhe::PackedParseTree(&st.node->base) == yunhe::PackedParseTree(&fresh->stmts[k]->stmt->base);
  }
  pg_query__parse_result__free_unpacked(fresh, nullptr);
  // Rewritten while parsing on purpose, so not libpg_query's tree: a select list's set-returning
  // calls (srf_rewrite.h) and ASOF joins (asof_syntax.h; PostgreSQL reads `t ASOF` as an alias).
  if (!same && !yunhe::MayCallSetFunctions(sql) && !yunhe::ContainsAnyCaseless(sql, {"asof"})) {
    std::fprintf(stderr, "parse tree differs from a fresh parse for: %s\n", sql.c_str());
    std::abort();
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string sql(reinterpret_cast<const char*>(data), size);
  if (sql.find('\0') != std::string::npos || !CheckAgainstFresh(sql)) return 0;
  std::string key;
  std::vector<yunhe::LiteralSpan> lits;
  if (!yunhe::MakeLiteralTemplate(sql, &key, &lits)) return 0;
  // Variants: each constant replaced by one of its class chosen by the input's bytes.
  static const char* const kInts[] = {"0", "7", "42", "2147483647", "0012", "99999"};
  static const char* const kNums[] = {"1.5", "2147483648", "0.000", "3e7", "12.", "99999999999999999999"};
  static const char* const kStrs[] = {"''", "'x'", "'it''s'", "'北斗 BDS'", "'\\'", "'a b c d e f'"};
  for (size_t v = 0; v < 3; ++v) {
    std::string text;
    size_t at = 0;
    for (size_t i = 0; i < lits.size(); ++i) {
      const size_t pick = (size_t(data[(i * 7 + v) % size]) + v) % 6;
      const char* lit = lits[i].kind == 'i' ? kInts[pick] : lits[i].kind == 'n' ? kNums[pick] : kStrs[pick];
      text += sql.substr(at, size_t(lits[i].begin) - at) + lit;
      at = size_t(lits[i].begin + lits[i].length);
    }
    text += sql.substr(at);
    CheckAgainstFresh(text);
  }
  return 0;
}
