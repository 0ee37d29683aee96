// Scans a table's row groups, skipping deleted rows, up to the row count seen at Open()
// (so INSERT INTO t SELECT ... FROM t never reads its own output).
#pragma once
#include <atomic>
#include <memory>

#include "exec/expr.h"
#include "exec/operator.h"
#include "exec/spatial_row_index.h"
#include "exec/value_row_index.h"
#include "storage/table.h"

namespace yunhe {

// The data of `table` this statement reads: the snapshot it pinned, or the live data.
const TableData& StatementData(const Table& table);

class TableScanOperator : public PhysicalOperator {
 public:
  // column_ids: which table columns to emit; emit_row_id appends a BIGINT row id (for UPDATE/DELETE).
  TableScanOperator(std::shared_ptr<Table> table, std::vector<int> column_ids, bool emit_row_id);
  void Open(ExecContext& ctx) override;
  // Column pruning: columns not in `needed` are emitted as all-NULL placeholders (no copy of
  // the table's data); the planner guarantees nothing reads them.
  void KeepOnly(const std::vector<bool>& needed);
  // Zone-map pruning: row groups where `column op value` cannot hold are skipped. The
  // predicate is still evaluated by the Filter above; this only avoids reading rows.
  struct PrunePredicate {
    int column;      // index into the emitted columns
    std::string op;  // = < <= > >=, or && (GEOMETRY: bounding boxes meet `box`)
    Value value;     // same type as the column, not NULL (unused for &&)
    std::string text;
    double box[4] = {0, 0, 0, 0};  // &&: xmin, ymin, xmax, ymax
  };
  void AddPrunePredicate(PrunePredicate p);
  // CREATE INDEX is recorded in the catalog but has no access path yet; EXPLAIN says so.
  void SetRecordedIndexes(std::vector<std::string> names) { recorded_indexes_ = std::move(names); }

  // Morsel access for parallel consumers: after Open() (which takes the zone maps of every
  // group it sees, so workers only read them), ReadGroup() may be called concurrently for
  // distinct g < group_count(); false = nothing to emit.
  size_t group_count() const;  // row groups visible to this scan (valid after Open)
  // [first, end) runs of at most max_groups row groups covering 0..group_count(), split where a
  // part's stripe (PartFile::kStripeGroups groups decoded together) ends, so a worker taking a
  // run decodes its stripes once (valid after Open).
  std::vector<std::pair<size_t, size_t>> Morsels(size_t max_groups) const;
  size_t table_groups() const { return StatementData(*table_).group_count(); }  // at plan time
  // Row groups whose zone maps may hold rows passing the prune predicates, counted up to
  // `enough` (at plan time: a range on a sorted key leaves a group or two of many).
  size_t GroupsMayMatch(size_t enough) const;
  // keep_placeholders: `out` is a worker's own chunk that nothing writes into (the caller only
  // reads it or selects rows of it): the all-NULL columns of pruned columns it still holds from
  // the previous group are kept when the size fits, instead of copying the shared placeholders
  // again (an atomic increment per array, on counters every worker shares).
  bool ReadGroup(size_t g, DataChunk& out, bool keep_placeholders = false) const;
  // A group whose zone maps show every row passing every prune predicate passes a filter that
  // is just those predicates (FilterIsZonePredicates) whole. For a consumer that checked that:
  // such groups come back with *filter_decided true, and the columns marked in `filter_only`
  // (read by the filter alone) as all-NULL placeholders, never read; other groups as ReadGroup.
  bool ReadGroupForFilter(size_t g, DataChunk& out, bool keep_placeholders, const std::vector<bool>& filter_only,
                          bool* filter_decided) const;
  // True when `filter` is exactly an AND of this scan's prune predicates on integer columns
  // (`column op constant`, each conjunct one of them), so zone maps can decide it for a group.
  bool FilterIsZonePredicates(const ExprPtr& filter) const;
  // "Latest row per key" (DISTINCT ON (keys) ... ORDER BY keys, ts DESC on a time-partitioned
  // table): emit only, for each key, the row with the greatest ts, reading partitions newest
  // first and skipping older row groups whose keys all have a row in a newer partition.
  // key_columns and time_column index the emitted columns.
  // With `filter` (the WHERE over the emitted columns, evaluated here per row group): the newest
  // row per key among the rows it keeps (the plan then has no Filter above the scan). Groups are
  // skipped only once every key of their partition has a newer row: a key no row passes for
  // keeps the scan going, so the answer never depends on the skipping.
  void SetLatestPerKey(std::vector<int> key_columns, int time_column, ExprPtr filter = nullptr);
  // Nearest-neighbour mode (ORDER BY geom <-> g LIMIT k): read row groups in increasing distance
  // of their zone-map bounding box from `box` (g's box), and stop at the first group farther than
  // *bound, which the top-N sort above lowers to its k-th best distance as rows arrive.
  // With a GiST index on that column (SetSpatialIndexes), nearest-neighbour mode reads rows
  // instead: in order of distance through the index's R-tree (rows appended since the index was
  // built first), in growing batches, stopping once the next is farther than *bound.
  void SetNearestFirst(int column, const double box[4], std::shared_ptr<std::atomic<double>> bound);
  // B-tree lookup: emit only the rows whose emitted column `column` lies in one of `ranges`,
  // found by binary search in the index (plus rows appended since it was built); the Filter
  // above still checks every row. When the ranges hold more than a quarter of the table, the
  // scan reads sequentially instead (an index would be slower). `text` is for EXPLAIN.
  void SetIndexLookup(int column, std::string index_name, std::vector<IndexRange> ranges, std::string text);
  bool has_index_lookup() const { return lookup_column_ >= 0; }
  // Every row group in order, nothing else (no index, key, latest-per-key or nearest mode):
  // what ReadGroup() by morsels reproduces.
  bool sequential() const { return lookup_column_ < 0 && latest_keys_.empty() && nearest_column_ < 0; }
  // Primary-key lookup: the rows (found in the table's key map when planning, for the data this
  // scan reads) are the only ones emitted; the Filter above still checks them.
  void SetKeyLookup(int column, std::string index_name, std::vector<uint64_t> rows, std::string text);
  // B-tree (and hash) indexes on the table: (emitted column of the first key, name, hash?).
  struct ValueIndex {
    int column;
    std::string name;
    bool equality_only;  // USING hash
  };
  void SetValueIndexes(std::vector<ValueIndex> indexes) { value_indexes_ = std::move(indexes); }
  const std::vector<ValueIndex>& value_indexes() const { return value_indexes_; }
  // GiST indexes: (emitted column, index name).
  void SetSpatialIndexes(std::vector<std::pair<int, std::string>> indexes) { spatial_indexes_ = std::move(indexes); }
  std::string Name() const override;
  const std::shared_ptr<Table>& table() const { return table_; }
  bool emits_row_id() const { return emit_row_id_; }
  const std::vector<int>& column_ids() const { return column_ids_; }  // table column per output column
  bool pruned() const { return !needed_.empty(); }
  // True when emitted column c is table column c (the scan emits the table's columns in order).
  bool column_is_table_column(int c) const { return c >= 0 && size_t(c) < column_ids_.size() && column_ids_[c] == c; }
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  std::shared_ptr<Table> table_;
  // What this scan reads (set at Open): the live table, or the snapshot its statement pinned
  // (common/statement_context.h) when it runs without the database lock.
  std::shared_ptr<const TableData> pinned_;
  const TableData* data_ = nullptr;
  // Before Open (planning) the statement's pinned snapshot too: a read planned beside a
  // transaction block must not look at the data the block is changing.
  const TableData& data() const { return data_ ? *data_ : StatementData(*table_); }
  std::vector<int> column_ids_;
  bool emit_row_id_;
  std::vector<bool> needed_;           // per emitted column; empty = all
  std::vector<Vector> placeholders_;   // all-NULL chunk-sized vectors for pruned columns
  std::vector<PrunePredicate> prune_;
  // prune_ compiled for GroupMayMatch (run per row group): the comparison as an enum, and the
  // predicates ordered by table column so each column's zone map is fetched once per group.
  enum class PruneOp : uint8_t { kEq, kLt, kLe, kGt, kGe, kBoxes, kOther };
  struct CompiledPrune {
    size_t table_column;
    PruneOp op;
    bool integer;  // compare min_i/max_i, else min_f/max_f
    bool f64;      // the column's packed zone maps hold doubles (ZonesAreF64)
    int64_t i;
    double f;
    double box[4];
  };
  std::vector<CompiledPrune> compiled_prune_;
  // Per compiled predicate: its column's zone maps of every group at Open (TableData::ZoneColumn;
  // groups past its end are asked one by one).
  std::vector<std::shared_ptr<const std::vector<PackedZone>>> prune_zones_;
  std::vector<std::string> recorded_indexes_;
  size_t groups_skipped_ = 0, groups_total_ = 0;
  // Where ReadGroup's columns came from (several workers add to them): row groups in memory vs
  // sealed in parts, group columns from the buffer pool, blocks and bytes read from disk.
  mutable std::atomic<uint64_t> zone_checked_{0}, zone_skipped_{0};  // by ReadGroup (parallel consumers)
  mutable std::atomic<uint64_t> zone_decided_{0};  // groups ReadGroupForFilter passed whole
  mutable std::atomic<uint64_t> resident_groups_{0}, sealed_groups_{0}, pool_columns_{0}, disk_blocks_{0}, disk_bytes_{0},
      stripe_columns_{0};
  bool GroupMayMatch(size_t g) const { return GroupZoneMatch(g) != ZoneMatch::kNone; }
  // kNone: no row can pass the prune predicates; kAll: every row passes them all (integer
  // predicates over a group without NULLs); kSome otherwise.
  enum class ZoneMatch : uint8_t { kNone, kSome, kAll };
  ZoneMatch GroupZoneMatch(size_t g) const;
  bool ReadGroupColumns(size_t g, DataChunk& out, bool keep_placeholders, const std::vector<bool>* skip) const;
  size_t group_ = 0;
  std::vector<uint32_t> counts_snapshot_;  // rows per group at Open(): later appends stay invisible
  bool keep_in_pool_ = true;  // false: a scan larger than the pool reads without filling it (Open)
  int nearest_column_ = -1;       // >= 0: nearest-neighbour mode
  geo::Box nearest_box_;  // the query geometry's box
  std::shared_ptr<std::atomic<double>> nearest_bound_;
  std::vector<std::pair<double, uint32_t>> nearest_order_;  // (box distance, group), ascending
  std::vector<std::pair<int, std::string>> spatial_indexes_;
  std::string nearest_index_;  // non-empty: nearest-neighbour mode through this GiST index
  std::shared_ptr<const SpatialRowIndex> index_;
  std::unique_ptr<SpatialNearestCursor> cursor_;
  size_t tail_group_ = 0, unindexed_group_ = 0, batch_ = 0, rows_read_ = 0;
  bool index_done_ = false;       // no more rows from the index's order
  bool index_exhausted_ = false;  // ... because it had none left (not because of the bound)
  bool NextFromIndex(DataChunk& out);
  void EmitRows(const std::vector<uint64_t>& row_ids, DataChunk& out) const;
  std::vector<ValueIndex> value_indexes_;
  int lookup_column_ = -1;  // >= 0: B-tree lookup mode
  std::string lookup_index_, lookup_text_;
  std::vector<IndexRange> lookup_ranges_;
  bool lookup_resolved_ = false, lookup_active_ = false;
  bool key_lookup_ = false;        // SetKeyLookup: the rows are key_rows_
  std::vector<uint64_t> key_rows_;
  std::vector<uint64_t> lookup_rows_;  // the rows to emit, ascending
  size_t lookup_next_ = 0, lookup_from_index_ = 0, lookup_appended_ = 0;
  void ResolveLookup();
  std::vector<int> latest_keys_;  // non-empty: latest-row-per-key mode
  int latest_time_ = -1;
  std::vector<DataChunk> latest_out_;
  size_t latest_next_ = 0;
  void ComputeLatestPerKey(ExecContext& ctx);
  ExprPtr latest_filter_;
  std::vector<bool> latest_filter_reads_;  // per emitted column
};

}  // namespace yunhe
