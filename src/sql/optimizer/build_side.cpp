#include "sql/optimizer/build_side.h"

#include "exec/hash_join.h"
#include "sql/optimizer/cardinality.h"

namespace yunhe {

void ChooseBuildSides(const OperatorPtr& plan) {
  if (!plan) return;
  for (const OperatorPtr& child : plan->children) ChooseBuildSides(child);
  auto* join = dynamic_cast<HashJoinOperator*>(plan.get());
  // (A join that offers its keys placed them below the side it probes: that side stays.)
  if (!join || join->left_keys().empty() || join->offers_keys()) return;
  if (join->kind() != JoinKind::kSemi && join->kind() != JoinKind::kAnti && join->kind() != JoinKind::kLeft) return;
  // Hashing costs more per row than probing: switch only for a clear difference.
  join->SetBuildLeft(2 * EstimateRows(*join->children[0]) < EstimateRows(*join->children[1]));
}

}  // namespace yunhe
