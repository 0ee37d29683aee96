#include "exec/compact_agg_state.h"

#include <type_traits>

#include "common/decimal.h"
#include "common/status.h"
#include "functions/kernel_util.h"

namespace yunhe {

bool CompactAggStates::Applies(const BoundAggregate& agg) {
  const AggKind kind = agg.function->kind;
  if (!agg.order_by.empty() || agg.function->ordered_set) return false;
  if (kind == AggKind::kCountStar) return true;
  if (agg.distinct || agg.args.size() != 1) return false;
  const LogicalType& t = agg.args[0]->type;
  const bool floats = t.id == TypeId::kFloat32 || t.id == TypeId::kFloat64;
  switch (kind) {
    case AggKind::kCount: return true;  // reads only the NULL flags
    case AggKind::kSum:
    case AggKind::kAvg: return t.IsInteger() || floats || t.id == TypeId::kNumeric;
    case AggKind::kMin:
    case AggKind::kMax:
      // Integer-like columns (integers, bool, dates, times, timestamps) order as their int64.
      return floats || t.id == TypeId::kNumeric || (t.physical() == PhysicalType::kI64 && t.id != TypeId::kNull);
    default: return false;
  }
}

CompactAggStates::CompactAggStates(const BoundAggregate& agg)
    : agg_(&agg), kind_(agg.function->kind),
      ints_(!agg.args.empty() && agg.args[0]->type.physical() == PhysicalType::kI64),
      decimals_(!agg.args.empty() && agg.args[0]->type.physical() == PhysicalType::kDec) {}

namespace {

// Three-way order of integer-like values and of floats (NaN above every other, as PostgreSQL).
inline int Order(int64_t a, int64_t b) { return a < b ? -1 : a > b ? 1 : 0; }
inline int Order(double a, double b) { return CompareDouble(a, b); }

// x * 10^up, 22003 when it does not fit (as DecimalAdd's alignment).
__int128 ScaledUp(__int128 x, int up) {
  __int128 r;
  if (up == 0) return x;
  if (__builtin_mul_overflow(x, DecimalPow10(up), &r)) throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
  return r;
}

// Adds a numeric (v at scale vs) to a running sum (sum at scale *ss) at the larger scale.
void AddDecimal(__int128& sum, int64_t* ss, __int128 v, int vs) {
  if (vs > *ss) {
    sum = ScaledUp(sum, int(vs - *ss));
    *ss = vs;
  } else if (vs < *ss) {
    v = ScaledUp(v, int(*ss - vs));
  }
  if (__builtin_add_overflow(sum, v, &sum)) throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
}

}  // namespace

// Calls fn(slot of the row's group, value) for every non-NULL row; T is the argument's array type.
template <typename T, typename Fn>
void CompactAggStates::ForValues(const uint32_t* rows, const uint32_t* groups, size_t n, const Vector& arg, Fn fn) {
  const uint8_t* nulls = arg.nulls();
  const T* x;
  if constexpr (std::is_same_v<T, int64_t>) x = arg.i64();
  else x = arg.f64();
  Slot* s = slots_.data();
  for (size_t k = 0; k < n; ++k) {
    const uint32_t r = rows[k];
    if (!nulls[r]) fn(s[groups[k]], x[r]);
  }
}

template <typename T>
void CompactAggStates::UpdateTyped(const uint32_t* rows, const uint32_t* groups, size_t n, const Vector& arg) {
  if (kind_ == AggKind::kSum || kind_ == AggKind::kAvg) {
    // One by one in row order, as the general path adds floats (same rounding).
    ForValues<T>(rows, groups, n, arg, [](Slot& s, T v) {
      ++s.count;
      s.template Sum<T>() += v;
    });
    return;
  }
  const int want = kind_ == AggKind::kMin ? -1 : 1;
  ForValues<T>(rows, groups, n, arg, [want](Slot& s, T v) {
    if (s.count++ == 0 || Order(v, s.template Best<T>()) == want) s.template Best<T>() = v;
  });
}

// Numerics: the sum (or min/max's best) in isum at the scale in i.
void CompactAggStates::UpdateDecimal(const uint32_t* rows, const uint32_t* groups, size_t n, const Vector& arg) {
  const uint8_t* nulls = arg.nulls();
  const Decimal* x = arg.dec();
  Slot* slots = slots_.data();
  if (kind_ == AggKind::kSum || kind_ == AggKind::kAvg) {
    for (size_t k = 0; k < n; ++k) {
      const uint32_t r = rows[k];
      if (nulls[r]) continue;
      Slot& s = slots[groups[k]];
      if (s.count++ == 0) {
        s.isum = x[r].v;
        s.i = x[r].scale;
      } else if (x[r].scale == s.i) {  // the common case: a numeric(p,s) column
        if (__builtin_add_overflow(s.isum, x[r].v, &s.isum))
          throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
      } else {
        AddDecimal(s.isum, &s.i, x[r].v, x[r].scale);
      }
    }
    return;
  }
  const int want = kind_ == AggKind::kMin ? -1 : 1;
  for (size_t k = 0; k < n; ++k) {
    const uint32_t r = rows[k];
    if (nulls[r]) continue;
    Slot& s = slots[groups[k]];
    const int order = s.count++ == 0 ? want
                    : x[r].scale == s.i ? (x[r].v < s.isum ? -1 : x[r].v > s.isum ? 1 : 0)
                                        : DecimalCompare(x[r], Decimal{s.isum, int32_t(s.i)});
    if (order == want) {
      s.isum = x[r].v;
      s.i = x[r].scale;
    }
  }
}

void CompactAggStates::Update(const uint32_t* rows, const uint32_t* groups, size_t n, const Vector* arg) {
  Slot* s = slots_.data();
  switch (kind_) {
    case AggKind::kCountStar:
      for (size_t k = 0; k < n; ++k) ++s[groups[k]].count;
      return;
    case AggKind::kCount: {
      const uint8_t* nulls = arg->nulls();
      for (size_t k = 0; k < n; ++k) s[groups[k]].count += !nulls[rows[k]];
      return;
    }
    case AggKind::kSum:
    case AggKind::kAvg:
    case AggKind::kMin:
    case AggKind::kMax:
      if (decimals_) UpdateDecimal(rows, groups, n, *arg);
      else if (ints_) UpdateTyped<int64_t>(rows, groups, n, *arg);
      else UpdateTyped<double>(rows, groups, n, *arg);
      return;
    default: return;  // Applies() admits nothing else
  }
}

void CompactAggStates::Combine(size_t into, const CompactAggStates& other, size_t from) {
  Slot& a = slots_[into];
  const Slot& b = other.slots_[from];
  if (b.count == 0) return;
  if (decimals_) {
    if (a.count == 0) {
      a = b;
    } else if (kind_ == AggKind::kMin || kind_ == AggKind::kMax) {
      const int want = kind_ == AggKind::kMin ? -1 : 1;
      if (DecimalCompare(Decimal{b.isum, int32_t(b.i)}, Decimal{a.isum, int32_t(a.i)}) == want) {
        a.isum = b.isum;
        a.i = b.i;
      }
      a.count += b.count;
    } else {
      AddDecimal(a.isum, &a.i, b.isum, int(b.i));
      a.count += b.count;
    }
    return;
  }
  if (kind_ == AggKind::kMin || kind_ == AggKind::kMax) {
    const int want = kind_ == AggKind::kMin ? -1 : 1;
    const bool take = a.count == 0 || (ints_ ? Order(b.i, a.i) : Order(b.f, a.f)) == want;
    if (take && ints_) a.i = b.i;
    if (take && !ints_) a.f = b.f;
    a.count += b.count;
    return;
  }
  a.count += b.count;
  a.isum += b.isum;
  if (!ints_) a.f += b.f;
}

AggState CompactAggStates::Materialize(size_t g) const {
  const Slot& slot = slots_[g];
  AggState s;
  if (decimals_) {
    const Decimal d{slot.isum, int32_t(slot.i)};
    if (kind_ == AggKind::kMin || kind_ == AggKind::kMax) {
      s.has_value = slot.count > 0;
      if (s.has_value) s.best = Value::Numeric(d);
      if (s.has_value) s.best.type = agg_->arg_type;
    } else {
      s.count = slot.count;
      if (slot.count > 0) s.dsum = d;
    }
    return s;
  }
  if (kind_ == AggKind::kMin || kind_ == AggKind::kMax) {
    s.has_value = slot.count > 0;
    if (s.has_value) {
      s.best.type = agg_->arg_type;
      s.best.is_null = false;
      if (ints_) s.best.i = slot.i;
      else s.best.f = slot.f;
    }
    return s;
  }
  s.count = slot.count;
  s.isum = slot.isum;
  if (!ints_) s.fsum = slot.f;
  return s;
}

}  // namespace yunhe
