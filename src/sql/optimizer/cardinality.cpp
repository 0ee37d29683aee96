#include "sql/optimizer/cardinality.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "exec/asof_join.h"
#include "exec/basic_operators.h"
#include "exec/distinct.h"
#include "exec/hash_aggregate.h"
#include "exec/hash_join.h"
#include "exec/lateral_join.h"
#include "exec/sort.h"
#include "exec/spatial_join.h"
#include "exec/table_scan.h"
#include "sql/planner.h"
#include "storage/zone_map.h"

namespace yunhe {
namespace {

// PostgreSQL's clamp_row_est: an estimate is a whole number of rows, at least one (a filter that
// keeps "0.3 rows" is more likely to keep one than none, and zero would make every product zero).
double ClampRows(double rows) { return std::isfinite(rows) ? std::max(1.0, std::round(rows)) : 1e18; }

// The input column an expression is, looking through casts (`o_orderstatus::text` has the
// distinct values of o_orderstatus); -1 for anything else.
int BareColumn(const Expr& e) {
  if (e.kind == ExprKind::kColumn) return e.column;
  if (e.kind == ExprKind::kCast && e.args.size() == 1) return BareColumn(*e.args[0]);
  return -1;
}

// Where output column `column` of `op` comes from: a table scan's column, through operators
// that hand it on unchanged (filters, sorts, limits, projections of a bare column, joins).
bool TraceColumn(PhysicalOperator& op, int column, TableScanOperator** scan, int* table_column) {
  if (column < 0) return false;
  if (auto* s = dynamic_cast<TableScanOperator*>(&op)) {
    if (size_t(column) >= s->column_ids().size()) return false;  // the row id
    *scan = s;
    *table_column = s->column_ids()[size_t(column)];
    return true;
  }
  if (dynamic_cast<FilterOperator*>(&op) || dynamic_cast<SortOperator*>(&op) || dynamic_cast<LimitOperator*>(&op) ||
      dynamic_cast<DistinctOperator*>(&op))
    return TraceColumn(*op.children[0], column, scan, table_column);
  if (auto* p = dynamic_cast<ProjectionOperator*>(&op)) {
    const Expr& e = *p->exprs()[size_t(column)];
    return e.kind == ExprKind::kColumn && TraceColumn(*op.children[0], e.column, scan, table_column);
  }
  if (auto* a = dynamic_cast<HashAggregateOperator*>(&op)) {
    if (size_t(column) >= a->groups().size()) return false;
    const Expr& e = *a->groups()[size_t(column)];
    return e.kind == ExprKind::kColumn && TraceColumn(*op.children[0], e.column, scan, table_column);
  }
  const bool join = dynamic_cast<HashJoinOperator*>(&op) || dynamic_cast<SpatialJoinOperator*>(&op) ||
                    dynamic_cast<LateralJoinOperator*>(&op) || dynamic_cast<AsofJoinOperator*>(&op);
  if (join && op.children.size() == 2) {
    const int left_width = int(op.children[0]->types.size());
    if (column < left_width) return TraceColumn(*op.children[0], column, scan, table_column);
    return TraceColumn(*op.children[1], column - left_width, scan, table_column);
  }
  return false;
}

double ChildRows(PhysicalOperator& op) { return op.children.empty() ? 1000 : EstimateRows(*op.children[0]); }

// Selectivity of the equi-join keys of a join: per key pair 1 / max(distinct left, distinct right)
// (PostgreSQL's eqjoinsel without most-common values), keys taken as independent -- except that
// a side has no more key combinations than rows (lineitem and partsupp on partkey and
// suppkey: one composite key), so several keys divide by no more than the larger side's
// min(rows, product of its distinct counts).
double KeySelectivity(HashJoinOperator& j) {
  const double left = EstimateRows(*j.children[0]), right = EstimateRows(*j.children[1]);
  double independent = 1, combos_left = 1, combos_right = 1;
  for (size_t k = 0; k < j.left_keys().size(); ++k) {
    const Expr& l = *j.left_keys()[k];
    const Expr& r = *j.right_keys()[k];
    const double dl = std::max(1.0, BareColumn(l) >= 0 ? EstimateDistinct(*j.children[0], BareColumn(l)) : left);
    const double dr = std::max(1.0, BareColumn(r) >= 0 ? EstimateDistinct(*j.children[1], BareColumn(r)) : right);
    independent *= std::max(dl, dr);
    combos_left *= dl;
    combos_right *= dr;
  }
  if (j.left_keys().size() < 2) return 1 / independent;
  const double composite = std::max({1.0, std::min(left, combos_left), std::min(right, combos_right)});
  return 1 / std::min(independent, composite);
}

double EstimateJoin(HashJoinOperator& j) {
  const double left = EstimateRows(*j.children[0]);
  const double right = EstimateRows(*j.children[1]);
  // The residual reads the pairs' columns through the join itself: while it is estimated, the
  // join counts as the pairs the keys let through (the final estimate replaces this).
  j.estimated_rows = ClampRows(left * right * KeySelectivity(j));
  const double residual = j.residual() ? EstimateSelectivity(*j.residual(), j) : 1.0;
  const double inner = left * right * KeySelectivity(j) * residual;
  switch (j.kind()) {
    case JoinKind::kInner: return inner;
    case JoinKind::kLeft: return std::max(inner, left);
    case JoinKind::kRight: return std::max(inner, right);
    case JoinKind::kFull: return std::max(inner, left + right);
    case JoinKind::kSemi:
    case JoinKind::kAnti: {
      // The share of left rows with a match: the right side's distinct keys over the left's.
      double matched = 1;
      for (size_t k = 0; k < j.left_keys().size(); ++k) {
        const Expr& l = *j.left_keys()[k];
        const Expr& r = *j.right_keys()[k];
        const double dl = BareColumn(l) >= 0 ? EstimateDistinct(*j.children[0], BareColumn(l)) : left;
        const double dr = BareColumn(r) >= 0 ? EstimateDistinct(*j.children[1], BareColumn(r)) : right;
        matched = std::min(matched, dr / std::max(dl, 1.0));
      }
      if (j.left_keys().empty()) matched = 0.5;
      return j.kind() == JoinKind::kSemi ? left * matched : left * (1 - matched);
    }
  }
  return inner;
}

double EstimateGroups(PhysicalOperator& child, const std::vector<ExprPtr>& groups) {
  const double rows = EstimateRows(child);
  double groups_rows = 1;
  for (const ExprPtr& g : groups)
    groups_rows *= g->kind == ExprKind::kColumn ? EstimateDistinct(child, g->column) : std::min(kDefaultDistinct, rows);
  return std::min(rows, groups_rows);
}

double Compute(PhysicalOperator& op) {
  if (auto* s = dynamic_cast<TableScanOperator*>(&op)) return double(StatementData(*s->table()).live_count());
  if (auto* f = dynamic_cast<FilterOperator*>(&op)) {
    const double rows = ChildRows(op) * EstimateSelectivity(*f->predicate(), *op.children[0]);
    // A scan that looks its rows up in an index returns about what the filter over it keeps
    // (the filter re-checks the same conditions).
    if (auto* s = dynamic_cast<TableScanOperator*>(op.children[0].get()); s && s->has_index_lookup())
      s->estimated_rows = ClampRows(rows);
    return rows;
  }
  if (auto* j = dynamic_cast<HashJoinOperator*>(&op)) return EstimateJoin(*j);
  if (auto* j = dynamic_cast<SpatialJoinOperator*>(&op)) {
    const double left = EstimateRows(*op.children[0]), right = EstimateRows(*op.children[1]);
    const double inner = left * right * kDefaultMatchSelectivity;
    return j->kind() == JoinKind::kLeft ? std::max(inner, left) : inner;
  }
  if (dynamic_cast<LateralJoinOperator*>(&op)) return EstimateRows(*op.children[0]) * EstimateRows(*op.children[1]);
  if (dynamic_cast<AsofJoinOperator*>(&op)) return EstimateRows(*op.children[0]);
  if (auto* a = dynamic_cast<HashAggregateOperator*>(&op)) return a->groups().empty() ? 1 : EstimateGroups(*op.children[0], a->groups());
  if (dynamic_cast<DistinctOperator*>(&op)) {
    std::vector<ExprPtr> all;
    for (size_t c = 0; c < op.children[0]->types.size(); ++c) all.push_back(MakeColumn(int(c), op.children[0]->types[c], ""));
    return EstimateGroups(*op.children[0], all);
  }
  if (auto* l = dynamic_cast<LimitOperator*>(&op)) {
    const double rows = ChildRows(op);
    const ExprPtr& limit = l->limit_expr();
    if (limit && limit->kind == ExprKind::kConstant && !limit->value.is_null && (limit->type.id == TypeId::kInt64 || limit->type.id == TypeId::kInt32))
      return std::min(rows, std::max(0.0, double(limit->value.i)));
    return rows;
  }
  if (auto* s = dynamic_cast<SortOperator*>(&op)) {
    const double rows = ChildRows(op);
    return s->limit() > 0 ? std::min(rows, double(s->limit())) : rows;
  }
  if (auto* v = dynamic_cast<ValuesOperator*>(&op)) return double(v->row_count());
  // Anything else hands on about what its first input gives; a source nothing is known about
  // (a set-returning function) is PostgreSQL's default of 1000 rows.
  return ChildRows(op);
}

// `column op constant` or `constant op column`: the column's index in the input, -1 otherwise.
int ColumnAgainstConstant(const Expr& e) {
  if (e.args.size() != 2) return -1;
  if (BareColumn(*e.args[0]) >= 0 && StatementConstant(*e.args[1])) return BareColumn(*e.args[0]);
  if (BareColumn(*e.args[1]) >= 0 && StatementConstant(*e.args[0])) return BareColumn(*e.args[1]);
  return -1;
}

double NullFraction(PhysicalOperator& input, int column) {
  TableScanOperator* scan = nullptr;
  int table_column = -1;
  if (!TraceColumn(input, column, &scan, &table_column) || table_column < 0) return kDefaultEqualitySelectivity;
  const TableData& data = StatementData(*scan->table());
  if (data.row_count() == 0) return 0;
  return double(data.NullCount(size_t(table_column))) / double(data.row_count());
}

// The share of a column's values below a constant (`column < value`), taking its values as spread
// evenly between the smallest and largest the zone maps know (PostgreSQL reads histograms; the
// storage keeps min/max per row group). False when the column is not a table's integer-like or
// float column, or the value is not a plain constant of its type.
bool ShareBelow(PhysicalOperator& input, const Expr& e, double* share) {
  const int column = ColumnAgainstConstant(e);
  if (column < 0) return false;
  const Expr& value = e.args[0]->kind == ExprKind::kConstant ? *e.args[0] : *e.args[1];
  const bool value_first = &value == e.args[0].get();
  if (value.kind != ExprKind::kConstant || value.value.is_null) return false;
  TableScanOperator* scan = nullptr;
  int table_column = -1;
  if (!TraceColumn(input, column, &scan, &table_column) || table_column < 0) return false;
  const TableData& data = StatementData(*scan->table());
  const LogicalType& type = scan->table()->schema.columns[size_t(table_column)].type;
  const PhysicalType physical = type.physical();
  if ((physical != PhysicalType::kI64 && physical != PhysicalType::kF64) || !(value.type == type)) return false;
  double lo = 0, hi = 0;
  bool any = false;
  for (size_t g = 0; g < data.group_count(); ++g) {
    const ZoneMap z = data.Zone(g, size_t(table_column));
    if (!z.has_values) continue;
    const double zl = physical == PhysicalType::kI64 ? double(z.min_i) : z.min_f;
    const double zh = physical == PhysicalType::kI64 ? double(z.max_i) : z.max_f;
    lo = any ? std::min(lo, zl) : zl;
    hi = any ? std::max(hi, zh) : zh;
    any = true;
  }
  if (!any) return false;
  const double v = physical == PhysicalType::kI64 ? double(value.value.i) : value.value.f;
  double below = hi > lo ? (v - lo) / (hi - lo) : (v > lo ? 1.0 : 0.0);
  below = std::clamp(below, 0.0, 1.0);
  // `value < column` is `column > value`: the share above.
  *share = value_first ? 1 - below : below;
  return true;
}

}  // namespace

double ScaleDistinct(double distinct, double total, double rows) {
  if (total <= 0 || distinct <= 0) return 0;
  if (rows >= total) return distinct;
  // Each of `distinct` values (about total/distinct rows each) is missed by all `rows` draws
  // with probability (1 - rows/total)^(total/distinct).
  return std::max(1.0, distinct * (1.0 - std::pow(1.0 - rows / total, total / distinct)));
}

double EstimateRows(PhysicalOperator& op) {
  if (op.estimated_rows >= 0) return op.estimated_rows;
  const double rows = Compute(op);
  for (auto& c : op.children) EstimateRows(*c);  // every operator gets one (EXPLAIN shows them)
  // Zero only for an empty table or when the inputs are estimated empty; otherwise at least one
  // row (PostgreSQL's clamp_row_est: an anti join whose keys all seem to match may still emit).
  bool empty_inputs = !op.children.empty();
  for (auto& c : op.children) empty_inputs = empty_inputs && c->estimated_rows == 0;
  const bool source = dynamic_cast<TableScanOperator*>(&op) || dynamic_cast<ValuesOperator*>(&op);
  op.estimated_rows = rows > 0 ? ClampRows(rows) : (source || empty_inputs) ? 0 : 1;
  return op.estimated_rows;
}

double EstimateDistinct(PhysicalOperator& op, int column) {
  const double rows = EstimateRows(op);
  TableScanOperator* scan = nullptr;
  int table_column = -1;
  if (!TraceColumn(op, column, &scan, &table_column) || table_column < 0) return rows;
  const TableData& data = StatementData(*scan->table());
  const double distinct = data.DistinctEstimate(size_t(table_column));
  return std::min(rows, ScaleDistinct(distinct, double(data.row_count()), rows));
}

double EstimateSelectivity(const Expr& e, PhysicalOperator& input) {
  switch (e.kind) {
    case ExprKind::kAnd: {
      // A lower and an upper bound on one column (`ts >= a AND ts < b`) select the share between
      // them, not the product of two independent halves (PostgreSQL's range-pair rule).
      std::map<int, std::pair<double, double>> ranges;  // column -> (share below the lower bound, below the upper)
      double s = 1;
      for (auto& a : e.args) {
        double below = 0;
        const bool range = a->kind == ExprKind::kFunction && a->args.size() == 2 &&
                           (a->name == "<" || a->name == "<=" || a->name == ">" || a->name == ">=") && ShareBelow(input, *a, &below);
        if (!range) {
          s *= EstimateSelectivity(*a, input);
          continue;
        }
        // ShareBelow gives the share on the kept side's complement for `value op column`; as a
        // bound: kept rows are those below (upper bound) or above (lower bound).
        const bool value_first = a->args[0]->kind == ExprKind::kConstant;
        const bool upper = (a->name[0] == '<') != value_first;
        const double cut = value_first ? 1 - below : below;  // share of the column below the value
        auto [it, fresh] = ranges.emplace(ColumnAgainstConstant(*a), std::make_pair(0.0, 1.0));
        if (upper) it->second.second = std::min(it->second.second, cut);
        else it->second.first = std::max(it->second.first, cut);
      }
      for (auto& [column, bounds] : ranges) s *= std::clamp(bounds.second - bounds.first, 0.0005, 0.9995);
      return s;
    }
    case ExprKind::kOr: {
      double s = 0;
      for (auto& a : e.args) {
        const double t = EstimateSelectivity(*a, input);
        s = s + t - s * t;
      }
      return s;
    }
    case ExprKind::kNot: return 1 - EstimateSelectivity(*e.args[0], input);
    case ExprKind::kConstant: return !e.value.is_null && e.type.id == TypeId::kBool && e.value.i ? 1 : 0;
    case ExprKind::kIsNull:
    case ExprKind::kIsNotNull: {
      const double f = e.args[0]->kind == ExprKind::kColumn ? NullFraction(input, e.args[0]->column) : kDefaultEqualitySelectivity;
      return e.kind == ExprKind::kIsNull ? f : 1 - f;
    }
    case ExprKind::kInList: {
      double per_value = kDefaultEqualitySelectivity;
      if (BareColumn(*e.args[0]) >= 0) per_value = 1 / std::max(1.0, EstimateDistinct(input, BareColumn(*e.args[0])));
      return std::min(1.0, per_value * double(e.args.size() - 1));
    }
    case ExprKind::kFunction: {
      if (e.name == "=" || e.name == "<>" || e.name == "!=") {
        double eq = kDefaultEqualitySelectivity;
        const int column = ColumnAgainstConstant(e);
        if (column >= 0) {
          eq = 1 / std::max(1.0, EstimateDistinct(input, column));
        } else if (e.args.size() == 2 && BareColumn(*e.args[0]) >= 0 && BareColumn(*e.args[1]) >= 0) {
          eq = 1 / std::max({1.0, EstimateDistinct(input, BareColumn(*e.args[0])), EstimateDistinct(input, BareColumn(*e.args[1]))});
        }
        return e.name == "=" ? eq : 1 - eq;
      }
      if (e.name == "<" || e.name == "<=" || e.name == ">" || e.name == ">=") {
        double below = 0;
        if (!ShareBelow(input, e, &below)) return kDefaultRangeSelectivity;
        const bool less = e.name[0] == '<';
        // Never quite nothing or everything: the spread is a guess (PostgreSQL clamps too).
        return std::clamp(less ? below : 1 - below, 0.0005, 0.9995);
      }
      if (e.name == "~~" || e.name == "~~*" || e.name == "~" || e.name == "~*") return kDefaultMatchSelectivity;
      if (e.name == "!~~" || e.name == "!~~*" || e.name == "!~" || e.name == "!~*") return 1 - kDefaultMatchSelectivity;
      return kDefaultRangeSelectivity;
    }
    default: return kDefaultRangeSelectivity;
  }
}

}  // namespace yunhe
