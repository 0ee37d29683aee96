// Evaluates bound expressions over a chunk, one Vector per expression.
#pragma once
#include "exec/operator.h"
#include "exec/expr.h"

namespace yunhe {

Vector Evaluate(const Expr& e, const DataChunk& input, ExecContext& ctx);
// Like Evaluate, but a plain column reference returns the input's vector without copying it;
// otherwise the result is computed into `scratch`, which must outlive the returned reference.
const Vector& EvaluateRef(const Expr& e, const DataChunk& input, ExecContext& ctx, Vector& scratch);
// Evaluates a boolean predicate and returns the indexes of rows where it is TRUE (not NULL).
std::vector<uint32_t> EvaluateFilter(const Expr& e, const DataChunk& input, ExecContext& ctx);
// Evaluates an expression that reads no columns (constant folding, LIMIT, VALUES).
Value EvaluateConstant(const Expr& e, ExecContext& ctx);

}  // namespace yunhe
