// Correlated subqueries taken apart: which conjuncts tie a subquery's rows to the row of the
// query outside it, and the subquery's input with those ties lifted out, so that it can run
// once, grouped by the tied columns, and be joined to the outer rows (planner_decorrelate.cpp).
#pragma once
#include <functional>
#include <vector>

#include "exec/expr.h"
#include "exec/operator.h"

namespace yunhe {

// Outer references in e: deepest depth (0 = none, 99 = cannot tell: a subquery, aggregate,
// window or parameter inside); *inner set when e reads its own columns.
int OuterDepth(const Expr& e, bool* inner);
bool NoOuterReferences(const ExprPtr& e);  // nullptr has none
// The expression with its depth-1 outer references turned into columns of the outer row.
ExprPtr OuterToColumns(const ExprPtr& e);
// e with every column reference c moved to map(c) (nullptr when map gives nullptr: gives up).
ExprPtr RemapColumns(const ExprPtr& e, const std::function<ExprPtr(const Expr&)>& map);
// e over an operator's old columns, column c moved to map[c] (nullptr for e nullptr, or a
// column outside map).
ExprPtr MapColumns(const ExprPtr& e, const std::vector<int>& map);

// Splits a subquery's WHERE into equalities between its own columns and depth-1 outer columns
// (appended to lkeys: over the outer row, rkeys: over the subquery's rows), conjuncts that read
// only its own columns, and other conjuncts over both (`l2.suppkey <> l1.suppkey`, TPC-H Q21:
// the join's residual, over the outer row's columns then the subquery's, `outer_width` on);
// false when anything else correlates (a deeper reference, a subquery, a volatile call).
bool SplitCorrelation(const ExprPtr& pred, int outer_width, std::vector<ExprPtr>* lkeys, std::vector<ExprPtr>* rkeys,
                      std::vector<ExprPtr>* inner_only, std::vector<ExprPtr>* residual);

// A subquery's input (the operators below its aggregate) with every correlated equality
// `inner = outer` taken out of its filters: the rows before those equalities select them, with
// each equality's inner side as an extra output column.
struct LiftedCorrelation {
  OperatorPtr op;
  std::vector<int> map;          // the input's output column c is op's column map[c]
  std::vector<ExprPtr> inner;    // per key: the column of op holding the inner side
  std::vector<ExprPtr> outer;    // per key: the outer side, over the outer row's columns
};

// False (and the plan left as it was) unless every outer reference below `input` is such an
// equality in a filter reached only through filters, projections and the sides of joins whose
// rows a filter may select before or after the join alike (both sides of inner joins, the
// preserved side of outer joins, the left side of semi and anti joins).
bool LiftCorrelation(const OperatorPtr& input, LiftedCorrelation* out);

}  // namespace yunhe
