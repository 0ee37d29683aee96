// Correlated subqueries taken apart (see correlation.h).
#include "sql/correlation.h"

#include "exec/basic_operators.h"
#include "exec/hash_join.h"
#include "exec/table_scan.h"
#include "sql/planner.h"

namespace yunhe {

int OuterDepth(const Expr& e, bool* inner) {
  int d = 0;
  if (e.kind == ExprKind::kOuterColumn) d = e.depth;
  if (e.kind == ExprKind::kColumn) *inner = true;
  if (e.subquery || e.kind == ExprKind::kAggregate || e.kind == ExprKind::kWindow || e.kind == ExprKind::kParam) return 99;
  for (auto& a : e.args) d = std::max(d, OuterDepth(*a, inner));
  return d;
}

ExprPtr OuterToColumns(const ExprPtr& e) {
  auto c = std::make_shared<Expr>(*e);
  if (c->kind == ExprKind::kOuterColumn) {
    c->kind = ExprKind::kColumn;
    c->depth = 0;
  }
  for (auto& a : c->args) a = OuterToColumns(a);
  return c;
}

ExprPtr RemapColumns(const ExprPtr& e, const std::function<ExprPtr(const Expr&)>& map) {
  if (e->kind == ExprKind::kColumn) return map(*e);
  auto c = std::make_shared<Expr>(*e);
  for (auto& a : c->args) {
    a = RemapColumns(a, map);
    if (!a) return nullptr;
  }
  return c;
}

bool SplitCorrelation(const ExprPtr& pred, int outer_width, std::vector<ExprPtr>* lkeys, std::vector<ExprPtr>* rkeys,
                      std::vector<ExprPtr>* inner_only, std::vector<ExprPtr>* residual) {
  for (const ExprPtr& c : FlattenConjuncts({pred})) {
    bool reads_inner = false;
    const int depth = OuterDepth(*c, &reads_inner);
    if (depth == 0) {
      inner_only->push_back(c);
      continue;
    }
    if (depth != 1) return false;
    const bool equality = c->kind == ExprKind::kFunction && c->name == "=" && c->args.size() == 2;
    if (!equality) {
      if (!MovableExpr(*c)) return false;
      residual->push_back(OuterToColumns(ShiftColumns(c, outer_width)));
      continue;
    }
    bool inner_a = false, inner_b = false;
    const int da = OuterDepth(*c->args[0], &inner_a), db = OuterDepth(*c->args[1], &inner_b);
    if (da == 1 && !inner_a && db == 0 && inner_b) {
      lkeys->push_back(OuterToColumns(c->args[0]));
      rkeys->push_back(c->args[1]);
    } else if (db == 1 && !inner_b && da == 0 && inner_a) {
      lkeys->push_back(OuterToColumns(c->args[1]));
      rkeys->push_back(c->args[0]);
    } else if (MovableExpr(*c)) {
      residual->push_back(OuterToColumns(ShiftColumns(c, outer_width)));
    } else {
      return false;
    }
  }
  return true;
}


bool NoOuterReferences(const ExprPtr& e) {
  if (!e) return true;
  bool inner = false;
  return OuterDepth(*e, &inner) == 0;
}

ExprPtr MapColumns(const ExprPtr& e, const std::vector<int>& map) {
  if (!e) return nullptr;
  return RemapColumns(e, [&](const Expr& c) -> ExprPtr {
    if (c.column < 0 || size_t(c.column) >= map.size()) return nullptr;
    auto moved = std::make_shared<Expr>(c);
    moved->column = map[size_t(c.column)];
    return moved;
  });
}

namespace {

std::vector<int> Identity(size_t n) {
  std::vector<int> map(n);
  for (size_t c = 0; c < n; ++c) map[c] = int(c);
  return map;
}

// A column reference like `c` (its name and table kept for EXPLAIN) at another position.
ExprPtr AtColumn(const ExprPtr& c, int column) {
  auto moved = std::make_shared<Expr>(*c);
  moved->column = column;
  return moved;
}

bool LiftFilter(const FilterOperator& filter, LiftedCorrelation* out) {
  if (!LiftCorrelation(filter.children[0], out)) return false;
  std::vector<ExprPtr> lkeys, rkeys, inner_only, residual;
  if (!SplitCorrelation(filter.predicate(), 0, &lkeys, &rkeys, &inner_only, &residual) || !residual.empty()) return false;
  // Inner sides that are not bare columns are computed by a projection under the filter.
  std::vector<ExprPtr> computed;
  const size_t width = out->op->types.size();
  for (size_t k = 0; k < rkeys.size(); ++k) {
    ExprPtr inner = MapColumns(rkeys[k], out->map);
    if (!inner) return false;
    if (inner->kind != ExprKind::kColumn) {
      computed.push_back(inner);
      inner = MakeColumn(int(width + computed.size() - 1), inner->type, inner->ToString());
    }
    out->inner.push_back(inner);
    out->outer.push_back(lkeys[k]);
  }
  if (!computed.empty()) {
    std::vector<ExprPtr> exprs;
    std::vector<std::string> names = out->op->names;
    for (size_t c = 0; c < width; ++c) exprs.push_back(MakeColumn(int(c), out->op->types[c], out->op->names[c]));
    for (const ExprPtr& e : computed) {
      exprs.push_back(e);
      names.push_back(e->ToString());
    }
    out->op = std::make_shared<ProjectionOperator>(out->op, std::move(exprs), std::move(names));
  }
  if (!inner_only.empty()) {
    for (ExprPtr& c : inner_only)
      if (!(c = MapColumns(c, out->map))) return false;
    out->op = std::make_shared<FilterOperator>(out->op, AndAllConditions(inner_only));
  }
  return true;
}

bool LiftProjection(const ProjectionOperator& proj, LiftedCorrelation* out) {
  for (const ExprPtr& e : proj.exprs())
    if (!NoOuterReferences(e)) return false;
  if (!LiftCorrelation(proj.children[0], out)) return false;
  std::vector<ExprPtr> exprs;
  std::vector<std::string> names = proj.names;
  for (const ExprPtr& e : proj.exprs())
    if (!exprs.emplace_back(MapColumns(e, out->map))) return false;
  for (ExprPtr& k : out->inner) {  // passed through, after the projection's own columns
    exprs.push_back(k);
    names.push_back(k->name);
    k = AtColumn(k, int(exprs.size() - 1));
  }
  out->op = std::make_shared<ProjectionOperator>(out->op, std::move(exprs), std::move(names));
  out->map = Identity(proj.exprs().size());
  return true;
}

bool LiftJoin(const HashJoinOperator& join, LiftedCorrelation* out) {
  for (const ExprPtr& k : join.left_keys())
    if (!NoOuterReferences(k)) return false;
  for (const ExprPtr& k : join.right_keys())
    if (!NoOuterReferences(k)) return false;
  if (!NoOuterReferences(join.residual())) return false;
  const JoinKind kind = join.kind();
  const bool pairs = kind != JoinKind::kSemi && kind != JoinKind::kAnti;  // output has the right side's columns
  // A side whose rows a filter may select before the join as well as after it.
  const bool left_free = kind == JoinKind::kInner || kind == JoinKind::kLeft || !pairs;
  const bool right_free = kind == JoinKind::kInner || kind == JoinKind::kRight;
  LiftedCorrelation left, right;
  if (!LiftCorrelation(join.children[0], &left) || !LiftCorrelation(join.children[1], &right)) return false;
  if ((!left.inner.empty() && !left_free) || (!right.inner.empty() && !right_free)) return false;
  const int new_left = int(left.op->types.size());
  std::vector<int> pair_map = left.map;  // the residual's columns: left then right
  for (int c : right.map) pair_map.push_back(new_left + c);
  std::vector<ExprPtr> lkeys, rkeys;
  for (const ExprPtr& k : join.left_keys())
    if (!lkeys.emplace_back(MapColumns(k, left.map))) return false;
  for (const ExprPtr& k : join.right_keys())
    if (!rkeys.emplace_back(MapColumns(k, right.map))) return false;
  ExprPtr residual = MapColumns(join.residual(), pair_map);
  if (join.residual() && !residual) return false;
  auto lifted = std::make_shared<HashJoinOperator>(left.op, right.op, kind, std::move(lkeys), std::move(rkeys), residual);
  out->inner = left.inner;
  out->outer = left.outer;
  if (pairs) {
    for (const ExprPtr& k : right.inner) out->inner.push_back(AtColumn(k, new_left + k->column));
    out->outer.insert(out->outer.end(), right.outer.begin(), right.outer.end());
  }
  // Keep what the old join kept (columns nobody reads stay placeholders), and the keys.
  std::vector<bool> needed(lifted->types.size(), true);
  for (size_t c = 0; c < pair_map.size() && c < join.types.size(); ++c)
    if (size_t(pair_map[c]) < needed.size()) needed[size_t(pair_map[c])] = join.kept(c);
  for (const ExprPtr& k : out->inner) needed[size_t(k->column)] = true;
  lifted->SetNeededColumns(needed);
  out->map = pairs ? pair_map : left.map;
  out->op = lifted;
  return true;
}

}  // namespace

bool LiftCorrelation(const OperatorPtr& input, LiftedCorrelation* out) {
  *out = LiftedCorrelation{};
  if (auto filter = std::dynamic_pointer_cast<FilterOperator>(input)) return LiftFilter(*filter, out);
  if (auto proj = std::dynamic_pointer_cast<ProjectionOperator>(input)) return LiftProjection(*proj, out);
  if (auto join = std::dynamic_pointer_cast<HashJoinOperator>(input)) return LiftJoin(*join, out);
  // A scan holds no outer references: its pushed-down predicates are statement constants only.
  if (std::dynamic_pointer_cast<TableScanOperator>(input)) {
    out->op = input;
    out->map = Identity(input->types.size());
    return true;
  }
  return false;
}

}  // namespace yunhe
