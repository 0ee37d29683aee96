// The hashed side of SEMI and ANTI joins. A decorrelated EXISTS / NOT EXISTS / IN hashes the
// subquery's rows and streams the outer rows past them; when the outer rows are the fewer (TPC-H
// Q21: 80k lines of one nation's suppliers against all 6M lines), hashing them instead and
// streaming the subquery's rows builds a table a seventy-fifth of the size
// (HashJoinOperator::SetBuildLeft). Runs after the join order is chosen, on its estimates.
#pragma once
#include "exec/operator.h"

namespace yunhe {

void ChooseSemiJoinBuildSides(const OperatorPtr& plan);

}  // namespace yunhe
