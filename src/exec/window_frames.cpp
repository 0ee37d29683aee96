#include "exec/window_frames.h"

#include <bit>

namespace yunhe {

namespace {
bool IntLike(TypeId t) { return t == TypeId::kInt16 || t == TypeId::kInt32 || t == TypeId::kInt64; }
bool Orderable(const LogicalType& t) {
  return IntLike(t.id) || t.id == TypeId::kFloat32 || t.id == TypeId::kFloat64 || t.id == TypeId::kDate ||
         t.id == TypeId::kTimestamp || t.id == TypeId::kTimestampTz;
}
}  // namespace

bool FrameAggregator::Supports(const BoundAggregate& agg) {
  if (!agg.order_by.empty() || agg.distinct || agg.function->ordered_set) return false;
  switch (agg.function->kind) {
    case AggKind::kCountStar:
    case AggKind::kCount: return true;
    case AggKind::kSum:
    case AggKind::kAvg: return IntLike(agg.arg_type.id) || agg.arg_type.id == TypeId::kFloat64 || agg.arg_type.id == TypeId::kFloat32;
    case AggKind::kMin:
    case AggKind::kMax: return Orderable(agg.arg_type);
    default: return false;
  }
}

FrameAggregator::FrameAggregator(const BoundAggregate& agg, const Vector* arg, const uint32_t* rows, size_t n,
                                 const std::vector<uint8_t>& keep)
    : kind_(agg.function->kind), type_(agg.arg_type) {
  valid_.assign(n, 0);
  count_prefix_.assign(n + 1, 0);
  for (size_t k = 0; k < n; ++k) {
    const uint32_t r = rows[k];
    const bool kept = keep.empty() || keep[r];
    valid_[k] = kept && (kind_ == AggKind::kCountStar || !arg->IsNull(r));
    count_prefix_[k + 1] = count_prefix_[k] + valid_[k];
  }
  if (kind_ == AggKind::kCountStar || kind_ == AggKind::kCount) return;
  physical_ = arg->type().physical();
  if (kind_ == AggKind::kSum || kind_ == AggKind::kAvg) {
    if (physical_ == PhysicalType::kI64) {
      sum_prefix_.assign(n + 1, 0);
      for (size_t k = 0; k < n; ++k) sum_prefix_[k + 1] = sum_prefix_[k] + (valid_[k] ? arg->i64()[rows[k]] : 0);
    } else {
      fvals_.resize(n);
      for (size_t k = 0; k < n; ++k) fvals_[k] = valid_[k] ? arg->f64()[rows[k]] : 0;
    }
    return;
  }
  // min / max: values as order-preserving int64, then a sparse table of best positions.
  ivals_.resize(n);
  for (size_t k = 0; k < n; ++k) {
    if (!valid_[k]) continue;
    if (physical_ == PhysicalType::kF64) {
      int64_t bits = std::bit_cast<int64_t>(arg->f64()[rows[k]]);
      ivals_[k] = bits >= 0 ? bits : bits ^ INT64_MAX;
    } else {
      ivals_[k] = arg->i64()[rows[k]];
    }
  }
  best_.emplace_back(n);
  for (size_t k = 0; k < n; ++k) best_[0][k] = valid_[k] ? int64_t(k) : -1;
  for (size_t j = 1; (size_t(1) << j) <= n; ++j) {
    const size_t half = size_t(1) << (j - 1);
    std::vector<int64_t> level(n - (size_t(1) << j) + 1);
    for (size_t k = 0; k < level.size(); ++k) level[k] = Better(best_[j - 1][k], best_[j - 1][k + half]);
    best_.push_back(std::move(level));
  }
}

int64_t FrameAggregator::Better(int64_t a, int64_t b) const {
  if (a < 0) return b;
  if (b < 0) return a;
  // On ties keep the earlier position (either is the same value).
  if (kind_ == AggKind::kMin) return ivals_[b] < ivals_[a] ? b : a;
  return ivals_[b] > ivals_[a] ? b : a;
}

void FrameAggregator::Frame(size_t fs, size_t fe, AggState& s) const {
  // Only the fields this aggregator's kinds read are reset: the caller reuses one state.
  s.count = 0;
  s.isum = 0;
  s.fsum = 0;
  s.has_value = false;
  if (fe <= fs) return;
  s.count = count_prefix_[fe] - count_prefix_[fs];
  switch (kind_) {
    case AggKind::kCountStar:
    case AggKind::kCount: return;
    case AggKind::kSum:
    case AggKind::kAvg:
      if (!sum_prefix_.empty()) {
        s.isum = sum_prefix_[fe] - sum_prefix_[fs];
      } else {
        double sum = 0;
        for (size_t k = fs; k < fe; ++k)
          if (valid_[k]) sum += fvals_[k];
        s.fsum = sum;
      }
      return;
    default: break;
  }
  if (s.count == 0) return;
  const size_t j = size_t(std::bit_width(fe - fs)) - 1;
  const int64_t pos = Better(best_[j][fs], best_[j][fe - (size_t(1) << j)]);
  if (pos < 0) return;
  int64_t v = ivals_[size_t(pos)];
  s.has_value = true;
  if (physical_ == PhysicalType::kF64) {
    s.best = Value::Float(std::bit_cast<double>(v >= 0 ? v : v ^ INT64_MAX), type_.id);
  } else {
    s.best = Value::Int(v, type_.id);
    s.best.type = type_;
  }
  return;
}

}  // namespace yunhe
