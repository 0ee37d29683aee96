// Window functions: materializes its input (and every expression the windows read, evaluated
// once per input chunk), puts the rows in each distinct (PARTITION BY, ORDER BY) order once
// (exec/window_order.h), computes each function partition by partition on all cores
// (exec/window_evaluate.h), and appends one column per window expression to the input chunks,
// which go out as they came in.
// Memory: past work_mem, when every window's PARTITION BY shares some expressions, the input is
// split by a hash of those into kSpillPartitions files (window_spill.cpp) and each file is
// materialized and computed on its own (its rows are whole partitions of every window); the
// rows then go out file by file. Without a shared partition key it does not spill.
#pragma once
#include <memory>

#include "exec/aggregate_state.h"
#include "exec/sort.h"
#include "exec/spill_file.h"

namespace yunhe {

// PostgreSQL's frame option bits (parsenodes.h FRAMEOPTION_*), as libpg_query reports them.
namespace FrameOption {
inline constexpr int kNonDefault = 0x1;
inline constexpr int kRange = 0x2;
inline constexpr int kRows = 0x4;
inline constexpr int kGroups = 0x8;
inline constexpr int kStartUnboundedPreceding = 0x20;
inline constexpr int kEndUnboundedFollowing = 0x100;
inline constexpr int kStartCurrentRow = 0x200;
inline constexpr int kEndCurrentRow = 0x400;
inline constexpr int kStartOffsetPreceding = 0x800;
inline constexpr int kEndOffsetPreceding = 0x1000;
inline constexpr int kStartOffsetFollowing = 0x2000;
inline constexpr int kEndOffsetFollowing = 0x4000;
inline constexpr int kExcludeCurrentRow = 0x8000;
inline constexpr int kExcludeGroup = 0x10000;
inline constexpr int kExcludeTies = 0x20000;
inline constexpr int kDefault = kRange | kStartUnboundedPreceding | kEndCurrentRow;
}  // namespace FrameOption

struct WindowSpec {
  std::vector<ExprPtr> partition_by;
  std::vector<SortKey> order_by;
  int frame_options = FrameOption::kDefault;
  ExprPtr start_offset, end_offset;  // constant expressions
};

enum class WindowFunctionKind {
  kAggregate, kRowNumber, kRank, kDenseRank, kPercentRank, kCumeDist, kNtile, kLag, kLead,
  kFirstValue, kLastValue, kNthValue,
};

struct BoundWindow {
  WindowFunctionKind kind = WindowFunctionKind::kAggregate;
  std::vector<ExprPtr> args;
  BoundAggregate aggregate;  // kind == kAggregate
  std::shared_ptr<WindowSpec> spec;
  LogicalType type;
  std::string name;
};

class WindowOperator : public PhysicalOperator {
 public:
  WindowOperator(OperatorPtr child, std::vector<BoundWindow> windows);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "WindowAgg"; }
  std::string Details() const override;
  static constexpr size_t kSpillPartitions = 16;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  // Which of inputs_ a window reads.
  struct InputIndexes {
    std::vector<size_t> partition, order, args, agg_order;
    int64_t filter = -1;
  };
  size_t InputOf(const ExprPtr& e);
  void Reset();
  // Materializes one input chunk (and what the windows read of it); answers its bytes.
  uint64_t Consume(DataChunk in, ExecContext& ctx);
  // Computes every window over the materialized rows.
  void Compute(ExecContext& ctx);
  // Spilling (window_spill.cpp): the expressions every window partitions by, the held chunks and
  // every later one written to the files by a hash of them, and the files read back one by one.
  std::vector<ExprPtr> SharedPartitionKeys() const;
  void SpillChunk(const DataChunk& in, ExecContext& ctx);
  bool LoadNextSpilled(ExecContext& ctx);

  std::vector<BoundWindow> windows_;
  std::vector<ExprPtr> exprs_;  // distinct expressions the windows read
  std::vector<uint8_t> by_position_;  // exprs_[k] is read by row position (not only a partition key)
  std::vector<uint8_t> partition_key_;  // exprs_[k] is some window's PARTITION BY key
  std::vector<InputIndexes> input_indexes_;
  std::vector<size_t> order_group_;  // first window with the same PARTITION BY and ORDER BY
  // The input as it came, chunk by chunk (column arrays shared with the child, not copied), and
  // the windows' results over all rows.
  std::vector<DataChunk> chunks_;
  std::vector<Vector> results_;
  std::vector<Vector> inputs_;                 // exprs_ read by position, over every input row
  std::vector<std::vector<Vector>> per_chunk_;  // exprs_ used as partition keys, chunk by chunk
  size_t next_chunk_ = 0, next_row_ = 0;
  size_t rows_ = 0;  // materialized rows
  std::vector<ExprPtr> spill_keys_;
  std::vector<std::unique_ptr<SpillFile>> spill_;  // empty: in memory
  size_t next_spilled_ = 0;
  uint64_t spilled_bytes_ = 0;
};

}  // namespace yunhe
