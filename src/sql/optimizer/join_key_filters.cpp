#include "sql/optimizer/join_key_filters.h"

#include "exec/basic_operators.h"
#include "exec/hash_aggregate.h"
#include "exec/hash_join.h"
#include "exec/table_scan.h"
#include "sql/correlation.h"
#include "sql/optimizer/cardinality.h"
#include "sql/planner.h"

namespace yunhe {
namespace {

bool IntegerLike(const ExprPtr& e) { return e->type.physical() == PhysicalType::kI64; }

// Whether the join's result loses a probe row that no build row matches (so that dropping it
// earlier changes nothing): the probe side is not one an outer join or an anti join keeps.
bool DropsUnmatchedProbeRows(const HashJoinOperator& j) {
  switch (j.kind()) {
    case JoinKind::kInner:
    case JoinKind::kSemi: return true;
    case JoinKind::kRight: return !j.build_left();           // probes the left rows, which it pads only when matched
    case JoinKind::kLeft:
    case JoinKind::kAnti: return j.build_left();             // the right rows only mark the left ones
    case JoinKind::kFull: return false;
  }
  return false;
}

// The filter's expression over `keys`.
ExprPtr KeyFilterExpr(const std::vector<ExprPtr>& keys, const std::shared_ptr<JoinKeyFilter>& filter) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kJoinKeyFilter;
  e->type = LogicalType(TypeId::kBool);
  e->args = keys;
  e->key_filter = filter;
  return e;
}

// Which input of `join` a row's keys come from: 0 left, 1 right, -1 both or cannot tell.
int KeySide(const HashJoinOperator& join, const std::vector<ExprPtr>& keys) {
  std::vector<bool> read(join.types.size(), false);
  for (const ExprPtr& k : keys)
    if (!MarkColumnsRead(k, &read)) return -1;
  bool left = false, right = false;
  for (size_t c = 0; c < read.size(); ++c) {
    if (!read[c]) continue;
    if (c < join.left_width()) left = true;
    else right = true;
  }
  if (left == right) return -1;
  return left ? 0 : 1;
}

// A table scan, maybe under projections, with no filter between.
bool WholeTable(const PhysicalOperator& op) {
  const PhysicalOperator* p = &op;
  while (dynamic_cast<const ProjectionOperator*>(p)) p = p->children[0].get();
  return dynamic_cast<const TableScanOperator*>(p) != nullptr;
}

class Placer {
 public:
  explicit Placer(std::shared_ptr<JoinKeyFilter> filter) : filter_(std::move(filter)) {}

  // Places the filter on `keys` (over *slot's output) at or below *slot. `deep`: an aggregate or
  // a join lies between *slot and the join that offers the keys. False when nothing was placed.
  bool Place(OperatorPtr& slot, std::vector<ExprPtr> keys, bool deep) {
    PhysicalOperator* op = slot.get();
    if (auto* proj = dynamic_cast<ProjectionOperator*>(op)) {
      const auto& exprs = proj->exprs();
      bool mapped = true;
      for (ExprPtr& k : keys) {
        k = RemapColumns(k, [&](const Expr& c) { return c.column < int(exprs.size()) ? exprs[size_t(c.column)] : nullptr; });
        mapped = mapped && k && SelfContained(k) && IntegerLike(k);
      }
      return mapped ? Place(proj->children[0], keys, deep) : false;
    }
    if (auto* filter = dynamic_cast<FilterOperator*>(op)) {
      if (dynamic_cast<TableScanOperator*>(filter->children[0].get())) {
        if (!deep) return false;
        filter->SetPredicate(AndAllConditions({filter->predicate(), KeyFilterExpr(keys, filter_)}));
        return true;
      }
      return Place(filter->children[0], keys, deep) || Above(slot, keys, deep);
    }
    if (auto* agg = dynamic_cast<HashAggregateOperator*>(op)) {
      // A group's key is its rows' key: dropping the rows drops the group.
      std::vector<ExprPtr> below;
      for (const ExprPtr& k : keys) {
        ExprPtr m = RemapColumns(k, [&](const Expr& c) {
          return c.column < int(agg->groups().size()) ? agg->groups()[size_t(c.column)] : nullptr;
        });
        if (!m || !SelfContained(m) || !IntegerLike(m)) return Above(slot, keys, deep);
        below.push_back(m);
      }
      if (!Place(agg->children[0], below, /*deep=*/true)) return Above(slot, keys, deep);
      agg->RefreshParallelFilter();
      return true;
    }
    if (auto* join = dynamic_cast<HashJoinOperator*>(op)) {
      // A row's keys stay with the rows the join makes of it (and only those): a side whose
      // unmatched rows are dropped or padded may lose rows early, the NULL-padded side may not.
      const int side = KeySide(*join, keys);
      const JoinKind k = join->kind();
      const bool semi = k == JoinKind::kSemi || k == JoinKind::kAnti;
      if (side == 0 && (k == JoinKind::kInner || k == JoinKind::kLeft || semi))
        return Place(join->children[0], keys, true) || Above(slot, keys, deep);
      if (side == 1 && !semi && (k == JoinKind::kInner || k == JoinKind::kRight)) {
        const int shift = int(join->left_width());
        for (ExprPtr& key : keys)
          key = RemapColumns(key, [&](const Expr& c) { return MakeColumn(c.column - shift, c.type, c.name); });
        return Place(join->children[1], keys, true) || Above(slot, keys, deep);
      }
      return Above(slot, keys, deep);
    }
    return Above(slot, keys, deep);
  }

 private:
  // A filter right above *slot, when there is work above it to save.
  bool Above(OperatorPtr& slot, const std::vector<ExprPtr>& keys, bool deep) {
    if (!deep) return false;
    slot = std::make_shared<FilterOperator>(slot, KeyFilterExpr(keys, filter_));
    return true;
  }
  std::shared_ptr<JoinKeyFilter> filter_;
};

}  // namespace

void AddJoinKeyFilters(const OperatorPtr& plan) {
  if (!plan) return;
  for (const OperatorPtr& child : plan->children) AddJoinKeyFilters(child);
  auto* join = dynamic_cast<HashJoinOperator*>(plan.get());
  if (!join || join->offers_keys() || !DropsUnmatchedProbeRows(*join)) return;
  const size_t keys = join->left_keys().size();
  if (keys != 1 && keys != 2) return;
  for (size_t k = 0; k < keys; ++k)
    if (!IntegerLike(join->left_keys()[k]) || !IntegerLike(join->right_keys()[k])) return;
  const int build = join->build_left() ? 0 : 1, probe = 1 - build;
  if (2 * EstimateRows(*join->children[size_t(build)]) >= EstimateRows(*join->children[size_t(probe)])) return;
  const std::vector<ExprPtr>& probe_keys = join->build_left() ? join->right_keys() : join->left_keys();
  const std::vector<ExprPtr>& build_keys = join->build_left() ? join->left_keys() : join->right_keys();
  for (const ExprPtr& k : probe_keys)
    if (!SelfContained(k)) return;
  // A whole table read unfiltered on the build side, with about as many keys as the probe side
  // has, holds every key a foreign key can name: the filter would drop nothing (TPC-H Q9's and
  // Q10's 25 nations). Only there: a filtered build's distinct keys are guessed too loosely to
  // decide on (Q20's partsupp IN (SubPlan) was taken for a third of the table).
  if (WholeTable(*join->children[size_t(build)]) && build_keys[0]->kind == ExprKind::kColumn &&
      probe_keys[0]->kind == ExprKind::kColumn &&
      2 * EstimateDistinct(*join->children[size_t(build)], build_keys[0]->column) >=
          EstimateDistinct(*join->children[size_t(probe)], probe_keys[0]->column))
    return;
  Placer placer(join->OfferKeys());
  if (!placer.Place(join->children[size_t(probe)], probe_keys, /*deep=*/false)) join->WithdrawOffer();
}

}  // namespace yunhe
