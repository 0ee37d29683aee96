// Planning of ASOF joins: sorts the bound conditions into equality keys and the one time
// inequality, and evaluates the TOLERANCE expression (see sql/asof_syntax.h for the syntax).
#include <fmt/format.h>

#include <cmath>

#include "common/status.h"
#include "exec/asof_join.h"
#include "exec/expression_eval.h"
#include "sql/asof_syntax.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

bool FlipInequality(const std::string& op, bool flip, AsofOp* out) {
  if (op == ">=") *out = flip ? AsofOp::kLe : AsofOp::kGe;
  else if (op == ">") *out = flip ? AsofOp::kLt : AsofOp::kGt;
  else if (op == "<=") *out = flip ? AsofOp::kGe : AsofOp::kLe;
  else if (op == "<") *out = flip ? AsofOp::kGt : AsofOp::kLt;
  else return false;
  return true;
}

bool OrderableTime(const LogicalType& t) {
  switch (t.id) {
    case TypeId::kTimestamp: case TypeId::kTimestampTz: case TypeId::kDate: case TypeId::kInt16:
    case TypeId::kInt32: case TypeId::kInt64: case TypeId::kFloat32: case TypeId::kFloat64:
      return true;
    default: return false;
  }
}

}  // namespace

PlannedQuery Planner::PlanAsofJoin(PlannedQuery left, PlannedQuery right, bool left_outer, std::vector<ExprPtr> conditions,
                                   const AsofJoinMark& mark) {
  const int lw = int(left.types.size());
  const int pos = CharPos(mark.join_pos);
  std::vector<ExprPtr> lkeys, rkeys;
  ExprPtr ltime, rtime;
  AsofOp op = AsofOp::kGe;
  for (auto& c : conditions) {
    bool ok = c->kind == ExprKind::kFunction && c->args.size() == 2;
    int a = ok ? JoinSides(*c->args[0], lw) : 0, b = ok ? JoinSides(*c->args[1], lw) : 0;
    ok = ok && ((a == 1 && b == 2) || (a == 2 && b == 1));
    if (!ok)
      throw Error(SqlState::kFeatureNotSupported,
                  "ASOF JOIN conditions must compare a column of the left side with one of the right side "
                  "(equalities plus one inequality)",
                  pos);
    const bool flip = a == 2;
    ExprPtr l = flip ? c->args[1] : c->args[0];
    ExprPtr r = ShiftColumns(flip ? c->args[0] : c->args[1], -lw);
    if (c->name == "=") {
      lkeys.push_back(l);
      rkeys.push_back(r);
      continue;
    }
    AsofOp this_op;
    if (!FlipInequality(c->name, flip, &this_op))
      throw Error(SqlState::kFeatureNotSupported,
                  fmt::format("ASOF JOIN does not support the operator {} (use =, >=, >, <= or <)", c->name), pos);
    if (ltime) throw Error(SqlState::kFeatureNotSupported, "ASOF JOIN takes exactly one inequality condition", pos);
    ltime = l;
    rtime = r;
    op = this_op;
  }
  if (!ltime) throw Error(SqlState::kFeatureNotSupported, "ASOF JOIN needs one inequality condition (for example l.ts >= r.ts)", pos);
  if (!OrderableTime(ltime->type) || ltime->type.id != rtime->type.id)
    throw Error(SqlState::kFeatureNotSupported,
                fmt::format("ASOF JOIN inequality must compare timestamps, dates or numbers, not {} and {}",
                            ltime->type.ToString(), rtime->type.ToString()),
                pos);
  double tolerance = -1;
  if (!mark.tolerance_sql.empty()) {
    const int tpos = CharPos(mark.tolerance_pos);
    const TypeId t = ltime->type.id;
    const bool time_like = t == TypeId::kTimestamp || t == TypeId::kTimestampTz || t == TypeId::kDate;
    Value v;
    try {
      const std::string text = "SELECT " + mark.tolerance_sql;
      auto parsed = ParsedSql::Parse(text);
      auto* sel = parsed->statements().at(0).node->select_stmt;
      if (!sel || sel->n_target_list != 1) throw Error(SqlState::kSyntaxError, "expected one expression");
      Planner sub(catalog_, text);
      ExprPtr e = sub.BindExpression(sel->target_list[0]->res_target->val, Scope());
      if (time_like && e->type.id != TypeId::kInterval)
        throw Error(SqlState::kDatatypeMismatch,
                    fmt::format("on {} it must be an interval, not {}", ltime->type.ToString(), e->type.ToString()));
      if (!time_like) e = sub.CoerceTo(e, LogicalType(TypeId::kFloat64));
      ExecContext ctx;
      v = EvaluateConstant(*e, ctx);
    } catch (const Error& e) {
      throw Error(e.status().sqlstate().c_str(), "invalid ASOF JOIN TOLERANCE: " + e.status().message(), tpos);
    }
    if (v.is_null) throw Error(SqlState::kInvalidParameterValue, "ASOF JOIN TOLERANCE must not be NULL", tpos);
    if (time_like) {
      if (v.iv.months != 0)
        throw Error(SqlState::kFeatureNotSupported, "ASOF JOIN TOLERANCE cannot use months or years (their length varies)", tpos);
      long double ns = (long double)v.iv.days * 86400e9L + (long double)v.iv.ns;
      tolerance = double(t == TypeId::kDate ? ns / 86400e9L : ns);
    } else {
      tolerance = v.f;
    }
    if (tolerance < 0 || std::isnan(tolerance))
      throw Error(SqlState::kInvalidParameterValue, "ASOF JOIN TOLERANCE must not be negative", tpos);
  }
  PlannedQuery q;
  q.plan = std::make_shared<AsofJoinOperator>(left.plan, right.plan, left_outer, lkeys, rkeys, ltime, rtime, op, tolerance,
                                              mark.tolerance_sql);
  q.names = left.names;
  q.names.insert(q.names.end(), right.names.begin(), right.names.end());
  q.types = left.types;
  q.types.insert(q.types.end(), right.types.begin(), right.types.end());
  return q;
}

}  // namespace yunhe
