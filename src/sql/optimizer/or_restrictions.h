// Restrictions implied by an OR over several tables. In
//   (p.brand = 'B12' AND l.qty <= 11 AND p.k = l.k) OR (p.brand = 'B23' AND l.qty >= 10 AND p.k = l.k)
// every arm restricts p, so `p.brand = 'B12' OR p.brand = 'B23'` holds for every row the OR
// keeps: as an extra WHERE conjunct it filters p's scan before the join (TPC-H Q19, and Q7's
// nation pairs), while the whole OR still decides (PostgreSQL's extract_restriction_or_clauses).
#pragma once
#include <string>
#include <vector>

#include "exec/expr.h"

namespace yunhe {

// For a bound OR over the FROM row whose column c belongs to table table_of[c] ("" unknown):
// one implied condition per table that every arm restricts; none for an OR over one table only.
std::vector<ExprPtr> ImpliedOrRestrictions(const ExprPtr& e, const std::vector<std::string>& table_of);

}  // namespace yunhe
