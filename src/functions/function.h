// Scalar and aggregate function registry. Families register themselves from
// RegisterAllFunctions() (functions/registry.cpp); the binder resolves a call by name and
// argument types, PostgreSQL style: exact match first, then the cheapest implicit coercion.
#pragma once
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/types.h"
#include "common/vector.h"

namespace yunhe {

struct Expr;

// Computes out[row] for every row of the chunk. For strict functions the framework has already
// set out's null mask (NULL where any argument is NULL); the kernel must skip those rows so that a
// NULL input never raises an error (e.g. 1/NULL is NULL, not division by zero).
using ScalarKernel = void (*)(const std::vector<const Vector*>& args, size_t count, Vector& out);

struct ScalarFunction {
  std::string name;
  std::vector<LogicalType> arg_types;  // TypeId::kNull in a slot means "any type"
  LogicalType return_type;
  ScalarKernel kernel = nullptr;
  // A kernel with state (user functions of the embedding API, engine/user_functions.cpp): called
  // instead of `kernel` when set. It may throw Error to fail the statement.
  std::function<void(const std::vector<const Vector*>& args, size_t count, Vector& out)> body;
  bool strict = true;        // NULL in any argument gives NULL without calling the kernel for it
  bool variadic = false;     // last arg type repeats
  bool volatile_ = false;    // random(), now(): never constant-folded
  // When set, the return type follows the arguments (e.g. numeric scale, abs(x) of any type).
  LogicalType (*infer_return)(const std::vector<LogicalType>& args) = nullptr;
  std::string description;
  std::string example;
};

enum class AggKind {
  kCount, kCountStar, kSum, kAvg, kMin, kMax, kStddevSamp, kStddevPop, kVarSamp, kVarPop,
  kStringAgg, kArrayAgg, kBoolAnd, kBoolOr, kPercentileCont, kPercentileDisc, kMode,
  kFirst, kLast, kBitAnd, kBitOr, kBitXor, kEvery,
  kRegression,  // corr, covar_*, regr_*(y, x): running sums of the pairs, then `regression`
  kCollected,  // collects its non-NULL inputs (in ORDER BY order) and calls `finalize` once
};

// What the two-argument statistics (y, x) keep of their non-NULL pairs: their number, the sums
// of x and y, and the sums of squared and crossed deviations from the means (Youngs-Cramer).
struct RegressionSums {
  double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
};

struct AggregateFunction {
  std::string name;
  AggKind kind;
  std::vector<LogicalType> arg_types;  // kNull = any
  LogicalType return_type;             // kNull = same as first argument
  LogicalType (*infer_return)(const std::vector<LogicalType>& args) = nullptr;
  bool ordered_set = false;  // WITHIN GROUP (ORDER BY ...)
  // kCollected: the result from the collected values (non-empty, in the call's ORDER BY order).
  Value (*finalize)(const std::vector<const Value*>& values) = nullptr;
  // kRegression: the result from the sums (NULL where PostgreSQL gives NULL).
  Value (*regression)(const RegressionSums& sums) = nullptr;
  std::string description;
  std::string example;
};

class FunctionRegistry {
 public:
  static FunctionRegistry& Get();
  void AddScalar(ScalarFunction f);
  void AddAggregate(AggregateFunction f);
  void AddAlias(const std::string& alias, const std::string& name);
  const std::vector<ScalarFunction>* Scalars(const std::string& name) const;
  const std::vector<AggregateFunction>* Aggregates(const std::string& name) const;
  bool IsAggregate(const std::string& name) const { return Aggregates(name) != nullptr; }
  std::vector<std::string> ScalarNames() const;
  std::vector<std::string> AggregateNames() const;

 private:
  std::unordered_map<std::string, std::vector<ScalarFunction>> scalars_;
  std::unordered_map<std::string, std::vector<AggregateFunction>> aggregates_;
};

// Cost of implicitly coercing `from` to `to`: 0 = same, >0 = allowed, -1 = not implicit.
int ImplicitCastCost(const LogicalType& from, const LogicalType& to, bool unknown_literal);
// The common type of UNION branches, CASE results, COALESCE args, IN lists (PostgreSQL 10.5).
bool CommonType(const LogicalType& a, const LogicalType& b, LogicalType* out);

// Registers one scalar function signature (the helper every family file uses).
void AddScalar(FunctionRegistry& r, const char* name, std::vector<LogicalType> args, LogicalType ret, ScalarKernel kernel,
               const char* description, const char* example, bool strict = true, bool is_volatile = false, bool variadic = false);

void RegisterAllFunctions();

}  // namespace yunhe
