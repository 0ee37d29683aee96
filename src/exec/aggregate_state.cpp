#include "exec/aggregate_state.h"

#include <utility>

#include <algorithm>
#include <cmath>
#include <map>

#include "common/row_key.h"
#include "common/status.h"
#include "exec/expression_eval.h"
#include "functions/array_value.h"
#include "functions/cast.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

bool IsIntType(const LogicalType& t) { return t.IsInteger(); }

// Sorts collected values by their ORDER BY keys (stable, NULLs last ascending as PostgreSQL).
std::vector<size_t> SortedOrder(const BoundAggregate& agg, const AggState& s) {
  std::vector<size_t> idx(s.more().values.size());
  for (size_t k = 0; k < idx.size(); ++k) idx[k] = k;
  if (agg.order_by.empty()) return idx;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    for (size_t k = 0; k < agg.order_by.size(); ++k) {
      const Value& x = s.more().sort_keys[a][k];
      const Value& y = s.more().sort_keys[b][k];
      bool desc = agg.order_desc[k];
      if (x.is_null || y.is_null) {
        if (x.is_null && y.is_null) continue;
        return agg.order_nulls_first[k] ? x.is_null : y.is_null;
      }
      int c = CompareValues(x, y);
      if (c != 0) return desc ? c > 0 : c < 0;
    }
    return false;
  });
  return idx;
}

Decimal ToDecimal(const Value& v) {
  if (v.type.id == TypeId::kNumeric) return v.d;
  return DecimalFromInt(v.i);
}

}  // namespace

std::string BoundAggregate::ToString() const {
  std::string s = function->name + "(";
  if (distinct) s += "DISTINCT ";
  for (size_t k = 0; k < args.size(); ++k) s += (k ? ", " : "") + args[k]->ToString();
  if (args.empty() && function->kind == AggKind::kCountStar) s += "*";
  return s + ")";
}

bool UngroupedFastPathApplies(const BoundAggregate& agg) {
  const AggKind kind = agg.function->kind;
  if (kind == AggKind::kCountStar) return true;
  if (agg.distinct || agg.args.size() != 1 || agg.function->ordered_set) return false;
  const LogicalType& t = agg.args[0]->type;
  const bool number = t.IsInteger() || t.id == TypeId::kFloat32 || t.id == TypeId::kFloat64;
  return number && (kind == AggKind::kCount || kind == AggKind::kSum || kind == AggKind::kAvg || kind == AggKind::kMin ||
                    kind == AggKind::kMax);
}

namespace {
// Calls fn(r) for the rows sel[0..n), or 0..n without a selection.
template <class Fn>
inline void ForRows(const uint32_t* sel, size_t n, Fn fn) {
  if (sel)
    for (size_t k = 0; k < n; ++k) fn(sel[k]);
  else
    for (size_t r = 0; r < n; ++r) fn(r);
}
}  // namespace

void UpdateUngrouped(const BoundAggregate& agg, std::vector<AggState>& states, const uint32_t* sel, size_t n,
                     const std::vector<const Vector*>& args) {
  AggState& s = states[0];
  const AggKind kind = agg.function->kind;
  if (kind == AggKind::kCountStar) {
    s.count += int64_t(n);
    return;
  }
  const Vector& a0 = *args[0];
  const uint8_t* nulls = a0.nulls();
  const bool ints = a0.type().physical() == PhysicalType::kI64;
  int64_t count = 0;
  if (kind == AggKind::kCount) {
    ForRows(sel, n, [&](size_t r) { count += !nulls[r]; });
  } else if ((kind == AggKind::kSum || kind == AggKind::kAvg) && ints) {
    const int64_t* x = a0.i64();
    __int128 sum = 0;
    ForRows(sel, n, [&](size_t r) {
      const bool valid = !nulls[r];
      sum += valid ? x[r] : 0;
      count += valid;
    });
    s.isum += sum;
  } else if (kind == AggKind::kSum || kind == AggKind::kAvg) {
    // Floats are added one by one in row order, as the general path does (same rounding).
    const double* x = a0.f64();
    ForRows(sel, n, [&](size_t r) {
      if (nulls[r]) return;
      s.fsum += x[r];
      ++count;
    });
  } else {
    // min/max: the general path's comparison rules (NaN above all), every row in group 0.
    std::vector<uint32_t> rows;
    rows.reserve(n);
    ForRows(sel, n, [&](size_t r) { rows.push_back(uint32_t(r)); });
    const std::vector<uint32_t> group0(rows.size(), 0);
    UpdateAggregate(agg, states, rows.data(), group0.data(), rows.size(), args, {});
    return;
  }
  s.count += count;
}

void UpdateAggregate(const BoundAggregate& agg, std::vector<AggState>& states, const uint32_t* rows,
                     const uint32_t* groups, size_t n, const std::vector<const Vector*>& args,
                     const std::vector<const Vector*>& order_keys) {
  const AggKind kind = agg.function->kind;
  // Fast paths: the common numeric aggregates without DISTINCT, chosen once per chunk.
  if (!agg.distinct && !args.empty() && !agg.function->ordered_set) {
    const Vector& a0 = *args[0];
    const uint8_t* nulls = a0.nulls();
    const PhysicalType pt = a0.type().physical();
    const bool int_sum = pt == PhysicalType::kI64 && a0.type().IsInteger();
    if ((kind == AggKind::kSum || kind == AggKind::kAvg) && (int_sum || pt == PhysicalType::kF64)) {
      auto add_all = [&](const auto* x, auto AggStateCore::*sum) {
        for (size_t k = 0; k < n; ++k) {
          const size_t r = rows[k];
          if (nulls[r]) continue;
          AggState& s = states[groups[k]];
          ++s.count;
          s.*sum += x[r];
        }
      };
      if (int_sum) add_all(a0.i64(), &AggState::isum);
      else add_all(a0.f64(), &AggState::fsum);
      return;
    }
    if (kind == AggKind::kCount) {
      for (size_t k = 0; k < n; ++k)
        if (!nulls[rows[k]]) ++states[groups[k]].count;
      return;
    }
    if ((kind == AggKind::kMin || kind == AggKind::kMax) && (pt == PhysicalType::kI64 || pt == PhysicalType::kF64)) {
      const bool is_min = kind == AggKind::kMin;
      for (size_t k = 0; k < n; ++k) {
        const size_t r = rows[k];
        if (nulls[r]) continue;
        AggState& s = states[groups[k]];
        if (pt == PhysicalType::kI64) {
          int64_t v = a0.i64()[r];
          if (!s.has_value) {
            s.best = a0.GetValue(r);
            s.has_value = true;
          } else if (is_min ? v < s.best.i : v > s.best.i) {
            s.best.i = v;
          }
        } else {
          double v = a0.f64()[r];
          if (!s.has_value) {
            s.best = a0.GetValue(r);
            s.has_value = true;
            continue;
          }
          const int c = CompareDouble(v, s.best.f);  // NaN above every other value
          if (is_min ? c < 0 : c > 0) s.best.f = v;
        }
      }
      return;
    }
  }
  if (kind == AggKind::kCountStar) {
    for (size_t k = 0; k < n; ++k) ++states[groups[k]].count;
    return;
  }
  for (size_t k = 0; k < n; ++k) {
    const size_t r = rows[k];
    AggState& s = states[groups[k]];
    if (kind == AggKind::kCountStar) {
      ++s.count;
      continue;
    }
    const Vector* a0 = args.empty() ? nullptr : args[0];
    bool ordered_set = agg.function->ordered_set;
    // Ordered-set aggregates aggregate their WITHIN GROUP key; others skip NULL inputs
    // (except array_agg, which keeps them).
    const Vector* input = ordered_set ? order_keys[0] : a0;
    if (input && input->IsNull(r) && kind != AggKind::kArrayAgg) continue;
    if (agg.distinct) {
      std::string key;
      for (const Vector* v : args) AppendKeyCell(*v, r, key);
      auto& seen = s.more().distinct_seen;
      if (!seen) seen = std::make_shared<std::set<std::string>>();
      if (!seen->insert(key).second) continue;
    }
    switch (kind) {
      case AggKind::kCount: ++s.count; break;
      case AggKind::kSum:
      case AggKind::kAvg:
        ++s.count;
        switch (a0->type().id) {
          case TypeId::kInt16:
          case TypeId::kInt32:
          case TypeId::kInt64: s.isum += a0->i64()[r]; break;
          case TypeId::kNumeric: s.dsum = s.count == 1 ? a0->dec()[r] : DecimalAdd(s.dsum, a0->dec()[r]); break;
          case TypeId::kInterval: {
            const Interval& iv = a0->iv()[r];
            Interval& sum = s.more().ivsum;
            sum = Interval{sum.months + iv.months, sum.days + iv.days, sum.ns + iv.ns};
            break;
          }
          default: s.fsum += a0->f64()[r]; break;
        }
        break;
      case AggKind::kStddevSamp:
      case AggKind::kStddevPop:
      case AggKind::kVarSamp:
      case AggKind::kVarPop:
        ++s.count;
        if (a0->type().physical() == PhysicalType::kF64) {
          // Youngs & Cramer running sums: Sx and Sxx.
          double x = a0->f64()[r];
          s.fsum += x;
          if (s.count > 1) {
            double tmp = x * double(s.count) - s.fsum;
            s.fsum_sq += tmp * tmp / (double(s.count) * double(s.count - 1));
          }
        } else {
          Decimal x = ToDecimal(a0->GetValue(r));
          s.dsum = s.count == 1 ? x : DecimalAdd(s.dsum, x);
          Decimal sq = DecimalMul(x, x);
          s.more().dsum_sq = s.count == 1 ? sq : DecimalAdd(s.more().dsum_sq, sq);
        }
        break;
      case AggKind::kMin:
      case AggKind::kMax: {
        if (!s.has_value) {
          s.best = a0->GetValue(r);
          s.has_value = true;
        } else {
          Value v = a0->GetValue(r);
          int c = CompareValues(v, s.best);
          if (kind == AggKind::kMin ? c < 0 : c > 0) s.best = std::move(v);
        }
        break;
      }
      case AggKind::kFirst:
      case AggKind::kLast: {
        if (args[1]->IsNull(r)) break;
        Value t = args[1]->GetValue(r);
        if (!s.has_value) {
          s.best = a0->GetValue(r);
          s.more().best_time = t;
          s.has_value = true;
        } else {
          int c = CompareValues(t, s.more().best_time);
          if (kind == AggKind::kFirst ? c < 0 : c > 0) {
            s.best = a0->GetValue(r);
            s.more().best_time = t;
          }
        }
        break;
      }
      case AggKind::kBoolAnd:
      case AggKind::kBoolOr: {
        bool v = a0->i64()[r] != 0;
        if (!s.has_value) {
          s.best = Value::Bool(v);
          s.has_value = true;
        } else if (kind == AggKind::kBoolAnd) {
          s.best.i = s.best.i && v;
        } else {
          s.best.i = s.best.i || v;
        }
        break;
      }
      case AggKind::kBitAnd:
      case AggKind::kBitOr:
      case AggKind::kBitXor: {
        int64_t v = a0->i64()[r];
        if (!s.has_value) {
          s.best = a0->GetValue(r);
          s.has_value = true;
        } else {
          s.best.i = kind == AggKind::kBitAnd ? (s.best.i & v) : kind == AggKind::kBitOr ? (s.best.i | v) : (s.best.i ^ v);
        }
        break;
      }
      case AggKind::kRegression: {
        if (args[1]->IsNull(r)) break;  // pairs with a NULL on either side do not count
        // Youngs-Cramer, as PostgreSQL's float8_regr_accum: deviations from the running means.
        RegressionSums& q = s.more().regression;
        const double y = a0->f64()[r], x = args[1]->f64()[r];
        q.n += 1, q.sx += x, q.sy += y;
        if (q.n > 1) {
          const double dx = x * q.n - q.sx, dy = y * q.n - q.sy, scale = 1.0 / (q.n * (q.n - 1));
          q.sxx += dx * dx * scale, q.syy += dy * dy * scale, q.sxy += dx * dy * scale;
        }
        break;
      }
      case AggKind::kStringAgg:
      case AggKind::kArrayAgg:
      case AggKind::kCollected:
      case AggKind::kPercentileCont:
      case AggKind::kPercentileDisc:
      case AggKind::kMode: {
        AggStateMore& more = s.more();
        more.values.push_back(input->GetValue(r));
        if (kind == AggKind::kStringAgg) more.delimiters.push_back(args[1]->IsNull(r) ? "" : args[1]->str()[r]);
        if (!agg.order_by.empty()) {
          std::vector<Value> keys;
          for (const Vector* key_vec : order_keys) keys.push_back(key_vec->GetValue(r));
          more.sort_keys.push_back(std::move(keys));
        }
        break;
      }
      case AggKind::kCountStar:
      case AggKind::kEvery: break;
    }
  }
}

Value FinalizeAggregate(const BoundAggregate& agg, AggState& s, ExecContext& ctx) {
  const AggStateMore& m = std::as_const(s).more();
  const AggKind kind = agg.function->kind;
  const LogicalType& t = agg.type;
  switch (kind) {
    case AggKind::kCount:
    case AggKind::kCountStar: return Value::Int(s.count);
    case AggKind::kSum: {
      if (s.count == 0) return Value::Null(t);
      const LogicalType& at = agg.arg_type;
      if (IsIntType(at)) {
        if (t.id == TypeId::kInt64) {
          if (s.isum > INT64_MAX || s.isum < INT64_MIN) ThrowIntOutOfRange(TypeId::kInt64);
          return Value::Int(int64_t(s.isum));
        }
        return Value::Numeric(Decimal{s.isum, 0});
      }
      if (at.id == TypeId::kNumeric) return Value::Numeric(s.dsum);
      if (at.id == TypeId::kInterval) return Value::Span(m.ivsum);
      return Value::Float(t.id == TypeId::kFloat32 ? double(float(s.fsum)) : s.fsum, t.id);
    }
    case AggKind::kAvg: {
      if (s.count == 0) return Value::Null(t);
      const LogicalType& at = agg.arg_type;
      if (IsIntType(at)) return Value::Numeric(DecimalDiv(Decimal{s.isum, 0}, DecimalFromInt(s.count)));
      if (at.id == TypeId::kNumeric) return Value::Numeric(DecimalDiv(s.dsum, DecimalFromInt(s.count)));
      if (at.id == TypeId::kInterval) {
        Interval iv = m.ivsum;
        double n = double(s.count);
        double months = iv.months / n;
        int32_t wm = int32_t(std::trunc(months));
        double days = iv.days / n + (months - wm) * 30;
        int32_t wd = int32_t(std::trunc(days));
        double ns = double(iv.ns) / n + (days - wd) * 86400e9;
        return Value::Span(Interval{wm, wd, int64_t(std::llround(ns / 1000)) * 1000});
      }
      return Value::Float(s.fsum / double(s.count));
    }
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop: {
      bool sample = kind == AggKind::kStddevSamp || kind == AggKind::kVarSamp;
      bool root = kind == AggKind::kStddevSamp || kind == AggKind::kStddevPop;
      if (s.count == 0 || (sample && s.count == 1)) return Value::Null(t);
      if (t.id == TypeId::kFloat64) {
        double var = s.fsum_sq / double(sample ? s.count - 1 : s.count);
        return Value::Float(root ? std::sqrt(var) : var);
      }
      Decimal n = DecimalFromInt(s.count);
      Decimal num = DecimalSub(DecimalMul(n, m.dsum_sq), DecimalMul(s.dsum, s.dsum));
      if (num.v < 0) num.v = 0;
      Decimal den = DecimalMul(n, sample ? DecimalFromInt(s.count - 1) : n);
      Decimal var = DecimalDiv(num, den);
      if (!root) return Value::Numeric(var);
      return Value::Numeric(DecimalSqrt(var, var.scale));
    }
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kFirst:
    case AggKind::kLast:
    case AggKind::kBoolAnd:
    case AggKind::kBoolOr:
    case AggKind::kBitAnd:
    case AggKind::kBitOr:
    case AggKind::kBitXor:
    case AggKind::kEvery: {
      if (!s.has_value) return Value::Null(t);
      Value v = s.best;
      v.type = t;
      return v;
    }
    case AggKind::kRegression: return agg.function->regression(m.regression);
    case AggKind::kStringAgg: {
      if (m.values.empty()) return Value::Null(t);
      std::string out;
      bool first = true;
      for (size_t k : SortedOrder(agg, s)) {
        if (!first) out += m.delimiters[k];
        out += m.values[k].s;
        first = false;
      }
      return Value::Text(out);
    }
    case AggKind::kCollected: {
      if (m.values.empty()) return Value::Null(t);
      std::vector<const Value*> ordered;
      for (size_t k : SortedOrder(agg, s)) ordered.push_back(&m.values[k]);
      Value v = agg.function->finalize(ordered);
      v.type = t;
      return v;
    }
    case AggKind::kArrayAgg: {
      if (m.values.empty()) return Value::Null(t);
      std::vector<Value> elements;
      for (size_t k : SortedOrder(agg, s)) elements.push_back(m.values[k]);
      return MakeArray(elements, t);
    }
    case AggKind::kPercentileCont:
    case AggKind::kPercentileDisc:
    case AggKind::kMode: {
      if (m.values.empty()) return Value::Null(t);
      std::vector<size_t> order = SortedOrder(agg, s);
      if (kind == AggKind::kMode) {
        size_t best = order[0], best_run = 0;
        for (size_t k = 0; k < order.size();) {
          size_t j = k;
          while (j < order.size() && CompareValues(m.values[order[j]], m.values[order[k]]) == 0) ++j;
          if (j - k > best_run) { best_run = j - k; best = order[k]; }
          k = j;
        }
        return m.values[best];
      }
      Value frac_v = EvaluateConstant(*agg.direct_arg, ctx);
      if (frac_v.is_null) return Value::Null(t);
      double frac = CastValue(frac_v, TypeId::kFloat64).f;
      if (frac < 0 || frac > 1 || std::isnan(frac))
        throw Error(SqlState::kNumericValueOutOfRange, fmt::format("percentile value {} is not between 0 and 1", FormatFloat8(frac)));
      size_t n = order.size();
      if (kind == AggKind::kPercentileDisc) {
        size_t idx = frac == 0 ? 0 : size_t(std::ceil(frac * double(n))) - 1;
        return m.values[order[std::min(idx, n - 1)]];
      }
      double pos = frac * double(n - 1);
      size_t lo = size_t(std::floor(pos)), hi = size_t(std::ceil(pos));
      if (t.id == TypeId::kInterval) {
        Interval a = m.values[order[lo]].iv, b = m.values[order[hi]].iv;
        double w = pos - double(lo);
        return Value::Span(Interval{int32_t(a.months + (b.months - a.months) * w), int32_t(a.days + (b.days - a.days) * w),
                                    int64_t(a.ns + (b.ns - a.ns) * w)});
      }
      double a = CastValue(m.values[order[lo]], TypeId::kFloat64).f;
      double b = CastValue(m.values[order[hi]], TypeId::kFloat64).f;
      return Value::Float(a + (b - a) * (pos - double(lo)));
    }
  }
  return Value::Null(t);
}

}  // namespace yunhe
