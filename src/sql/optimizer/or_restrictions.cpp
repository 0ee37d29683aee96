#include "sql/optimizer/or_restrictions.h"

#include <map>
#include <set>

#include "sql/planner.h"

namespace yunhe {
namespace {

// The one table a condition reads ("" when none, several, unknown, or it cannot move).
std::string TableOf(const ExprPtr& c, const std::vector<std::string>& table_of) {
  std::vector<bool> read(table_of.size(), false);
  if (!MovableExpr(*c) || !MarkColumnsRead(c, &read)) return "";
  std::string table;
  for (size_t k = 0; k < read.size(); ++k) {
    if (!read[k]) continue;
    if (table_of[k].empty() || (!table.empty() && table != table_of[k])) return "";
    table = table_of[k];
  }
  return table;
}

ExprPtr Combine(ExprKind kind, std::vector<ExprPtr> args) {
  if (args.size() == 1) return args[0];
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->type = TypeId::kBool;
  e->args = std::move(args);
  return e;
}

}  // namespace

std::vector<ExprPtr> ImpliedOrRestrictions(const ExprPtr& e, const std::vector<std::string>& table_of) {
  if (e->kind != ExprKind::kOr || e->args.size() < 2) return {};
  // Per arm: its conjuncts grouped by the one table each reads.
  std::vector<std::map<std::string, std::vector<ExprPtr>>> arms;
  std::set<std::string> everywhere;  // tables every arm restricts
  bool other_tables = false;         // some conjunct reads another table, or several
  for (size_t a = 0; a < e->args.size(); ++a) {
    std::map<std::string, std::vector<ExprPtr>> by_table;
    for (const ExprPtr& c : FlattenConjuncts({e->args[a]})) {
      const std::string t = TableOf(c, table_of);
      if (t.empty()) other_tables = true;
      else by_table[t].push_back(c);
    }
    std::set<std::string> here;
    for (auto& [t, cs] : by_table) here.insert(t);
    if (a == 0) {
      everywhere = here;
    } else {
      std::set<std::string> both;
      for (const std::string& t : everywhere)
        if (here.count(t)) both.insert(t);
      everywhere = std::move(both);
    }
    arms.push_back(std::move(by_table));
  }
  std::vector<ExprPtr> implied;
  for (const std::string& t : everywhere) {
    // An OR over this table alone already moves to its scan as it is.
    bool whole = !other_tables;
    for (auto& arm : arms) whole = whole && arm.size() == 1;
    if (whole) continue;
    std::vector<ExprPtr> ors;
    for (auto& arm : arms) ors.push_back(Combine(ExprKind::kAnd, arm[t]));
    implied.push_back(Combine(ExprKind::kOr, std::move(ors)));
  }
  return implied;
}

}  // namespace yunhe
