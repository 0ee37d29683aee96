// Set-returning functions in a select list (`SELECT generate_series(1, 3)`, `SELECT a,
// unnest(tags) FROM t`): PostgreSQL expands each input row into one output row per value. The
// planner runs them as LATERAL function calls in FROM: this rewrite moves the call into the FROM
// list (`FROM t, LATERAL generate_series(...) AS __srf`) and leaves a column reference in its
// place, named after the function as PostgreSQL names the column. One set-returning call per
// select list, not beside aggregates, GROUP BY or window functions (PostgreSQL evaluates those
// first; a 0A000 says so). The tree is changed in place, so planning it again is the same.
#pragma once
#include <pg_query/pg_query.pb-c.h>

namespace yunhe {

void MoveSelectListSetFunctions(PgQuery__SelectStmt* s);

}  // namespace yunhe
