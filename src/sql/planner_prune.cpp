// Projection pushdown through joins: a join hands its output to operators that may read only a
// few of its columns; the ones nobody reads need not be kept on the build side nor gathered for
// each match, and the scans below need not read them at all.
#include "exec/basic_operators.h"
#include "exec/hash_join.h"
#include "exec/table_scan.h"
#include "sql/planner.h"

namespace yunhe {

void PruneColumns(const OperatorPtr& plan, const std::vector<bool>& needed) {
  if (!plan || needed.size() != plan->types.size()) return;
  if (auto scan = std::dynamic_pointer_cast<TableScanOperator>(plan)) {
    // A scan that already reads a subset was planned by a subquery that knows better.
    if (!scan->pruned() && !scan->emits_row_id()) scan->KeepOnly(needed);
    return;
  }
  if (auto filter = std::dynamic_pointer_cast<FilterOperator>(plan)) {
    std::vector<bool> child = needed;
    if (MarkColumnsRead(filter->predicate(), &child)) PruneColumns(plan->children[0], child);
    return;
  }
  if (auto projection = std::dynamic_pointer_cast<ProjectionOperator>(plan)) {
    std::vector<bool> child(plan->children[0]->types.size(), false);
    for (size_t c = 0; c < needed.size(); ++c)
      if (needed[c] && !MarkColumnsRead(projection->exprs()[c], &child)) return;
    PruneColumns(plan->children[0], child);
    return;
  }
  if (auto join = std::dynamic_pointer_cast<HashJoinOperator>(plan)) {
    join->SetNeededColumns(needed);
    const size_t lw = join->left_width();
    std::vector<bool> left(lw), right(plan->children[1]->types.size());
    for (size_t c = 0; c < left.size(); ++c) left[c] = join->kept(c);
    for (size_t c = 0; c < right.size(); ++c) right[c] = join->kept(lw + c);
    bool left_ok = true, right_ok = true;
    for (auto& k : join->left_keys()) left_ok = left_ok && MarkColumnsRead(k, &left);
    for (auto& k : join->right_keys()) right_ok = right_ok && MarkColumnsRead(k, &right);
    if (left_ok) PruneColumns(plan->children[0], left);
    if (right_ok) PruneColumns(plan->children[1], right);
  }
}

}  // namespace yunhe
