#include "functions/function.h"

#include <algorithm>
#include <mutex>

namespace yunhe {

void RegisterArithmeticFunctions(FunctionRegistry& r);
void RegisterComparisonFunctions(FunctionRegistry& r);
void RegisterMathFunctions(FunctionRegistry& r);
void RegisterNumberFunctions(FunctionRegistry& r);
void RegisterStringFunctions(FunctionRegistry& r);
void RegisterStringSplitFunctions(FunctionRegistry& r);
void RegisterByteaFunctions(FunctionRegistry& r);
void RegisterTimeFunctions(FunctionRegistry& r);
void RegisterTimeConstructFunctions(FunctionRegistry& r);
void RegisterDatetimeParseFunctions(FunctionRegistry& r);
void RegisterNumberFormatFunctions(FunctionRegistry& r);
void RegisterDatetimeFormatFunctions(FunctionRegistry& r);
void RegisterAggregateFunctions(FunctionRegistry& r);
void RegisterRegexFunctions(FunctionRegistry& r);
void RegisterSystemFunctions(FunctionRegistry& r);
void RegisterGeoFunctions(FunctionRegistry& r);
void RegisterArrayFunctions(FunctionRegistry& r);
void RegisterSequenceFunctions(FunctionRegistry& r);
void RegisterJsonFunctions(FunctionRegistry& r);

FunctionRegistry& FunctionRegistry::Get() {
  static FunctionRegistry registry;
  static std::once_flag once;
  std::call_once(once, [] {
    RegisterArithmeticFunctions(registry);
    RegisterComparisonFunctions(registry);
    RegisterMathFunctions(registry);
    RegisterNumberFunctions(registry);
    RegisterStringFunctions(registry);
    RegisterStringSplitFunctions(registry);
    RegisterByteaFunctions(registry);
    RegisterTimeFunctions(registry);
    RegisterTimeConstructFunctions(registry);
    RegisterDatetimeParseFunctions(registry);
    RegisterNumberFormatFunctions(registry);
    RegisterDatetimeFormatFunctions(registry);
    RegisterAggregateFunctions(registry);
    RegisterRegexFunctions(registry);
    RegisterSystemFunctions(registry);
    RegisterGeoFunctions(registry);
    RegisterArrayFunctions(registry);
    RegisterSequenceFunctions(registry);
    RegisterJsonFunctions(registry);
  });
  return registry;
}

void AddScalar(FunctionRegistry& r, const char* name, std::vector<LogicalType> args, LogicalType ret, ScalarKernel kernel,
               const char* description, const char* example, bool strict, bool is_volatile, bool variadic) {
  ScalarFunction f;
  f.name = name;
  f.arg_types = std::move(args);
  f.return_type = ret;
  f.kernel = kernel;
  f.strict = strict;
  f.volatile_ = is_volatile;
  f.variadic = variadic;
  f.description = description;
  f.example = example;
  r.AddScalar(std::move(f));
}

void FunctionRegistry::AddScalar(ScalarFunction f) { scalars_[f.name].push_back(std::move(f)); }
void FunctionRegistry::AddAggregate(AggregateFunction f) { aggregates_[f.name].push_back(std::move(f)); }

void FunctionRegistry::AddAlias(const std::string& alias, const std::string& name) {
  if (auto it = scalars_.find(name); it != scalars_.end()) {
    for (auto f : it->second) {
      f.name = alias;
      scalars_[alias].push_back(f);
    }
  }
  if (auto it = aggregates_.find(name); it != aggregates_.end()) {
    for (auto f : it->second) {
      f.name = alias;
      aggregates_[alias].push_back(f);
    }
  }
}

const std::vector<ScalarFunction>* FunctionRegistry::Scalars(const std::string& name) const {
  auto it = scalars_.find(name);
  return it == scalars_.end() ? nullptr : &it->second;
}

const std::vector<AggregateFunction>* FunctionRegistry::Aggregates(const std::string& name) const {
  auto it = aggregates_.find(name);
  return it == aggregates_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::ScalarNames() const {
  std::vector<std::string> out;
  for (auto& [k, v] : scalars_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FunctionRegistry::AggregateNames() const {
  std::vector<std::string> out;
  for (auto& [k, v] : aggregates_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

namespace {
// Rank along PostgreSQL's numeric promotion chain; -1 = not numeric.
int NumericRank(TypeId t) {
  switch (t) {
    case TypeId::kInt16: return 0;
    case TypeId::kInt32: return 1;
    case TypeId::kInt64: return 2;
    case TypeId::kNumeric: return 3;
    case TypeId::kFloat32: return 4;
    case TypeId::kFloat64: return 5;
    default: return -1;
  }
}
int TemporalRank(TypeId t) {
  switch (t) {
    case TypeId::kDate: return 0;
    case TypeId::kTimestamp: return 1;
    case TypeId::kTimestampTz: return 2;
    default: return -1;
  }
}
}  // namespace

int ImplicitCastCost(const LogicalType& from, const LogicalType& to, bool unknown_literal) {
  if (to.id == TypeId::kNull) return 1;  // "any"
  // A quoted literal can become any type, text (or json, jsonb) more readily: so in
  // `jsonb_col || '[2]'` the typed side decides the operator, as PostgreSQL's unknown rule.
  if (unknown_literal && from.id == TypeId::kText) return to.id == TypeId::kText ? 1 : 2;
  if (from.id == to.id) return from.id == TypeId::kText && from.scale != to.scale ? 1 : 0;  // text vs json vs jsonb
  if (from.id == TypeId::kNull) return 1;
  if (unknown_literal) return 2;  // a quoted literal can become any type
  // PostGIS declares text -> geometry and bytea -> geometry implicit (ST_AsText('POINT(1 2)')).
  if (to.id == TypeId::kGeometry && (from.id == TypeId::kText || from.id == TypeId::kBytea)) return 20;
  int fr = NumericRank(from.id), tr = NumericRank(to.id);
  // An integer goes to double precision first when a function has no integer form: float8 is
  // the preferred type of PostgreSQL's numeric category (sqrt(2), round(2) and power(2, 3) are
  // float8 there, sqrt(2.0) numeric).
  if (fr >= 0 && fr <= 2 && to.id == TypeId::kFloat64) return 10;
  if (fr >= 0 && tr >= 0) return tr > fr ? 10 + (tr - fr) : -1;
  fr = TemporalRank(from.id);
  tr = TemporalRank(to.id);
  if (fr >= 0 && tr >= 0) return tr > fr ? 10 + (tr - fr) : -1;
  return -1;
}

bool CommonType(const LogicalType& a, const LogicalType& b, LogicalType* out) {
  if (a.id == TypeId::kNull) { *out = b; return true; }
  if (b.id == TypeId::kNull || a == b) { *out = a; return true; }
  if (a.id == b.id) {
    // numeric(p,s) vs numeric(q,t), varchar(n) vs text: widen to the unconstrained type.
    *out = LogicalType(a.id);
    return true;
  }
  int ar = NumericRank(a.id), br = NumericRank(b.id);
  if (ar >= 0 && br >= 0) { *out = ar > br ? a : b; return true; }
  ar = TemporalRank(a.id);
  br = TemporalRank(b.id);
  if (ar >= 0 && br >= 0) { *out = ar > br ? a : b; return true; }
  return false;
}

}  // namespace yunhe
