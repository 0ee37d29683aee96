// Comparison operators (=, <>, <, <=, >, >=) for every type, and the three-way compare that
// sorting, grouping and joins share.
#include <cmath>

#include "common/decimal.h"
#include "functions/array_value.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {

int CompareDouble(double x, double y) {
  bool xn = std::isnan(x), yn = std::isnan(y);
  if (xn || yn) return xn && yn ? 0 : xn ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

int CompareCells(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  switch (a.type().physical()) {
    case PhysicalType::kI64: {
      int64_t x = a.i64()[ra], y = b.i64()[rb];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case PhysicalType::kF64: return CompareDouble(a.f64()[ra], b.f64()[rb]);
    case PhysicalType::kStr: {
      if (a.type().id == TypeId::kArray) return CompareArrays(a.GetValue(ra), b.GetValue(rb));
      int c = a.str()[ra].compare(b.str()[rb]);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case PhysicalType::kDec: return DecimalCompare(a.dec()[ra], b.dec()[rb]);
    case PhysicalType::kInterval: {
      auto x = a.iv()[ra].SortKey(), y = b.iv()[rb].SortKey();
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
  return 0;
}

bool SatisfiesComparison(const std::string& op, int c) {
  if (op == "=") return c == 0;
  if (op == "<>" || op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

int CompareValues(const Value& a, const Value& b) {
  if (a.type.id == TypeId::kArray && b.type.id == TypeId::kArray) return CompareArrays(a, b);
  switch (a.type.physical()) {
    case PhysicalType::kI64: return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    case PhysicalType::kF64: return CompareDouble(a.f, b.f);
    case PhysicalType::kStr: {
      int c = a.s.compare(b.s);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    case PhysicalType::kDec: return DecimalCompare(a.d, b.d);
    case PhysicalType::kInterval: {
      auto x = a.iv.SortKey(), y = b.iv.SortKey();
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
  return 0;
}

namespace {

template <typename Pred>
void CompareKernel(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  const Vector& a = *args[0];
  const Vector& b = *args[1];
  int64_t* res = out.i64();
  Pred pred;
  switch (a.type().physical()) {
    case PhysicalType::kI64: {
      const int64_t* x = a.i64();
      const int64_t* y = b.i64();
      for (size_t r = 0; r < count; ++r) res[r] = pred(x[r] < y[r] ? -1 : x[r] > y[r] ? 1 : 0);
      break;
    }
    case PhysicalType::kF64: {
      const double* x = a.f64();
      const double* y = b.f64();
      for (size_t r = 0; r < count; ++r) res[r] = pred(CompareDouble(x[r], y[r]));
      break;
    }
    default:
      ForEachValid(out, count, [&](size_t r) { res[r] = pred(CompareCells(a, r, b, r)); });
  }
}

struct Eq { bool operator()(int c) const { return c == 0; } };
struct Ne { bool operator()(int c) const { return c != 0; } };
struct Lt { bool operator()(int c) const { return c < 0; } };
struct Le { bool operator()(int c) const { return c <= 0; } };
struct Gt { bool operator()(int c) const { return c > 0; } };
struct Ge { bool operator()(int c) const { return c >= 0; } };

// Arrays compare element by element (their text form would put {10} before {9}).
template <typename Pred>
void ArrayCompareKernel(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Pred pred;
  for (size_t r = 0; r < count; ++r) {
    if (out.IsNull(r)) continue;
    out.i64()[r] = pred(CompareArrays(args[0]->GetValue(r), args[1]->GetValue(r)));
  }
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry& r) {
  const TypeId kTypes[] = {TypeId::kBool, TypeId::kInt16, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat32,
                           TypeId::kFloat64, TypeId::kNumeric, TypeId::kText, TypeId::kDate,
                           TypeId::kTimestamp, TypeId::kTimestampTz, TypeId::kInterval, TypeId::kTime,
                           // geometry compares its EWKB bytes: = is PostGIS's exact equality.
                           TypeId::kBytea, TypeId::kGeometry};
  struct Op { const char* name; ScalarKernel kernel; };
  const Op kOps[] = {{"=", CompareKernel<Eq>}, {"<>", CompareKernel<Ne>}, {"<", CompareKernel<Lt>},
                     {"<=", CompareKernel<Le>}, {">", CompareKernel<Gt>}, {">=", CompareKernel<Ge>}};
  const Op kArrayOps[] = {{"=", ArrayCompareKernel<Eq>}, {"<>", ArrayCompareKernel<Ne>}, {"<", ArrayCompareKernel<Lt>},
                          {"<=", ArrayCompareKernel<Le>}, {">", ArrayCompareKernel<Gt>}, {">=", ArrayCompareKernel<Ge>}};
  for (const auto& op : kArrayOps) AddScalar(r, op.name, {TypeId::kArray, TypeId::kArray}, TypeId::kBool, op.kernel, "comparison", "");
  for (const auto& op : kOps) {
    for (TypeId t : kTypes) {
      ScalarFunction f;
      f.name = op.name;
      f.arg_types = {t, t};
      f.return_type = TypeId::kBool;
      f.kernel = op.kernel;
      f.description = "comparison";
      r.AddScalar(f);
    }
  }
  r.AddAlias("!=", "<>");
}

}  // namespace yunhe
