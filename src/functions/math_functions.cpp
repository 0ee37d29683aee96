// Math functions (PostgreSQL 9.3 "Mathematical Functions and Operators").
#include <cmath>
#include <random>

#include "common/decimal.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;



double CheckedSqrt(double x) {
  if (x < 0) throw Error(SqlState::kInvalidArgumentForPowerFunction, "cannot take square root of a negative number");
  return std::sqrt(x);
}
double CheckedLn(double x) {
  if (x == 0) throw Error(SqlState::kInvalidArgumentForLog, "cannot take logarithm of zero");
  if (x < 0) throw Error(SqlState::kInvalidArgumentForLog, "cannot take logarithm of a negative number");
  return std::log(x);
}
double CheckedLog10(double x) {
  CheckedLn(x);  // its errors for zero and negatives
  return std::log10(x);  // exact at powers of ten, where ln(x) / ln(10) is not
}
double Sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
double Degrees(double x) { return x * 180.0 / M_PI; }
double Radians(double x) { return x * M_PI / 180.0; }
double Exp(double x) { return std::exp(x); }
double Round(double x) { return std::nearbyint(x); }  // rint: half to even, as PostgreSQL's float round

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  const TypeId F8 = TypeId::kFloat64, N = TypeId::kNumeric, I4 = TypeId::kInt32;
  for (TypeId t : {TypeId::kInt16, TypeId::kInt32, TypeId::kInt64}) {
    AddScalar(r, "abs", {t}, t, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t r) {
        int64_t v = a[0]->i64()[r];
        if (v < 0) {
          bool ovf = __builtin_mul_overflow(v, int64_t(-1), &v);
          v = CheckIntResult(v, ovf, o.type().id);
        }
        o.i64()[r] = v;
      });
    }, "absolute value", "abs(-17) → 17");
  }
  for (TypeId t : {TypeId::kFloat32, TypeId::kFloat64})
    AddScalar(r, "abs", {t}, t, [](Args a, size_t n, Vector& o) { ForEachValid(o, n, [&](size_t r) { o.f64()[r] = std::fabs(a[0]->f64()[r]); }); },
          "absolute value", "abs(-1.5) → 1.5");
  AddScalar(r, "abs", {N}, N, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { Decimal d = a[0]->dec()[r]; if (d.v < 0) d.v = -d.v; o.dec()[r] = d; });
  }, "absolute value", "abs(-1.50) → 1.50");
  AddScalar(r, "sqrt", {F8}, F8, UnaryDouble<CheckedSqrt>, "square root", "sqrt(2) → 1.4142135623730951");
  AddScalar(r, "cbrt", {F8}, F8, UnaryDouble<std::cbrt>, "cube root", "cbrt(27) → 3");
  AddScalar(r, "exp", {F8}, F8, UnaryDouble<Exp>, "exponential", "exp(1) → 2.718281828459045");
  AddScalar(r, "ln", {F8}, F8, UnaryDouble<CheckedLn>, "natural logarithm", "ln(2) → 0.6931471805599453");
  AddScalar(r, "log", {F8}, F8, UnaryDouble<CheckedLog10>, "base 10 logarithm", "log(100) → 2");
  AddScalar(r, "log10", {F8}, F8, UnaryDouble<CheckedLog10>, "base 10 logarithm", "log10(1000) → 3");
  AddScalar(r, "sign", {F8}, F8, UnaryDouble<Sign>, "sign of the argument", "sign(-8.4) → -1");
  AddScalar(r, "degrees", {F8}, F8, UnaryDouble<Degrees>, "radians to degrees", "degrees(0.5) → 28.64788975654116");
  AddScalar(r, "radians", {F8}, F8, UnaryDouble<Radians>, "degrees to radians", "radians(45) → 0.7853981633974483");
  AddScalar(r, "sin", {F8}, F8, UnaryDouble<std::sin>, "sine", "sin(1)");
  AddScalar(r, "cos", {F8}, F8, UnaryDouble<std::cos>, "cosine", "cos(0) → 1");
  AddScalar(r, "tan", {F8}, F8, UnaryDouble<std::tan>, "tangent", "tan(1)");
  AddScalar(r, "asin", {F8}, F8, UnaryDouble<std::asin>, "arc sine", "asin(1)");
  AddScalar(r, "acos", {F8}, F8, UnaryDouble<std::acos>, "arc cosine", "acos(1) → 0");
  AddScalar(r, "atan", {F8}, F8, UnaryDouble<std::atan>, "arc tangent", "atan(1)");
  AddScalar(r, "atan2", {F8, F8}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.f64()[r] = std::atan2(a[0]->f64()[r], a[1]->f64()[r]); });
  }, "arc tangent of y/x", "atan2(1, 0)");
  AddScalar(r, "pi", {}, F8, [](Args, size_t n, Vector& o) { for (size_t r = 0; r < n; ++r) o.f64()[r] = M_PI; },
        "π", "pi() → 3.141592653589793");
  {
    ScalarFunction f;
    f.name = "random";
    f.return_type = F8;
    f.volatile_ = true;
    f.kernel = [](Args, size_t n, Vector& o) {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      std::uniform_real_distribution<double> dist(0.0, 1.0);
      for (size_t r = 0; r < n; ++r) o.f64()[r] = dist(rng);
    };
    f.description = "random value in [0, 1)";
    f.example = "random()";
    r.AddScalar(f);
  }
  AddScalar(r, "power", {F8, F8}, F8, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      double x = a[0]->f64()[r], y = a[1]->f64()[r];
      if (x == 0 && y < 0) throw Error(SqlState::kInvalidArgumentForPowerFunction, "zero raised to a negative power is undefined");
      if (x < 0 && std::floor(y) != y) throw Error(SqlState::kInvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result");
      double p = std::pow(x, y);
      if (std::isinf(p) && std::isfinite(x) && std::isfinite(y))
        throw Error(SqlState::kNumericValueOutOfRange, "value out of range: overflow");
      o.f64()[r] = p;
    });
  }, "a raised to the power of b", "power(2, 10) → 1024");
  r.AddAlias("pow", "power");
  r.AddAlias("^", "power");
  for (auto [name, fn] : {std::pair<const char*, double (*)(double)>{"ceil", std::ceil}, {"floor", std::floor},
                          {"trunc", std::trunc}, {"round", Round}}) {
    ScalarFunction f;
    f.name = name;
    f.arg_types = {F8};
    f.return_type = F8;
    f.description = "rounding";
    f.example = std::string(name) + "(42.8)";
    if (std::string(name) == "ceil")
      f.kernel = [](Args a, size_t n, Vector& o) { ForEachValid(o, n, [&](size_t r) { o.f64()[r] = std::ceil(a[0]->f64()[r]); }); };
    else if (std::string(name) == "floor")
      f.kernel = [](Args a, size_t n, Vector& o) { ForEachValid(o, n, [&](size_t r) { o.f64()[r] = std::floor(a[0]->f64()[r]); }); };
    else if (std::string(name) == "trunc")
      f.kernel = [](Args a, size_t n, Vector& o) { ForEachValid(o, n, [&](size_t r) { o.f64()[r] = std::trunc(a[0]->f64()[r]); }); };
    else
      f.kernel = [](Args a, size_t n, Vector& o) { ForEachValid(o, n, [&](size_t r) { o.f64()[r] = Round(a[0]->f64()[r]); }); };
    r.AddScalar(f);
  }
  r.AddAlias("ceiling", "ceil");
  // numeric rounding: round(numeric, int) half away from zero, trunc(numeric, int), ceil/floor(numeric).
  {
    ScalarFunction f;
    f.name = "round";
    f.arg_types = {N, I4};
    f.return_type = N;
    f.kernel = [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t r) {
        int s = int(a[1]->i64()[r]);
        Decimal d = DecimalRescale(a[0]->dec()[r], std::max(s, 0));
        if (s < 0) {
          Decimal p{1, 0};
          for (int k = 0; k < -s; ++k) p.v *= 10;
          Decimal q = DecimalRescale(Decimal{d.v, -s}, 0);  // divide by 10^-s, rounding
          d = Decimal{q.v * p.v, 0};
        }
        o.dec()[r] = d;
      });
    };
    f.description = "round to s decimal places";
    f.example = "round(42.4382, 2) → 42.44";
    r.AddScalar(f);
    f.arg_types = {N};
    f.kernel = [](Args a, size_t n, Vector& o) { ForEachValid(o, n, [&](size_t r) { o.dec()[r] = DecimalRescale(a[0]->dec()[r], 0); }); };
    f.example = "round(42.5) → 43";
    r.AddScalar(f);
    f.name = "trunc";
    f.arg_types = {N, I4};
    f.kernel = [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t r) {
        Decimal d = a[0]->dec()[r];
        int s = std::max(0, int(a[1]->i64()[r]));
        if (d.scale > s) {
          __int128 p = 1;
          for (int k = 0; k < d.scale - s; ++k) p *= 10;
          d = Decimal{d.v / p, s};
        }
        o.dec()[r] = d;
      });
    };
    f.example = "trunc(42.4382, 2) → 42.43";
    r.AddScalar(f);
    for (const char* nm : {"ceil", "floor"}) {
      f.name = nm;
      f.arg_types = {N};
      bool is_ceil = std::string(nm) == "ceil";
      f.kernel = is_ceil ? ScalarKernel([](Args a, size_t n, Vector& o) {
        ForEachValid(o, n, [&](size_t r) {
          Decimal d = a[0]->dec()[r];
          __int128 p = 1;
          for (int k = 0; k < d.scale; ++k) p *= 10;
          __int128 q = d.v / p;
          if (d.v % p != 0 && d.v > 0) ++q;
          o.dec()[r] = Decimal{q, 0};
        });
      }) : ScalarKernel([](Args a, size_t n, Vector& o) {
        ForEachValid(o, n, [&](size_t r) {
          Decimal d = a[0]->dec()[r];
          __int128 p = 1;
          for (int k = 0; k < d.scale; ++k) p *= 10;
          __int128 q = d.v / p;
          if (d.v % p != 0 && d.v < 0) --q;
          o.dec()[r] = Decimal{q, 0};
        });
      });
      f.example = std::string(nm) + "(-42.8)";
      r.AddScalar(f);
    }
  }
  for (TypeId t : {TypeId::kInt16, TypeId::kInt32, TypeId::kInt64}) {
    AddScalar(r, "mod", {t, t}, t, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t r) {
        if (a[1]->i64()[r] == 0) ThrowDivisionByZero();
        o.i64()[r] = a[1]->i64()[r] == -1 ? 0 : a[0]->i64()[r] % a[1]->i64()[r];
      });
    }, "remainder of a/b", "mod(9, 4) → 1");
  }
  AddScalar(r, "mod", {N, N}, N, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      if (a[1]->dec()[r].v == 0) ThrowDivisionByZero();
      o.dec()[r] = DecimalMod(a[0]->dec()[r], a[1]->dec()[r]);
    });
  }, "remainder of a/b", "mod(9.5, 4) → 1.5");
}

}  // namespace yunhe
