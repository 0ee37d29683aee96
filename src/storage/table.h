// Column store of one table: rows live in row groups of up to kChunkRows rows, with a deleted-row
// mask per group. A group is either resident (a DataChunk in memory: the tail appended since the
// last checkpoint) or sealed (its columns are blocks of an immutable part file on disk,
// storage/part_file.h, read on demand through the buffer pool). Row ids are positions:
// row_id = group_index * kChunkRows + row. They are stable until a checkpoint re-lays the table
// (Reseal / ApplyLayout), which the WAL restarts with.
//
// Time partitioning: a table with a designated timestamp routes every appended row to a row
// group of its partition (floor(ts / interval)); groups never mix partitions, so zone maps on
// the timestamp prune whole partitions. Plain tables append to the last group.
//
// Thread: one writer at a time (the database's write lock). Readers either hold that lock and
// read the live data (taking a row-count snapshot at scan start and never looking past it), or
// read a Snapshot(): a copy that shares every row group with the live table. Row groups are
// immutable while shared: a writer clones a group before changing it (and Vectors clone the
// arrays they write to), so a snapshot never changes under its reader and costs one pointer
// per row group.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/key_map.h"
#include "common/vector.h"
#include "storage/distinct_sketch.h"
#include "storage/zone_map.h"

namespace yunhe {

class PartFile;
struct BlockReads;

struct ColumnInfo {
  std::string name;
  LogicalType type;
  bool not_null = false;
  std::string default_sql;  // expression text, "" = NULL
  // GENERATED ALWAYS ('a') / BY DEFAULT ('d') AS IDENTITY: default_sql is the nextval of its
  // sequence (storage/sequence.h); 0 = not an identity column.
  char identity = 0;
};

// A CHECK constraint: its name and the text of its expression (engine/check_constraints.h).
struct CheckConstraint {
  std::string name;
  std::string expr;
};

// A row-level security policy (CREATE POLICY; sql/row_security.h): for command '*' (ALL), 'r'
// SELECT, 'a' INSERT, 'w' UPDATE, 'd' DELETE; for `roles` ("" = PUBLIC); the texts of its USING
// and WITH CHECK expressions ("" = none).
struct RowPolicy {
  std::string name;
  bool permissive = true;
  char command = '*';
  std::vector<std::string> roles;
  std::string using_expr, check_expr;
};

// A FOREIGN KEY constraint (engine/foreign_keys.h): these columns' values, when none is NULL,
// must be a key of `ref_table` (its key columns `ref_columns`). Actions as PostgreSQL's letters:
// 'a' NO ACTION, 'r' RESTRICT, 'c' CASCADE, 'n' SET NULL.
struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_table;  // catalog key
  std::vector<std::string> ref_columns;
  char on_delete = 'a', on_update = 'a';
};

struct TableSchema {
  std::string name;  // the catalog's key: "t" in public, "s.t" in schema s
  // The name without its schema, and the schema (DDL sets them with `name`): what constraint
  // names and error fields say.
  std::string relname, nspname = "public";
  const std::string& RelName() const { return relname.empty() ? name : relname; }
  std::vector<ColumnInfo> columns;
  int time_column = -1;               // designated timestamp (PARTITION BY RANGE (ts)), -1 = none
  int64_t partition_interval_ns = 0;  // width of a time partition
  std::vector<int> primary_key;       // column indexes of the table's one key
  bool key_is_unique = false;         // the key is a UNIQUE constraint (NULLs allowed, never equal)
  bool nulls_not_distinct = false;    // UNIQUE NULLS NOT DISTINCT: NULLs in the key equal each other
  int64_t retention_ns = 0;           // drop partitions older than this (0 = keep forever)
  // PostgreSQL storage parameters given in WITH (fillfactor=70, autovacuum_enabled=false):
  // checked, kept in the order given and shown (pg_class.reloptions), with no effect on a column
  // store.
  std::vector<std::pair<std::string, std::string>> storage_options;
  std::vector<CheckConstraint> checks;  // in name order, as PostgreSQL checks them
  std::vector<ForeignKey> foreign_keys;
  // Row-level security: ALTER TABLE ... ENABLE / FORCE ROW LEVEL SECURITY, and the policies.
  bool row_security = false, force_row_security = false;
  std::vector<RowPolicy> policies;

  // A key that includes the designated timestamp makes the table upsert: a row whose key
  // exists replaces the old one (last write wins), like InfluxDB points.
  bool UpsertsOnKey() const {
    if (time_column < 0) return false;
    for (int c : primary_key)
      if (c == time_column) return true;
    return false;
  }

  int ColumnIndex(const std::string& name) const {
    for (size_t c = 0; c < columns.size(); ++c)
      if (columns[c].name == name) return int(c);
    return -1;
  }
  std::vector<LogicalType> Types() const {
    std::vector<LogicalType> t;
    for (auto& c : columns) t.push_back(c.type);
    return t;
  }
};

class TableData {
 public:
  TableData();
  size_t row_count() const { return rows_; }  // including deleted rows
  // Bumped by every change other than an append (delete, undelete, rollback, compaction), so
  // caches built over the rows (the primary-key map) know when to rebuild.
  uint64_t version() const { return version_; }
  // Bumped when row ids change meaning (a checkpoint re-lays the table, Clear): a row id taken
  // at one epoch names the same row at any later time with the same epoch.
  uint64_t layout_epoch() const { return layout_epoch_; }
  // True when row group g of this and of `other` is one object (neither changed it since they
  // shared it: a snapshot and a copy of it, or two snapshots).
  bool SameGroup(const TableData& other, size_t g) const {
    return g < groups_.size() && g < other.groups_.size() && groups_[g] == other.groups_[g];
  }
  // A copy to change on its own (a transaction block's private copy of a table): shares the row
  // groups (cloned on first write, as for snapshots) but none of the caches.
  TableData PrivateCopy() const;
  bool ValidRowId(uint64_t row_id) const {
    size_t g = row_id / kChunkRows;
    return g < groups_.size() && row_id % kChunkRows < groups_[g]->chunk.count;
  }
  size_t live_count() const { return rows_ - deleted_count_; }
  // Rows in resident groups (appended since the last checkpoint: in memory, not in parts).
  size_t resident_rows() const { return resident_rows_; }
  size_t group_count() const { return groups_.size(); }
  size_t group_rows(size_t g) const { return groups_[g]->chunk.count; }
  // The rows of group g: every column (group), or one (column). Sealed groups read their blocks
  // through the buffer pool (may throw XX001 naming a corrupt part); the result shares arrays.
  DataChunk group(size_t g) const;
  // keep: see PartFile::ReadColumn.
  Vector column(size_t g, size_t column, BlockReads* reads = nullptr, bool keep = true) const;
  // Group g's column in place when the group is resident (nullptr when sealed): no copy of the
  // vector's shared arrays, for readers that gather a few rows of many groups. Valid until this
  // TableData changes (a snapshot never does).
  const Vector* resident_column(size_t g, size_t column) const {
    const auto& grp = *groups_[g];
    return grp.part ? nullptr : &grp.chunk.columns[column];
  }
  // Deleted-row flags of group g (at least group_rows(g) entries; all 0 when none is deleted).
  const std::vector<uint8_t>& deleted(size_t g) const {
    const auto& d = groups_[g]->deleted;
    return d.empty() ? NoDeletes() : d;
  }
  bool IsDeleted(uint64_t row_id) const { return deleted(row_id / kChunkRows)[row_id % kChunkRows] != 0; }
  size_t group_deleted_count(size_t g) const;
  // Sealed groups: the part and the group inside it (nullptr for resident groups).
  const std::shared_ptr<const PartFile>& group_part(size_t g) const { return groups_[g]->part; }
  uint32_t group_part_index(size_t g) const { return groups_[g]->part_group; }
  // The part column holding table column `column` of sealed group g; -1 for resident groups and
  // for columns added by ALTER TABLE after the group was sealed.
  int group_part_column(size_t g, size_t column) const { return groups_[g]->part ? groups_[g]->part_column(column) : -1; }
  // True when a sealed group's columns are the part's columns one to one (no ALTER since).
  bool group_columns_as_sealed(size_t g) const;
  // A copy sharing every row group with this one (see the top of the file). Take it holding
  // the database's write lock; read it without.
  // Consecutive snapshots with no change in between are the same object.
  std::shared_ptr<const TableData> Snapshot() const;

  void Init(const std::vector<LogicalType>& types) {
    types_ = types;
    ++changes_;
  }
  // time_column < 0: no partitioning.
  void SetPartitioning(int time_column, int64_t interval_ns);
  size_t partition_count() const { return partition_open_group_.size(); }
  // Time partition of group g: floor(ts / interval) of its rows (0 for plain tables).
  int64_t group_partition(size_t g) const { return groups_[g]->partition; }
  // The row groups of each time partition, ascending: one pass over the groups, cached while the
  // table keeps the same groups (version, layout and group count), so per-partition work does
  // not walk every group of the table once per partition.
  using PartitionGroups = std::unordered_map<int64_t, std::vector<uint32_t>>;
  std::shared_ptr<const PartitionGroups> GroupsByPartition() const;
  // Where an append left the table, for rolling it back: group count before, and the row count
  // before for each pre-existing group the append touched.
  struct AppendMark {
    size_t groups_before = 0;
    std::vector<std::pair<uint32_t, uint32_t>> touched;  // (group, count before)
  };
  const std::vector<LogicalType>& types() const { return types_; }
  void Append(const DataChunk& chunk, AppendMark* mark = nullptr);
  // How many rows an append of a row like row r of `ts` (the time column; any vector for a
  // table without one) can add before its partition's open group is full: a writer that sends
  // chunks of that size first, then of kChunkRows, has each later chunk start a fresh group,
  // which AppendRows fills by sharing the chunk's arrays instead of copying them.
  size_t OpenGroupRoom(const Vector& ts, size_t r) const;
  // The time partition a row with timestamp ts[r] goes to (INT64_MIN for NULL; 0 when the table
  // is not partitioned).
  int64_t PartitionOf(const Vector& ts, size_t r) const;
  // Undoes an Append (appends are undone in reverse order).
  void UndoAppend(const AppendMark& mark);
  void Clear();
  // Marks a row deleted; returns false when it already was.
  bool Delete(uint64_t row_id);
  void Undelete(uint64_t row_id);
  // Schema changes rewrite the columns.
  void AddColumn(const LogicalType& type, const Value& fill);
  void DropColumn(size_t column_idx);
  // Checkpoint support (engine/durability.cpp). A checkpoint computes the table's next layout
  // with Reseal, makes it durable (parts, manifest), then installs it with ApplyLayout; when
  // anything in between fails the table is untouched. Reseal keeps sealed groups as they are,
  // drops fully deleted groups, and rewrites into new parts (one per time partition, through
  // `write_part`): resident rows, sealed groups more than half deleted or changed by ALTER, and
  // a partition's partly filled sealed groups when that partition is rewritten anyway or has
  // more than one (so small groups do not pile up), and the parts of a partition's size tier
  // once it holds four (size-tiered merging: a partition keeps a few parts per tier, each row is
  // rewritten about log4(groups) times). Cost: the rows rewritten, not the table.
 private:
  struct SealedColumns {
    std::vector<int> part_columns;
    std::vector<Value> fills;
  };
  struct ColumnsRemap;  // AddColumn/DropColumn: each distinct mapping changed once
  struct RowGroup {
    DataChunk chunk;               // resident: the rows; sealed: no columns, count = rows
    std::vector<uint8_t> deleted;  // empty = none deleted
    int64_t partition = 0;
    // Sealed groups: group part_group of part; table column c is part column
    // columns->part_columns[c], or, when -1 (added by ALTER TABLE after sealing),
    // columns->fills[c] on every row. Groups share one mapping (a table has one or a few), so
    // opening a table of many groups allocates none per group.
    std::shared_ptr<const PartFile> part;
    uint32_t part_group = 0;
    std::shared_ptr<const SealedColumns> columns;
    int part_column(size_t c) const { return columns->part_columns[c]; }
    const Value& fill(size_t c) const { return columns->fills[c]; }
    // Zone maps computed here (resident rows; columns ALTER added to a sealed group), made on
    // first use: sealed groups, a hundred thousand in a large table, mostly never need one.
    // zones[column] is valid while zone_rows[column] == chunk.count; under mu.
    // Text columns of a full resident group also keep their dictionary (common/text_dictionary.h),
    // built on first read: dicts[column] is empty until then, nullptr when the column has too
    // many distinct values for one.
    struct ZoneCache {
      std::mutex mu;
      std::vector<ZoneMap> zones;
      std::vector<size_t> zone_rows;
      std::vector<std::optional<std::shared_ptr<const DictionaryCodes>>> dicts;
      // Rows changed under the caches (a rolled-back append) or columns moved (ALTER).
      void Forget(bool columns_moved) {
        if (columns_moved) zones.clear(), zone_rows.clear();
        else zone_rows.assign(zone_rows.size(), SIZE_MAX);
        dicts.clear();
      }
    };
    ZoneCache& zone_cache() const;       // created on first use (any thread)
    ZoneCache* zone_cache_if_any() const { return zone_cache_.load(std::memory_order_acquire); }
    RowGroup() = default;
    RowGroup(const RowGroup& o);
    RowGroup& operator=(const RowGroup&) = delete;
    ~RowGroup() { delete zone_cache_.load(); }

   private:
    mutable std::atomic<ZoneCache*> zone_cache_{nullptr};
  };

 public:
  struct Layout {
    std::vector<std::shared_ptr<RowGroup>> groups;
    size_t rows_rewritten = 0, groups_kept = 0;
    // Where the rows went (Reseal): old group -> new group for groups kept whole (-1 otherwise);
    // for rewritten groups, their partition and each row's place among the partition's
    // rewritten rows (UINT32_MAX: deleted, dropped), which start at group partition_base.
    std::vector<int64_t> old_to_new;
    std::unordered_map<uint32_t, std::pair<int64_t, std::vector<uint32_t>>> rewritten;
    std::map<int64_t, size_t> partition_base;
    // The row id an old row id has in this layout; UINT64_MAX for a row it dropped.
    uint64_t MapRowId(uint64_t old_id) const;
    // The same once installed by ApplyCompaction over a snapshot of `frozen` groups: the groups
    // appended since go after the layout's.
    uint64_t MapRowIdAfterCompaction(uint64_t old_id, size_t frozen) const;
  };
  // Reseal writes a partition's rewritten rows as parts of at most this many groups (a million
  // rows), holding no more of them decoded at once; parts of half that size or more are not
  // merged further. Wide rows make parts of fewer groups: MaxPartGroups.
  static constexpr size_t kMaxPartGroups = 512;
  // Estimated memory of one decoded row: a value and a NULL flag per fixed-width column, and per
  // text column a std::string plus the heap bytes sampled text averaged (48 bytes until any text
  // was seen). Samples come from appends and from the groups Reseal decodes; copies of the table
  // (snapshots, private copies) share them.
  uint64_t RowBytes() const;
  // The groups a part Reseal writes may hold: kMaxPartGroups, fewer when that many decoded rows
  // would pass PartBytesBudget() (a part's groups are held decoded while it is written).
  size_t MaxPartGroups() const;
  static uint64_t PartBytesBudget();  // memory_limit / 4, within 32 MB .. 1 GB
  using PartWriter = std::function<std::shared_ptr<const PartFile>(int64_t partition, const std::vector<DataChunk>& groups)>;
  Layout Reseal(const PartWriter& write_part) const;
  // True when sealed groups need re-laying: a group fully or mostly deleted or changed by ALTER,
  // partly filled groups piling up in a partition, a tier of parts to merge (Reseal then also
  // seals the resident rows): work for a compacting checkpoint.
  bool CompactionDue() const;
  // Installs a layout Reseal made from a snapshot with `frozen` groups (FreezeGroups) while this
  // table went on: the groups appended since go after the layout's, where a replay of them
  // (one WAL insert per group, in order) puts them, and `deletes` (row ids in the new layout)
  // are applied: the deletes since the snapshot of rows it had.
  void ApplyCompaction(Layout layout, size_t frozen, const std::vector<uint64_t>& deletes);
  // What the manifest records of group g of a layout: its part, its index there, and its
  // deleted flags (nullptr: none deleted).
  static const std::shared_ptr<const PartFile>& LayoutGroupPart(const Layout& l, size_t g) { return l.groups[g]->part; }
  static uint32_t LayoutGroupPartIndex(const Layout& l, size_t g) { return l.groups[g]->part_group; }
  static const std::vector<uint8_t>* LayoutGroupDeleted(const Layout& l, size_t g);
  void ApplyLayout(Layout layout);
  // In-place sealing, for checkpoints that write without the database lock
  // (engine/durability.cpp, Durability::Background*): FreezeGroups (holding the lock) stops
  // appends into the groups that exist now and returns their count; SealInPlace (on a snapshot
  // taken then, without the lock) writes the resident ones among them into parts, one per time
  // partition, and returns them as sealed groups for the same positions; LayoutWith describes
  // the snapshot with them in place (for the manifest); InstallSealed (holding the lock again)
  // swaps them into the live table keeping its current deleted flags, and returns false, changing
  // nothing, when the table was re-laid or altered meanwhile. Row ids do not change, so nothing
  // built over them (key maps, indexes, row locks, open transaction blocks) is invalidated.
  size_t FreezeGroups();
  struct SealedInPlace {
    std::vector<LogicalType> types;  // the columns when sealed
    uint64_t layout_epoch = 0;
    std::vector<std::pair<size_t, std::shared_ptr<RowGroup>>> groups;  // (position, sealed group)
    size_t rows = 0;
  };
  SealedInPlace SealInPlace(size_t frozen, const PartWriter& write_part) const;
  // The same for the live table, holding the lock, in a statement that appends more rows than
  // memory can keep (engine/durability.h SealStatementGroups): the full resident groups from
  // `first` on, except the positions in `skip` (sorted: groups an append of the statement topped
  // up, which rolling that append back must find resident). Full groups take no more appends,
  // so a replay of the WAL puts the same rows at the same row ids.
  SealedInPlace SealFullGroups(size_t first, const std::vector<size_t>& skip, const PartWriter& write_part) const;
  Layout LayoutWith(const SealedInPlace& sealed) const;
  bool InstallSealed(const SealedInPlace& sealed);
  // Open, in two steps so the first runs on every core (it only reads the table): MakeSealedRun
  // makes groups [first, first + count) of `part` as sealed groups; AttachSealed appends them.
  struct SealedRun {
    size_t count = 0;
    std::shared_ptr<RowGroup[]> groups;
  };
  SealedRun MakeSealedRun(const std::shared_ptr<const PartFile>& part, size_t first, size_t count) const;
  void AttachSealed(const SealedRun& run);
  // Room for `groups` row groups in all (before attaching many).
  void ReserveGroups(size_t groups) { groups_.reserve(groups); }
  // Open: restores the persisted deleted flags of group g.
  void SetDeleted(size_t g, const std::vector<uint8_t>& flags);
  // Statistics of a column without a pass over sealed rows: NULL rows (zone maps) and a sketch of
  // its distinct values (part footers merged, resident rows added). Deleted rows still count.
  size_t NullCount(size_t column) const;
  DistinctSketch ColumnSketch(size_t column) const;
  // The planner's distinct-count estimate of a column, capped by its non-NULL rows. Cached (and
  // shared with snapshots) while the table's version holds and its row count stays within 10 %,
  // so planning a join does not re-hash the resident rows of a table being appended to.
  double DistinctEstimate(size_t column) const;
  // Zone map of column `column` in group `g` (I64 and F64 columns; bounding boxes for GEOMETRY),
  // computed on first use; safe from several threads (a group's maps have their own lock).
  ZoneMap Zone(size_t g, size_t column) const;
  // The zone maps of `column` for every row group, as one array (index: group), for scans that
  // check thousands of groups (an index lookup narrowed by a time range): built once and kept,
  // shared with snapshots, while the table's version and layout hold; appends since recompute
  // only the groups they can have reached (each partition's open group, and new ones). Packed
  // (PackedZone); nullptr for GEOMETRY columns, whose boxes do not pack: ask Zone.
  std::shared_ptr<const std::vector<PackedZone>> ZoneColumn(size_t column) const;
  // The distinct values (serialized row keys) of `columns` among the live rows of a time
  // partition, computed lazily, extended when the partition gets rows, recomputed after a
  // delete or re-laying. Lets "latest row per key" queries skip old partitions whose keys all
  // have a newer row already. Shared by a table and its snapshots (entries are stamped with the
  // version, layout and rows per group they were computed at).
  std::shared_ptr<const std::vector<std::string>> PartitionKeys(int64_t partition, const std::vector<int>& columns) const;
  // The same distinct values as rows: column i holds table column columns[i]; row k is key k.
  std::shared_ptr<const DataChunk> PartitionKeyRows(int64_t partition, const std::vector<int>& columns) const;

 private:
  enum class Fate : uint8_t { kKeep, kDrop, kRewrite };
  std::vector<Fate> PlanReseal(bool sealed_only) const;
  SealedInPlace SealPositions(const std::vector<size_t>& positions, const PartWriter& write_part) const;
  // Group k of `part` as a sealed group of this table, its columns the table's in order
  // (`identity`, from IdentityColumns): filled in place, or made.
  static void FillSealedGroup(const std::shared_ptr<const PartFile>& part, size_t k,
                              const std::shared_ptr<const SealedColumns>& identity, RowGroup* grp);
  static std::shared_ptr<RowGroup> SealedGroup(const std::shared_ptr<const PartFile>& part, size_t k,
                                               const std::shared_ptr<const SealedColumns>& identity);
  std::shared_ptr<const SealedColumns> IdentityColumns() const;
  // Group g for writing: cloned first when a snapshot shares it.
  RowGroup& MutableGroup(size_t g);
  void AppendRows(const DataChunk& chunk, const std::vector<uint32_t>* rows, int64_t partition, AppendMark* mark);
  void RebuildPartitionIndex();
  static const std::vector<uint8_t>& NoDeletes();
  // Gives text column `column` of full resident group `grp`, read into *v, the group's dictionary.
  void AttachResidentDictionary(const RowGroup& grp, size_t column, Vector* v) const;

  // Sampled text cells for RowBytes (shared by copies; updated without the database lock by
  // Reseal, hence atomic).
  struct TextWidth {
    std::atomic<uint64_t> bytes{0}, cells{0};
  };
  std::shared_ptr<TextWidth> text_width_ = std::make_shared<TextWidth>();
  void SampleTextWidth(const DataChunk& chunk) const;

  std::vector<LogicalType> types_;
  int time_column_ = -1;
  int64_t partition_ns_ = 0;
  std::map<int64_t, uint32_t> partition_open_group_;  // partition -> its newest group
  std::vector<std::shared_ptr<RowGroup>> groups_;
  size_t rows_ = 0;
  size_t resident_rows_ = 0;
  size_t deleted_count_ = 0;
  uint64_t version_ = 0;
  uint64_t layout_epoch_ = 0;
  size_t appends_from_group_ = 0;  // groups before this one take no appends (PrivateCopy)
  struct KeySet {
    uint64_t version = UINT64_MAX;  // table version (deletes, rollbacks) it was computed at
    std::shared_ptr<const std::vector<std::string>> keys;
    std::shared_ptr<const DataChunk> rows_chunk;
    // For extending the set by rows appended since: the layout it was computed on, the keys
    // seen, the table's group count then, and how many rows of each of the partition's groups
    // (group index, rows; ascending) it covers.
    uint64_t layout_epoch = UINT64_MAX;
    std::shared_ptr<const std::unordered_set<std::string>> seen;
    size_t known_groups = 0;
    std::vector<std::pair<uint32_t, uint32_t>> group_rows;
  };
  // PartitionKeys/PartitionKeyRows: computed together, cached in key_sets_.
  KeySet PartitionKeySet(int64_t partition, const std::vector<int>& columns) const;
  struct DistinctEntry {
    size_t rows = 0;
    uint64_t version = UINT64_MAX;
    double estimate = 0;
  };
  struct ZoneEntry {
    uint64_t version = UINT64_MAX, layout_epoch = UINT64_MAX;
    size_t rows = 0;                    // table rows when computed
    std::vector<uint32_t> open_groups;  // partitions' open groups then: the only old ones appends reach
    std::shared_ptr<const std::vector<PackedZone>> zones;
  };
  struct KeySets {
    std::mutex mu;
    std::map<std::pair<std::vector<int>, int64_t>, KeySet> sets;
    std::map<size_t, DistinctEntry> distinct;  // by column
    std::map<size_t, ZoneEntry> zones;         // by column
    // GroupsByPartition: valid for this version, layout and group count.
    uint64_t partitions_version = UINT64_MAX, partitions_layout = UINT64_MAX;
    size_t partitions_groups = 0;
    std::shared_ptr<const PartitionGroups> partitions;
  };
  std::shared_ptr<KeySets> key_sets_;
  // The last Snapshot(), valid while changes_ == published_at_ (every change bumps changes_).
  uint64_t changes_ = 0;
  mutable uint64_t published_at_ = UINT64_MAX;
  mutable std::shared_ptr<const TableData> published_;
};

struct Table {
  uint64_t id = 0;
  TableSchema schema;
  TableData data;
  // Set when the table's segment file failed its checks at open: reads raise XX001 with this text.
  std::string corrupt;
  // Primary-key maps (serialized key -> row id), maintained by engine/primary_key.cpp: one per
  // time partition when the key includes the designated timestamp (built for a partition when a
  // write first needs it, so a restart or checkpoint never costs a pass over the whole table),
  // else one for the whole table. A map is valid while its version == data.version().
  struct KeyMap {
    uint64_t version = UINT64_MAX;
    uint64_t last_used = 0;
    // A partition's map covers its groups from covered_from on (its newest rows, up to a share of
    // memory_limit); older groups hold no time after older_max, so a key whose time is later
    // cannot be among them, and one at or before it is looked up in them by zone maps and rows.
    size_t covered_from = 0;
    int64_t older_max = INT64_MIN;
    // A partition map of the live table notes appended rows lazily: `pending` lists the ranges
    // (group, first row) appended since it last noted, and `newest` bounds the time of every row
    // of the partition; `at_newest` holds the keys of the rows appended at that time since it
    // became the newest (a thousand units reporting each second: a small map that stays in
    // cache). A key later than `newest` cannot be there and one at `newest` is looked up in
    // `at_newest` (then `rows`), so time-ordered ingest never touches the large map; a lookup
    // before `newest` (late data) notes the pending rows first.
    std::vector<std::pair<uint32_t, uint32_t>> pending;
    int64_t newest = INT64_MIN;
    KeyMap128 at_newest;
    // Serialized key (common/row_key.h) -> row id, held as the key's 128-bit digest
    // (storage/key_map.h): a collision chance of about 1e-20 at a billion keys.
    KeyMap128 rows;
  };
  std::map<int64_t, KeyMap> pk_maps;
  // A transaction block's private copy of a table (engine/workspace.h) does not copy the live
  // table's key maps: its pk_maps hold only the rows it appended, and lookups of the rows it
  // shares with the live table (its base, a snapshot taken when the block first wrote it) go to
  // key_source's maps while the two have the same layout (key_base_epoch).
  std::shared_ptr<Table> key_source;
  std::shared_ptr<const TableData> key_base;
  uint64_t key_base_epoch = 0;
  uint64_t pk_clock = 0;                    // for evicting the least recently used map
  // In-memory secondary indexes built by readers (exec/row_index_cache.h), by (kind, column).
  // Type-erased: storage knows no index types. Readers of snapshots share them (under the mutex),
  // and they go with the table: a dropped table's indexes are freed with it.
  struct RowIndexCache {
    std::mutex mu;
    std::map<std::pair<int, size_t>, std::shared_ptr<const void>> entries;
  };
  std::shared_ptr<RowIndexCache> row_indexes = std::make_shared<RowIndexCache>();
};

}  // namespace yunhe
