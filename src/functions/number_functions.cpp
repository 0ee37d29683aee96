// More of PostgreSQL's "Mathematical Functions and Operators": gcd, lcm, factorial, to_hex,
// width_bucket, scale / min_scale / trim_scale, the hyperbolic functions, and the prefix
// operators |/ (square root), ||/ (cube root) and @ (absolute value).
#include <cmath>
#include <cstdio>

#include "common/decimal.h"
#include "common/row_key.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;

[[noreturn]] void OutOfRange(TypeId t) {
  throw Error(SqlState::kNumericValueOutOfRange, t == TypeId::kInt64 ? "bigint out of range" : "integer out of range");
}

// The type's smallest value, whose magnitude the type cannot hold.
int64_t TypeMin(TypeId t) { return t == TypeId::kInt64 ? INT64_MIN : t == TypeId::kInt16 ? INT16_MIN : INT32_MIN; }

uint64_t Magnitude(int64_t v) { return v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v); }

uint64_t Gcd(uint64_t a, uint64_t b) {
  while (b != 0) {
    const uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// gcd as PostgreSQL's int4gcd/int8gcd: never negative; a result the type cannot hold (the
// smallest value with 0 or with itself) is an error.
int64_t TypedGcd(int64_t a, int64_t b, TypeId t) {
  const uint64_t g = Gcd(Magnitude(a), Magnitude(b));
  if (g > uint64_t(-(TypeMin(t) + 1))) OutOfRange(t);
  return int64_t(g);
}

int64_t TypedLcm(int64_t a, int64_t b, TypeId t) {
  if (a == 0 || b == 0) return 0;
  const int64_t g = TypedGcd(a, b, t);
  int64_t l;
  if (__builtin_mul_overflow(a / g, b, &l)) OutOfRange(t);
  const uint64_t m = Magnitude(l);
  if (m > uint64_t(-(TypeMin(t) + 1))) OutOfRange(t);
  return int64_t(m);
}

// acosh below 1 and atanh beyond [-1, 1] have no real value; atanh(±1) is ±Infinity.
double CheckedAcosh(double x) {
  if (x < 1) throw Error(SqlState::kNumericValueOutOfRange, "input is out of range");
  return std::acosh(x);
}
double CheckedAtanh(double x) {
  if (x < -1 || x > 1) throw Error(SqlState::kNumericValueOutOfRange, "input is out of range");
  return std::atanh(x);
}

double Sinh(double x) { return std::sinh(x); }
double Cosh(double x) { return std::cosh(x); }
double Tanh(double x) { return std::tanh(x); }
double Asinh(double x) { return std::asinh(x); }

// width_bucket(operand, low, high, count): the bucket of `count` equal ones between low and high
// (either may be the larger: buckets then count down), 0 below the range, count + 1 above it.
int64_t WidthBucket(double x, double low, double high, int64_t count) {
  if (count <= 0) throw Error(SqlState::kInvalidArgumentForWidthBucket, "count must be greater than zero");
  if (std::isnan(x) || std::isnan(low) || std::isnan(high))
    throw Error(SqlState::kInvalidArgumentForWidthBucket, "operand, lower bound, and upper bound cannot be NaN");
  if (!std::isfinite(low) || !std::isfinite(high))
    throw Error(SqlState::kInvalidArgumentForWidthBucket, "lower and upper bounds must be finite");
  if (low == high) throw Error(SqlState::kInvalidArgumentForWidthBucket, "lower bound cannot equal upper bound");
  int64_t bucket;
  if (low < high) {
    if (x < low) return 0;
    if (x >= high) bucket = count + 1;
    else bucket = int64_t(double(count) * ((x - low) / (high - low))) + 1;
  } else {
    if (x > low) return 0;
    if (x <= high) bucket = count + 1;
    else bucket = int64_t(double(count) * ((low - x) / (low - high))) + 1;
  }
  if (bucket > INT32_MAX) OutOfRange(TypeId::kInt32);
  return bucket;
}

}  // namespace

void RegisterNumberFunctions(FunctionRegistry& r) {
  const TypeId F8 = TypeId::kFloat64, N = TypeId::kNumeric, I4 = TypeId::kInt32, I8 = TypeId::kInt64, T = TypeId::kText;
  for (TypeId t : {I4, I8}) {
    AddScalar(r, "gcd", {t, t}, t, [](Args a, size_t n, Vector& o) {
      int64_t* res = o.i64();
      const TypeId type = o.type().id;
      ForEachValid(o, n, [&](size_t k) { res[k] = TypedGcd(a[0]->i64()[k], a[1]->i64()[k], type); });
    }, "greatest common divisor (0 when both are 0)", "gcd(1071, 462) → 21");
    AddScalar(r, "lcm", {t, t}, t, [](Args a, size_t n, Vector& o) {
      int64_t* res = o.i64();
      const TypeId type = o.type().id;
      ForEachValid(o, n, [&](size_t k) { res[k] = TypedLcm(a[0]->i64()[k], a[1]->i64()[k], type); });
    }, "least common multiple (0 when either is 0)", "lcm(1071, 462) → 23562");
    AddScalar(r, "to_hex", {t}, T, [](Args a, size_t n, Vector& o) {
      std::string* res = o.str();
      const bool wide = a[0]->type().id == TypeId::kInt64;
      ForEachValid(o, n, [&](size_t k) {
        // Two's complement in the argument's width: to_hex(-1) is ffffffff.
        const uint64_t bits = wide ? uint64_t(a[0]->i64()[k]) : uint64_t(uint32_t(int32_t(a[0]->i64()[k])));
        char buffer[17];
        const int len = snprintf(buffer, sizeof buffer, "%llx", static_cast<unsigned long long>(bits));
        res[k].assign(buffer, size_t(len));
      });
    }, "the number in hexadecimal", "to_hex(2147483647) → 7fffffff");
  }
  AddScalar(r, "factorial", {I8}, N, [](Args a, size_t n, Vector& o) {
    Decimal* res = o.dec();
    ForEachValid(o, n, [&](size_t k) {
      const int64_t x = a[0]->i64()[k];
      if (x < 0) throw Error(SqlState::kInvalidParameterValue, "factorial of a negative number is undefined");
      __int128 f = 1;
      for (int64_t i = 2; i <= x; ++i)
        if (__builtin_mul_overflow(f, __int128(i), &f) || f >= DecimalPow10(38))
          throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
      res[k] = Decimal{f, 0};
    });
  }, "factorial", "factorial(5) → 120");
  AddScalar(r, "width_bucket", {F8, F8, F8, I4}, I4, [](Args a, size_t n, Vector& o) {
    int64_t* res = o.i64();
    ForEachValid(o, n, [&](size_t k) { res[k] = WidthBucket(a[0]->f64()[k], a[1]->f64()[k], a[2]->f64()[k], a[3]->i64()[k]); });
  }, "bucket of the operand among count equal buckets from low to high", "width_bucket(5.35, 0.024, 10.06, 5) → 3");
  AddScalar(r, "scale", {N}, I4, [](Args a, size_t n, Vector& o) {
    int64_t* res = o.i64();
    ForEachValid(o, n, [&](size_t k) { res[k] = a[0]->dec()[k].scale; });
  }, "digits after the decimal point", "scale(8.4100) → 4");
  AddScalar(r, "min_scale", {N}, I4, [](Args a, size_t n, Vector& o) {
    int64_t* res = o.i64();
    ForEachValid(o, n, [&](size_t k) { res[k] = GroupingDecimal(a[0]->dec()[k]).scale; });
  }, "fewest digits after the decimal point that keep the value", "min_scale(8.4100) → 2");
  {
    ScalarFunction f;
    f.name = "trim_scale";
    f.arg_types = {N};
    f.return_type = N;
    f.kernel = [](Args a, size_t n, Vector& o) {
      Decimal* res = o.dec();
      ForEachValid(o, n, [&](size_t k) { res[k] = GroupingDecimal(a[0]->dec()[k]); });
    };
    f.infer_return = [](const std::vector<LogicalType>&) { return LogicalType(TypeId::kNumeric); };  // no typmod
    f.description = "the value without trailing fractional zeros";
    f.example = "trim_scale(8.4100) → 8.41";
    r.AddScalar(f);
  }
  AddScalar(r, "sinh", {F8}, F8, UnaryDouble<Sinh>, "hyperbolic sine", "sinh(1) → 1.1752011936438014");
  AddScalar(r, "cosh", {F8}, F8, UnaryDouble<Cosh>, "hyperbolic cosine", "cosh(0) → 1");
  AddScalar(r, "tanh", {F8}, F8, UnaryDouble<Tanh>, "hyperbolic tangent", "tanh(0) → 0");
  AddScalar(r, "asinh", {F8}, F8, UnaryDouble<Asinh>, "inverse hyperbolic sine", "asinh(1) → 0.881373587019543");
  AddScalar(r, "acosh", {F8}, F8, UnaryDouble<CheckedAcosh>, "inverse hyperbolic cosine", "acosh(1) → 0");
  AddScalar(r, "atanh", {F8}, F8, UnaryDouble<CheckedAtanh>, "inverse hyperbolic tangent", "atanh(0.5) → 0.5493061443340548");
  r.AddAlias("|/", "sqrt");
  r.AddAlias("||/", "cbrt");
  r.AddAlias("@", "abs");
}

}  // namespace yunhe
