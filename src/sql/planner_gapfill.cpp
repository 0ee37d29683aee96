// time_bucket_gapfill / locf / interpolate planning (TimescaleDB semantics): finds the gap-fill
// bucket among the GROUP BY expressions, its range (explicit start/finish arguments, else the
// WHERE conditions on the same time expression), and which aggregates are locf()/interpolate()d.
#include <fmt/format.h>

#include <functional>

#include "common/status.h"
#include "common/time_util.h"
#include "exec/expression_eval.h"
#include "exec/basic_operators.h"
#include "exec/gapfill.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

bool IsCall(const Expr& e, const char* name) { return e.kind == ExprKind::kFunction && e.name == name; }

bool ReadsNoColumns(const Expr& e) {
  if (e.kind == ExprKind::kColumn || e.kind == ExprKind::kOuterColumn || e.kind == ExprKind::kAggregate || e.subquery) return false;
  for (auto& a : e.args)
    if (!ReadsNoColumns(*a)) return false;
  return true;
}

}  // namespace

OperatorPtr Planner::PlanGapFill(OperatorPtr plan, const std::vector<ExprPtr>& groups, std::vector<ExprPtr>& select_exprs,
                                 const std::vector<ExprPtr>& where_preds) {
  int bucket = -1;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (!IsCall(*groups[g], "time_bucket_gapfill")) continue;
    if (bucket >= 0) throw Error(SqlState::kFeatureNotSupported, "multiple time_bucket_gapfill calls are not allowed", CharPos(groups[g]->location));
    bucket = int(g);
  }
  // locf()/interpolate() must wrap an aggregate of a gap-filling query. Each (aggregate, mode)
  // pair gets its own copy of the aggregate column, so avg(v), locf(avg(v)) and
  // interpolate(avg(v)) in one select list fill differently.
  const int width_in = int(plan->types.size());
  std::vector<FillMode> modes(plan->types.size(), FillMode::kNull);
  std::vector<std::pair<int, FillMode>> copies;  // source column, mode of each added column
  bool gapfill_elsewhere = false;
  std::function<ExprPtr(const ExprPtr&)> rewrite = [&](const ExprPtr& e) -> ExprPtr {
    if (IsCall(*e, "time_bucket_gapfill")) gapfill_elsewhere = true;
    const bool locf = IsCall(*e, "locf"), interp = IsCall(*e, "interpolate");
    if (locf || interp) {
      if (bucket < 0)
        throw Error(SqlState::kFeatureNotSupported,
                    fmt::format("{}() can only be used in a query that groups by time_bucket_gapfill", e->name), CharPos(e->location));
      const Expr& a = *e->args[0];
      if (a.kind != ExprKind::kColumn || a.column < int(groups.size()) || a.column >= width_in)
        throw Error(SqlState::kFeatureNotSupported, fmt::format("{}() takes an aggregate as its argument", e->name), CharPos(e->location));
      const FillMode mode = locf ? FillMode::kLocf : FillMode::kInterpolate;
      int col = -1;
      for (size_t k = 0; k < copies.size(); ++k)
        if (copies[k] == std::make_pair(a.column, mode)) col = width_in + int(k);
      if (col < 0) {
        col = width_in + int(copies.size());
        copies.emplace_back(a.column, mode);
        modes.push_back(mode);
      }
      auto c = std::make_shared<Expr>(*e);
      c->args[0] = MakeColumn(col, a.type, a.name);
      return c;
    }
    if (e->args.empty()) return e;
    auto c = std::make_shared<Expr>(*e);
    for (auto& arg : c->args) arg = rewrite(arg);
    return c;
  };
  for (auto& e : select_exprs) e = rewrite(e);
  if (bucket < 0) {
    if (gapfill_elsewhere) throw Error(SqlState::kFeatureNotSupported, "no top level time_bucket_gapfill in group by clause");
    return plan;
  }
  if (!copies.empty()) {
    std::vector<ExprPtr> cols;
    std::vector<std::string> names;
    for (int c = 0; c < width_in; ++c) {
      cols.push_back(MakeColumn(c, plan->types[c], plan->names[c]));
      names.push_back(plan->names[c]);
    }
    for (auto& [src, mode] : copies) {
      cols.push_back(MakeColumn(src, plan->types[src], plan->names[src]));
      names.push_back(plan->names[src]);
    }
    plan = std::make_shared<ProjectionOperator>(plan, cols, names);
  }
  const Expr& call = *groups[bucket];
  const LogicalType time_type = call.type;
  const bool is_date = time_type.id == TypeId::kDate;
  ExecContext ctx;
  auto constant = [&](const ExprPtr& e, const char* what) -> Value {
    if (!ReadsNoColumns(*e))
      throw Error(SqlState::kFeatureNotSupported, fmt::format("invalid time_bucket_gapfill argument: {} must be a simple expression", what),
                  CharPos(e->location));
    return EvaluateConstant(*e, ctx);
  };
  Value width = constant(call.args[0], "bucket_width");
  if (width.is_null) throw Error(SqlState::kInvalidParameterValue, "invalid time_bucket_gapfill argument: bucket_width cannot be NULL");
  bool have_start = false, have_finish = false;
  int64_t start = 0, finish = 0;
  if (call.args.size() == 4) {
    Value a = constant(call.args[2], "start"), b = constant(call.args[3], "finish");
    if (!a.is_null) { start = a.i; have_start = true; }
    if (!b.is_null) { finish = b.i; have_finish = true; }
  }
  // Infer the missing ends from WHERE conjuncts "time op constant" on the bucketed expression.
  const Expr& ts = *call.args[1];
  bool inferred_start = false, inferred_finish = false;
  for (const ExprPtr& p : FlattenConjuncts(where_preds)) {
    if (p->kind != ExprKind::kFunction || p->args.size() != 2) continue;
    std::string op = p->name;
    ExprPtr lhs = p->args[0], rhs = p->args[1];
    if (!lhs->Equals(ts)) {
      if (!rhs->Equals(ts)) continue;
      std::swap(lhs, rhs);
      op = FlipComparison(op);
    }
    if (!ReadsNoColumns(*rhs) || rhs->type.id != time_type.id) continue;
    Value v = EvaluateConstant(*rhs, ctx);
    if (v.is_null) continue;
    if ((op == ">=" || op == ">") && !have_start) {
      if (!inferred_start || v.i > start) start = v.i;
      inferred_start = true;
    } else if ((op == "<" || op == "<=") && !have_finish) {
      int64_t f = op == "<=" ? v.i + 1 : v.i;
      if (!inferred_finish || f < finish) finish = f;
      inferred_finish = true;
    }
  }
  if (!have_start && !inferred_start)
    throw Error(SqlState::kInvalidParameterValue, "missing time_bucket_gapfill argument: could not infer start from WHERE clause",
                CharPos(call.location));
  if (!have_finish && !inferred_finish)
    throw Error(SqlState::kInvalidParameterValue, "missing time_bucket_gapfill argument: could not infer finish from WHERE clause",
                CharPos(call.location));
  // The first bucket is the one holding start.
  start = is_date ? FloorDiv(TimeBucket(width.iv, start * kNsPerDay, kTimeBucketOrigin), kNsPerDay)
                  : TimeBucket(width.iv, start, kTimeBucketOrigin);
  std::vector<int> group_cols;
  for (size_t g = 0; g < groups.size(); ++g)
    if (int(g) != bucket) group_cols.push_back(int(g));
  return std::make_shared<GapFillOperator>(plan, bucket, group_cols, width.iv, start, finish, modes);
}

}  // namespace yunhe
