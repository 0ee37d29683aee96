// B-tree index lookups from WHERE conjuncts over a table scan (see AddIndexLookup).
#include <fmt/format.h>

#include <map>

#include "exec/table_scan.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

const TableScanOperator::ValueIndex* IndexOn(const TableScanOperator& scan, int column, bool range) {
  for (const auto& ix : scan.value_indexes())
    if (ix.column == column && !(range && ix.equality_only)) return &ix;
  return nullptr;
}

}  // namespace

// `col = c`, `col IN (c1, c2, ...)` and ranges (`col > c AND col <= d`, BETWEEN) on the first
// column of a B-tree index (equality and IN also for hash indexes), where the values are fixed
// for the statement, make the scan look the rows up in the index. Equality and IN are preferred
// to ranges. The conjuncts stay in the Filter above, which still checks every row.
void AddIndexLookup(TableScanOperator& scan, const std::vector<ExprPtr>& preds) {
  if (scan.value_indexes().empty() || scan.has_index_lookup()) return;
  ExecContext ctx;
  struct Range {
    IndexRange r;
    std::string text;
  };
  std::map<int, Range> ranges;  // column -> bounds gathered from comparisons
  for (const ExprPtr& e : FlattenConjuncts(preds)) {
    if (e->kind == ExprKind::kInList && !e->negated && e->args[0]->kind == ExprKind::kColumn) {
      const Expr& col = *e->args[0];
      const auto* ix = IndexOn(scan, col.column, false);
      if (!ix) continue;
      std::vector<IndexRange> keys;
      std::string shown;
      for (size_t k = 1; k < e->args.size(); ++k) {
        Value v;
        if (!FixedValueOf(*e->args[k], col.type, ctx, &v)) {
          if (e->args[k]->kind == ExprKind::kConstant && e->args[k]->value.is_null) continue;  // matches nothing
          keys.clear();
          break;
        }
        keys.push_back(IndexRange{v, v, true, true});
        const Expr& a = *e->args[k];
        shown += (shown.empty() ? "" : ", ") + (a.kind == ExprKind::kConstant ? a.ToString() : "'" + v.ToString() + "'");
      }
      if (keys.empty()) continue;
      scan.SetIndexLookup(col.column, ix->name, std::move(keys), fmt::format("{} IN ({})", col.name, shown));
      return;
    }
    FixedComparison cmp;
    if (!MatchFixedComparison(*e, ctx, &cmp) || cmp.expr->kind != ExprKind::kColumn) continue;
    const Expr* col = cmp.expr;
    const std::string& op = cmp.op;
    const Value& v = cmp.value;
    const std::string& shown = cmp.shown;
    if (op == "=") {
      const auto* ix = IndexOn(scan, col->column, false);
      if (!ix) continue;
      scan.SetIndexLookup(col->column, ix->name, {IndexRange{v, v, true, true}}, fmt::format("{} = {}", col->name, shown));
      return;
    }
    if (!IndexOn(scan, col->column, true)) continue;
    Range& r = ranges[col->column];
    if (op == ">" || op == ">=") {
      r.r.lo = v;
      r.r.lo_inclusive = op == ">=";
    } else {
      r.r.hi = v;
      r.r.hi_inclusive = op == "<=";
    }
    r.text += (r.text.empty() ? "" : " AND ") + fmt::format("{} {} {}", col->name, op, shown);
  }
  for (auto& [column, r] : ranges) {
    if (r.r.lo.is_null && r.r.hi.is_null) continue;
    scan.SetIndexLookup(column, IndexOn(scan, column, true)->name, {r.r}, r.text);
    return;
  }
}

}  // namespace yunhe
