// Part files: the sealed, immutable part of a table on disk (docs/format.md "Part file").
//
// A part holds row groups of one time partition (plain tables: a run of rows), written once by a
// checkpoint and never changed. Groups are stored in stripes of kStripeGroups; each column of a
// stripe is one checksummed block with the codecs of storage/codecs.h. The footer at the end of
// the file holds every group's row count and zone maps and every block's offset, length and CRC,
// so opening a part reads only its footer (Open), and a block is read, verified and decoded when
// a scan first asks for one of its groups (ReadColumn), into the process's buffer pool
// (storage/buffer_pool.h), one entry per group.
//
// Lifetime: row groups of tables and snapshots hold the PartFile by shared_ptr. A checkpoint that
// stops naming a part calls MarkObsolete(); the file is unlinked when the last holder lets go, so
// a snapshot never loses a block it may still read.
// Corruption: a bad footer is reported by Open, a bad block by ReadColumn, as XX001 naming the file
// and the byte offset; nothing crashes.
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/vector.h"
#include "storage/distinct_sketch.h"
#include "storage/zone_map.h"

namespace yunhe {

inline constexpr char kPartMagic[8] = {'Y', 'H', 'P', 'A', 'R', 'T', '0', '2'};
inline constexpr char kPartTailMagic[4] = {'Y', 'H', 'P', 'E'};

// Where the blocks a reader asked for came from (EXPLAIN ANALYZE).
struct BlockReads {
  uint64_t from_pool = 0;   // group columns found decoded in the buffer pool
  uint64_t from_disk = 0;   // blocks read from a part file (each serves a stripe of groups)
  uint64_t bytes_read = 0;  // bytes of those blocks
  uint64_t from_stripe = 0;  // not kept in the pool: copied from a stripe the thread decoded before
};

// Column types a part can store a sorted index of (and exec's B-tree indexes cover): integers,
// timestamps, dates, booleans and text; not doubles (NaN sorts above every number in
// PostgreSQL, which operator< cannot order), geometry or arrays.
bool SortedIndexable(const LogicalType& type);

class PartFile {
 public:
  struct Block {
    uint64_t offset = 0;
    uint32_t length = 0;
    uint32_t crc = 0;
  };
  struct Group {
    uint32_t rows = 0;
    int64_t partition = 0;
  };
  // A block holds one column of a stripe: kStripeGroups consecutive row groups (fewer in the
  // last), so codecs and zstd see up to 64 Ki rows at once; blocks_[stripe * columns + column].
  static constexpr size_t kStripeGroups = 32;

  // Writes `groups` (each holding all columns of `types`, rows of time partition `partition`) to
  // dir/name and fsyncs it; returns the part open for reading, its blocks already in the buffer
  // pool (they were in memory anyway). `indexed_columns` (B-tree indexes of the table; only
  // SortedIndexable types) get a sorted index stored in the part (StoredIndexLookup).
  static std::shared_ptr<PartFile> Write(const std::string& dir, const std::string& name,
                                         const std::vector<LogicalType>& types, int64_t partition,
                                         const std::vector<DataChunk>& groups, const std::vector<size_t>& indexed_columns = {});
  // Opens dir/name and reads its footer only. Throws XX001 (corrupt) or 58030 (I/O).
  // keep_zones: a column whose zone maps are kept from the start (the designated timestamp,
  // which most queries prune on), since Open decodes them all anyway to check them.
  static std::shared_ptr<PartFile> Open(const std::string& dir, const std::string& name, int keep_zones = -1);
  ~PartFile();
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  const std::string& name() const { return name_; }
  const std::vector<LogicalType>& types() const { return types_; }
  const std::vector<Group>& groups() const { return groups_; }
  // The zone maps of column `column`, one per group. Decoded from the footer on first use and
  // kept while the part lives: opening a part keeps only the footer's compressed bytes, so a
  // large table opens without a zone map per group and column in memory (most of what opening
  // touched), and a query decodes only the columns it prunes on.
  // Kept packed (PackedZone) for every column but GEOMETRY.
  ZoneMap Zone(size_t group, size_t column) const {
    const ZoneColumnData& z = ZoneColumn(column);
    return PacksZones(types_[column]) ? z.packed[group].Unpack(ZonesAreF64(types_[column])) : z.full[group];
  }
  // False when no row of the column is NULL in the whole part (known at open, from the zone maps
  // it checks: spares decoding a column's zone maps to look for NULLs group by group).
  bool ColumnHasNulls(size_t column) const { return column_has_nulls_[column] != 0; }
  // Column `column`'s zone maps packed, one per group; nullptr for GEOMETRY columns (use Zone).
  const std::vector<PackedZone>* PackedZones(size_t column) const {
    return PacksZones(types_[column]) ? &ZoneColumn(column).packed : nullptr;
  }
  // Distinct values of each column over the whole part (footer sketches).
  const std::vector<DistinctSketch>& sketches() const { return sketches_; }
  // The distinct non-NULL values of a text column when it has at most kStoredDistinctMax
  // (devices, hosts, symbols), sorted; nullptr when the part does not store them. Lets "latest row
  // per key" queries learn a partition's keys from footers instead of reading its blocks.
  static constexpr size_t kStoredDistinctMax = 4096;
  // Held as one buffer of the texts end to end (a part of a large table lists a thousand devices;
  // a string each was a third of opening its footer).
  struct TextList {
    bool stored = false;
    std::string bytes;
    std::vector<uint32_t> ends;  // text k is bytes [ends[k-1], ends[k])
    size_t size() const { return ends.size(); }
    std::string_view operator[](size_t k) const {
      const uint32_t begin = k == 0 ? 0 : ends[k - 1];
      return std::string_view(bytes).substr(begin, ends[k] - begin);
    }
    void Add(std::string_view text) {
      bytes.append(text);
      ends.push_back(uint32_t(bytes.size()));
    }
  };
  const TextList* DistinctTexts(size_t column) const {
    return column < distinct_texts_.size() && distinct_texts_[column].stored ? &distinct_texts_[column] : nullptr;
  }
  uint64_t file_bytes() const { return file_bytes_; }
  // Column `column` of group `group`, decoded: from the buffer pool, or read with pread, checked
  // and decoded on a miss. Throws XX001 naming the file when the block is corrupt.
  // keep = false (a scan larger than the pool, like PostgreSQL's ring buffer for big sequential
  // scans): a miss does not fill the pool; the thread keeps the last stripe it decoded and
  // serves the stripe's next groups from it.
  Vector ReadColumn(size_t group, size_t column, BlockReads* reads = nullptr, bool keep = true) const;
  void MarkObsolete() const { obsolete_ = true; }
  // A part written before any MANIFEST names it (a large statement's rows sealed before its
  // commit) is born obsolete, so a rollback or a crash leaves nothing behind; the checkpoint
  // whose MANIFEST names it keeps it.
  void MarkLive() const { obsolete_ = false; }
  // Stored indexes (written with the part for its table's B-tree indexes): a column's non-NULL
  // values sorted, each with its slot (group * kChunkRows + row), equal keys in slot order, in
  // blocks of kIndexBlockRows whose first keys are in the footer. A lookup reads only the blocks
  // its range can touch, through the buffer pool.
  static constexpr size_t kIndexBlockRows = 65536;
  bool HasStoredIndex(size_t column) const;
  // The slots of the stored index's keys in [lo, hi] (a NULL bound is open; *_inclusive as
  // said), appended to *slots; with slots == nullptr only counted. Returns the count.
  size_t StoredIndexLookup(size_t column, const Value& lo, bool lo_inclusive, const Value& hi, bool hi_inclusive,
                           std::vector<uint64_t>* slots, BlockReads* reads = nullptr) const;
  // Structures derived from the part's rows (exec's per-part indexes), built by `build` on first
  // use and kept while the part lives: parts never change, so they never go stale, and a table
  // re-laid by a checkpoint or reopened keeps using them for its unchanged parts.
  std::shared_ptr<const void> Attachment(const std::string& key, const std::function<std::shared_ptr<const void>()>& build) const;

 private:
  PartFile() = default;
  std::string path_, name_;
  uint64_t id_ = 0;  // process-unique, the buffer pool's key
  uint64_t file_bytes_ = 0;
  std::vector<LogicalType> types_;
  std::vector<Group> groups_;
  std::string footer_packed_;  // the footer as stored: u32 decoded size, then zstd
  struct ZoneColumnData {
    std::vector<PackedZone> packed;  // PacksZones(type)
    std::vector<ZoneMap> full;       // GEOMETRY
  };
  const ZoneColumnData& ZoneColumn(size_t column) const;
  // Keeps `zones` (one per group) as column `column`'s; under zone_mu_ or before publishing.
  void SetZoneColumn(size_t column, std::vector<ZoneMap> zones) const;
  mutable std::mutex zone_mu_;
  mutable std::vector<std::unique_ptr<ZoneColumnData>> zone_storage_;        // under zone_mu_
  std::unique_ptr<std::atomic<const ZoneColumnData*>[]> zone_columns_;       // set once per column
  // The footer decoded into `out`, checked (XX001 naming the file otherwise).
  void DecodeFooter(const std::string& packed, uint64_t footer_offset, std::string* out) const;
  std::vector<Block> blocks_;
  std::vector<DistinctSketch> sketches_;
  std::vector<TextList> distinct_texts_;
  std::vector<uint8_t> column_has_nulls_;
  struct IndexBlock {
    Value first_key;
    uint32_t rows = 0;
    Block keys, slots;
  };
  struct StoredIndex {
    uint32_t column = 0;
    std::vector<IndexBlock> blocks;
  };
  std::vector<StoredIndex> indexes_;
  Vector ReadBlock(const Block& b, const LogicalType& type, size_t rows) const;
  void ReadBlockInto(const Block& b, const LogicalType& type, size_t rows, Vector* out) const;
  // A block of this part decoded once and kept in the buffer pool under `key`.
  Vector PooledBlock(uint64_t key, const Block& b, const LogicalType& type, size_t rows, BlockReads* reads) const;
  mutable std::atomic<bool> obsolete_{false};
  // Held while a block is read and decoded (block index modulo the array), so workers scanning
  // neighbouring groups of one stripe decode it once, not once each.
  mutable std::mutex load_mu_[16];
  mutable std::mutex attachments_mu_;
  mutable std::map<std::string, std::shared_ptr<const void>> attachments_;
};

}  // namespace yunhe
