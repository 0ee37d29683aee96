// Exact decimal arithmetic for NUMERIC, following PostgreSQL's result-scale rules.
#pragma once
#include <string>

#include "common/value.h"

namespace yunhe {

// Parses "123.45", "-1e3", ".5"; returns false on bad syntax or more than 38 digits.
bool ParseDecimal(const std::string& text, Decimal* out);
std::string FormatDecimal(const Decimal& d);
Decimal DecimalFromInt(int64_t x);
double DecimalToDouble(const Decimal& d);
// Rounds half away from zero to `scale` digits, as numeric(p,s) input does.
Decimal DecimalRescale(const Decimal& d, int scale);
Decimal DecimalFromDouble(double x);  // via shortest digits, like PostgreSQL's float8 -> numeric
// 10^n for 0 <= n <= 38.
__int128 DecimalPow10(int n);
int DecimalCompare(const Decimal& a, const Decimal& b);
Decimal DecimalAdd(const Decimal& a, const Decimal& b);
Decimal DecimalSub(const Decimal& a, const Decimal& b);
Decimal DecimalMul(const Decimal& a, const Decimal& b);
Decimal DecimalDiv(const Decimal& a, const Decimal& b);  // caller checks b != 0
Decimal DecimalMod(const Decimal& a, const Decimal& b);
// Integer part, truncating toward zero; false when it does not fit in int64.
bool DecimalToInt64(const Decimal& d, int64_t* out, bool round);
// Number of digits before the decimal point (for numeric(p,s) overflow checks).
int DecimalIntegerDigits(const Decimal& d);
// Square root rounded to `scale` digits; d must not be negative.
Decimal DecimalSqrt(const Decimal& d, int scale);

}  // namespace yunhe
