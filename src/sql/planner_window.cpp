// Window function calls: binding f(...) OVER (...) and planning the WindowOperator.
#include <fmt/format.h>

#include "common/status.h"
#include "exec/window.h"
#include "functions/function.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

struct NamedWindowFunction {
  const char* name;
  WindowFunctionKind kind;
  size_t min_args, max_args;
};
const NamedWindowFunction kWindowFunctions[] = {
    {"row_number", WindowFunctionKind::kRowNumber, 0, 0}, {"rank", WindowFunctionKind::kRank, 0, 0},
    {"dense_rank", WindowFunctionKind::kDenseRank, 0, 0}, {"percent_rank", WindowFunctionKind::kPercentRank, 0, 0},
    {"cume_dist", WindowFunctionKind::kCumeDist, 0, 0},   {"ntile", WindowFunctionKind::kNtile, 1, 1},
    {"lag", WindowFunctionKind::kLag, 1, 3},              {"lead", WindowFunctionKind::kLead, 1, 3},
    {"first_value", WindowFunctionKind::kFirstValue, 1, 1}, {"last_value", WindowFunctionKind::kLastValue, 1, 1},
    {"nth_value", WindowFunctionKind::kNthValue, 2, 2},
};

ExprPtr ReplaceWindows(const ExprPtr& e, const std::vector<ExprPtr>& windows, size_t base) {
  if (e->kind == ExprKind::kWindow) {
    for (size_t k = 0; k < windows.size(); ++k)
      if (windows[k].get() == e.get() || windows[k]->bound_window == e->bound_window)
        return MakeColumn(int(base + k), e->type, e->name);
  }
  if (e->args.empty()) return e;
  auto c = std::make_shared<Expr>(*e);
  for (auto& a : c->args) a = ReplaceWindows(a, windows, base);
  return c;
}

}  // namespace

ExprPtr Planner::BindWindowCall(PgQuery__FuncCall* f, const std::string& name, BindContext& bc) {
  if (!bc.allow_windows)
    throw Error(SqlState::kWindowingError, fmt::format("window functions are not allowed in {}", bc.clause),
                CharPos(f->location));
  PgQuery__WindowDef* over = f->over;
  // OVER w, or OVER (w ORDER BY ...): start from the WINDOW clause definition.
  PgQuery__WindowDef* base = nullptr;
  std::string ref = over->name && over->name[0] ? over->name : over->refname && over->refname[0] ? over->refname : "";
  if (!ref.empty()) {
    if (!named_windows_.empty()) {
      auto it = named_windows_.back().find(ref);
      if (it != named_windows_.back().end()) base = it->second;
    }
    if (!base)
      throw Error(SqlState::kUndefinedObject, fmt::format("window \"{}\" does not exist", ref), CharPos(over->location));
  }
  auto bw = std::make_shared<BoundWindow>();
  bw->name = name;
  bw->spec = std::make_shared<WindowSpec>();
  BindContext inner = bc;
  inner.allow_windows = false;
  inner.clause = "window definition";
  PgQuery__WindowDef* parts = base && over->n_partition_clause == 0 ? base : over;
  PgQuery__WindowDef* orders = base && over->n_order_clause == 0 ? base : over;
  PgQuery__WindowDef* frame = base && !(over->frame_options & FrameOption::kNonDefault) ? base : over;
  for (size_t k = 0; k < parts->n_partition_clause; ++k) bw->spec->partition_by.push_back(Bind(parts->partition_clause[k], inner));
  for (size_t k = 0; k < orders->n_order_clause; ++k) {
    auto* sb = orders->order_clause[k]->sort_by;
    SortKey key;
    key.expr = Bind(sb->node, inner);
    key.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    key.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                      (key.desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
    bw->spec->order_by.push_back(key);
  }
  bw->spec->frame_options = frame->frame_options;
  Scope empty;
  if (frame->start_offset) bw->spec->start_offset = BindExpression(frame->start_offset, empty);
  if (frame->end_offset) bw->spec->end_offset = BindExpression(frame->end_offset, empty);
  bool known = false;
  for (const auto& wf : kWindowFunctions) {
    if (name != wf.name) continue;
    known = true;
    if (f->n_args < wf.min_args || f->n_args > wf.max_args)
      throw Error(SqlState::kUndefinedFunction, fmt::format("function {} with {} arguments does not exist", name, f->n_args),
                  CharPos(f->location));
    bw->kind = wf.kind;
    for (size_t k = 0; k < f->n_args; ++k) bw->args.push_back(Bind(f->args[k], inner));
    switch (wf.kind) {
      case WindowFunctionKind::kRowNumber:
      case WindowFunctionKind::kRank:
      case WindowFunctionKind::kDenseRank: bw->type = TypeId::kInt64; break;
      case WindowFunctionKind::kPercentRank:
      case WindowFunctionKind::kCumeDist: bw->type = TypeId::kFloat64; break;
      case WindowFunctionKind::kNtile:
        bw->args[0] = CoerceTo(bw->args[0], TypeId::kInt32);
        bw->type = TypeId::kInt32;
        break;
      case WindowFunctionKind::kLag:
      case WindowFunctionKind::kLead:
        if (bw->args[0]->unknown_literal) bw->args[0] = CoerceTo(bw->args[0], TypeId::kText);
        if (bw->args.size() > 1) bw->args[1] = CoerceTo(bw->args[1], TypeId::kInt32);
        if (bw->args.size() > 2) {
          std::vector<ExprPtr> pair{bw->args[0], bw->args[2]};
          UnifyTypes(pair, "lag/lead", f->location);
          bw->args[0] = pair[0];
          bw->args[2] = pair[1];
        }
        bw->type = bw->args[0]->type;
        break;
      default:
        if (bw->args[0]->unknown_literal) bw->args[0] = CoerceTo(bw->args[0], TypeId::kText);
        if (bw->args.size() > 1) bw->args[1] = CoerceTo(bw->args[1], TypeId::kInt32);
        bw->type = bw->args[0]->type;
        break;
    }
  }
  if (!known) {
    if (!FunctionRegistry::Get().IsAggregate(name))
      throw Error(SqlState::kUndefinedFunction, fmt::format("function {} is not a window function or aggregate", name),
                  CharPos(f->location));
    std::vector<BoundAggregate> tmp;
    BindContext abc = inner;
    abc.allow_aggregates = true;
    abc.aggregates = &tmp;
    // Arguments may themselves be aggregates of the grouped query: sum(sum(v)) OVER ().
    BindContext args_bc = bc;
    args_bc.allow_windows = false;
    args_bc.clause = "window function arguments";
    BindAggregateCall(f, name, abc, bc.allow_aggregates ? &args_bc : nullptr);
    bw->kind = WindowFunctionKind::kAggregate;
    bw->aggregate = tmp[0];
    bw->args = tmp[0].args;
    bw->type = tmp[0].type;
  }
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kWindow;
  e->type = bw->type;
  e->name = name;
  e->location = f->location;
  e->bound_window = bw;
  e->args = bw->args;
  bc.windows->push_back(e);
  return e;
}

OperatorPtr PlanWindows(OperatorPtr plan, const std::vector<ExprPtr>& windows, std::vector<ExprPtr*> uses,
                        const std::vector<ExprPtr>* groups, const Planner& planner) {
  std::vector<BoundWindow> bound;
  for (auto& w : windows) {
    BoundWindow bw = *w->bound_window;
    if (groups) {
      auto rw = [&](ExprPtr& e) { if (e) e = RewriteAfterAggregate(e, *groups, groups->size(), planner); };
      for (auto& a : bw.args) rw(a);
      auto spec = std::make_shared<WindowSpec>(*bw.spec);
      for (auto& p : spec->partition_by) rw(p);
      for (auto& o : spec->order_by) rw(o.expr);
      bw.spec = spec;
      for (auto& a : bw.aggregate.args) rw(a);
      for (auto& o : bw.aggregate.order_by) rw(o);
      rw(bw.aggregate.filter);
    }
    bound.push_back(std::move(bw));
  }
  size_t base = plan->types.size();
  auto op = std::make_shared<WindowOperator>(plan, std::move(bound));
  for (ExprPtr* use : uses) *use = ReplaceWindows(*use, windows, base);
  return op;
}

}  // namespace yunhe
