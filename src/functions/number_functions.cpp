// More of PostgreSQL's "Mathematical Functions and Operators": gcd, lcm, factorial, to_hex,
// width_bucket, scale / min_scale / trim_scale, the hyperbolic functions, and the prefix
// operators |/ (square root), ||/ (cube root) and @ (absolute value).
#include <algorithm>
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

long double ToLongDouble(const Decimal& d) { return static_cast<long double>(d.v) / powl(10.0L, d.scale); }

// Decimal digits before the first significant one, as a weight: 123.4 -> 2, 0.05 -> -2 (0 for 0).
int DecimalWeight(const Decimal& d) {
  if (d.v == 0) return 0;
  int digits = 0;
  for (__int128 m = d.v < 0 ? -d.v : d.v; m > 0; m /= 10) ++digits;
  return digits - d.scale - 1;
}

void CheckLogArgument(const Decimal& x) {
  if (x.v == 0) throw Error(SqlState::kInvalidArgumentForLog, "cannot take logarithm of zero");
  if (x.v < 0) throw Error(SqlState::kInvalidArgumentForLog, "cannot take logarithm of a negative number");
}

// PostgreSQL's estimate of the decimal weight of ln(x): near 1 that of x - 1, else of a double's
// ln(x), truncated toward zero.
int LnWeight(const Decimal& x) {
  const Decimal nine{9, 1}, eleven{11, 1};
  if (DecimalCompare(x, nine) >= 0 && DecimalCompare(x, eleven) <= 0) return DecimalWeight(DecimalSub(x, Decimal{1, 0}));
  // Only the weight is estimated (as PostgreSQL's estimate_ln_dweight does, in double); the value
  // itself is computed in long double by LnOf.
  return int(std::log10(std::fabs(std::log(DecimalToDouble(x)))));
}

// v rounded to `scale` digits after the point (half away from zero), as numeric; the scale shrinks
// where the 38 digits this numeric holds would not reach (long double carries ~19 significant
// digits: beyond them PostgreSQL's exact digits may differ).
Decimal LongDoubleToDecimal(long double v, int scale) {
  scale = std::clamp(scale, 0, 38);
  while (scale > 0 && fabsl(v) * powl(10.0L, scale) >= 1e37L) --scale;
  if (fabsl(v) >= 1e37L) throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
  return Decimal{static_cast<__int128>(roundl(v * powl(10.0L, scale))), scale};
}

// ln(x) in long double; near 1 from x - 1 (exact as a numeric), where ln(x) itself would lose
// the digits that tell 1.0001 from 1.
long double LnOf(const Decimal& x) {
  const Decimal nine{9, 1}, eleven{11, 1};
  if (DecimalCompare(x, nine) >= 0 && DecimalCompare(x, eleven) <= 0) return log1pl(ToLongDouble(DecimalSub(x, Decimal{1, 0})));
  return logl(ToLongDouble(x));
}

// log(base, x) on numerics with PostgreSQL's result scale: at least 16 significant digits and no
// fewer decimals than either argument.
Decimal NumericLog(const Decimal& base, const Decimal& x) {
  CheckLogArgument(base);
  CheckLogArgument(x);
  const long double ln_base = LnOf(base);
  if (ln_base == 0) throw Error(SqlState::kDivisionByZero, "division by zero");
  const int scale = std::max({16 - (LnWeight(x) - LnWeight(base)), int(base.scale), int(x.scale), 0});
  return LongDoubleToDecimal(LnOf(x) / ln_base, scale);
}

// ln, log10, exp and sqrt of numerics with PostgreSQL's result scales (numeric.c): at least 16
// significant digits by an estimate of the result's first digit, and no fewer decimals than
// the argument.
Decimal NumericLn(const Decimal& x) {
  CheckLogArgument(x);
  return LongDoubleToDecimal(LnOf(x), std::max({16 - LnWeight(x), int(x.scale), 0}));
}

Decimal NumericLog10(const Decimal& x) {
  CheckLogArgument(x);
  return LongDoubleToDecimal(LnOf(x) / logl(10.0L), std::max({16 - LnWeight(x), int(x.scale), 0}));
}

Decimal NumericExp(const Decimal& x) {
  const double v = DecimalToDouble(x);  // for the range check and the scale estimate only
  if (std::fabs(v) > 3000) throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
  const int weight = int(v * 0.434294481903252);  // decimal weight of the result
  return LongDoubleToDecimal(expl(ToLongDouble(x)), std::max({16 - weight, int(x.scale), 0}));
}

Decimal NumericSqrt(const Decimal& x) {
  if (x.v < 0) throw Error(SqlState::kInvalidArgumentForPowerFunction, "cannot take square root of a negative number");
  // PostgreSQL estimates the result's weight from the argument's in base-10000 digits.
  const int w = DecimalWeight(x), base_weight = w >= 0 ? w / 4 : -((-w + 3) / 4);
  const int root_weight = (base_weight + 1) * 4 / 2 - 1;
  int scale = std::max({16 - root_weight, int(x.scale), 0});
  scale = std::min(scale, 38 - std::max(0, w / 2 + 1));  // the 38 digits this numeric holds
  return DecimalSqrt(x, scale);
}

template <Decimal (*Fn)(const Decimal&)>
void NumericKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) { o.dec()[k] = Fn(a[0]->dec()[k]); });
}

}  // namespace

void RegisterNumberFunctions(FunctionRegistry& r) {
  const TypeId F8 = TypeId::kFloat64, N = TypeId::kNumeric, I4 = TypeId::kInt32, I8 = TypeId::kInt64, T = TypeId::kText;
  {
    // Numeric in, numeric out (float8 in, float8 out stays in math_functions.cpp).
    struct Unary {
      const char* name;
      ScalarKernel kernel;
      const char* description;
      const char* example;
    };
    for (const Unary& u : {Unary{"ln", NumericKernel<NumericLn>, "natural logarithm", "ln(2.0) → 0.6931471805599453"},
                           {"log", NumericKernel<NumericLog10>, "base 10 logarithm", "log(100.0) → 2.0000000000000000"},
                           {"log10", NumericKernel<NumericLog10>, "base 10 logarithm", "log10(1000.0) → 3.0000000000000000"},
                           {"exp", NumericKernel<NumericExp>, "exponential", "exp(1.0) → 2.7182818284590452"},
                           {"sqrt", NumericKernel<NumericSqrt>, "square root", "sqrt(2.0) → 1.414213562373095"}}) {
      ScalarFunction f;
      f.name = u.name;
      f.arg_types = {N};
      f.return_type = N;
      f.kernel = u.kernel;
      f.infer_return = [](const std::vector<LogicalType>&) { return LogicalType(TypeId::kNumeric); };
      f.description = u.description;
      f.example = u.example;
      r.AddScalar(f);
    }
  }
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
  {
    ScalarFunction f;
    f.name = "log";
    f.arg_types = {N, N};
    f.return_type = N;
    f.kernel = [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.dec()[k] = NumericLog(a[0]->dec()[k], a[1]->dec()[k]); });
    };
    f.infer_return = [](const std::vector<LogicalType>&) { return LogicalType(TypeId::kNumeric); };
    f.description = "logarithm of x to base b";
    f.example = "log(2.0, 64.0) → 6.0000000000000000";
    r.AddScalar(f);
    f.name = "div";
    f.kernel = [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        const Decimal& y = a[1]->dec()[k];
        if (y.v == 0) ThrowDivisionByZero();
        // The quotient truncated toward zero, scale 0.
        const Decimal q = DecimalDiv(a[0]->dec()[k], y);
        o.dec()[k] = Decimal{q.v / DecimalPow10(q.scale), 0};
      });
    };
    f.description = "integer quotient of y / x (truncated toward zero)";
    f.example = "div(9, 4) → 2";
    r.AddScalar(f);
  }
  for (const char* name : {"num_nulls", "num_nonnulls"}) {
    ScalarFunction f;
    f.name = name;
    f.arg_types = {TypeId::kNull};
    f.variadic = true;
    f.strict = false;
    f.return_type = I4;
    const bool nulls = std::string(name) == "num_nulls";
    f.kernel = nulls ? +[](Args a, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) {
        int64_t c = 0;
        for (const Vector* v : a) c += v->IsNull(k);
        o.SetValue(k, Value::Int(c, TypeId::kInt32));
      }
    } : +[](Args a, size_t n, Vector& o) {
      for (size_t k = 0; k < n; ++k) {
        int64_t c = 0;
        for (const Vector* v : a) c += !v->IsNull(k);
        o.SetValue(k, Value::Int(c, TypeId::kInt32));
      }
    };
    f.description = nulls ? "number of NULL arguments" : "number of non-NULL arguments";
    f.example = nulls ? "num_nulls(1, NULL, 2) → 1" : "num_nonnulls(1, NULL, 2) → 2";
    r.AddScalar(f);
  }
  r.AddAlias("|/", "sqrt");
  r.AddAlias("||/", "cbrt");
  r.AddAlias("@", "abs");
}

}  // namespace yunhe
