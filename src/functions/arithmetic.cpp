// Arithmetic operators: + - * / % and unary minus on integers (and their bitwise & | # ~ << >>), floats, numeric, and the
// date/time combinations PostgreSQL defines (date + int, timestamp - interval, ...).
// Kernels take the output array once (`o`): a non-const accessor per row would pay a
// copy-on-write check each time.
#include <cmath>

#include "common/decimal.h"
#include "common/time_util.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

// ---- integers -------------------------------------------------------------
template <char Op>
void IntKernel(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  const int64_t* a = args[0]->i64();
  const int64_t* b = args[1]->i64();
  int64_t* res = out.i64();
  const TypeId t = out.type().id;
  ForEachValid(out, count, [&](size_t r) {
    int64_t v = 0;
    bool ovf = false;
    if constexpr (Op == '+') ovf = __builtin_add_overflow(a[r], b[r], &v);
    if constexpr (Op == '-') ovf = __builtin_sub_overflow(a[r], b[r], &v);
    if constexpr (Op == '*') ovf = __builtin_mul_overflow(a[r], b[r], &v);
    if constexpr (Op == '/') {
      if (b[r] == 0) ThrowDivisionByZero();
      if (b[r] == -1) ovf = __builtin_mul_overflow(a[r], int64_t(-1), &v);
      else v = a[r] / b[r];
    }
    if constexpr (Op == '%') {
      if (b[r] == 0) ThrowDivisionByZero();
      v = b[r] == -1 ? 0 : a[r] % b[r];
    }
    if constexpr (Op == '&') v = a[r] & b[r];
    if constexpr (Op == '|') v = a[r] | b[r];
    if constexpr (Op == '#') v = a[r] ^ b[r];
    res[r] = CheckIntResult(v, ovf, t);
  });
}

void IntNegate(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  const int64_t* a = args[0]->i64();
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) {
    int64_t v;
    bool ovf = __builtin_mul_overflow(a[r], int64_t(-1), &v);
    o[r] = CheckIntResult(v, ovf, out.type().id);
  });
}

// Bitwise operators (& | # ~ << >>) as PostgreSQL's int2/int4/int8 ones. Integers are held
// sign-extended in 64 bits, where and, or, xor (IntKernel) and not of two values of one type
// stay in its range. Shifts work in the type's width (smallint in int's, as C promotes it, then
// cut back), with the count taken modulo that width as x86 does for PostgreSQL's C shifts
// (1 << 33 = 2).
void BitNot(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  const int64_t* a = args[0]->i64();
  int64_t* res = out.i64();
  ForEachValid(out, count, [&](size_t r) { res[r] = ~a[r]; });
}

template <bool Left>
void ShiftKernel(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  const int64_t* a = args[0]->i64();
  const int64_t* b = args[1]->i64();
  int64_t* res = out.i64();
  const TypeId t = out.type().id;
  ForEachValid(out, count, [&](size_t r) {
    if (t == TypeId::kInt64) {
      const unsigned n = unsigned(b[r]) & 63;
      res[r] = Left ? int64_t(uint64_t(a[r]) << n) : a[r] >> n;
      return;
    }
    const unsigned n = unsigned(b[r]) & 31;
    const int32_t v = Left ? int32_t(uint32_t(int32_t(a[r])) << n) : int32_t(a[r]) >> n;
    res[r] = t == TypeId::kInt16 ? int64_t(int16_t(v)) : int64_t(v);
  });
}

// ---- floats ---------------------------------------------------------------
void CheckFloat(double v, double a, double b) {
  if (std::isinf(v) && std::isfinite(a) && std::isfinite(b))
    throw Error(SqlState::kNumericValueOutOfRange, "value out of range: overflow");
}

template <char Op>
void FloatKernel(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  const double* a = args[0]->f64();
  const double* b = args[1]->f64();
  double* res = out.f64();
  const bool single = out.type().id == TypeId::kFloat32;
  ForEachValid(out, count, [&](size_t r) {
    double v;
    if constexpr (Op == '+') v = a[r] + b[r];
    if constexpr (Op == '-') v = a[r] - b[r];
    if constexpr (Op == '*') v = a[r] * b[r];
    if constexpr (Op == '/') {
      if (b[r] == 0) ThrowDivisionByZero();
      v = a[r] / b[r];
    }
    if (single) v = float(v);
    CheckFloat(v, a[r], b[r]);
    res[r] = v;
  });
}

void FloatNegate(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) out.f64()[r] = -args[0]->f64()[r];
}

// ---- numeric --------------------------------------------------------------
// +, - and * of two numerics whose unscaled values fit 64 bits (numeric(15,2) money, TPC-H's
// `l_extendedprice * (1 - l_discount)`): 64-bit arithmetic with overflow checks, the scales
// aligned by a power of ten from a table. False when a value or the result does not fit: the
// 128-bit path then decides (and reports overflow as it always has).
template <char Op>
bool NumericIn64Bits(const Decimal& x, const Decimal& y, Decimal* out) {
  static constexpr int64_t kPow10[19] = {1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
                                         100000000LL, 1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL,
                                         10000000000000LL, 100000000000000LL, 1000000000000000LL,
                                         10000000000000000LL, 100000000000000000LL, 1000000000000000000LL};
  int64_t xv = int64_t(x.v), yv = int64_t(y.v), res;
  if (xv != x.v || yv != y.v) return false;
  if constexpr (Op == '*') {
    if (__builtin_mul_overflow(xv, yv, &res)) return false;
    *out = Decimal{res, x.scale + y.scale};
    return true;
  }
  const int32_t scale = std::max(x.scale, y.scale);
  const int32_t dx = scale - x.scale, dy = scale - y.scale;
  if (dx > 18 || dy > 18) return false;
  if ((dx && __builtin_mul_overflow(xv, kPow10[dx], &xv)) || (dy && __builtin_mul_overflow(yv, kPow10[dy], &yv))) return false;
  if (Op == '+' ? __builtin_add_overflow(xv, yv, &res) : __builtin_sub_overflow(xv, yv, &res)) return false;
  *out = Decimal{res, scale};
  return true;
}

template <char Op>
void NumericKernel(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  const Decimal* a = args[0]->dec();
  const Decimal* b = args[1]->dec();
  Decimal* o = out.dec();
  ForEachValid(out, count, [&](size_t r) {
    if constexpr (Op == '+' || Op == '-' || Op == '*')
      if (NumericIn64Bits<Op>(a[r], b[r], &o[r])) return;
    Decimal v;
    if constexpr (Op == '+') v = DecimalAdd(a[r], b[r]);
    if constexpr (Op == '-') v = DecimalSub(a[r], b[r]);
    if constexpr (Op == '*') v = DecimalMul(a[r], b[r]);
    if constexpr (Op == '/' || Op == '%') {
      if (b[r].v == 0) ThrowDivisionByZero();
      if constexpr (Op == '/') v = DecimalDiv(a[r], b[r]);
      else v = DecimalMod(a[r], b[r]);
    }
    o[r] = v;
  });
}

void NumericNegate(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Decimal* o = out.dec();
  ForEachValid(out, count, [&](size_t r) { o[r] = Decimal{-args[0]->dec()[r].v, args[0]->dec()[r].scale}; });
}

// ---- date / time ----------------------------------------------------------
void DatePlusInt(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = args[0]->i64()[r] + args[1]->i64()[r]; });
}
void IntPlusDate(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = args[0]->i64()[r] + args[1]->i64()[r]; });
}
void DateMinusInt(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = args[0]->i64()[r] - args[1]->i64()[r]; });
}
void DateMinusDate(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = args[0]->i64()[r] - args[1]->i64()[r]; });
}
void TsPlusInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddInterval(args[0]->i64()[r], args[1]->iv()[r], 1); });
}
void IntervalPlusTs(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddInterval(args[1]->i64()[r], args[0]->iv()[r], 1); });
}
void TsMinusInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddInterval(args[0]->i64()[r], args[1]->iv()[r], -1); });
}
void TzPlusInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddIntervalTz(args[0]->i64()[r], args[1]->iv()[r], 1); });
}
void IntervalPlusTz(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddIntervalTz(args[1]->i64()[r], args[0]->iv()[r], 1); });
}
void TzMinusInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddIntervalTz(args[0]->i64()[r], args[1]->iv()[r], -1); });
}
void DatePlusInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddInterval(args[0]->i64()[r] * kNsPerDay, args[1]->iv()[r], 1); });
}
void DateMinusInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = AddInterval(args[0]->i64()[r] * kNsPerDay, args[1]->iv()[r], -1); });
}
// time of day arithmetic: time ± interval wraps around midnight (only the interval's time part
// counts, as PostgreSQL), time - time is an interval of hours, date + time a timestamp.
int64_t WrapTime(int64_t ns) {
  ns %= kNsPerDay;
  return ns < 0 ? ns + kNsPerDay : ns;
}
template <int Sign>
void TimePlusInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = WrapTime(args[0]->i64()[r] + Sign * (args[1]->iv()[r].ns % kNsPerDay)); });
}
void IntervalPlusTime(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = WrapTime(args[1]->i64()[r] + args[0]->iv()[r].ns % kNsPerDay); });
}
void TimeMinusTime(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) { o[r] = Interval{0, 0, args[0]->i64()[r] - args[1]->i64()[r]}; });
}
void DatePlusTime(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = args[0]->i64()[r] * kNsPerDay + args[1]->i64()[r]; });
}
void TimePlusDate(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  int64_t* o = out.i64();
  ForEachValid(out, count, [&](size_t r) { o[r] = args[1]->i64()[r] * kNsPerDay + args[0]->i64()[r]; });
}
// timestamp - timestamp: PostgreSQL puts whole days in the day field and the rest in time.
void TsMinusTs(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) {
    int64_t diff = args[0]->i64()[r] - args[1]->i64()[r];
    Interval iv;
    iv.days = int32_t(diff / kNsPerDay);
    iv.ns = diff % kNsPerDay;
    o[r] = iv;
  });
}
template <int Sign>
void IntervalAddSub(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) {
    const Interval& a = args[0]->iv()[r];
    const Interval& b = args[1]->iv()[r];
    o[r] = Interval{a.months + Sign * b.months, a.days + Sign * b.days, a.ns + Sign * b.ns};
  });
}
void IntervalNegate(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) {
    const Interval& a = args[0]->iv()[r];
    o[r] = Interval{-a.months, -a.days, -a.ns};
  });
}
// interval * float8, with PostgreSQL's cascade of fractional months into days and days into time.
Interval ScaleInterval(const Interval& a, double f) {
  double months = a.months * f;
  int32_t whole_months = int32_t(std::trunc(months));
  double days = a.days * f + (months - whole_months) * 30;
  int32_t whole_days = int32_t(std::trunc(days));
  double ns = double(a.ns) * f + (days - whole_days) * double(kNsPerDay);
  return Interval{whole_months, whole_days, int64_t(std::llround(ns / 1000.0)) * 1000};
}
void IntervalMul(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) { o[r] = ScaleInterval(args[0]->iv()[r], args[1]->f64()[r]); });
}
void MulInterval(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) { o[r] = ScaleInterval(args[1]->iv()[r], args[0]->f64()[r]); });
}
void IntervalDiv(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  Interval* o = out.iv();
  ForEachValid(out, count, [&](size_t r) {
    if (args[1]->f64()[r] == 0) ThrowDivisionByZero();
    o[r] = ScaleInterval(args[0]->iv()[r], 1.0 / args[1]->f64()[r]);
  });
}


LogicalType NumericResult(const std::vector<LogicalType>&) { return LogicalType(TypeId::kNumeric); }

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& r) {
  for (TypeId t : {TypeId::kInt16, TypeId::kInt32, TypeId::kInt64}) {
    AddScalar(r, "+", {t, t}, t, IntKernel<'+'>, "operator", "");
    AddScalar(r, "-", {t, t}, t, IntKernel<'-'>, "operator", "");
    AddScalar(r, "*", {t, t}, t, IntKernel<'*'>, "operator", "");
    AddScalar(r, "/", {t, t}, t, IntKernel<'/'>, "operator", "");
    AddScalar(r, "%", {t, t}, t, IntKernel<'%'>, "operator", "");
    AddScalar(r, "-", {t}, t, IntNegate, "operator", "");
    AddScalar(r, "&", {t, t}, t, IntKernel<'&'>, "operator", "");
    AddScalar(r, "|", {t, t}, t, IntKernel<'|'>, "operator", "");
    AddScalar(r, "#", {t, t}, t, IntKernel<'#'>, "operator", "");
    AddScalar(r, "~", {t}, t, BitNot, "operator", "");
    AddScalar(r, "<<", {t, TypeId::kInt32}, t, ShiftKernel<true>, "operator", "");
    AddScalar(r, ">>", {t, TypeId::kInt32}, t, ShiftKernel<false>, "operator", "");
  }
  for (TypeId t : {TypeId::kFloat32, TypeId::kFloat64}) {
    AddScalar(r, "+", {t, t}, t, FloatKernel<'+'>, "operator", "");
    AddScalar(r, "-", {t, t}, t, FloatKernel<'-'>, "operator", "");
    AddScalar(r, "*", {t, t}, t, FloatKernel<'*'>, "operator", "");
    AddScalar(r, "/", {t, t}, t, FloatKernel<'/'>, "operator", "");
    AddScalar(r, "-", {t}, t, FloatNegate, "operator", "");
  }
  const TypeId N = TypeId::kNumeric;
  const std::pair<const char*, ScalarKernel> kNumericOps[] = {
      {"+", NumericKernel<'+'>}, {"-", NumericKernel<'-'>}, {"*", NumericKernel<'*'>},
      {"/", NumericKernel<'/'>}, {"%", NumericKernel<'%'>}};
  for (auto [op, k] : kNumericOps) {
    ScalarFunction f;
    f.name = op;
    f.arg_types = {N, N};
    f.return_type = N;
    f.kernel = k;
    f.infer_return = NumericResult;  // typmod of the inputs does not carry over
    r.AddScalar(f);
  }
  AddScalar(r, "-", {N}, N, NumericNegate, "operator", "");

  const TypeId D = TypeId::kDate, I = TypeId::kInt32, TS = TypeId::kTimestamp, TZ = TypeId::kTimestampTz,
               IV = TypeId::kInterval, F8 = TypeId::kFloat64;
  AddScalar(r, "+", {D, I}, D, DatePlusInt, "operator", "");
  AddScalar(r, "+", {I, D}, D, IntPlusDate, "operator", "");
  AddScalar(r, "-", {D, I}, D, DateMinusInt, "operator", "");
  AddScalar(r, "-", {D, D}, I, DateMinusDate, "operator", "");
  AddScalar(r, "+", {D, IV}, TS, DatePlusInterval, "operator", "");
  AddScalar(r, "-", {D, IV}, TS, DateMinusInterval, "operator", "");
  AddScalar(r, "+", {TS, IV}, TS, TsPlusInterval, "operator", "");
  AddScalar(r, "+", {IV, TS}, TS, IntervalPlusTs, "operator", "");
  AddScalar(r, "-", {TS, IV}, TS, TsMinusInterval, "operator", "");
  AddScalar(r, "+", {TZ, IV}, TZ, TzPlusInterval, "operator", "");
  AddScalar(r, "+", {IV, TZ}, TZ, IntervalPlusTz, "operator", "");
  AddScalar(r, "-", {TZ, IV}, TZ, TzMinusInterval, "operator", "");
  for (TypeId t : {TS, TZ}) AddScalar(r, "-", {t, t}, IV, TsMinusTs, "operator", "");
  const TypeId T = TypeId::kTime;
  AddScalar(r, "+", {T, IV}, T, TimePlusInterval<1>, "operator", "");
  AddScalar(r, "+", {IV, T}, T, IntervalPlusTime, "operator", "");
  AddScalar(r, "-", {T, IV}, T, TimePlusInterval<-1>, "operator", "");
  AddScalar(r, "-", {T, T}, IV, TimeMinusTime, "operator", "");
  AddScalar(r, "+", {D, T}, TS, DatePlusTime, "operator", "");
  AddScalar(r, "+", {T, D}, TS, TimePlusDate, "operator", "");
  AddScalar(r, "+", {IV, IV}, IV, IntervalAddSub<1>, "operator", "");
  AddScalar(r, "-", {IV, IV}, IV, IntervalAddSub<-1>, "operator", "");
  AddScalar(r, "-", {IV}, IV, IntervalNegate, "operator", "");
  AddScalar(r, "*", {IV, F8}, IV, IntervalMul, "operator", "");
  AddScalar(r, "*", {F8, IV}, IV, MulInterval, "operator", "");
  AddScalar(r, "/", {IV, F8}, IV, IntervalDiv, "operator", "");
}

}  // namespace yunhe
