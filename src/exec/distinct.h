// DISTINCT: passes through the first row of each distinct key, streaming. The planner uses it
// under a LIMIT without ORDER BY (it can stop early); other SELECT DISTINCTs are a GROUP BY of
// every column (flat hash slots: 2-3x faster). (DISTINCT ON is exec/distinct_on.h.)
// Memory: the keys seen are held up to work_mem. Past it the set is frozen: rows of keys in it
// are still dropped, rows of new keys go to kSpillPartitions files by key hash, and once the
// input ends each file is made distinct on its own (a key never seen before the freeze has all
// its rows in one file).
#pragma once
#include <memory>
#include <unordered_set>

#include "exec/operator.h"
#include "exec/expr.h"
#include "exec/spill_file.h"

namespace yunhe {

class DistinctOperator : public PhysicalOperator {
 public:
  // Distinct over all of the child's columns.
  explicit DistinctOperator(OperatorPtr child);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "HashDistinct"; }
  std::string Details() const override;
  static constexpr size_t kSpillPartitions = 16;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  // The rows of `in` whose key is new to seen_ (added to it); with spill_into_files, none: the
  // rows of keys not in seen_ go to the spill files instead.
  std::vector<uint32_t> FirstOccurrences(const DataChunk& in, bool spill_into_files);
  bool NextFromSpill(ExecContext& ctx, DataChunk& out);

  std::unordered_set<std::string> seen_;
  uint64_t seen_bytes_ = 0;
  bool frozen_ = false;  // seen_ passed work_mem: new keys go to the files
  std::vector<std::unique_ptr<SpillFile>> spill_;
  size_t partition_ = 0, chunk_ = 0;  // reading back: the file, its next chunk
  uint64_t spilled_bytes_ = 0;
};

}  // namespace yunhe
