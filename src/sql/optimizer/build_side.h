// The hashed side of SEMI, ANTI and LEFT joins. A decorrelated EXISTS / NOT EXISTS / IN hashes
// the subquery's rows and streams the outer rows past them, and so does the LEFT join a
// decorrelated scalar subquery becomes; when the outer rows are the fewer (TPC-H Q21: 80k lines
// of one nation's suppliers against all 6M lines), hashing them instead and streaming the
// subquery's rows builds a table a seventy-fifth of the size (HashJoinOperator::SetBuildLeft),
// and lets the join offer the outer rows' keys to the subquery's side (join_key_filters.h).
// Runs after the join order is chosen, on its estimates.
#pragma once
#include "exec/operator.h"

namespace yunhe {

void ChooseBuildSides(const OperatorPtr& plan);

}  // namespace yunhe
