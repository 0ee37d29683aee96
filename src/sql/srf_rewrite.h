// Set-returning functions in a select list (`SELECT generate_series(1, 3)`, `SELECT a,
// unnest(tags) FROM t`): PostgreSQL expands each input row into one output row per value. The
// planner runs them as LATERAL function calls in FROM: this rewrite moves the call into the FROM
// list (`FROM t, LATERAL generate_series(...) AS __srf`) and leaves a column reference in its
// place, named after the function as PostgreSQL names the column. One set-returning call per
// select list, not beside aggregates, GROUP BY or window functions (PostgreSQL evaluates those
// first; a 0A000 says so).
//
// The rewrite runs once, when a text is parsed (MoveSetFunctionsOfTree, from ParsedSql), before
// its tree is shared: parse trees are cached and planned by many sessions at once, so they are
// read-only afterwards. Planning calls MoveSelectListSetFunctions(s, nullptr), which throws the
// 0A000 of a select list the parse-time rewrite had to leave as written.
#pragma once
#include <pg_query/pg_query.pb-c.h>

#include <string_view>

namespace yunhe {

// Rewrites one SELECT; new nodes come from `alloc` (the tree's allocator). Throws 0A000 when the
// select list mixes set-returning calls with aggregates, GROUP BY or windows.
void MoveSelectListSetFunctions(PgQuery__SelectStmt* s, ProtobufCAllocator* alloc);
// Rewrites every SELECT of a freshly parsed tree; the ones it may not rewrite stay as written.
void MoveSetFunctionsOfTree(PgQuery__ParseResult* tree, ProtobufCAllocator* alloc);
// False when `text` cannot call a set-returning function (no name of one appears in it): the
// walk over the tree is then skipped.
bool MayCallSetFunctions(std::string_view text);

}  // namespace yunhe
