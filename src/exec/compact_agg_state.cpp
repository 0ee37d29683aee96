#include "exec/compact_agg_state.h"

#include <cmath>

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
    case AggKind::kAvg: return t.IsInteger() || floats;
    case AggKind::kMin:
    case AggKind::kMax:
      // Integer-like columns (integers, bool, dates, times, timestamps) order as their int64.
      return floats || (t.physical() == PhysicalType::kI64 && t.id != TypeId::kNull);
    default: return false;
  }
}

CompactAggStates::CompactAggStates(const BoundAggregate& agg)
    : agg_(&agg), kind_(agg.function->kind),
      ints_(!agg.args.empty() && agg.args[0]->type.physical() == PhysicalType::kI64) {}

namespace {

// PostgreSQL orders NaN above every other float (and equal to itself).
inline int CompareFloat(double a, double b) {
  if (std::isnan(a)) return std::isnan(b) ? 0 : 1;
  if (std::isnan(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

}  // namespace

void CompactAggStates::Update(const uint32_t* rows, const uint32_t* groups, size_t n, const Vector* arg) {
  Slot* s = slots_.data();
  if (kind_ == AggKind::kCountStar) {
    for (size_t k = 0; k < n; ++k) ++s[groups[k]].count;
    return;
  }
  const uint8_t* nulls = arg->nulls();
  switch (kind_) {
    case AggKind::kCount:
      for (size_t k = 0; k < n; ++k) s[groups[k]].count += !nulls[rows[k]];
      return;
    case AggKind::kSum:
    case AggKind::kAvg:
      if (ints_) {
        const int64_t* x = arg->i64();
        for (size_t k = 0; k < n; ++k) {
          const uint32_t r = rows[k];
          if (nulls[r]) continue;
          Slot& slot = s[groups[k]];
          ++slot.count;
          slot.isum += x[r];
        }
      } else {
        // One by one in row order, as the general path adds floats (same rounding).
        const double* x = arg->f64();
        for (size_t k = 0; k < n; ++k) {
          const uint32_t r = rows[k];
          if (nulls[r]) continue;
          Slot& slot = s[groups[k]];
          ++slot.count;
          slot.f += x[r];
        }
      }
      return;
    case AggKind::kMin:
    case AggKind::kMax: {
      const bool is_min = kind_ == AggKind::kMin;
      if (ints_) {
        const int64_t* x = arg->i64();
        for (size_t k = 0; k < n; ++k) {
          const uint32_t r = rows[k];
          if (nulls[r]) continue;
          Slot& slot = s[groups[k]];
          const int64_t v = x[r];
          if (slot.count++ == 0 || (is_min ? v < slot.i : v > slot.i)) slot.i = v;
        }
      } else {
        const double* x = arg->f64();
        for (size_t k = 0; k < n; ++k) {
          const uint32_t r = rows[k];
          if (nulls[r]) continue;
          Slot& slot = s[groups[k]];
          const double v = x[r];
          if (slot.count++ == 0) {
            slot.f = v;
            continue;
          }
          const int c = CompareFloat(v, slot.f);
          if (is_min ? c < 0 : c > 0) slot.f = v;
        }
      }
      return;
    }
    default: return;  // Applies() admits nothing else
  }
}

void CompactAggStates::Combine(size_t into, const CompactAggStates& other, size_t from) {
  Slot& a = slots_[into];
  const Slot& b = other.slots_[from];
  if (b.count == 0) return;
  if (kind_ == AggKind::kMin || kind_ == AggKind::kMax) {
    const bool is_min = kind_ == AggKind::kMin;
    const int c = a.count == 0 ? 1 : ints_ ? (b.i < a.i ? -1 : b.i > a.i ? 1 : 0) : CompareFloat(b.f, a.f);
    if (a.count == 0 || (is_min ? c < 0 : c > 0)) {
      if (ints_) a.i = b.i;
      else a.f = b.f;
    }
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
