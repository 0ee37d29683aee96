// Texts that differ only in constants share one parse tree, copied with the new constants
// (sql/literal_template.h, ParsedSql::Parse). The copy must be exactly what parsing the text
// gives: every statement's packed protobuf bytes and its location/length are compared with a
// fresh libpg_query parse, for random constants of other lengths and values.
#include <gtest/gtest.h>
#include <pg_query.h>

#include <random>
#include <string>
#include <vector>

#include "sql/literal_template.h"
#include "sql/parse_tree_clone.h"
#include "sql/parser.h"

namespace yunhe {
namespace {

// The text parsed afresh by libpg_query vs through ParsedSql::Parse (and its caches).
void ExpectSameAsFreshParse(const std::string& sql) {
  SCOPED_TRACE(sql);
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql.c_str());
  ASSERT_EQ(r.error, nullptr);
  PgQuery__ParseResult* fresh = pg_query__parse_result__unpack(nullptr, r.parse_tree.len, reinterpret_cast<const uint8_t*>(r.parse_tree.data));
  pg_query_free_protobuf_parse_result(r);
  const auto mine = ParsedSql::Parse(sql);
  ASSERT_EQ(mine->statements().size(), fresh->n_stmts);
  for (size_t k = 0; k < fresh->n_stmts; ++k) {
    const ParsedStatement& st = mine->statements()[k];
    EXPECT_EQ(st.location, fresh->stmts[k]->stmt_location);
    EXPECT_EQ(st.length, fresh->stmts[k]->stmt_len);
    EXPECT_EQ(PackedParseTree(&st.node->base), PackedParseTree(&fresh->stmts[k]->stmt->base)) << "statement " << k;
  }
  pg_query__parse_result__free_unpacked(fresh, nullptr);
}

std::string RandomLiteral(std::mt19937& rng, char kind) {
  auto digits = [&](int n) {
    std::string s;
    for (int k = 0; k < n; ++k) s.push_back(char('0' + rng() % 10));
    return s;
  };
  switch (kind) {
    case 'i': return std::to_string(rng() % 2 ? rng() % 10 : rng() % 2147483648u);
    case 'n':
      switch (rng() % 3) {
        case 0: return digits(1 + int(rng() % 4)) + "." + digits(int(rng() % 4));
        case 1: return "1" + digits(10 + int(rng() % 5));  // past int4: still an FCONST
        default: return digits(1 + int(rng() % 2)) + "e" + (rng() % 2 ? "-" : "") + digits(1);
      }
    default: {
      static const std::vector<std::string> pieces = {"a", "bc", "''", " ", "Ü", "北斗", "x''y", "%", "\\", "5"};
      std::string s = "'";
      for (int k = int(rng() % 5); k > 0; --k) s += pieces[rng() % pieces.size()];
      return s + "'";
    }
  }
}

// Parses `model`, then variants of it with random constants in place of its own.
void CheckVariants(const std::string& model, int variants, uint64_t seed) {
  std::string key;
  std::vector<LiteralSpan> lits;
  ExpectSameAsFreshParse(model);
  if (!MakeLiteralTemplate(model, &key, &lits)) return;
  std::mt19937 rng{uint32_t(seed)};
  for (int v = 0; v < variants; ++v) {
    std::string text;
    size_t at = 0;
    for (const LiteralSpan& l : lits) {
      text += model.substr(at, size_t(l.begin) - at) + RandomLiteral(rng, l.kind);
      at = size_t(l.begin + l.length);
    }
    text += model.substr(at);
    ExpectSameAsFreshParse(text);
  }
}

TEST(LiteralTemplate, CopiesEqualFreshParses) {
  const uint64_t copies_before = ParsedSql::TemplateCopies();
  const std::vector<std::string> models = {
      "UPDATE pgbench_accounts SET abalance = abalance + -4071 WHERE aid = 33381;",
      "SELECT abalance FROM pgbench_accounts WHERE aid = 7",
      "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (5, 1, 77, - 300, CURRENT_TIMESTAMP);",
      "SELECT * FROM t WHERE name = 'O''Reilly' AND x > 1.5e3 LIMIT 10 OFFSET 20",
      "SELECT 2147483647, 2147483648, -2147483648, 007, 1.50, -0.5",
      "/* 1 /* 2 */ 3 */ SELECT 1 -- 2\n , 'a' -- 'x'\n",
      "SELECT $1 + 5, $$dollar 5$$, $q$ 'x' $q$, \"col 5\", \"a\"\"b\" FROM t5 AS \"9\"",
      "INSERT INTO t VALUES (1, 'a'); SELECT 2; UPDATE t SET v = 'bb' WHERE k = 3",
      "SELECT '2020-01-01'::date + 5, interval '3 days', DATE '2021-02-03', 'abc'::varchar(10)",
      "SELECT * FROM t ORDER BY 2 DESC LIMIT 5",
      "SELECT x - 1, x -1, - 1, -(1), 2-3, 4 - -5 FROM t",
      "SELECT 'a'\n'b', 3",
      "SELECT 'x' || 5 FROM t WHERE a IN (1, 2, 3) AND b BETWEEN 4 AND 6.5",
      "SET statement_timeout = 5000",
      "SELECT CASE WHEN x > 10 THEN 'big' ELSE 'small' END, coalesce(y, 0), count(*) FILTER (WHERE z = 'q') FROM t GROUP BY 1, 2 HAVING sum(x) > 100",
      "SELECT t.x, t1.y FROM t JOIN t1 ON t.k = t1.k + 1 WHERE t1.ts > now() - interval '5 minutes'",
      "FETCH 5 FROM c",
      "SELECT ARRAY[1, 2, 3], '{4,5}'::int[], ROW(1, 'a')",
  };
  uint64_t seed = 1;
  for (const std::string& m : models) CheckVariants(m, 30, seed++);
  // The copies were made (most texts above have a template).
  EXPECT_GT(ParsedSql::TemplateCopies() - copies_before, 300u);
}

TEST(LiteralTemplate, KeysAndSpans) {
  std::string key;
  std::vector<LiteralSpan> lits;
  ASSERT_TRUE(MakeLiteralTemplate("SELECT 12, 'it''s', 3.5, 99999999999 FROM t1 -- 7\n", &key, &lits));
  ASSERT_EQ(lits.size(), 4u);
  EXPECT_EQ(lits[0].kind, 'i');
  EXPECT_EQ(lits[1].kind, 's');
  EXPECT_EQ(StringLiteralValue("SELECT 12, 'it''s'", lits[1]), "it's");
  EXPECT_EQ(lits[2].kind, 'n');
  EXPECT_EQ(lits[3].kind, 'n');
  EXPECT_EQ(key, "SELECT \x01i, \x01s, \x01n, \x01n FROM t1 -- 7\n");
  // Escape strings and numbers run into names are left to the parser.
  EXPECT_FALSE(MakeLiteralTemplate("SELECT E'a\\'b'", &key, &lits));
  EXPECT_FALSE(MakeLiteralTemplate("SELECT 123abc", &key, &lits));
  EXPECT_FALSE(MakeLiteralTemplate("SELECT x FROM t", &key, &lits));
}

}  // namespace
}  // namespace yunhe
