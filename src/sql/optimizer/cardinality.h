// Cardinality estimates over physical plans: how many rows each operator returns, from what the
// storage keeps without a scan (row counts, NULL counts from zone maps, HyperLogLog distinct
// sketches from part footers) and PostgreSQL's default selectivities (selfuncs.h) where nothing
// better is known. The join-order pass costs its candidate orders with these; EXPLAIN shows them.
#pragma once
#include "exec/expr.h"
#include "exec/operator.h"

namespace yunhe {

// PostgreSQL's defaults: `x = const` without statistics, ranges, LIKE, and the distinct count of
// an expression nothing is known about.
constexpr double kDefaultEqualitySelectivity = 0.005;
constexpr double kDefaultRangeSelectivity = 1.0 / 3.0;
constexpr double kDefaultMatchSelectivity = 0.005;
constexpr double kDefaultDistinct = 200;

// Estimates the rows of `op` and of every operator under it (PhysicalOperator::estimated_rows;
// ones already set are kept) and returns op's.
double EstimateRows(PhysicalOperator& op);
// Distinct values of output column `column` of `op`: the base column's sketch, scaled to the rows
// `op` returns, when the column can be traced to a table; else op's rows (a key nothing is known
// about is taken as unique, as PostgreSQL does for join clauses without statistics).
double EstimateDistinct(PhysicalOperator& op, int column);
// The fraction of `input`'s rows a boolean expression over its columns keeps.
double EstimateSelectivity(const Expr& pred, PhysicalOperator& input);
// Distinct values among `rows` rows drawn from a column of `total` rows with `distinct` values
// (the expected number of distinct values seen, for rows drawn uniformly).
double ScaleDistinct(double distinct, double total, double rows);

}  // namespace yunhe
