// Zone-map checks derived from WHERE conjuncts over a table scan (see AddZoneMapPredicates).
#include <fmt/format.h>

#include "common/geometry_bounds.h"
#include "common/status.h"
#include "common/time_util.h"
#include "exec/expression_eval.h"
#include "exec/table_scan.h"
#include "functions/cast.h"
#include "functions/geo/spatial_join_support.h"
#include "sql/planner.h"

namespace yunhe {

// True when `e` has one value for the whole statement: no columns, subqueries, outer references
// or volatile functions (now() is fine: it is the statement's start time).
bool StatementConstant(const Expr& e) {
  if (e.kind == ExprKind::kColumn || e.kind == ExprKind::kOuterColumn || e.kind == ExprKind::kAggregate ||
      e.kind == ExprKind::kWindow || e.subquery)
    return false;
  if (e.function && e.function->volatile_ && e.name != "now") return false;
  for (auto& a : e.args)
    if (!StatementConstant(*a)) return false;
  return true;
}

namespace {

// The step of a time-bucketing call over a column, for deriving ranges on the column itself:
// time_bucket(width, col) and date_trunc('unit', col). Returns the column expression or nullptr.
const Expr* BucketedColumn(const Expr& e, Interval* step) {
  if (e.kind != ExprKind::kFunction || e.args.size() != 2) return nullptr;
  const Expr& a = *e.args[0];
  const Expr& col = *e.args[1];
  if (col.kind != ExprKind::kColumn || a.kind != ExprKind::kConstant || a.value.is_null) return nullptr;
  if (col.type.id != TypeId::kTimestamp && col.type.id != TypeId::kTimestampTz) return nullptr;
  if (e.name == "time_bucket" || e.name == "time_bucket_gapfill") {
    if (a.type.id != TypeId::kInterval) return nullptr;
    *step = a.value.iv;
    if (step->months < 0 || step->days < 0 || step->ns < 0 || (step->months == 0 && step->days == 0 && step->ns == 0)) return nullptr;
    return &col;
  }
  if (e.name == "date_trunc" && a.type.id == TypeId::kText) {
    std::string u;
    for (char c : a.value.s) u.push_back(char(tolower((unsigned char)c)));
    static const std::pair<const char*, Interval> kUnits[] = {
        {"second", {0, 0, kNsPerSec}}, {"minute", {0, 0, kNsPerMin}}, {"hour", {0, 0, kNsPerHour}},
        {"day", {0, 1, 0}},            {"week", {0, 7, 0}},           {"month", {1, 0, 0}},
        {"quarter", {3, 0, 0}},        {"year", {12, 0, 0}}};
    for (auto& [name, iv] : kUnits)
      if (u == name) {
        *step = iv;
        return &col;
      }
  }
  return nullptr;
}

// WHERE conjuncts of the form `column op value` (or reversed) on integer, timestamp and double
// columns become zone-map checks on the scan, where value is anything fixed for the statement
// (constants, now() - interval '1 hour', ...). `bucket(col) op value` for time_bucket and
// date_trunc bounds the column too: bucket(ts) = c means c <= ts < c + width.
// Spatial conjuncts (ST_Intersects, ST_Contains, ST_Within, ST_Covers, ST_CoveredBy, ST_DWithin
// and &&) between a GEOMETRY column and a geometry fixed for the statement: every one of them
// needs the column's bounding box to meet the fixed one's (grown by the distance), which the
// zone maps' boxes can rule out per row group.
bool AddSpatialZoneMapPredicate(TableScanOperator& scan, const Expr& e, ExecContext& ctx) {
  geo::SpatialPred pred;
  const bool overlap = e.name == "&&" && e.args.size() == 2;
  if (!overlap && !geo::SpatialPredFromName(e.name, e.args.size(), &pred)) return false;
  if (e.args[0]->type.id != TypeId::kGeometry || e.args[1]->type.id != TypeId::kGeometry) return false;
  const Expr* col = e.args[0].get();
  const Expr* val = e.args[1].get();
  if (col->kind != ExprKind::kColumn) std::swap(col, val);
  if (col->kind != ExprKind::kColumn || !StatementConstant(*val)) return true;
  double grow = 0;
  GeometryBoxFn box_of = GetGeometryBoxFunction();
  BoundingBox2D b;
  try {
    Value v = val->kind == ExprKind::kConstant ? val->value : EvaluateConstant(*val, ctx);
    if (e.args.size() >= 3) {
      if (!StatementConstant(*e.args[2])) return true;
      Value d = CastValue(EvaluateConstant(*e.args[2], ctx), TypeId::kFloat64);
      if (d.is_null || !(d.f >= 0)) return true;
      grow = d.f;
    }
    if (v.is_null || !box_of || !box_of(v.s, &b)) return true;
  } catch (const Error&) {
    return true;  // the filter itself will report it
  }
  geo::Box g;
  g.Add({b.xmin, b.ymin, 0, 0});
  g.Add({b.xmax, b.ymax, 0, 0});
  g = geo::GrowBox(g, overlap ? geo::SpatialPred::kIntersects : pred, grow);
  TableScanOperator::PrunePredicate p{col->column, "&&", Value(), "", {g.xmin, g.ymin, g.xmax, g.ymax}};
  p.text = fmt::format("{} && BOX({} {},{} {}) (from {})", col->name, FormatFloat8(p.box[0]), FormatFloat8(p.box[1]),
                       FormatFloat8(p.box[2]), FormatFloat8(p.box[3]), e.name);
  scan.AddPrunePredicate(p);
  return true;
}

}  // namespace

bool FixedValueOf(const Expr& e, const LogicalType& type, ExecContext& ctx, Value* out) {
  if (!StatementConstant(e)) return false;
  try {
    *out = e.kind == ExprKind::kConstant ? e.value : EvaluateConstant(e, ctx);
  } catch (const Error&) {
    return false;  // the filter itself will report it
  }
  return !out->is_null && out->type == type;
}

bool MatchFixedComparison(const Expr& e, ExecContext& ctx, FixedComparison* out) {
  if (e.kind != ExprKind::kFunction || e.args.size() != 2) return false;
  std::string op = e.name;
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") return false;
  const Expr* expr = e.args[0].get();
  const Expr* val = e.args[1].get();
  if (StatementConstant(*expr) && !StatementConstant(*val)) {
    std::swap(expr, val);
    op = FlipComparison(op);
  }
  Value v;
  if (!FixedValueOf(*val, expr->type, ctx, &v)) return false;
  out->expr = expr;
  out->op = std::move(op);
  out->shown = val->kind == ExprKind::kConstant ? val->ToString() : "'" + v.ToString() + "'";
  out->value = std::move(v);
  return true;
}

void AddZoneMapPredicates(TableScanOperator& scan, const std::vector<ExprPtr>& preds) {
  ExecContext ctx;
  for (const ExprPtr& e : FlattenConjuncts(preds)) {
    if (e->kind == ExprKind::kFunction && AddSpatialZoneMapPredicate(scan, *e, ctx)) continue;
    FixedComparison cmp;
    if (!MatchFixedComparison(*e, ctx, &cmp)) continue;
    const Expr* col = cmp.expr;
    const std::string& op = cmp.op;
    const Value& v = cmp.value;
    const std::string& shown = cmp.shown;
    Interval step;
    if (const Expr* bcol = BucketedColumn(*col, &step)) {
      // bucket(ts) <= ts < bucket(ts) + step
      const std::string name = bcol->name;
      Value upper = v;
      // date_trunc on timestamptz works in the session zone, so its day may last 23 or 25 hours.
      upper.i = bcol->type.id == TypeId::kTimestampTz && col->name == "date_trunc" ? AddIntervalTz(v.i, step) : AddInterval(v.i, step);
      const std::string shown_upper = "'" + upper.ToString() + "'";
      if (op == "=" || op == ">=" || op == ">")
        scan.AddPrunePredicate({bcol->column, op == ">" ? ">" : ">=", v, name + " >= '" + v.ToString() + "' (from " + col->ToString() + ")"});
      // bucket(ts) < c or <= c only bounds ts below c + step (ts may lie past c in its bucket).
      if (op == "=" || op == "<" || op == "<=")
        scan.AddPrunePredicate({bcol->column, "<", upper, name + " < " + shown_upper + " (from " + col->ToString() + ")"});
      continue;
    }
    if (col->kind != ExprKind::kColumn) continue;
    PhysicalType pt = col->type.physical();
    if (pt != PhysicalType::kI64 && pt != PhysicalType::kF64) continue;
    scan.AddPrunePredicate({col->column, op, v, col->name + " " + op + " " + shown});
  }
}

}  // namespace yunhe
