// Trajectory table functions: stops(query, radius_m, min_duration), resample(query, step
// [, max_gap]) and proximity(query, radius_m [, max_gap]). The query text is planned like a
// subquery in FROM; its first three columns are the key, the time and the position.
#include <fmt/format.h>

#include "common/status.h"
#include "common/time_util.h"
#include "exec/expression_eval.h"
#include "exec/trajectory_proximity.h"
#include "exec/trajectory_resample.h"
#include "exec/trajectory_stops.h"
#include "sql/parser.h"
#include "sql/planner.h"

namespace yunhe {

PlannedQuery Planner::PlanTrajectoryFunction(PgQuery__RangeFunction* f, PgQuery__FuncCall* call, const std::string& name,
                                             const Scope* outer, Scope* scope_out) {
  const int pos = CharPos(call->location);
  struct Signature {
    const char* name;
    size_t min_args, max_args;
    const char* text;
  };
  static const Signature kSignatures[] = {
      {"stops", 3, 3, "stops(query text, radius_m double precision, min_duration interval)"},
      {"resample", 2, 3, "resample(query text, step interval [, max_gap interval])"},
      {"proximity", 2, 3, "proximity(query text, radius_m double precision [, max_gap interval])"}};
  const Signature* sig = nullptr;
  for (const Signature& s : kSignatures)
    if (name == s.name) sig = &s;
  if (call->n_args < sig->min_args || call->n_args > sig->max_args)
    throw Error(SqlState::kUndefinedFunction, fmt::format("{} takes {} to {} arguments", sig->text, sig->min_args, sig->max_args), pos);

  Scope empty;
  empty.parent = outer;
  ExecContext ctx;
  auto constant = [&](size_t k, TypeId t) {
    Value v = EvaluateConstant(*CoerceTo(BindExpression(call->args[k], empty), t), ctx);
    if (v.is_null) throw Error(SqlState::kNullValueNotAllowed, fmt::format("{}: arguments must not be NULL", name), pos);
    return v;
  };
  // Durations in nanoseconds; months have no fixed length.
  auto duration = [&](size_t k, const char* what, bool positive) {
    const Interval iv = constant(k, TypeId::kInterval).iv;
    if (iv.months != 0) throw Error(SqlState::kInvalidParameterValue, fmt::format("{}: {} must not contain months", name, what), pos);
    const int64_t ns = int64_t(iv.days) * kNsPerDay + iv.ns;
    if (positive ? ns <= 0 : ns < 0)
      throw Error(SqlState::kInvalidParameterValue, fmt::format("{}: {} must be {}", name, what, positive ? "positive" : "non-negative"), pos);
    return ns;
  };
  auto radius = [&](size_t k) {
    const double r = constant(k, TypeId::kFloat64).f;
    if (!(r >= 0)) throw Error(SqlState::kInvalidParameterValue, fmt::format("{}: radius must be >= 0 metres", name), pos);
    return r;
  };

  const std::string text = constant(0, TypeId::kText).s;
  PlannedQuery inner;
  std::shared_ptr<ParsedSql> parsed;
  try {
    parsed = ParsedSql::Parse(text);
    if (parsed->statements().size() != 1 || parsed->statements()[0].node->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
      throw Error(SqlState::kInvalidParameterValue, "must be one SELECT statement");
    Planner sub(catalog_, text);
    inner = sub.PlanSelect(parsed->statements()[0].node, nullptr);
  } catch (const Error& e) {
    throw Error(e.status().sqlstate().c_str(), fmt::format("{}: in the query: {}", name, e.status().message()), pos);
  }
  if (inner.types.size() < 3 || (inner.types[1].id != TypeId::kTimestamp && inner.types[1].id != TypeId::kTimestampTz) ||
      inner.types[2].id != TypeId::kGeometry)
    throw Error(SqlState::kDatatypeMismatch,
                fmt::format("{}: the query must yield (key, timestamp or timestamptz, geometry point) columns", name), pos);

  PlannedQuery q;
  if (name == "stops") {
    const double r = radius(1);
    q.plan = std::make_shared<TrajectoryStopsOperator>(inner.plan, r, duration(2, "min_duration", false));
  } else {
    const int64_t max_gap = call->n_args > 2 ? duration(2, "max_gap", false) : -1;
    if (name == "resample") q.plan = std::make_shared<TrajectoryResampleOperator>(inner.plan, duration(1, "step", true), max_gap);
    else q.plan = std::make_shared<TrajectoryProximityOperator>(inner.plan, radius(1), max_gap);
  }
  q.names = q.plan->names;
  q.types = q.plan->types;
  const std::string label = f->alias ? f->alias->aliasname : name;
  for (size_t c = 0; c < q.names.size(); ++c) {
    if (f->alias && c < f->alias->n_colnames) q.names[c] = StrVal(f->alias->colnames[c]);
    scope_out->columns.push_back(ScopeColumn{label, q.names[c], q.types[c], false});
  }
  return q;
}

}  // namespace yunhe
