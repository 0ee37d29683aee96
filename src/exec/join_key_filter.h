// The keys a hash join has built, offered to the operators below its probe side, so that rows
// that cannot match are dropped before work is done on them (DuckDB's join filter pushdown,
// ClickHouse's and Spark's runtime filters). TPC-H Q17: the average quantity per part is
// aggregated over lineitem's 6M rows although the join above keeps 215 parts; with the part
// keys published, the aggregate sees only those parts' lines.
//
// The join (exec/hash_join.cpp) publishes its key map once built and withdraws it when it builds
// again or spills (a spilled join holds one partition's keys at a time). While nothing is
// published every row passes: the filter may only drop rows the join would drop. The optimizer
// (sql/optimizer/join_key_filters.h) places it where that holds. Keys: one or two integer-like
// columns, as the join's flat maps hold them; NULL keys never match.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/vector.h"
#include "exec/bloom_filter.h"
#include "exec/flat_key_map.h"

namespace yunhe {

class JoinKeyFilter {
 public:
  explicit JoinKeyFilter(std::string join) : join_(std::move(join)) {}
  // The join's maps, valid until Withdraw(); set by the join's thread before its probe side is
  // opened, read by the probe side's workers afterwards.
  // `bloom` (may be null): a Bloom filter of the keys' hashes, asked first.
  void Publish(const FlatKeyMap<int64_t>* ints, const BloomFilter* bloom) { Set(ints, nullptr, bloom); }
  void Publish(const FlatKeyMap<__int128>* pairs, const BloomFilter* bloom) { Set(nullptr, pairs, bloom); }
  void Withdraw() { Set(nullptr, nullptr, nullptr); }
  bool published() const { return ints_ || pairs_; }
  // What EXPLAIN names the join's keys by: `l_partkey IN (hashed part.p_partkey)`.
  const std::string& join() const { return join_; }
  // Keeps in *sel (every row of n when `all`) the rows whose keys the join holds; keys are the
  // evaluated key columns (one or two, integer-like). Rows pass unchanged when nothing is
  // published.
  void Narrow(const std::vector<const Vector*>& keys, size_t n, bool all, std::vector<uint32_t>* sel) const;

 private:
  void Set(const FlatKeyMap<int64_t>* ints, const FlatKeyMap<__int128>* pairs, const BloomFilter* bloom) {
    ints_ = ints;
    pairs_ = pairs;
    bloom_ = bloom;
  }
  std::string join_;
  const FlatKeyMap<int64_t>* ints_ = nullptr;
  const FlatKeyMap<__int128>* pairs_ = nullptr;
  const BloomFilter* bloom_ = nullptr;
};

}  // namespace yunhe
