// ASOF JOIN is not PostgreSQL grammar. Before parsing, this pre-pass finds
//   left ASOF [INNER | {LEFT|RIGHT|FULL} [OUTER]] JOIN right ON ... | USING (...) [TOLERANCE expr]
// on pg_query_scan tokens (so keywords inside strings, comments or quoted names are never
// touched), blanks out `ASOF` and the TOLERANCE clause with spaces (so every other position in the
// text, and thus every error position, stays where the user wrote it), and remembers where each
// ASOF join's JOIN keyword was. After parsing, MarkAsofJoins() pairs those positions with the
// JoinExpr nodes; the planner asks FindAsofJoin() whether a join is an ASOF join.
#pragma once
#include <string>
#include <vector>

#include <pg_query/pg_query.pb-c.h>

namespace yunhe {

struct AsofJoinMark {
  int join_pos = 0;            // byte offset of the JOIN keyword
  std::string tolerance_sql;   // expression text after TOLERANCE, "" = none
  int tolerance_pos = -1;      // byte offset of that expression
};

struct AsofPrepass {
  std::vector<AsofJoinMark> marks;
  std::vector<int> join_positions;  // every JOIN keyword, ascending
};

// Rewrites *sql in place (same length). Returns nothing to do when there is no ASOF join.
AsofPrepass StripAsofSyntax(std::string* sql);

// Registers the JoinExpr nodes of `tree` that are ASOF joins (kept until ForgetAsofJoins).
// False if some ASOF mark matched no join.
bool MarkAsofJoins(const PgQuery__ParseResult* tree, const AsofPrepass& prepass);
void ForgetAsofJoins(const PgQuery__ParseResult* tree);
// The mark of an ASOF join, or nullptr for an ordinary join.
const AsofJoinMark* FindAsofJoin(const PgQuery__JoinExpr* join);

}  // namespace yunhe
