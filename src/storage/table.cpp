#include "storage/table.h"

#include <algorithm>
#include <bit>
#include <iterator>
#include <set>
#include <string_view>
#include <unordered_set>

#include "common/geometry_bounds.h"
#include "common/memory_limit.h"
#include "common/row_key.h"
#include "storage/part_file.h"

#include "common/status.h"

#include <cmath>
#include <cstdint>

namespace yunhe {

TableData::TableData() : key_sets_(std::make_shared<KeySets>()) {}

TableData::RowGroup::RowGroup(const RowGroup& o)
    : chunk(o.chunk), deleted(o.deleted), partition(o.partition), part(o.part), part_group(o.part_group),
      columns(o.columns) {
  if (ZoneCache* theirs = o.zone_cache_if_any()) {
    auto mine = std::make_unique<ZoneCache>();
    std::lock_guard<std::mutex> lock(theirs->mu);
    mine->zones = theirs->zones;
    mine->zone_rows = theirs->zone_rows;
    mine->dicts = theirs->dicts;
    zone_cache_.store(mine.release(), std::memory_order_release);
  }
}

TableData::RowGroup::ZoneCache& TableData::RowGroup::zone_cache() const {
  if (ZoneCache* c = zone_cache_.load(std::memory_order_acquire)) return *c;
  auto fresh = std::make_unique<ZoneCache>();
  ZoneCache* expected = nullptr;
  if (zone_cache_.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel)) return *fresh.release();
  return *expected;  // another thread made it first
}

const std::vector<uint8_t>& TableData::NoDeletes() {
  static const std::vector<uint8_t> none(kChunkRows, 0);
  return none;
}

Vector TableData::column(size_t g, size_t column, BlockReads* reads, bool keep) const {
  const RowGroup& grp = *groups_[g];
  if (!grp.part) {
    Vector v = grp.chunk.columns[column];
    if (grp.chunk.count == kChunkRows && types_[column].physical() == PhysicalType::kStr && !v.dictionary())
      AttachResidentDictionary(grp, column, &v);
    return v;
  }
  const int pc = grp.part_column(column);
  if (pc < 0) return Vector::Constant(grp.fill(column), types_[column], grp.chunk.count);
  Vector v = grp.part->ReadColumn(grp.part_group, size_t(pc), reads, keep);
  // A column whose type changed under ALTER keeps the stored physical layout; take the table's.
  if (!(v.type() == types_[column])) v.set_type(types_[column]);
  return v;
}

void TableData::AttachResidentDictionary(const RowGroup& grp, size_t column, Vector* v) const {
  // A full group takes no more appends, so its values change only when an append is rolled back
  // (UndoAppend forgets the cache) or ALTER moves columns (the same). Groups of unique values
  // (ids, messages) are tried once: more than a quarter of the rows distinct and a dictionary
  // saves little.
  RowGroup::ZoneCache& zc = grp.zone_cache();
  std::lock_guard<std::mutex> lock(zc.mu);
  if (zc.dicts.size() != types_.size()) zc.dicts.assign(types_.size(), std::nullopt);
  auto& kept = zc.dicts[column];
  if (!kept) {
    v->SetDictionary(BuildTextDictionary(*v, grp.chunk.count, grp.chunk.count / 4));
    kept = v->dictionary_codes();  // nullptr: too many distinct values, not tried again
  }
  v->SetDictionary(*kept);  // shared, not copied: this runs for every read of the column
}

DataChunk TableData::group(size_t g) const {
  const RowGroup& grp = *groups_[g];
  if (!grp.part) return grp.chunk;
  DataChunk out;
  out.count = grp.chunk.count;
  out.columns.reserve(types_.size());
  for (size_t c = 0; c < types_.size(); ++c) out.columns.push_back(column(g, c));
  return out;
}

size_t TableData::group_deleted_count(size_t g) const {
  size_t n = 0;
  for (uint8_t d : groups_[g]->deleted) n += d;
  return n;
}

bool TableData::group_columns_as_sealed(size_t g) const {
  const RowGroup& grp = *groups_[g];
  if (!grp.part || grp.columns->part_columns.size() != grp.part->types().size()) return false;
  for (size_t c = 0; c < grp.columns->part_columns.size(); ++c)
    if (grp.part_column(c) != int(c) || !(grp.part->types()[c] == types_[c])) return false;
  return true;
}

std::shared_ptr<const TableData> TableData::Snapshot() const {
  if (published_ && published_at_ == changes_) return published_;
  auto copy = std::make_shared<TableData>(*this);
  copy->published_.reset();  // a snapshot does not keep older ones alive
  published_ = std::move(copy);
  published_at_ = changes_;
  return published_;
}

TableData::RowGroup& TableData::MutableGroup(size_t g) {
  ++changes_;  // every change to a group comes through here
  // Let go of the cached snapshot first: if no reader holds it, the group is ours alone again.
  published_.reset();
  std::shared_ptr<RowGroup>& p = groups_[g];
  if (p.use_count() > 1) {
    p = std::make_shared<RowGroup>(*p);  // a snapshot reads the old one
  } else {
    // Sole owner: whoever dropped the last other copy is done reading it.
    std::atomic_thread_fence(std::memory_order_acquire);
  }
  return *p;
}

void TableData::SetPartitioning(int time_column, int64_t interval_ns) {
  ++changes_;
  time_column_ = interval_ns > 0 ? time_column : -1;
  partition_ns_ = interval_ns;
  RebuildPartitionIndex();
}

std::shared_ptr<const TableData::PartitionGroups> TableData::GroupsByPartition() const {
  {
    std::lock_guard<std::mutex> lock(key_sets_->mu);
    if (key_sets_->partitions && key_sets_->partitions_version == version_ && key_sets_->partitions_layout == layout_epoch_ &&
        key_sets_->partitions_groups == groups_.size())
      return key_sets_->partitions;
  }
  auto index = std::make_shared<PartitionGroups>();
  for (size_t g = 0; g < groups_.size(); ++g) (*index)[groups_[g]->partition].push_back(uint32_t(g));
  std::lock_guard<std::mutex> lock(key_sets_->mu);
  key_sets_->partitions_version = version_;
  key_sets_->partitions_layout = layout_epoch_;
  key_sets_->partitions_groups = groups_.size();
  key_sets_->partitions = index;
  return index;
}

void TableData::RebuildPartitionIndex() {
  partition_open_group_.clear();
  for (size_t g = 0; g < groups_.size(); ++g) partition_open_group_[groups_[g]->partition] = uint32_t(g);
}

// Appends `rows` of `chunk` (all rows when null) to the newest group of `partition`.
namespace {

// When dst is empty and src holds exactly `rows` rows in dst's column types, dst's columns
// become src's, sharing the arrays (common/vector.h: copy-on-write; a later append into dst
// clones what it writes to), and true; otherwise nothing changes and false: copy instead.
bool ShareWhole(const DataChunk& src, size_t rows, DataChunk& dst) {
  if (dst.count != 0 || src.columns.size() != dst.columns.size()) return false;
  for (size_t c = 0; c < dst.columns.size(); ++c)
    if (src.columns[c].size() != rows || src.columns[c].type() != dst.columns[c].type()) return false;
  for (size_t c = 0; c < dst.columns.size(); ++c) dst.columns[c] = src.columns[c];
  return true;
}

}  // namespace

void TableData::AppendRows(const DataChunk& chunk, const std::vector<uint32_t>* rows, int64_t partition, AppendMark* mark) {
  const size_t total = rows ? rows->size() : chunk.count;
  YH_ASSERT(chunk.columns.size() == types_.size());
  size_t offset = 0;
  while (offset < total) {
    auto it = partition_open_group_.find(partition);
    size_t g;
    // A whole chunk of kChunkRows rows starts a group of its own even when the open group has
    // room (which then stays partly filled until a compaction): stored by sharing its arrays
    // (below) instead of splitting it over two groups by copying every cell. COPY's parallel
    // parsers end each segment with a partial chunk; topping up the open group with the next
    // full chunk would misalign every chunk after it.
    const bool whole_chunk = !rows && offset == 0 && total == kChunkRows;
    if (it == partition_open_group_.end() || groups_[it->second]->part || groups_[it->second]->chunk.count == kChunkRows ||
        it->second < appends_from_group_ || (whole_chunk && groups_[it->second]->chunk.count > 0)) {
      g = groups_.size();
      auto fresh = std::make_shared<RowGroup>();
      fresh->chunk.Init(types_);
      // Room for this append, rounded up to a power of two (appends after it double it up to
      // kChunkRows): a block's one-row INSERT or a one-row commit does not reserve 2048 cells
      // of every column.
      const size_t room = std::bit_ceil(std::max<size_t>(total - offset, 64));
      for (auto& col : fresh->chunk.columns) col.Reserve(std::min(room, kChunkRows));
      fresh->partition = partition;
      groups_.push_back(std::move(fresh));
      partition_open_group_[partition] = uint32_t(g);
    } else {
      g = it->second;
      if (mark && g < mark->groups_before) {
        bool seen = false;
        for (auto& t : mark->touched) seen |= t.first == g;
        if (!seen) mark->touched.emplace_back(uint32_t(g), uint32_t(groups_[g]->chunk.count));
      }
    }
    RowGroup& grp = MutableGroup(g);
    // Partition routing: a group holds rows of one time partition only, and only resident
    // groups take appends (sealed ones are immutable parts).
    YH_ASSERT(grp.partition == partition && !grp.part);
    DataChunk& dst = grp.chunk;
    size_t take = std::min(kChunkRows - dst.count, total - offset);
    // A whole chunk into an empty group (an ingest batch, a COPY chunk) is shared, not copied.
    const bool shared = !rows && offset == 0 && take == total && ShareWhole(chunk, total, dst);
    for (size_t c = 0; c < dst.columns.size() && !shared; ++c) {
      if (!rows) {
        dst.columns[c].AppendRange(chunk.columns[c], offset, take);
      } else {
        for (size_t k = offset; k < offset + take; ++k) dst.columns[c].AppendFrom(chunk.columns[c], (*rows)[k]);
      }
    }
    dst.count += take;
    YH_ASSERT(dst.count <= kChunkRows);
    YH_DEBUG_ASSERT(dst.columns.empty() || dst.columns[0].size() == dst.count);
    if (!grp.deleted.empty()) grp.deleted.resize(dst.count, 0);
    offset += take;
    rows_ += take;
    resident_rows_ += take;
  }
}

size_t TableData::OpenGroupRoom(const Vector& ts, size_t r) const {
  const auto it = partition_open_group_.find(PartitionOf(ts, r));
  if (it == partition_open_group_.end() || it->second < appends_from_group_) return kChunkRows;
  const RowGroup& grp = *groups_[it->second];
  return grp.part || grp.chunk.count >= kChunkRows ? kChunkRows : kChunkRows - grp.chunk.count;
}

int64_t TableData::PartitionOf(const Vector& ts, size_t r) const {
  if (time_column_ < 0) return 0;
  YH_DEBUG_ASSERT(partition_ns_ > 0);
  if (ts.IsNull(r)) return INT64_MIN;  // NULL timestamps share one partition
  int64_t v = ts.i64()[r];
  if (ts.type().id == TypeId::kDate) v = v * 86400000000000LL;
  return v / partition_ns_ - ((v % partition_ns_ != 0) && (v < 0));
}

void TableData::SampleTextWidth(const DataChunk& chunk) const {
  // Up to 64 rows of each text column: enough for an average, cheap beside the append's copy.
  const size_t rows = std::min<size_t>(chunk.count, 64);
  uint64_t bytes = 0, cells = 0;
  for (size_t c = 0; c < types_.size() && c < chunk.columns.size(); ++c) {
    if (types_[c].physical() != PhysicalType::kStr || chunk.columns[c].size() < rows) continue;
    const std::string* s = chunk.columns[c].str();
    for (size_t r = 0; r < rows; ++r)
      if (s[r].size() > 15) bytes += s[r].size() + 1;  // past the small-string buffer
    cells += rows;
  }
  if (cells == 0) return;
  text_width_->bytes.fetch_add(bytes, std::memory_order_relaxed);
  text_width_->cells.fetch_add(cells, std::memory_order_relaxed);
}

uint64_t TableData::RowBytes() const {
  const uint64_t cells = text_width_->cells.load(std::memory_order_relaxed);
  uint64_t text_cell = 48;
  if (cells > 0) text_cell = std::max<uint64_t>(48, sizeof(std::string) + text_width_->bytes.load(std::memory_order_relaxed) / cells);
  uint64_t row = 0;
  for (const LogicalType& t : types_) row += t.physical() == PhysicalType::kStr ? text_cell : 17;
  return std::max<uint64_t>(row, 1);
}

uint64_t TableData::PartBytesBudget() { return std::clamp<uint64_t>(MemoryLimitBytes() / 4, 32ull << 20, 1ull << 30); }

size_t TableData::MaxPartGroups() const {
  const uint64_t group_bytes = RowBytes() * kChunkRows;
  return std::clamp<size_t>(size_t(PartBytesBudget() / group_bytes), 1, kMaxPartGroups);
}

void TableData::Append(const DataChunk& chunk, AppendMark* mark) {
  YH_ASSERT(chunk.columns.size() == types_.size());
  SampleTextWidth(chunk);
  for (const Vector& col : chunk.columns) YH_ASSERT(col.size() >= chunk.count);
  if (mark) {
    mark->groups_before = groups_.size();
    mark->touched.clear();
  }
  if (time_column_ < 0) {
    AppendRows(chunk, nullptr, 0, mark);
    return;
  }
  // Split the chunk by partition, keeping row order within each partition.
  const Vector& ts = chunk.columns[time_column_];
  std::map<int64_t, std::vector<uint32_t>> by_partition;
  for (size_t r = 0; r < chunk.count; ++r) by_partition[PartitionOf(ts, r)].push_back(uint32_t(r));
  YH_DEBUG_ASSERT(!by_partition.empty() || chunk.count == 0);
  if (by_partition.size() == 1) {
    AppendRows(chunk, nullptr, by_partition.begin()->first, mark);
    return;
  }
  for (auto& [p, rows] : by_partition) AppendRows(chunk, &rows, p, mark);
}

void TableData::UndoAppend(const AppendMark& mark) {
  // Appends are undone in reverse order: nothing this append left may be gone already.
  YH_ASSERT(mark.groups_before <= groups_.size());
  ++version_;
  ++changes_;
  while (groups_.size() > mark.groups_before) {
    for (uint8_t d : groups_.back()->deleted) deleted_count_ -= d;
    rows_ -= groups_.back()->chunk.count;
    // A large statement's groups may have been sealed before it ended (SealFullGroups).
    if (!groups_.back()->part) resident_rows_ -= groups_.back()->chunk.count;
    groups_.pop_back();
  }
  for (auto [g, before] : mark.touched) {
    // A large statement seals a group it topped up (SealFullGroups) only when the undo of the
    // append that made the group comes in the same rollback, after this one: it removes the
    // group whole, counting its rows then.
    if (groups_[g]->part) continue;
    RowGroup& grp = MutableGroup(g);
    DataChunk& dst = grp.chunk;
    YH_ASSERT(before <= dst.count);
    for (size_t r = before; r < grp.deleted.size(); ++r) deleted_count_ -= grp.deleted[r];
    rows_ -= dst.count - before;
    resident_rows_ -= dst.count - before;
    for (auto& col : dst.columns) col.Resize(before);
    dst.count = before;
    if (grp.deleted.size() > before) grp.deleted.resize(before);
    // Rolled-back rows may be re-appended with other values: zone maps must be recomputed.
    if (RowGroup::ZoneCache* zc = grp.zone_cache_if_any()) {
      std::lock_guard<std::mutex> lock(zc->mu);
      zc->Forget(/*columns_moved=*/false);
    }
  }
  RebuildPartitionIndex();
}

TableData TableData::PrivateCopy() const {
  TableData copy(*this);
  copy.key_sets_ = std::make_shared<KeySets>();
  // Its own rows go to groups of its own: appending to a group it shares would clone it whole.
  copy.appends_from_group_ = groups_.size();
  copy.published_.reset();
  copy.published_at_ = UINT64_MAX;
  return copy;
}

void TableData::Clear() {
  ++layout_epoch_;
  ++version_;
  ++changes_;
  groups_.clear();
  appends_from_group_ = 0;
  rows_ = 0;
  resident_rows_ = 0;
  deleted_count_ = 0;
  RebuildPartitionIndex();
}

bool TableData::Delete(uint64_t row_id) {
  YH_ASSERT(ValidRowId(row_id));
  const size_t g = row_id / kChunkRows, r = row_id % kChunkRows;
  if (deleted(g)[r]) return false;
  RowGroup& grp = MutableGroup(g);
  if (grp.deleted.empty()) grp.deleted.assign(grp.chunk.count, 0);
  grp.deleted[r] = 1;
  ++version_;
  ++deleted_count_;
  return true;
}

void TableData::Undelete(uint64_t row_id) {
  YH_ASSERT(ValidRowId(row_id));
  const size_t g = row_id / kChunkRows, r = row_id % kChunkRows;
  if (deleted(g)[r]) {
    MutableGroup(g).deleted[r] = 0;
    --deleted_count_;
    ++version_;
  }
}

ZoneMap TableData::Zone(size_t g, size_t column) const {
  const RowGroup& grp = *groups_[g];
  if (grp.part) {
    const int pc = grp.part_column(column);
    if (pc >= 0) return grp.part->Zone(grp.part_group, size_t(pc));
  }
  RowGroup::ZoneCache& zc = grp.zone_cache();
  std::lock_guard<std::mutex> lock(zc.mu);
  if (zc.zones.size() != types_.size()) {
    zc.zones.assign(types_.size(), ZoneMap());
    zc.zone_rows.assign(types_.size(), SIZE_MAX);
  }
  ZoneMap& z = zc.zones[column];
  if (zc.zone_rows[column] == grp.chunk.count) return z;
  z = ComputeZoneMap(grp.part ? Vector::Constant(grp.fill(column), types_[column], grp.chunk.count) : grp.chunk.columns[column],
                     grp.chunk.count);
  zc.zone_rows[column] = grp.chunk.count;
  return z;
}

std::shared_ptr<const std::vector<PackedZone>> TableData::ZoneColumn(size_t column) const {
  if (!PacksZones(types_[column])) return nullptr;
  const bool f64 = ZonesAreF64(types_[column]);
  // A sealed group's zone map comes from its part's packed array without unpacking.
  auto zone = [&](size_t g) {
    const RowGroup& grp = *groups_[g];
    const int pc = grp.part ? grp.part_column(column) : -1;
    if (pc >= 0)
      if (const std::vector<PackedZone>* packed = grp.part->PackedZones(size_t(pc))) return (*packed)[grp.part_group];
    return PackedZone::Pack(Zone(g, column), f64);
  };
  std::lock_guard<std::mutex> lock(key_sets_->mu);
  ZoneEntry& e = key_sets_->zones[column];
  const bool same_state = e.zones && e.version == version_ && e.layout_epoch == layout_epoch_;
  if (same_state && e.rows == rows_ && e.zones->size() == groups_.size()) return e.zones;
  auto zones = std::make_shared<std::vector<PackedZone>>();
  if (same_state && rows_ > e.rows && groups_.size() >= e.zones->size()) {
    // Only appended to since (same version): old groups other than the open ones are as they were.
    *zones = *e.zones;
    const size_t old_groups = zones->size();
    zones->resize(groups_.size());
    for (uint32_t g : e.open_groups)
      if (g < old_groups) (*zones)[g] = zone(g);
    for (size_t g = old_groups; g < groups_.size(); ++g) (*zones)[g] = zone(g);
  } else {
    zones->reserve(groups_.size());
    for (size_t g = 0; g < groups_.size(); ++g) zones->push_back(zone(g));
  }
  e.version = version_;
  e.layout_epoch = layout_epoch_;
  e.rows = rows_;
  e.open_groups.clear();
  for (auto& [partition, g] : partition_open_group_) e.open_groups.push_back(g);
  e.zones = zones;
  return zones;
}

size_t TableData::NullCount(size_t column) const {
  size_t n = 0;
  for (size_t g = 0; g < groups_.size(); ++g) n += Zone(g, column).null_count;
  return n;
}

DistinctSketch TableData::ColumnSketch(size_t column) const {
  DistinctSketch sketch;
  std::set<const PartFile*> merged;
  for (size_t g = 0; g < groups_.size(); ++g) {
    const RowGroup& grp = *groups_[g];
    const int pc = grp.part ? grp.part_column(column) : -1;
    if (pc >= 0) {
      if (merged.insert(grp.part.get()).second) sketch.Merge(grp.part->sketches()[size_t(pc)]);
      continue;
    }
    sketch.Add(this->column(g, column), grp.chunk.count);
  }
  return sketch;
}

double TableData::DistinctEstimate(size_t column) const {
  {
    std::lock_guard<std::mutex> lock(key_sets_->mu);
    auto it = key_sets_->distinct.find(column);
    if (it != key_sets_->distinct.end() && it->second.version == version_ && double(rows_) >= 0.9 * double(it->second.rows) &&
        double(rows_) <= 1.1 * double(it->second.rows))
      return it->second.estimate;
  }
  const double non_null = double(rows_ - std::min(rows_, NullCount(column)));
  const double estimate = std::max(std::min(ColumnSketch(column).Estimate(), non_null), non_null > 0 ? 1.0 : 0.0);
  std::lock_guard<std::mutex> lock(key_sets_->mu);
  key_sets_->distinct[column] = DistinctEntry{rows_, version_, estimate};
  return estimate;
}

// The sealed groups' column mappings changed the same way, each distinct one once (groups that
// shared a mapping share the new one).
struct TableData::ColumnsRemap {
  std::map<const SealedColumns*, std::shared_ptr<const SealedColumns>> done;
  template <class Change>
  std::shared_ptr<const SealedColumns> operator()(const std::shared_ptr<const SealedColumns>& old, Change change) {
    auto& out = done[old.get()];
    if (!out) {
      auto changed = std::make_shared<SealedColumns>(*old);
      change(*changed);
      out = std::move(changed);
    }
    return out;
  }
};

void TableData::AddColumn(const LogicalType& type, const Value& fill) {
  ++changes_;
  types_.push_back(type);
  ColumnsRemap remap;
  for (size_t g = 0; g < groups_.size(); ++g) {
    RowGroup& grp = MutableGroup(g);
    if (grp.part) {
      grp.columns = remap(grp.columns, [&](SealedColumns& m) {
        m.part_columns.push_back(-1);
        m.fills.push_back(fill);
      });
    } else {
      grp.chunk.columns.push_back(Vector::Constant(fill, type, grp.chunk.count));
    }
    if (RowGroup::ZoneCache* zc = grp.zone_cache_if_any()) {
      std::lock_guard<std::mutex> lock(zc->mu);
      zc->Forget(/*columns_moved=*/true);
    }
  }
  ++version_;  // caches over column positions (GiST R-trees) must not outlive a schema change
}

void TableData::DropColumn(size_t column_idx) {
  ++changes_;
  types_.erase(types_.begin() + column_idx);
  ColumnsRemap remap;
  for (size_t g = 0; g < groups_.size(); ++g) {
    RowGroup& grp = MutableGroup(g);
    if (grp.part) {
      grp.columns = remap(grp.columns, [&](SealedColumns& m) {
        m.part_columns.erase(m.part_columns.begin() + column_idx);
        m.fills.erase(m.fills.begin() + column_idx);
      });
    } else {
      grp.chunk.columns.erase(grp.chunk.columns.begin() + column_idx);
    }
    if (RowGroup::ZoneCache* zc = grp.zone_cache_if_any()) {
      std::lock_guard<std::mutex> lock(zc->mu);
      zc->Forget(/*columns_moved=*/true);
    }
  }
  ++version_;
}

std::vector<TableData::Fate> TableData::PlanReseal(bool sealed_only) const {
  // Which groups are rewritten. Per partition: rows that must be rewritten, and the partly
  // filled sealed groups that may join them. sealed_only (is compaction due?): resident groups
  // are left out (sealing them in place needs no compaction), and partly filled groups must
  // pile up (kPartialLimit per partition) before they alone make it due.
  constexpr size_t kPartialLimit = 8;
  std::vector<Fate> fate(groups_.size(), Fate::kKeep);
  std::map<int64_t, size_t> forced, partial;
  for (size_t g = 0; g < groups_.size(); ++g) {
    const RowGroup& grp = *groups_[g];
    if (sealed_only && !grp.part) continue;
    const size_t dead = group_deleted_count(g);
    if (dead == grp.chunk.count) {
      fate[g] = Fate::kDrop;
    } else if (!grp.part || !group_columns_as_sealed(g) || dead * 2 > grp.chunk.count) {
      fate[g] = Fate::kRewrite;
      ++forced[grp.partition];
    } else if (grp.chunk.count < kChunkRows) {
      ++partial[grp.partition];
    }
  }
  for (size_t g = 0; g < groups_.size(); ++g) {
    const RowGroup& grp = *groups_[g];
    if (sealed_only && !grp.part) continue;
    if (fate[g] == Fate::kKeep && grp.chunk.count < kChunkRows &&
        (forced.count(grp.partition) || partial[grp.partition] > (sealed_only ? kPartialLimit : 1)))
      fate[g] = Fate::kRewrite;
  }
  // Size-tiered merging (as in LSM trees): every checkpoint that touches a partition adds a part
  // to it. Parts of a partition are put in tiers by size (groups kept, in powers of 4); a tier
  // that reaches kMergeFanIn parts is rewritten as one part of the next tier. A row is rewritten
  // about log4(partition groups) times over its life, and a partition keeps a few parts per tier.
  constexpr size_t kMergeFanIn = 4;
  const size_t max_part_groups = MaxPartGroups();
  std::map<std::pair<int64_t, const PartFile*>, size_t> kept_groups;  // (partition, part) -> groups kept
  for (size_t g = 0; g < groups_.size(); ++g)
    if (fate[g] == Fate::kKeep && (groups_[g]->part || !sealed_only)) ++kept_groups[{groups_[g]->partition, groups_[g]->part.get()}];
  std::map<std::pair<int64_t, int>, std::vector<const PartFile*>> tiers;  // (partition, tier) -> parts
  for (auto& [key, n] : kept_groups) {
    // Parts of half the largest size a merge writes stay as they are (merged, they would come
    // out as parts of the same size again: ClickHouse's largest merge, by rows).
    if (n >= std::max<size_t>(1, max_part_groups / 2)) continue;
    int tier = 0;
    for (size_t size = n; size >= 4; size /= 4) ++tier;
    tiers[{key.first, tier}].push_back(key.second);
  }
  std::set<std::pair<int64_t, const PartFile*>> merge;
  for (auto& [key, parts] : tiers)
    if (parts.size() >= kMergeFanIn)
      for (const PartFile* part : parts) merge.insert({key.first, part});
  for (size_t g = 0; g < groups_.size(); ++g)
    if (fate[g] == Fate::kKeep && merge.count({groups_[g]->partition, groups_[g]->part.get()})) fate[g] = Fate::kRewrite;
  return fate;
}

bool TableData::CompactionDue() const {
  const std::vector<Fate> fate = PlanReseal(true);
  for (size_t g = 0; g < groups_.size(); ++g)
    if (groups_[g]->part && fate[g] != Fate::kKeep) return true;
  return false;
}

uint64_t TableData::Layout::MapRowId(uint64_t old_id) const {
  const size_t g = old_id / kChunkRows, r = old_id % kChunkRows;
  if (g >= old_to_new.size()) return UINT64_MAX;
  const int64_t to = old_to_new[g];
  if (to >= 0) return uint64_t(to) * kChunkRows + r;  // a kept group: moved whole
  auto it = rewritten.find(uint32_t(g));
  if (it == rewritten.end() || r >= it->second.second.size() || it->second.second[r] == UINT32_MAX) return UINT64_MAX;
  return partition_base.at(it->second.first) * kChunkRows + it->second.second[r];
}

uint64_t TableData::Layout::MapRowIdAfterCompaction(uint64_t old_id, size_t frozen) const {
  const uint64_t g = old_id / kChunkRows;
  if (g < frozen) return MapRowId(old_id);
  return (groups.size() + g - frozen) * kChunkRows + old_id % kChunkRows;  // as ApplyCompaction lays them
}

TableData::Layout TableData::Reseal(const PartWriter& write_part) const {
  const std::vector<Fate> fate = PlanReseal(false);
  // The new order. Kept groups stay where they are; a partition's rewritten rows take
  // the place of its first rewritten group, in row order (as a fresh Append would lay them).
  Layout layout;
  layout.old_to_new.assign(groups_.size(), -1);
  std::map<int64_t, std::vector<DataChunk>> fresh;  // partition -> new groups' rows not yet written
  std::map<int64_t, std::vector<std::shared_ptr<RowGroup>>> sealed;  // partition -> new groups written
  const auto identity = IdentityColumns();
  auto write = [&](int64_t p, const std::vector<DataChunk>& chunks) {
    std::shared_ptr<const PartFile> part = write_part(p, chunks);
    YH_ASSERT(part->groups().size() == chunks.size());
    for (size_t k = 0; k < chunks.size(); ++k) sealed[p].push_back(SealedGroup(part, k, identity));
  };
  std::map<int64_t, uint32_t> fresh_rows;           // partition -> rows in fresh so far
  std::vector<std::pair<bool, int64_t>> order;      // (kept group?, group index or partition)
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (fate[g] == Fate::kDrop) continue;
    if (fate[g] == Fate::kKeep) {
      order.emplace_back(true, int64_t(g));
      continue;
    }
    const int64_t p = groups_[g]->partition;
    auto [it, first] = fresh.try_emplace(p);
    if (first) order.emplace_back(false, p);
    DataChunk rows = group(g);
    SampleTextWidth(rows);  // (after a restart the table's width is learnt here)
    const auto& dead = deleted(g);
    std::vector<uint32_t> keep;
    auto& moved = layout.rewritten[uint32_t(g)];
    moved.first = p;
    moved.second.assign(rows.count, UINT32_MAX);
    for (uint32_t r = 0; r < rows.count; ++r)
      if (!dead[r]) {
        moved.second[r] = fresh_rows[p]++;  // its place among the partition's rewritten rows
        keep.push_back(r);
      }
    std::vector<DataChunk>& out = it->second;
    for (size_t k = 0; k < keep.size();) {
      if (out.empty() || out.back().count == kChunkRows) {
        out.emplace_back();
        out.back().Init(types_);
      }
      DataChunk& dst = out.back();
      const size_t take = std::min(kChunkRows - dst.count, keep.size() - k);
      if (take == rows.count) {
        // A whole group into an empty new one (sealing full resident groups) is shared.
        if (!ShareWhole(rows, take, dst))
          for (size_t c = 0; c < types_.size(); ++c) dst.columns[c].AppendRange(rows.columns[c], 0, take);
      } else {
        for (size_t k2 = k; k2 < k + take; ++k2)
          for (size_t c = 0; c < types_.size(); ++c) dst.columns[c].AppendFrom(rows.columns[c], keep[k2]);
      }
      dst.count += take;
      k += take;
    }
    layout.rows_rewritten += keep.size();
    // A partition's full new groups go to a part once there are MaxPartGroups of them, so a
    // compaction holds at most that many decoded groups per partition, not the partition.
    if (const size_t max_groups = MaxPartGroups(); out.size() > max_groups) {
      std::vector<DataChunk> full(std::make_move_iterator(out.begin()), std::make_move_iterator(out.begin() + long(max_groups)));
      out.erase(out.begin(), out.begin() + long(max_groups));
      write(p, full);
    }
  }
  for (auto& [p, chunks] : fresh)
    if (!chunks.empty()) write(p, chunks);
  for (auto [kept, v] : order) {
    if (kept) {
      layout.old_to_new[size_t(v)] = int64_t(layout.groups.size());
      layout.groups.push_back(groups_[size_t(v)]);
      ++layout.groups_kept;
    } else {
      layout.partition_base[v] = layout.groups.size();  // rewritten rows fill whole groups from here
      for (auto& grp : sealed[v]) layout.groups.push_back(grp);
    }
  }
  return layout;
}

const std::vector<uint8_t>* TableData::LayoutGroupDeleted(const Layout& l, size_t g) {
  const auto& d = l.groups[g]->deleted;
  for (uint8_t f : d)
    if (f) return &d;
  return nullptr;
}

void TableData::ApplyLayout(Layout layout) {
  // A table the checkpoint left as it was keeps its row ids, and with them the caches over them
  // (primary-key maps, indexes); otherwise they are rebuilt.
  bool same = layout.groups.size() == groups_.size();
  for (size_t g = 0; same && g < groups_.size(); ++g) same = layout.groups[g] == groups_[g];
  if (same) return;
  ++layout_epoch_;
  ++version_;
  ++changes_;
  published_.reset();
  groups_ = std::move(layout.groups);
  appends_from_group_ = 0;
  rows_ = deleted_count_ = resident_rows_ = 0;
  for (size_t g = 0; g < groups_.size(); ++g) {
    rows_ += groups_[g]->chunk.count;
    if (!groups_[g]->part) resident_rows_ += groups_[g]->chunk.count;
    deleted_count_ += group_deleted_count(g);
  }
  RebuildPartitionIndex();
}

void TableData::ApplyCompaction(Layout layout, size_t frozen, const std::vector<uint64_t>& deletes) {
  for (size_t g = frozen; g < groups_.size(); ++g) layout.groups.push_back(groups_[g]);
  ApplyLayout(std::move(layout));
  for (uint64_t id : deletes) Delete(id);
}

std::shared_ptr<const TableData::SealedColumns> TableData::IdentityColumns() const {
  auto m = std::make_shared<SealedColumns>();
  for (size_t c = 0; c < types_.size(); ++c) m->part_columns.push_back(int(c));
  m->fills.assign(types_.size(), Value());
  return m;
}

void TableData::FillSealedGroup(const std::shared_ptr<const PartFile>& part, size_t k,
                                const std::shared_ptr<const SealedColumns>& identity, RowGroup* grp) {
  const auto& meta = part->groups()[k];
  grp->chunk.count = meta.rows;
  grp->partition = meta.partition;
  grp->part = part;
  grp->part_group = uint32_t(k);
  grp->columns = identity;
}

std::shared_ptr<TableData::RowGroup> TableData::SealedGroup(const std::shared_ptr<const PartFile>& part, size_t k,
                                                            const std::shared_ptr<const SealedColumns>& identity) {
  auto grp = std::make_shared<RowGroup>();
  FillSealedGroup(part, k, identity, grp.get());
  return grp;
}

size_t TableData::FreezeGroups() {
  appends_from_group_ = groups_.size();
  return groups_.size();
}

TableData::SealedInPlace TableData::SealInPlace(size_t frozen, const PartWriter& write_part) const {
  std::vector<size_t> positions;
  for (size_t g = 0; g < std::min(frozen, groups_.size()); ++g)
    if (!groups_[g]->part && groups_[g]->chunk.count > 0) positions.push_back(g);
  return SealPositions(positions, write_part);
}

TableData::SealedInPlace TableData::SealFullGroups(size_t first, const std::vector<size_t>& skip, const PartWriter& write_part) const {
  std::vector<size_t> positions;
  for (size_t g = first; g < groups_.size(); ++g)
    if (!groups_[g]->part && groups_[g]->chunk.count == kChunkRows && !std::binary_search(skip.begin(), skip.end(), g))
      positions.push_back(g);
  return SealPositions(positions, write_part);
}

TableData::SealedInPlace TableData::SealPositions(const std::vector<size_t>& positions, const PartWriter& write_part) const {
  SealedInPlace out;
  out.types = types_;
  out.layout_epoch = layout_epoch_;
  // Resident groups by partition, in position order (a part holds one partition's groups).
  std::map<int64_t, std::vector<size_t>> by_partition;
  for (size_t g : positions) by_partition[groups_[g]->partition].push_back(g);
  const auto identity = IdentityColumns();
  for (auto& [p, positions] : by_partition) {
    std::vector<DataChunk> chunks;
    chunks.reserve(positions.size());
    for (size_t g : positions) chunks.push_back(groups_[g]->chunk);
    std::shared_ptr<const PartFile> part = write_part(p, chunks);
    YH_ASSERT(part->groups().size() == chunks.size());
    for (size_t k = 0; k < positions.size(); ++k) {
      auto grp = SealedGroup(part, k, identity);
      grp->deleted = groups_[positions[k]]->deleted;  // as of the snapshot (the manifest's delete vectors)
      out.rows += grp->chunk.count;
      out.groups.emplace_back(positions[k], std::move(grp));
    }
  }
  return out;
}

TableData::Layout TableData::LayoutWith(const SealedInPlace& sealed) const {
  Layout layout;
  layout.groups = groups_;
  for (auto& [g, grp] : sealed.groups) layout.groups[g] = grp;
  layout.groups_kept = groups_.size() - sealed.groups.size();
  layout.rows_rewritten = sealed.rows;
  return layout;
}

bool TableData::InstallSealed(const SealedInPlace& sealed) {
  if (sealed.layout_epoch != layout_epoch_ || !(sealed.types == types_)) return false;
  for (auto& [g, grp] : sealed.groups)
    if (g >= groups_.size() || groups_[g]->part || groups_[g]->chunk.count != grp->chunk.count) return false;
  ++changes_;
  published_.reset();
  for (auto& [g, grp] : sealed.groups) {
    auto mine = std::make_shared<RowGroup>(*grp);
    mine->deleted = groups_[g]->deleted;  // deletes since the snapshot stay
    groups_[g] = std::move(mine);
    resident_rows_ -= grp->chunk.count;
  }
  return true;
}

TableData::SealedRun TableData::MakeSealedRun(const std::shared_ptr<const PartFile>& part, size_t first, size_t count) const {
  YH_ASSERT(first + count <= part->groups().size());
  const auto identity = IdentityColumns();
  // One allocation for the run's groups, each held through an aliasing pointer (opening a 200M-row
  // table makes ~100k of them: one allocation and control block each was a third of opening). A
  // group shared this way is copied on its first change (MutableGroup), as a snapshot's is.
  SealedRun run;
  run.count = count;
  run.groups.reset(new RowGroup[count]);
  for (size_t k = 0; k < count; ++k) FillSealedGroup(part, first + k, identity, &run.groups[k]);
  return run;
}

void TableData::AttachSealed(const SealedRun& run) {
  ++changes_;
  ++version_;
  for (size_t k = 0; k < run.count; ++k) {
    const RowGroup& grp = run.groups[k];
    rows_ += grp.chunk.count;
    groups_.push_back(std::shared_ptr<RowGroup>(run.groups, &run.groups[k]));
    // What RebuildPartitionIndex would give, for the groups added (opening attaches part after
    // part: rebuilding from scratch each time was quadratic in the parts): a partition's last group.
    if (k + 1 == run.count || run.groups[k + 1].partition != grp.partition)
      partition_open_group_[grp.partition] = uint32_t(groups_.size() - 1);
  }
}

void TableData::SetDeleted(size_t g, const std::vector<uint8_t>& flags) {
  RowGroup& grp = MutableGroup(g);
  YH_ASSERT(flags.size() == grp.chunk.count);
  deleted_count_ -= group_deleted_count(g);
  grp.deleted = flags;
  deleted_count_ += group_deleted_count(g);
  ++version_;
}

std::shared_ptr<const std::vector<std::string>> TableData::PartitionKeys(int64_t partition, const std::vector<int>& columns) const {
  return PartitionKeySet(partition, columns).keys;
}

std::shared_ptr<const DataChunk> TableData::PartitionKeyRows(int64_t partition, const std::vector<int>& columns) const {
  return PartitionKeySet(partition, columns).rows_chunk;
}

TableData::KeySet TableData::PartitionKeySet(int64_t partition, const std::vector<int>& columns) const {
  // A set stays valid while the table has the version and layout it was computed on (no
  // delete, rollback or re-laying since) and the partition got no rows it does not cover:
  // appends to other partitions leave it as is, and appends to this one (ingest into the newest
  // partition) extend it by the new rows. Appends only reach a partition's open group and new
  // groups, so only those are looked at. A snapshot may find a set covering more rows than it
  // has: a larger set only skips less (below).
  KeySet ks;
  {
    std::lock_guard<std::mutex> lock(key_sets_->mu);
    const KeySet& cached = key_sets_->sets[{columns, partition}];
    if (cached.keys && cached.version == version_ && cached.layout_epoch == layout_epoch_) {
      const size_t known = cached.known_groups;
      bool covered = true;
      for (size_t g = known; g < groups_.size() && covered; ++g)
        covered = groups_[g]->partition != partition || groups_[g]->chunk.count == 0;
      const auto open = partition_open_group_.find(partition);
      if (covered && open != partition_open_group_.end() && open->second < known) {
        const auto& gr = cached.group_rows;
        const auto at = std::lower_bound(gr.begin(), gr.end(), std::make_pair(open->second, uint32_t(0)));
        covered = at != gr.end() && at->first == open->second && groups_[open->second]->chunk.count <= at->second;
      }
      if (covered) return cached;
      ks = cached;
    }
  }
  // Copies of what the cached set shares with its readers, extended below.
  auto keys = ks.keys ? std::make_shared<std::vector<std::string>>(*ks.keys) : std::make_shared<std::vector<std::string>>();
  // The same distinct values as rows (columns in `columns` order), for callers that evaluate
  // something on them.
  auto distinct = ks.rows_chunk ? std::make_shared<DataChunk>(*ks.rows_chunk) : std::make_shared<DataChunk>();
  if (!ks.rows_chunk)
    for (int c : columns) distinct->columns.emplace_back(types_[size_t(c)]);
  auto seen = ks.seen ? std::make_shared<std::unordered_set<std::string>>(*ks.seen) : std::make_shared<std::unordered_set<std::string>>();
  // The partition's groups, with the rows of each already in the set.
  const auto by_partition = GroupsByPartition();
  const auto mine = by_partition->find(partition);
  static const std::vector<uint32_t> kNone;
  const std::vector<uint32_t>& partition_groups = mine == by_partition->end() ? kNone : mine->second;
  std::vector<std::pair<uint32_t, uint32_t>> covered;
  covered.reserve(partition_groups.size());
  size_t old_at = 0;
  auto add = [&](const std::string& k, const Vector* const* cells, size_t r) {
    if (!seen->insert(k).second) return;
    keys->push_back(k);
    for (size_t i = 0; i < columns.size(); ++i) distinct->columns[i].AppendFrom(*cells[i], r);
    ++distinct->count;
  };
  std::vector<const Vector*> cells(columns.size());
  std::string key;
  // One text key: sealed groups whose part stores the column's distinct values contribute those
  // (and the NULL key when their zone map counts NULLs) without reading a block. The set may then
  // hold keys of deleted rows too: callers only skip data when every key is accounted for, so a
  // larger set only skips less.
  const bool one_text_key = columns.size() == 1 && types_[size_t(columns[0])].id == TypeId::kText;
  std::set<const PartFile*> parts_done;
  for (const uint32_t g : partition_groups) {
    while (old_at < ks.group_rows.size() && ks.group_rows[old_at].first < g) ++old_at;
    const size_t from = old_at < ks.group_rows.size() && ks.group_rows[old_at].first == g ? ks.group_rows[old_at].second : 0;
    const size_t to = groups_[g]->chunk.count;
    covered.emplace_back(g, uint32_t(to));
    if (from >= to) continue;
    if (one_text_key && from == 0) {
      const size_t c = size_t(columns[0]);
      const int pc = group_part_column(g, c);
      const PartFile::TextList* texts = pc >= 0 ? groups_[g]->part->DistinctTexts(size_t(pc)) : nullptr;
      if (texts) {
        if (parts_done.insert(groups_[g]->part.get()).second) {
          Vector v(types_[c]);
          for (size_t k = 0; k < texts->size(); ++k) v.Append(Value::Text(std::string((*texts)[k])));
          cells[0] = &v;
          for (size_t r = 0; r < v.size(); ++r) {
            key.clear();
            AppendKeyCell(v, r, key);
            add(key, cells.data(), r);
          }
        }
        if (groups_[g]->part->ColumnHasNulls(size_t(pc)) && Zone(g, c).null_count > 0) {
          Vector null_cell = Vector::Constant(Value::Null(types_[c]), types_[c], 1);
          cells[0] = &null_cell;
          key.clear();
          AppendKeyCell(null_cell, 0, key);
          add(key, cells.data(), 0);
        }
        continue;
      }
    }
    // Only the key columns: a sealed group reads no other block.
    DataChunk chunk;
    chunk.count = to;
    chunk.columns.resize(types_.size());
    for (int c : columns) chunk.columns[c] = column(g, size_t(c));
    for (size_t i = 0; i < columns.size(); ++i) cells[i] = &chunk.columns[size_t(columns[i])];
    const std::vector<uint8_t>& deleted = this->deleted(g);
    if (columns.size() == 1 && chunk.columns[columns[0]].type().physical() == PhysicalType::kStr) {
      // One text key (device, host, symbol): compare the strings before serializing a new one.
      const Vector& v = chunk.columns[columns[0]];
      std::string_view last;
      bool have_last = false;
      for (size_t r = from; r < to; ++r) {
        if (deleted[r]) continue;
        if (!v.IsNull(r) && have_last && v.str()[r] == last) continue;
        key.clear();
        AppendKeyCell(v, r, key);
        add(key, cells.data(), r);
        have_last = !v.IsNull(r);
        if (have_last) last = v.str()[r];
      }
      continue;
    }
    for (size_t r = from; r < to; ++r) {
      if (deleted[r]) continue;
      key.clear();
      for (int c : columns) AppendKeyCell(chunk.columns[c], r, key);
      add(key, cells.data(), r);
    }
  }
  KeySet out;
  out.version = version_;
  out.layout_epoch = layout_epoch_;
  out.keys = keys;
  out.rows_chunk = distinct;
  out.seen = seen;
  out.known_groups = groups_.size();
  out.group_rows = std::move(covered);
  std::lock_guard<std::mutex> lock(key_sets_->mu);
  key_sets_->sets[{columns, partition}] = out;
  return out;
}

}  // namespace yunhe
