// B-tree index lookups from WHERE conjuncts over a table scan (see AddIndexLookup).
#include <fmt/format.h>

#include <map>

#include "common/statement_context.h"
#include "exec/table_scan.h"
#include "sql/planner.h"
#include "storage/primary_key.h"

namespace yunhe {
namespace {

const TableScanOperator::ValueIndex* IndexOn(const TableScanOperator& scan, int column, bool range) {
  for (const auto& ix : scan.value_indexes())
    if (ix.column == column && !(range && ix.equality_only)) return &ix;
  return nullptr;
}

// `k = c` (or `k IN (c1, c2, ...)`) on every column of the table's primary key, with the values
// fixed for the statement: every key the conjuncts allow (one value per key column, in key
// order; at most 1024), and the conjuncts as EXPLAIN shows them. False when some key column has
// no fixed value (or too many combinations).
bool FixedPrimaryKeys(const TableScanOperator& scan, const std::vector<ExprPtr>& preds, std::vector<std::vector<Value>>* keys,
                      std::string* shown_text) {
  const Table& table = *scan.table();
  const std::vector<int>& pk = table.schema.primary_key;
  if (pk.empty()) return false;
  for (int c : pk)
    if (!scan.column_is_table_column(c)) return false;
  ExecContext ctx;
  std::vector<std::vector<Value>> values(pk.size());  // per key column: the values it may take
  std::vector<std::string> shown(pk.size());
  for (const ExprPtr& e : FlattenConjuncts(preds)) {
    const Expr* col = nullptr;
    std::vector<Value> vals;
    std::string text;
    FixedComparison cmp;
    if (e->kind == ExprKind::kInList && !e->negated && e->args[0]->kind == ExprKind::kColumn) {
      col = e->args[0].get();
      for (size_t k = 1; k < e->args.size(); ++k) {
        Value v;
        if (!FixedValueOf(*e->args[k], col->type, ctx, &v)) {
          if (e->args[k]->kind == ExprKind::kConstant && e->args[k]->value.is_null) continue;  // matches nothing
          col = nullptr;
          break;
        }
        vals.push_back(v);
        text += (text.empty() ? "" : ", ") + v.ToString();
      }
      text = col ? col->name + " IN (" + text + ")" : "";
    } else if (MatchFixedComparison(*e, ctx, &cmp) && cmp.op == "=" && cmp.expr->kind == ExprKind::kColumn) {
      col = cmp.expr;
      vals.push_back(cmp.value);
      text = col->name + " = " + cmp.shown;
    }
    if (!col) continue;
    for (size_t k = 0; k < pk.size(); ++k) {
      if (col->column != pk[k] || !values[k].empty() || col->type != table.schema.columns[size_t(pk[k])].type) continue;
      values[k] = std::move(vals);
      shown[k] = std::move(text);
      break;
    }
  }
  size_t combinations = 1;
  for (const auto& v : values) {
    if (v.empty()) return false;  // a key column without a fixed value
    combinations *= v.size();
    if (combinations > 1024) return false;
  }
  keys->clear();
  for (size_t n = 0; n < combinations; ++n) {
    std::vector<Value> key(pk.size());
    size_t rest = n;
    for (size_t k = 0; k < pk.size(); ++k) {
      key[k] = values[k][rest % values[k].size()];
      rest /= values[k].size();
    }
    keys->push_back(std::move(key));
  }
  shown_text->clear();
  for (const std::string& s : shown) *shown_text += (shown_text->empty() ? "" : " AND ") + s;
  return true;
}

// The rows come from the key map (PostgreSQL's scan of the key's index) when the statement is
// planned on the tables as they are (StatementContext::live_key_maps).
bool AddKeyLookup(TableScanOperator& scan, const std::vector<std::vector<Value>>& keys, const std::string& text) {
  const StatementContext& statement = CurrentStatement();
  if (!statement.live_key_maps || !statement.snapshots.empty() || scan.has_index_lookup()) return false;
  Table& table = *scan.table();
  if (!table.corrupt.empty()) return false;
  std::vector<uint64_t> rows;
  for (const std::vector<Value>& key : keys) {
    const int64_t id = LookupPrimaryKey(table, key);
    if (id == -2) return false;  // the maps cannot tell: scan
    if (id >= 0) rows.push_back(uint64_t(id));
  }
  scan.SetKeyLookup(table.schema.primary_key[0], PrimaryKeyConstraintName(table), std::move(rows), text);
  return true;
}

}  // namespace

// `col = c`, `col IN (c1, c2, ...)` and ranges (`col > c AND col <= d`, BETWEEN) on the first
// column of a B-tree index (equality and IN also for hash indexes), where the values are fixed
// for the statement, make the scan look the rows up in the index. Equality and IN are preferred
// to ranges. The conjuncts stay in the Filter above, which still checks every row.
void AddIndexLookup(TableScanOperator& scan, const std::vector<ExprPtr>& preds) {
  std::vector<std::vector<Value>> keys;
  std::string text;
  const StatementContext& statement = CurrentStatement();
  const bool may_look_up = statement.live_key_maps && statement.snapshots.empty() && !scan.has_index_lookup();
  if ((may_look_up || statement.reads) && FixedPrimaryKeys(scan, preds, &keys, &text)) {
    if (ReadRecorder* reads = statement.reads) {
      // A serializable transaction reads these keys of the table, no other rows.
      std::vector<uint64_t> digests;
      for (const auto& key : keys) digests.push_back(PrimaryKeyDigest(*scan.table(), key).low);
      reads->ScanReadsKeys(&scan, std::move(digests));
    }
    if (AddKeyLookup(scan, keys, text)) return;
  }
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
