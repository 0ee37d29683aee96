// GROUP BY: hashes the group key of every input row to a group index and updates that group's
// aggregate states. Output: the group key columns, then one column per aggregate. Without GROUP
// BY there is exactly one group, even for empty input (count(*) = 0).
#pragma once
#include <unordered_map>

#include "exec/aggregate_state.h"
#include "exec/operator.h"

namespace yunhe {

class HashAggregateOperator : public PhysicalOperator {
 public:
  HashAggregateOperator(OperatorPtr child, std::vector<ExprPtr> groups, std::vector<BoundAggregate> aggregates);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return groups_.empty() ? "Aggregate" : "HashAggregate"; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  void Consume(ExecContext& ctx, const DataChunk& in);

  std::vector<ExprPtr> groups_;
  std::vector<BoundAggregate> aggregates_;
  uint32_t NewGroup(const std::vector<Vector>& keys, size_t row);

  std::unordered_map<std::string, uint32_t> group_index_;
  // Single-column keys skip serialization: integers/timestamps and text get their own maps.
  std::unordered_map<int64_t, uint32_t> int_index_;
  std::unordered_map<std::string, uint32_t> text_index_;
  int64_t null_group_ = -1;
  DataChunk group_keys_;  // one row per group
  std::vector<std::vector<AggState>> states_;  // [aggregate][group]
  size_t group_count_ = 0;
  size_t emitted_ = 0;
};

}  // namespace yunhe
