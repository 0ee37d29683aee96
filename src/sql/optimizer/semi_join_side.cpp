#include "sql/optimizer/semi_join_side.h"

#include "exec/hash_join.h"
#include "sql/optimizer/cardinality.h"

namespace yunhe {

void ChooseSemiJoinBuildSides(const OperatorPtr& plan) {
  if (!plan) return;
  for (const OperatorPtr& child : plan->children) ChooseSemiJoinBuildSides(child);
  auto* join = dynamic_cast<HashJoinOperator*>(plan.get());
  if (!join || (join->kind() != JoinKind::kSemi && join->kind() != JoinKind::kAnti) || join->left_keys().empty()) return;
  // Hashing costs more per row than probing: switch only for a clear difference.
  join->SetBuildLeft(2 * EstimateRows(*join->children[0]) < EstimateRows(*join->children[1]));
}

}  // namespace yunhe
