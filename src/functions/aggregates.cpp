// Aggregate function signatures (PostgreSQL 9.21 and TimescaleDB first/last). The state
// machines live in exec/aggregate_state.cpp.
#include <cmath>

#include "functions/function.h"

namespace yunhe {
namespace {

const TypeId I2 = TypeId::kInt16, I4 = TypeId::kInt32, I8 = TypeId::kInt64, F4 = TypeId::kFloat32,
             F8 = TypeId::kFloat64, N = TypeId::kNumeric, T = TypeId::kText, B = TypeId::kBool, IV = TypeId::kInterval,
             ANY = TypeId::kNull;

void Add(FunctionRegistry& r, const char* name, AggKind kind, std::vector<LogicalType> args, LogicalType ret,
         const char* desc, const char* example, bool ordered_set = false) {
  AggregateFunction f;
  f.name = name;
  f.kind = kind;
  f.arg_types = std::move(args);
  f.return_type = ret;
  f.ordered_set = ordered_set;
  f.description = desc;
  f.example = example;
  r.AddAggregate(f);
}

LogicalType SameAsFirst(const std::vector<LogicalType>& args) { return args[0]; }

// The results of PostgreSQL's float8_regr_* / float8_corr / float8_covar_* final functions: NULL
// with too few pairs or where a denominator is zero.
Value Float(double x) { return Value::Float(x); }
Value Null() { return Value::Null(TypeId::kFloat64); }
Value RegrCount(const RegressionSums& q) { return Value::Int(int64_t(q.n)); }
Value RegrSxx(const RegressionSums& q) { return q.n < 1 ? Null() : Float(q.sxx); }
Value RegrSyy(const RegressionSums& q) { return q.n < 1 ? Null() : Float(q.syy); }
Value RegrSxy(const RegressionSums& q) { return q.n < 1 ? Null() : Float(q.sxy); }
Value RegrAvgx(const RegressionSums& q) { return q.n < 1 ? Null() : Float(q.sx / q.n); }
Value RegrAvgy(const RegressionSums& q) { return q.n < 1 ? Null() : Float(q.sy / q.n); }
Value CovarPop(const RegressionSums& q) { return q.n < 1 ? Null() : Float(q.sxy / q.n); }
Value CovarSamp(const RegressionSums& q) { return q.n < 2 ? Null() : Float(q.sxy / (q.n - 1)); }
Value Corr(const RegressionSums& q) { return q.n < 1 || q.sxx == 0 || q.syy == 0 ? Null() : Float(q.sxy / std::sqrt(q.sxx * q.syy)); }
Value RegrR2(const RegressionSums& q) {
  if (q.n < 1 || q.sxx == 0) return Null();
  return q.syy == 0 ? Float(1) : Float(q.sxy * q.sxy / (q.sxx * q.syy));
}
Value RegrSlope(const RegressionSums& q) { return q.n < 1 || q.sxx == 0 ? Null() : Float(q.sxy / q.sxx); }
Value RegrIntercept(const RegressionSums& q) { return q.n < 1 || q.sxx == 0 ? Null() : Float((q.sy - q.sx * q.sxy / q.sxx) / q.n); }

}  // namespace

void RegisterAggregateFunctions(FunctionRegistry& r) {
  Add(r, "count", AggKind::kCount, {ANY}, I8, "number of non-NULL input values", "count(x)");
  Add(r, "count", AggKind::kCountStar, {}, I8, "number of input rows", "count(*)");
  Add(r, "sum", AggKind::kSum, {I2}, I8, "sum", "sum(x)");
  Add(r, "sum", AggKind::kSum, {I4}, I8, "sum", "sum(x)");
  Add(r, "sum", AggKind::kSum, {I8}, N, "sum", "sum(x)");
  Add(r, "sum", AggKind::kSum, {N}, N, "sum", "sum(x)");
  Add(r, "sum", AggKind::kSum, {F4}, F4, "sum", "sum(x)");
  Add(r, "sum", AggKind::kSum, {F8}, F8, "sum", "sum(x)");
  Add(r, "sum", AggKind::kSum, {IV}, IV, "sum", "sum(x)");
  for (TypeId t : {I2, I4, I8, N}) Add(r, "avg", AggKind::kAvg, {t}, N, "average", "avg(x)");
  Add(r, "avg", AggKind::kAvg, {F4}, F8, "average", "avg(x)");
  Add(r, "avg", AggKind::kAvg, {F8}, F8, "average", "avg(x)");
  Add(r, "avg", AggKind::kAvg, {IV}, IV, "average", "avg(x)");
  for (const char* nm : {"min", "max"}) {
    AggregateFunction f;
    f.name = nm;
    f.kind = std::string(nm) == "min" ? AggKind::kMin : AggKind::kMax;
    f.arg_types = {ANY};
    f.infer_return = SameAsFirst;
    f.description = std::string(nm) + "imum value";
    f.example = std::string(nm) + "(x)";
    r.AddAggregate(f);
  }
  struct Stat { const char* name; AggKind kind; };
  for (Stat s : {Stat{"stddev", AggKind::kStddevSamp}, {"stddev_samp", AggKind::kStddevSamp},
                 {"stddev_pop", AggKind::kStddevPop}, {"variance", AggKind::kVarSamp},
                 {"var_samp", AggKind::kVarSamp}, {"var_pop", AggKind::kVarPop}}) {
    for (TypeId t : {I2, I4, I8, N}) Add(r, s.name, s.kind, {t}, N, "statistic over numeric input", "stddev(x)");
    for (TypeId t : {F4, F8}) Add(r, s.name, s.kind, {t}, F8, "statistic over float input", "stddev(x)");
  }
  Add(r, "string_agg", AggKind::kStringAgg, {T, T}, T, "concatenate with delimiter", "string_agg(name, ', ' ORDER BY name)");
  {
    AggregateFunction f;
    f.name = "array_agg";
    f.kind = AggKind::kArrayAgg;
    f.arg_types = {ANY};
    f.infer_return = [](const std::vector<LogicalType>& args) { return ArrayOf(args[0].id == TypeId::kNull ? TypeId::kText : args[0]); };
    f.description = "collect values (NULLs too) into an array";
    f.example = "array_agg(x ORDER BY x)";
    r.AddAggregate(f);
  }
  Add(r, "bool_and", AggKind::kBoolAnd, {B}, B, "true if all inputs are true", "bool_and(x)");
  Add(r, "every", AggKind::kBoolAnd, {B}, B, "true if all inputs are true", "every(x)");
  Add(r, "bool_or", AggKind::kBoolOr, {B}, B, "true if any input is true", "bool_or(x)");
  for (TypeId t : {I2, I4, I8}) {
    Add(r, "bit_and", AggKind::kBitAnd, {t}, t, "bitwise AND", "bit_and(x)");
    Add(r, "bit_or", AggKind::kBitOr, {t}, t, "bitwise OR", "bit_or(x)");
    Add(r, "bit_xor", AggKind::kBitXor, {t}, t, "bitwise exclusive OR", "bit_xor(x)");
  }
  struct Regression {
    const char* name;
    Value (*final)(const RegressionSums&);
    const char* description;
  };
  for (Regression g : {Regression{"corr", Corr, "correlation coefficient"},
                       {"covar_pop", CovarPop, "population covariance"},
                       {"covar_samp", CovarSamp, "sample covariance"},
                       {"regr_avgx", RegrAvgx, "average of the independent variable x"},
                       {"regr_avgy", RegrAvgy, "average of the dependent variable y"},
                       {"regr_count", RegrCount, "number of rows where both inputs are non-NULL"},
                       {"regr_intercept", RegrIntercept, "y-intercept of the least-squares line"},
                       {"regr_r2", RegrR2, "square of the correlation coefficient"},
                       {"regr_slope", RegrSlope, "slope of the least-squares line"},
                       {"regr_sxx", RegrSxx, "sum of squares of x deviations"},
                       {"regr_sxy", RegrSxy, "sum of products of x and y deviations"},
                       {"regr_syy", RegrSyy, "sum of squares of y deviations"}}) {
    AggregateFunction f;
    f.name = g.name;
    f.kind = AggKind::kRegression;
    f.arg_types = {F8, F8};
    f.return_type = g.final == RegrCount ? LogicalType(I8) : LogicalType(F8);
    f.regression = g.final;
    f.description = std::string(g.description) + " (y, x)";
    f.example = std::string(g.name) + "(y, x)";
    r.AddAggregate(f);
  }
  Add(r, "percentile_cont", AggKind::kPercentileCont, {F8}, F8, "continuous percentile",
      "percentile_cont(0.5) WITHIN GROUP (ORDER BY x)", true);
  Add(r, "percentile_cont", AggKind::kPercentileCont, {F8}, IV, "continuous percentile of intervals",
      "percentile_cont(0.5) WITHIN GROUP (ORDER BY d)", true);
  Add(r, "percentile_disc", AggKind::kPercentileDisc, {F8}, ANY, "discrete percentile",
      "percentile_disc(0.5) WITHIN GROUP (ORDER BY x)", true);
  Add(r, "mode", AggKind::kMode, {}, ANY, "most frequent value", "mode() WITHIN GROUP (ORDER BY x)", true);
  for (const char* nm : {"first", "last"}) {
    AggregateFunction f;
    f.name = nm;
    f.kind = std::string(nm) == "first" ? AggKind::kFirst : AggKind::kLast;
    f.arg_types = {ANY, ANY};
    f.infer_return = SameAsFirst;
    f.description = std::string("value at the ") + (f.kind == AggKind::kFirst ? "earliest" : "latest") + " time (TimescaleDB)";
    f.example = std::string(nm) + "(temperature, ts)";
    r.AddAggregate(f);
  }
}

}  // namespace yunhe
