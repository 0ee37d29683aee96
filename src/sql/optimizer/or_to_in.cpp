#include "sql/optimizer/or_to_in.h"

#include "sql/planner.h"

namespace yunhe {
namespace {

// `expr = value` with a value fixed for the statement and of expr's type: the two sides (expr
// first), or false.
bool EqualityWithConstant(const Expr& e, ExprPtr* expr, ExprPtr* value) {
  if (e.kind != ExprKind::kFunction || e.name != "=" || e.args.size() != 2) return false;
  for (int side = 0; side < 2; ++side) {
    const ExprPtr& x = e.args[size_t(side)];
    const ExprPtr& v = e.args[size_t(1 - side)];
    if (!StatementConstant(*x) && StatementConstant(*v) && MovableExpr(*x) && x->type == v->type) {
      *expr = x;
      *value = v;
      return true;
    }
  }
  return false;
}

// The arms of nested ORs, flattened.
void OrArms(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (e->kind == ExprKind::kOr) {
    for (auto& a : e->args) OrArms(a, out);
    return;
  }
  out->push_back(e);
}

}  // namespace

ExprPtr OrEqualitiesToIn(const ExprPtr& e) {
  if (e->kind == ExprKind::kAnd) {
    auto c = std::make_shared<Expr>(*e);
    for (auto& a : c->args) a = OrEqualitiesToIn(a);
    return c;
  }
  if (e->kind != ExprKind::kOr) return e;
  std::vector<ExprPtr> arms;
  OrArms(e, &arms);
  // Arms that compare one expression with constants are gathered into one IN list (the first
  // such arm's place); the other arms stay, rewritten inside.
  std::vector<ExprPtr> out;
  struct List {
    ExprPtr in;         // kInList: the expression, then the values
    ExprPtr first_arm;  // kept as it was when no second value joins it
    size_t position;    // in `out`
  };
  std::vector<List> lists;
  for (const ExprPtr& arm : arms) {
    ExprPtr x, v;
    if (!EqualityWithConstant(*arm, &x, &v)) {
      out.push_back(OrEqualitiesToIn(arm));
      continue;
    }
    List* list = nullptr;
    for (auto& l : lists)
      if (l.in->args[0]->Equals(*x)) list = &l;
    if (!list) {
      auto in = std::make_shared<Expr>();
      in->kind = ExprKind::kInList;
      in->type = TypeId::kBool;
      in->location = arm->location;
      in->args.push_back(x);
      lists.push_back(List{in, arm, out.size()});
      out.push_back(in);
      list = &lists.back();
    }
    list->in->args.push_back(v);
  }
  for (const List& l : lists)
    if (l.in->args.size() == 2) out[l.position] = l.first_arm;
  if (out.size() == 1) return out[0];
  auto c = std::make_shared<Expr>(*e);
  c->args = out;
  return c;
}

}  // namespace yunhe
