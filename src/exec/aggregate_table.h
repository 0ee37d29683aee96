// The hash table of a GROUP BY: group keys, a key -> group map, and one AggState per
// (aggregate, group). A parallel aggregation fills one table per worker and merges them.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "exec/aggregate_state.h"
#include "exec/compact_agg_state.h"
#include "exec/operator.h"
#include "exec/text_ids.h"

namespace yunhe {

class AggregateTable {
 public:
  AggregateTable(const std::vector<ExprPtr>* groups, const std::vector<BoundAggregate>* aggregates);
  // Adds every row of the chunk, or only the rows in `sel` (ascending) when given: a filter's
  // selection is used as is instead of gathering the passing rows into a new chunk.
  void Consume(ExecContext& ctx, const DataChunk& in, const std::vector<uint32_t>* sel = nullptr);
  bool ConsumeUngrouped(ExecContext& ctx, const DataChunk& in, const std::vector<uint32_t>* sel);
  // Spilling (exec/hash_aggregate.cpp): sorts the rows of `in` into those whose group is already
  // in the table (*present) and the others, by a hash of their key into absent->size() partitions.
  void SplitByPresence(ExecContext& ctx, const DataChunk& in, std::vector<uint32_t>* present,
                       std::vector<std::vector<uint32_t>>* absent);
  // Approximate bytes held: keys, states and index entries.
  size_t ApproxBytes() const;
  // Folds `other` into this table (other is left unusable).
  void MergeFrom(AggregateTable& other);
  size_t group_count() const { return group_count_; }
  const DataChunk& keys() const { return group_keys_; }
  // The value of aggregate `aggregate` for group `group` (call once per pair: the general
  // states' collected values may be sorted in place).
  Value Finalize(size_t aggregate, size_t group, ExecContext& ctx);

 private:
  // A row's key columns as evaluated (`values`, what the group keeps) and as the table hashes
  // and compares them (`hashed`: text keys as TextIds ids, other keys as they are).
  struct RowKeys {
    const Vector* const* values;
    const Vector* const* hashed;
  };
  // The hashed form of `values` for rows[0..m) (all rows when nullptr): text keys mapped to ids
  // into scratch, other keys as they are.
  std::vector<const Vector*> HashedKeys(const std::vector<const Vector*>& values, const uint32_t* rows, size_t m,
                                        std::vector<Vector>& scratch);
  uint32_t NewGroup(RowKeys keys, size_t row);
  // With add = false, UINT32_MAX when the row's group is not in the table yet.
  uint32_t FindOrAdd(RowKeys keys, size_t row, std::string& scratch, bool add = true);
  // Key columns all integer-like or text: hash the cells in place and compare them with the
  // stored keys, instead of serializing every row's key into a string.
  uint32_t FindOrAddComposite(RowKeys keys, size_t row, bool add = true);
  // Several keys: the row's hash over all of them, and the lookup given it.
  uint64_t CompositeHash(const Vector* const* hashed, size_t row) const;
  // all_integer_ keys (at most kMax): hashed without per-cell type dispatch.
  struct IntegerKeys {
    static constexpr size_t kMax = 8;
    const int64_t* values[kMax];
    const uint8_t* nulls[kMax];
    size_t count;
    IntegerKeys(const Vector* const* hashed, size_t n);
    uint64_t Hash(size_t row) const;  // = CompositeHash(hashed, row)
  };
  uint32_t FindOrAddHashed(RowKeys keys, size_t row, uint64_t hash, bool add);
  bool KeysEqual(const Vector* const* hashed, size_t row, uint32_t group) const;
  // One integer-like key: the slot row r's key hashes to is fetched into the cache while the
  // rows before it are looked up (a table of a million groups misses the cache on every new
  // key; several misses in flight overlap).
  static constexpr size_t kPrefetchAhead = 16;
  void PrefetchSlot(const Vector& key, size_t r) const;

  const std::vector<ExprPtr>* groups_;
  const std::vector<BoundAggregate>* aggregates_;
  std::unordered_map<std::string, uint32_t> group_index_;  // other key types, serialized
  bool composite_ = false;                                 // FindOrAddComposite applies
  bool single_int_ = false;                                // ... with one integer-like key (or text as ids)
  // Composite tables: per key column, the ids of its text values (null for other types), and
  // each group's id (group_ids_[column], I64, one row per group).
  std::vector<std::unique_ptr<TextIds>> text_ids_;
  // Which text keys use ids is decided on the first keys seen (DecideTextIds), before any group
  // exists; SetKeyPaths then sets single_int_ and all_integer_.
  bool ids_decided_ = true;
  void DecideTextIds(const std::vector<const Vector*>& values);
  void SetKeyPaths();
  bool all_integer_ = false;  // composite, and every key integer-like or text as ids (hashed as I64)
  std::vector<Vector> group_ids_;
  uint32_t null_group_ = UINT32_MAX;                       // its NULL key's group
  // ... and the last key looked up, with its group: rows clustered by the key (lineitem by
  // l_orderkey, readings by device) find their group without a hash probe.
  bool has_last_ = false;
  int64_t last_key_ = 0;
  uint32_t last_group_ = UINT32_MAX;
  // Open addressing (linear probing, power-of-two size, at most half full): key hash and group.
  struct Slot {
    uint64_t hash = 0;
    uint32_t group = UINT32_MAX;  // UINT32_MAX: empty
  };
  std::vector<Slot> slots_;
  void GrowSlots();
  DataChunk group_keys_;                       // one row per group
  // [aggregate][group]: general states, or, for aggregates CompactAggStates::Applies to when
  // there is a GROUP BY, compact_[aggregate] (and states_[aggregate] stays empty).
  std::vector<std::vector<AggState>> states_;
  std::vector<std::unique_ptr<CompactAggStates>> compact_;
  size_t group_count_ = 0;
};

// Combines two partial states of the same aggregate (used when merging worker tables).
// DISTINCT aggregates cannot be combined this way; the planner keeps them serial.
void CombineAggState(const BoundAggregate& agg, AggState& into, AggState& from);

}  // namespace yunhe
