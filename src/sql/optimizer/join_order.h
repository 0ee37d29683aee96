// Join order by cost. Every region of inner joins in a plan (hash joins of kind INNER, whether the
// query wrote them as JOIN ... ON or as a comma list with WHERE equalities, and the filters
// between them) is taken apart into its inputs and its conditions, and rebuilt in the order with
// the smallest sum of intermediate result sizes (C_out): dynamic programming over connected
// subsets of inputs (every split of every connected set, so no cross product while a connected
// order exists) up to kMaxDpInputs inputs, greedy pairing of the cheapest join beyond. Column
// equalities are closed transitively (a.k = b.k AND b.k = c.k also connects a and c). The smaller
// estimated input of each join becomes its build side. Outer, semi, anti, ASOF, LATERAL and
// spatial joins are region boundaries: their inputs are optimized, their own order is kept.
// A projection on top restores the region's original column order.
#pragma once
#include <map>

#include "exec/operator.h"

namespace yunhe {

class Planner;

constexpr int kMaxDpInputs = 12;

// Rewrites the inner-join regions of `plan` and returns the new root. `replaced` receives each
// region's old root -> new root (callers holding a pointer into the plan follow it).
OperatorPtr ReorderJoins(OperatorPtr plan, Planner& planner, std::map<const PhysicalOperator*, OperatorPtr>* replaced);

}  // namespace yunhe
