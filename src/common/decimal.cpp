#include "common/decimal.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <charconv>
#include <cstdio>

#include "common/status.h"

namespace yunhe {
namespace {

using i128 = __int128;
constexpr int kMaxDigits = 38;

using u128 = unsigned __int128;

// 10^n for n in [0, 38] from a table (this sits in per-row paths: avg, division).
i128 Pow10(int n) {
  static const auto table = [] {
    std::array<i128, kMaxDigits + 1> t{};
    t[0] = 1;
    for (int k = 1; k <= kMaxDigits; ++k) t[k] = t[k - 1] * 10;
    return t;
  }();
  if (n >= 0 && n <= kMaxDigits) return table[size_t(n)];
  i128 r = 1;
  for (int k = 0; k < n; ++k) r *= 10;
  return r;
}

// Decimal digits of a (1 for 0).
int DigitCount(u128 a) {
  int n = 1;
  while (n <= kMaxDigits && a >= u128(Pow10(n))) ++n;
  return n;
}

[[noreturn]] void Overflow() {
  throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
}

i128 MulChecked(i128 a, i128 b) {
  i128 r;
  if (__builtin_mul_overflow(a, b, &r)) Overflow();
  return r;
}

// Brings both operands to the larger scale.
void Align(const Decimal& a, const Decimal& b, i128* av, i128* bv, int* scale) {
  *scale = std::max(a.scale, b.scale);
  *av = MulChecked(a.v, Pow10(*scale - a.scale));
  *bv = MulChecked(b.v, Pow10(*scale - b.scale));
}

std::string DigitsOf(i128 v) {
  if (v == 0) return "0";
  std::string s;
  bool neg = v < 0;
  // Work with negative numbers so the minimum value does not overflow.
  if (!neg) v = -v;
  while (v != 0) {
    s.push_back(char('0' - int(v % 10)));
    v /= 10;
  }
  if (neg) s.push_back('-');
  return std::string(s.rbegin(), s.rend());
}

// PostgreSQL's base-10000 weight and leading digit group of |d|, used for the division scale:
// the digits of |d| are grouped by four from the decimal point; weight is the position of the
// first non-zero group (0 = units group, -1 = first group after the point), first_group its value.
void Base10000Lead(const Decimal& d, int* weight, int* first_group) {
  if (d.v == 0) {
    *weight = 0;
    *first_group = 0;
    return;
  }
  const u128 a = d.v < 0 ? u128(0) - u128(d.v) : u128(d.v);
  const int digits = DigitCount(a);
  const int int_digits = digits - d.scale;
  if (int_digits > 0) {
    *weight = (int_digits - 1) / 4;
    const int lead_len = int_digits - 4 * *weight;  // 1..4 digits in the first group
    *first_group = int(a / u128(Pow10(digits - lead_len)));
    return;
  }
  // |d| < 1: `leading_zeros` zeros after the point, then the digits of a.
  const int leading_zeros = -int_digits;
  *weight = -(leading_zeros / 4 + 1);
  const int group_start = 4 * (-*weight - 1) + 1;  // 1-based position after the point
  // The four fraction digits from group_start: floor(a * 10^shift) mod 10^4.
  const int shift = group_start + 3 - (leading_zeros + digits);
  const u128 x = shift >= 0 ? a * u128(Pow10(shift)) : a / u128(Pow10(-shift));
  *first_group = int(x % 10000);
}

// Divides and rounds half away from zero.
i128 DivRound(i128 num, i128 den) {
  i128 q = num / den, r = num % den;
  i128 r2 = r < 0 ? -r : r, d2 = den < 0 ? -den : den;
  if (2 * r2 >= d2) q += ((num < 0) != (den < 0)) ? -1 : 1;
  return q;
}

}  // namespace

bool ParseDecimal(const std::string& text, Decimal* out) {
  size_t p = 0, n = text.size();
  while (p < n && isspace((unsigned char)text[p])) ++p;
  while (n > p && isspace((unsigned char)text[n - 1])) --n;
  bool neg = false;
  if (p < n && (text[p] == '+' || text[p] == '-')) neg = text[p++] == '-';
  i128 v = 0;
  int scale = 0, digits = 0;
  bool any = false, dot = false;
  for (; p < n; ++p) {
    char c = text[p];
    if (c >= '0' && c <= '9') {
      any = true;
      if (v == 0 && c == '0' && !dot) continue;
      if (++digits > kMaxDigits) return false;
      v = v * 10 + (c - '0');
      if (dot) ++scale;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  if (p < n && (text[p] == 'e' || text[p] == 'E')) {
    int exp = 0;
    auto [ptr, ec] = std::from_chars(text.data() + p + 1 + (text[p + 1] == '+'), text.data() + n, exp);
    if (ec != std::errc() || ptr != text.data() + n) return false;
    scale -= exp;
    if (scale < 0) {
      if (digits - scale > kMaxDigits) return false;
      v *= Pow10(-scale);
      scale = 0;
    }
    p = n;
  }
  if (p != n) return false;
  out->v = neg ? -v : v;
  out->scale = scale;
  return true;
}

std::string FormatDecimal(const Decimal& d) {
  bool neg = d.v < 0;
  std::string digits = DigitsOf(neg ? -d.v : d.v);
  std::string out = neg ? "-" : "";
  if (d.scale <= 0) return out + digits;
  const size_t scale = size_t(d.scale);
  if (digits.size() <= scale) {
    out += "0.";
    out.append(scale - digits.size(), '0');
    out += digits;
    return out;
  }
  out.append(digits, 0, digits.size() - scale);
  out.push_back('.');
  out.append(digits, digits.size() - scale, scale);
  return out;
}

Decimal DecimalFromInt(int64_t x) { return Decimal{x, 0}; }

constexpr double kPow10Double[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

__int128 DecimalPow10(int n) { return Pow10(n); }

double DecimalToDouble(const Decimal& d) {
  // Both operands exact in a double (|v| < 2^53, 10^scale for scale <= 22): one correctly
  // rounded division gives the nearest double, as the text round trip does.
  constexpr i128 kExact = i128(1) << 53;
  if (d.v > -kExact && d.v < kExact && d.scale >= 0 && d.scale <= 22) return double(int64_t(d.v)) / kPow10Double[d.scale];
  return std::strtod(FormatDecimal(d).c_str(), nullptr);
}

Decimal DecimalRescale(const Decimal& d, int scale) {
  if (scale == d.scale) return d;
  if (scale > d.scale) return Decimal{MulChecked(d.v, Pow10(scale - d.scale)), scale};
  return Decimal{DivRound(d.v, Pow10(d.scale - scale)), scale};
}

Decimal DecimalFromDouble(double x) {
  if (!std::isfinite(x)) throw Error(SqlState::kFeatureNotSupported, "cannot convert infinity or NaN to numeric");
  char buf[64];
  // PostgreSQL converts float8 -> numeric via 15 significant digits (DBL_DIG).
  snprintf(buf, sizeof buf, "%.15g", x);
  Decimal d;
  if (!ParseDecimal(buf, &d)) Overflow();
  return d;
}

int DecimalCompare(const Decimal& a, const Decimal& b) {
  auto three_way = [](i128 x, i128 y) { return x < y ? -1 : x > y ? 1 : 0; };
  if (a.scale == b.scale) return three_way(a.v, b.v);
  const int s = std::max(a.scale, b.scale);
  i128 av, bv;
  if (!__builtin_mul_overflow(a.v, Pow10(s - a.scale), &av) && !__builtin_mul_overflow(b.v, Pow10(s - b.scale), &bv))
    return three_way(av, bv);
  // Too many digits to align (123456.78 vs 0.06000...001): a comparison never overflows, so
  // compare signs, then integer parts, then the fractions (each below 10^scale, so aligned they fit).
  const int sa = three_way(a.v, 0), sb = three_way(b.v, 0);
  if (sa != sb) return three_way(sa, sb);
  const i128 ia = a.v / Pow10(a.scale), ib = b.v / Pow10(b.scale);
  if (ia != ib) return three_way(ia, ib);
  return three_way(MulChecked(a.v - ia * Pow10(a.scale), Pow10(s - a.scale)), MulChecked(b.v - ib * Pow10(b.scale), Pow10(s - b.scale)));
}

Decimal DecimalAdd(const Decimal& a, const Decimal& b) {
  i128 av, bv, r;
  int s;
  Align(a, b, &av, &bv, &s);
  if (__builtin_add_overflow(av, bv, &r)) Overflow();
  return Decimal{r, s};
}

Decimal DecimalSub(const Decimal& a, const Decimal& b) {
  i128 av, bv, r;
  int s;
  Align(a, b, &av, &bv, &s);
  if (__builtin_sub_overflow(av, bv, &r)) Overflow();
  return Decimal{r, s};
}

Decimal DecimalMul(const Decimal& a, const Decimal& b) {
  return Decimal{MulChecked(a.v, b.v), a.scale + b.scale};
}

Decimal DecimalDiv(const Decimal& a, const Decimal& b) {
  // PostgreSQL select_div_scale(): at least 16 significant digits, never fewer than either input's scale.
  int w1, f1, w2, f2;
  Base10000Lead(a, &w1, &f1);
  Base10000Lead(b, &w2, &f2);
  int qweight = w1 - w2;
  if (f1 <= f2) --qweight;
  int rscale = 16 - qweight * 4;
  rscale = std::max(rscale, std::max(a.scale, b.scale));
  rscale = std::clamp(rscale, 0, 1000);
  // result = a.v * 10^(rscale - a.scale + b.scale) / b.v
  int shift = rscale - a.scale + b.scale;
  i128 num = a.v, den = b.v;
  if (shift >= 0) num = MulChecked(num, Pow10(shift));
  else den = MulChecked(den, Pow10(-shift));
  return Decimal{DivRound(num, den), rscale};
}

Decimal DecimalMod(const Decimal& a, const Decimal& b) {
  i128 av, bv;
  int s;
  Align(a, b, &av, &bv, &s);
  return Decimal{av % bv, s};
}

bool DecimalToInt64(const Decimal& d, int64_t* out, bool round) {
  i128 v = d.scale > 0 ? (round ? DivRound(d.v, Pow10(d.scale)) : d.v / Pow10(d.scale)) : MulChecked(d.v, Pow10(-d.scale));
  if (v > INT64_MAX || v < INT64_MIN) return false;
  *out = int64_t(v);
  return true;
}

Decimal DecimalSqrt(const Decimal& d, int scale) {
  // sqrt(v * 10^-s) * 10^scale = sqrt(v * 10^(2*scale - s)); integer Newton iteration.
  int shift = 2 * scale - d.scale;
  i128 n = d.v;
  if (shift >= 0) n = MulChecked(n, Pow10(shift));
  else n /= Pow10(-shift);
  if (n <= 0) return Decimal{0, scale};
  i128 x = i128(std::sqrt(double(n)));
  if (x <= 0) x = 1;
  for (int k = 0; k < 100; ++k) {
    i128 next = (x + n / x) / 2;
    if (next == x || next == x + 1 || next + 1 == x) {
      x = next;
      break;
    }
    x = next;
  }
  while (x * x > n) --x;
  while ((x + 1) * (x + 1) <= n) ++x;
  // Round half up: compare n with (x + 0.5)^2 = x^2 + x + 0.25.
  if (n - x * x > x) ++x;
  return Decimal{x, scale};
}

int DecimalIntegerDigits(const Decimal& d) {
  i128 v = d.v < 0 ? -d.v : d.v;
  v /= Pow10(d.scale);
  int n = 0;
  while (v != 0) { v /= 10; ++n; }
  return n;
}

}  // namespace yunhe
