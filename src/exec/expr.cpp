#include "exec/expr.h"

#include "exec/join_key_filter.h"
#include "functions/function.h"

namespace yunhe {

ExprPtr MakeConstant(const Value& v, int location) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kConstant;
  e->value = v;
  e->type = v.type;
  e->location = location;
  return e;
}

ExprPtr MakeColumn(int index, LogicalType type, std::string name) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kColumn;
  e->column = index;
  e->type = type;
  e->name = std::move(name);
  return e;
}

std::string Expr::ToString() const {
  auto join = [&](const char* sep) {
    std::string s;
    for (size_t k = 0; k < args.size(); ++k) s += (k ? sep : "") + args[k]->ToString();
    return s;
  };
  switch (kind) {
    case ExprKind::kConstant:
      if (value.is_null) return "NULL";
      if (type.id == TypeId::kText) return "'" + value.s + "'";
      if (type.IsNumeric() || type.id == TypeId::kBool) return value.ToString();
      return "'" + value.ToString() + "'::" + type.ToString();
    case ExprKind::kColumn:
    case ExprKind::kOuterColumn:
      if (name.empty()) return "#" + std::to_string(column);
      return table.empty() ? name : table + "." + name;
    case ExprKind::kParam: return "$" + std::to_string(column + 1);
    case ExprKind::kFunction:
      if (args.size() == 2 && !name.empty() && !isalpha((unsigned char)name[0]))
        return "(" + args[0]->ToString() + " " + name + " " + args[1]->ToString() + ")";
      if (args.size() == 1 && !name.empty() && !isalpha((unsigned char)name[0])) return name + args[0]->ToString();
      return name + "(" + join(", ") + ")";
    case ExprKind::kCast: return args[0]->ToString() + "::" + type.ToString();
    case ExprKind::kAnd: return "(" + join(" AND ") + ")";
    case ExprKind::kOr: return "(" + join(" OR ") + ")";
    case ExprKind::kNot: return "NOT " + args[0]->ToString();
    case ExprKind::kIsNull: return args[0]->ToString() + " IS NULL";
    case ExprKind::kIsNotNull: return args[0]->ToString() + " IS NOT NULL";
    case ExprKind::kCase: return "CASE";
    case ExprKind::kCoalesce: return "COALESCE(" + join(", ") + ")";
    case ExprKind::kGreatest: return "GREATEST(" + join(", ") + ")";
    case ExprKind::kLeast: return "LEAST(" + join(", ") + ")";
    case ExprKind::kNullIf: return "NULLIF(" + join(", ") + ")";
    case ExprKind::kInList: return args[0]->ToString() + (negated ? " NOT IN (...)" : " IN (...)");
    case ExprKind::kSubquery: return "(SubPlan)";
    case ExprKind::kArraySubquery: return "ARRAY(SubPlan)";
    case ExprKind::kExists: return "EXISTS(SubPlan)";
    case ExprKind::kInSubquery: return args[0]->ToString() + (negated ? " NOT IN (SubPlan)" : " IN (SubPlan)");
    case ExprKind::kAnySubquery: return args[0]->ToString() + " " + any_op + (negated ? " ALL" : " ANY") + "(SubPlan)";
    case ExprKind::kAggregate:
    case ExprKind::kWindow: return name + "(" + join(", ") + ")";
    case ExprKind::kJoinKeyFilter:
      return (args.size() == 1 ? args[0]->ToString() : "(" + join(", ") + ")") + " IN (hashed " + key_filter->join() + ")";
  }
  return "?";
}

bool Expr::Equals(const Expr& o) const {
  if (kind != o.kind || type != o.type || args.size() != o.args.size()) return false;
  switch (kind) {
    case ExprKind::kConstant:
      if (value.is_null != o.value.is_null) return false;
      if (!value.is_null && value.ToString() != o.value.ToString()) return false;
      break;
    case ExprKind::kColumn:
    case ExprKind::kOuterColumn:
    case ExprKind::kParam:
      if (column != o.column || depth != o.depth) return false;
      break;
    case ExprKind::kFunction:
      if (function != o.function) return false;
      break;
    case ExprKind::kSubquery:
    case ExprKind::kExists:
    case ExprKind::kInSubquery:
    case ExprKind::kAnySubquery:
    case ExprKind::kWindow:
      return this == &o;
    case ExprKind::kJoinKeyFilter:
      if (key_filter != o.key_filter) return false;
      break;
    case ExprKind::kAggregate:
      if (column != o.column) return false;
      break;
    default:
      if (negated != o.negated) return false;
      break;
  }
  for (size_t k = 0; k < args.size(); ++k)
    if (!args[k]->Equals(*o.args[k])) return false;
  return true;
}

bool SelfContained(const ExprPtr& e) {
  if (!e) return true;
  if (e->subquery || e->kind == ExprKind::kOuterColumn || e->kind == ExprKind::kAggregate || e->kind == ExprKind::kWindow)
    return false;
  for (auto& a : e->args)
    if (!SelfContained(a)) return false;
  return true;
}

std::vector<ExprPtr> FlattenConjuncts(const std::vector<ExprPtr>& preds) {
  std::vector<ExprPtr> out, work(preds.rbegin(), preds.rend());
  while (!work.empty()) {
    ExprPtr e = work.back();
    work.pop_back();
    if (e->kind == ExprKind::kAnd) work.insert(work.end(), e->args.rbegin(), e->args.rend());
    else out.push_back(e);
  }
  return out;
}

bool MarkColumnsRead(const ExprPtr& e, std::vector<bool>* cols) { return !e || MarkColumnsRead(*e, cols); }

bool MarkColumnsRead(const Expr& e, std::vector<bool>* cols) {
  if (e.subquery || e.kind == ExprKind::kAggregate || e.kind == ExprKind::kWindow) return false;
  if (e.kind == ExprKind::kColumn) {
    if (e.column < 0 || size_t(e.column) >= cols->size()) return false;
    (*cols)[size_t(e.column)] = true;
  }
  if (!MarkColumnsRead(e.filter, cols)) return false;
  for (auto& o : e.order_by)
    if (!MarkColumnsRead(o, cols)) return false;
  for (auto& a : e.args)
    if (!MarkColumnsRead(a, cols)) return false;
  return true;
}

}  // namespace yunhe
