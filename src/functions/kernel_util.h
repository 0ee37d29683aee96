// Helpers shared by scalar kernels: overflow-checked integer math and a per-row loop that skips
// NULL rows (the null mask of `out` is prepared by the evaluator for strict functions).
#pragma once
#include <fmt/format.h>

#include "common/status.h"
#include "common/vector.h"

namespace yunhe {

[[noreturn]] inline void ThrowIntOutOfRange(TypeId t) {
  const char* name = t == TypeId::kInt16 ? "smallint" : t == TypeId::kInt32 ? "integer" : "bigint";
  throw Error(SqlState::kNumericValueOutOfRange, fmt::format("{} out of range", name));
}

inline int64_t CheckIntResult(int64_t v, bool overflowed, TypeId t) {
  if (overflowed) ThrowIntOutOfRange(t);
  if (t == TypeId::kInt16 && (v < INT16_MIN || v > INT16_MAX)) ThrowIntOutOfRange(t);
  if (t == TypeId::kInt32 && (v < INT32_MIN || v > INT32_MAX)) ThrowIntOutOfRange(t);
  return v;
}

[[noreturn]] inline void ThrowDivisionByZero() { throw Error(SqlState::kDivisionByZero, "division by zero"); }

// Calls fn(row) for every row that is not NULL in out.
template <typename Fn>
inline void ForEachValid(const Vector& out, size_t count, Fn&& fn) {
  const uint8_t* nulls = out.nulls();
  for (size_t row = 0; row < count; ++row) {
    if (!nulls[row]) fn(row);
  }
}

// The kernel of a float8 -> float8 function: Fn on every non-NULL row.
template <double (*Fn)(double)>
void UnaryDouble(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  double* o = out.f64();
  ForEachValid(out, count, [&](size_t r) { o[r] = Fn(args[0]->f64()[r]); });
}

// Three-way comparison of two non-NULL cells of the same physical type (C collation for text,
// NaN above every other float, as PostgreSQL orders them).
int CompareCells(const Vector& a, size_t ra, const Vector& b, size_t rb);
// Three-way comparison of two floats as PostgreSQL orders them: NaN above every other value
// and equal to itself.
int CompareDouble(double x, double y);
int CompareValues(const Value& a, const Value& b);
// Whether a three-way result satisfies a comparison operator (=, <>, !=, <, <=, >, >=).
bool SatisfiesComparison(const std::string& op, int c);

}  // namespace yunhe
