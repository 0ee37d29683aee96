#include "exec/table_scan.h"

#include "exec/expression_eval.h"
#include "exec/flat_key_map.h"
#include "exec/row_index_cache.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "common/row_key.h"
#include "common/statement_context.h"

#include "common/status.h"
#include "storage/buffer_pool.h"
#include "storage/part_file.h"

#include <fmt/format.h>

namespace yunhe {

TableScanOperator::TableScanOperator(std::shared_ptr<Table> table, std::vector<int> column_ids, bool emit_row_id)
    : table_(std::move(table)), column_ids_(std::move(column_ids)), emit_row_id_(emit_row_id) {
  for (int c : column_ids_) {
    types.push_back(table_->schema.columns[c].type);
    names.push_back(table_->schema.columns[c].name);
  }
  if (emit_row_id_) {
    types.push_back(TypeId::kInt64);
    names.push_back("ctid");
  }
}

void TableScanOperator::AddPrunePredicate(PrunePredicate p) {
  CompiledPrune c{};
  c.table_column = size_t(column_ids_[p.column]);
  c.op = p.op == "=" ? PruneOp::kEq : p.op == "<" ? PruneOp::kLt : p.op == "<=" ? PruneOp::kLe : p.op == ">" ? PruneOp::kGt
       : p.op == ">=" ? PruneOp::kGe : p.op == "&&" ? PruneOp::kBoxes : PruneOp::kOther;
  c.integer = types[p.column].physical() == PhysicalType::kI64;
  c.f64 = ZonesAreF64(types[p.column]);
  if (c.op != PruneOp::kBoxes && c.op != PruneOp::kOther) {
    if (c.integer) c.i = p.value.i;
    else c.f = p.value.f;
  }
  std::copy(std::begin(p.box), std::end(p.box), std::begin(c.box));
  auto at = std::upper_bound(compiled_prune_.begin(), compiled_prune_.end(), c.table_column,
                             [](size_t col, const CompiledPrune& x) { return col < x.table_column; });
  compiled_prune_.insert(at, c);
  prune_.push_back(std::move(p));
}

size_t TableScanOperator::GroupsMayMatch(size_t enough) const {
  const size_t groups = data().group_count();
  if (compiled_prune_.empty()) return std::min(groups, enough);
  size_t n = 0;
  for (size_t g = 0; g < groups && n < enough; ++g) n += GroupMayMatch(g) ? 1 : 0;
  return n;
}

TableScanOperator::ZoneMatch TableScanOperator::GroupZoneMatch(size_t g) const {
  const TableData& data = this->data();
  const ZoneMap* z = nullptr;
  ZoneMap asked;
  size_t zone_column = SIZE_MAX;
  bool all = true;
  for (size_t k = 0; k < compiled_prune_.size(); ++k) {
    const CompiledPrune& p = compiled_prune_[k];
    if (p.table_column != zone_column) {
      zone_column = p.table_column;
      if (k < prune_zones_.size() && prune_zones_[k] && g < prune_zones_[k]->size()) {
        asked = (*prune_zones_[k])[g].Unpack(p.f64);
        z = &asked;
      } else {
        asked = data.Zone(g, zone_column);
        z = &asked;
      }
    }
    if (!z->has_values) return ZoneMatch::kNone;  // all NULL: no comparison is true
    if (p.op == PruneOp::kBoxes) {
      if (z->has_box && (z->box[0] > p.box[2] || z->box[2] < p.box[0] || z->box[1] > p.box[3] || z->box[3] < p.box[1]))
        return ZoneMatch::kNone;
      all = false;
      continue;
    }
    int lo, hi;  // compare(min, value), compare(max, value)
    if (p.integer) {
      lo = z->min_i < p.i ? -1 : z->min_i > p.i ? 1 : 0;
      hi = z->max_i < p.i ? -1 : z->max_i > p.i ? 1 : 0;
    } else {
      lo = z->min_f < p.f ? -1 : z->min_f > p.f ? 1 : 0;
      hi = z->max_f < p.f ? -1 : z->max_f > p.f ? 1 : 0;
    }
    bool possible = true, every = false;
    switch (p.op) {
      case PruneOp::kEq: possible = lo <= 0 && hi >= 0; every = lo == 0 && hi == 0; break;
      case PruneOp::kLt: possible = lo < 0; every = hi < 0; break;
      case PruneOp::kLe: possible = lo <= 0; every = hi <= 0; break;
      case PruneOp::kGt: possible = hi > 0; every = lo > 0; break;
      case PruneOp::kGe: possible = hi >= 0; every = lo >= 0; break;
      default: break;
    }
    if (!possible) return ZoneMatch::kNone;
    // Doubles are left to the filter (NaN sorts above every number); a NULL never passes.
    all = all && every && p.integer && z->null_count == 0;
  }
  return all && !compiled_prune_.empty() ? ZoneMatch::kAll : ZoneMatch::kSome;
}

bool TableScanOperator::FilterIsZonePredicates(const ExprPtr& filter) const {
  if (!filter || compiled_prune_.empty()) return false;
  for (const ExprPtr& e : FlattenConjuncts({filter})) {
    if (e->kind != ExprKind::kFunction || e->args.size() != 2) return false;
    const Expr* col = e->args[0].get();
    const Expr* val = e->args[1].get();
    std::string op = e->name;
    if (col->kind != ExprKind::kColumn) {
      std::swap(col, val);
      op = op == "<" ? ">" : op == "<=" ? ">=" : op == ">" ? "<" : op == ">=" ? "<=" : op;
    }
    if (col->kind != ExprKind::kColumn || val->kind != ExprKind::kConstant || val->value.is_null) return false;
    if (col->column < 0 || size_t(col->column) >= types.size() || types[col->column].physical() != PhysicalType::kI64) return false;
    bool found = false;
    for (const PrunePredicate& p : prune_)
      found = found || (p.column == col->column && p.op == op && !p.value.is_null && val->value.type == types[col->column] &&
                        p.value.type == val->value.type && p.value.i == val->value.i);
    if (!found) return false;
  }
  return true;
}

const TableData& StatementData(const Table& table) {
  const auto& snapshots = CurrentStatement().snapshots;
  if (auto it = snapshots.find(&table); it != snapshots.end()) return *static_cast<const TableData*>(it->second.get());
  return table.data;
}

void TableScanOperator::Open(ExecContext&) {
  groups_skipped_ = groups_total_ = 0;
  resident_groups_ = sealed_groups_ = pool_columns_ = disk_blocks_ = disk_bytes_ = zone_checked_ = zone_skipped_ = zone_decided_ = stripe_columns_ = 0;
  if (!table_->corrupt.empty()) throw Error(SqlState::kDataCorrupted, table_->corrupt);
  pinned_.reset();
  data_ = &table_->data;
  const auto& snapshots = CurrentStatement().snapshots;
  if (auto it = snapshots.find(table_.get()); it != snapshots.end()) {
    pinned_ = std::static_pointer_cast<const TableData>(it->second);
    data_ = pinned_.get();
  }
  group_ = 0;
  nearest_order_.clear();
  if (nearest_bound_) nearest_bound_->store(INFINITY);
  latest_out_.clear();
  latest_next_ = 0;
  index_.reset();
  cursor_.reset();
  tail_group_ = 0;
  batch_ = 256;
  rows_read_ = 0;
  index_done_ = index_exhausted_ = false;
  unindexed_group_ = 0;
  lookup_resolved_ = lookup_active_ = false;
  lookup_rows_.clear();
  lookup_next_ = lookup_from_index_ = lookup_appended_ = 0;
  const TableData& data = this->data();
  counts_snapshot_.resize(data.group_count());
  for (size_t g = 0; g < counts_snapshot_.size(); ++g) counts_snapshot_[g] = uint32_t(data.group_rows(g));
  // A scan over a table whose columns it reads would fill more than a quarter of the pool reads
  // through it without filling it (PostgreSQL's ring buffer for large sequential scans): kept,
  // its blocks would evict everything else, and a new process would fault in fresh memory for
  // each one although the scan never comes back to it.
  size_t read_columns = 0;
  for (size_t k = 0; k < column_ids_.size(); ++k) read_columns += needed_.empty() || needed_[k] ? 1 : 0;
  const uint64_t sealed_rows = data.row_count() - std::min(data.row_count(), data.resident_rows());
  keep_in_pool_ = sealed_rows * read_columns * 9 <= BufferPool::Instance().budget() / 4;
  prune_zones_.clear();
  for (size_t k = 0; k < compiled_prune_.size(); ++k)
    prune_zones_.push_back(k > 0 && compiled_prune_[k].table_column == compiled_prune_[k - 1].table_column
                               ? prune_zones_.back()
                               : data.ZoneColumn(compiled_prune_[k].table_column));
}

void TableScanOperator::SetNearestFirst(int column, const double box[4], std::shared_ptr<std::atomic<double>> bound) {
  nearest_column_ = column;
  nearest_box_ = geo::Box{box[0], box[1], box[2], box[3]};
  nearest_bound_ = std::move(bound);
  for (auto& [col, name] : spatial_indexes_)
    if (col == column) nearest_index_ = name;
}

void TableScanOperator::SetIndexLookup(int column, std::string index_name, std::vector<IndexRange> ranges, std::string text) {
  lookup_column_ = column;
  lookup_index_ = std::move(index_name);
  lookup_ranges_ = std::move(ranges);
  lookup_text_ = std::move(text);
}

void TableScanOperator::SetKeyLookup(int column, std::string index_name, std::vector<uint64_t> rows, std::string text) {
  lookup_column_ = column;
  lookup_index_ = std::move(index_name);
  lookup_text_ = std::move(text);
  key_lookup_ = true;
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  key_rows_ = std::move(rows);
}

void TableScanOperator::ResolveLookup() {
  lookup_resolved_ = true;
  if (key_lookup_) {
    lookup_active_ = true;
    lookup_rows_.clear();
    const TableData& data = this->data();
    for (uint64_t id : key_rows_) {
      const size_t g = id / kChunkRows, r = id % kChunkRows;
      if (g < counts_snapshot_.size() && r < counts_snapshot_[g] && !data.deleted(g)[r]) lookup_rows_.push_back(id);
    }
    lookup_from_index_ = lookup_rows_.size();
    return;
  }
  auto index = GetValueRowIndex(table_, data(), size_t(column_ids_[lookup_column_]), counts_snapshot_);
  size_t matches = 0;
  for (const auto& r : lookup_ranges_) matches += index->Count(r);
  const size_t appended = RowsPastIndex(counts_snapshot_, index->counts);
  size_t rows = 0;
  for (uint32_t c : counts_snapshot_) rows += c;
  if ((matches + appended) * 4 > rows) return;  // not selective: a sequential scan is faster
  lookup_active_ = true;
  std::vector<uint64_t> ids;
  ids.reserve(matches + appended);
  for (const auto& r : lookup_ranges_) index->Collect(r, &ids);
  lookup_from_index_ = ids.size();
  // Rows appended since the index was built are not in it: read them all (the Filter decides).
  for (size_t g = 0; g < counts_snapshot_.size(); ++g) {
    for (uint32_t r = IndexedRows(index->counts, g); r < counts_snapshot_[g]; ++r) ids.push_back(uint64_t(g) * kChunkRows + r);
  }
  lookup_appended_ = ids.size() - lookup_from_index_;
  // Rows of groups the zone maps rule out go first (each group judged once), so the sort below
  // orders only what can match: an index lookup narrowed by a time range keeps a few groups.
  if (!compiled_prune_.empty()) {
    std::vector<int8_t> group_ok(counts_snapshot_.size(), -1);
    size_t kept = 0;
    for (uint64_t id : ids) {
      const size_t g = id / kChunkRows;
      if (g >= counts_snapshot_.size()) continue;
      if (group_ok[g] < 0) {
        group_ok[g] = GroupMayMatch(g) ? 1 : 0;
        ++groups_total_;
        if (!group_ok[g]) ++groups_skipped_;
      }
      if (group_ok[g]) ids[kept++] = id;
    }
    ids.resize(kept);
  }
  if (lookup_ranges_.size() > 1 || lookup_appended_ || !index->parts.empty()) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  }
  // Rows this reader sees (the index may be newer than its snapshot): the ids are sorted, so
  // each group's deleted flags are fetched once per run of its ids.
  const TableData& data = this->data();
  lookup_rows_.clear();
  lookup_rows_.reserve(ids.size());
  size_t run_group = SIZE_MAX;
  const std::vector<uint8_t>* deleted = nullptr;
  for (uint64_t id : ids) {
    const size_t g = id / kChunkRows, r = id % kChunkRows;
    if (g >= counts_snapshot_.size()) continue;
    if (g != run_group) {
      run_group = g;
      deleted = &data.deleted(g);
    }
    if (r < counts_snapshot_[g] && !(*deleted)[r]) lookup_rows_.push_back(id);
  }
}

void TableScanOperator::KeepOnly(const std::vector<bool>& needed) {
  needed_ = needed;
  placeholders_.clear();
  for (size_t c = 0; c < column_ids_.size(); ++c) placeholders_.push_back(Vector::Nulls(types[c], kChunkRows));
}

std::string TableScanOperator::Name() const {
  if (nearest_column_ >= 0 && !nearest_index_.empty()) return "Index Scan using " + nearest_index_ + " on " + table_->schema.name;
  if (lookup_column_ >= 0) return "Index Scan using " + lookup_index_ + " on " + table_->schema.name;
  return (latest_keys_.empty() ? "Seq Scan on " : "Latest Row per Key Scan on ") + table_->schema.name;
}

std::string TableScanOperator::Details() const {
  std::vector<std::string> parts;
  if (table_->schema.time_column >= 0) parts.push_back(fmt::format("Time partitions: {}", data().partition_count()));
  if (!needed_.empty()) {
    std::string cols;
    for (size_t c = 0; c < column_ids_.size(); ++c)
      if (needed_[c]) cols += (cols.empty() ? "" : ", ") + names[c];
    parts.push_back("Columns: " + (cols.empty() ? std::string("none") : cols));
  }
  if (!prune_.empty()) {
    std::string z = "Zone map filter: ";
    for (size_t k = 0; k < prune_.size(); ++k) z += (k ? " AND " : "") + prune_[k].text;
    // Serial scans count in Next(); parallel consumers only go through ReadGroup.
    if (groups_total_) z += fmt::format(" (row groups skipped: {} of {})", groups_skipped_, groups_total_);
    else if (zone_checked_) z += fmt::format(" (row groups skipped: {} of {})", zone_skipped_.load(), zone_checked_.load());
    if (zone_decided_) z += fmt::format(" (row groups passing whole, filter not evaluated: {})", zone_decided_.load());
    parts.push_back(z);
  }
  if (nearest_column_ >= 0 && !nearest_index_.empty()) {
    std::string line = fmt::format("Index nearest neighbours: {} (R-tree on {}), rows in order of distance, stopping past the k-th distance",
                                   nearest_index_, names[nearest_column_]);
    if (index_) line += fmt::format(" (rows read: {} of {})", rows_read_, index_->indexed_rows());
    parts.push_back(line);
  } else if (nearest_column_ >= 0) {
    std::string line = fmt::format("Nearest first on {}: row groups in order of bounding-box distance, stopping past the k-th distance", names[nearest_column_]);
    if (groups_total_ && prune_.empty()) line += fmt::format(" (row groups skipped: {} of {})", groups_skipped_, groups_total_);
    parts.push_back(line);
  }
  if (lookup_column_ >= 0) {
    std::string line = "Index Cond: " + lookup_text_;
    if (key_lookup_)
      line += fmt::format(" (rows from the primary-key map: {})", key_rows_.size());
    else if (lookup_resolved_ && lookup_active_)
      line += fmt::format(" (rows from the index: {}, appended since it was built: {})", lookup_from_index_, lookup_appended_);
    else if (lookup_resolved_)
      line += " (not selective: read sequentially)";
    parts.push_back(line);
  }
  if (!latest_keys_.empty()) {
    std::string keys;
    for (int k : latest_keys_) keys += (keys.empty() ? "" : ", ") + names[k];
    std::string line = fmt::format("Latest {} per ({}), newest partitions first", names[latest_time_], keys);
    if (latest_filter_) line += ", among rows where " + latest_filter_->ToString();
    if (groups_total_ && prune_.empty()) line += fmt::format(" (row groups skipped: {} of {})", groups_skipped_, groups_total_);
    parts.push_back(line);
  }
  if (sealed_groups_ > 0) {
    std::string line = fmt::format("Storage: row groups read {} in memory, {} sealed in parts; columns from the buffer pool {}, "
                                   "blocks read from disk {} ({} bytes)",
                                   resident_groups_.load(), sealed_groups_.load(), pool_columns_.load(), disk_blocks_.load(),
                                   disk_bytes_.load());
    if (!keep_in_pool_)
      line += fmt::format("; larger than a quarter of the pool: read without filling it (columns from stripes decoded before {})",
                          stripe_columns_.load());
    parts.push_back(line);
  }
  // Indexes the plan does not use: real ones (B-tree lookups, R-trees) and those that are only
  // recorded in the catalog, with no access path here (e.g. gin, brin, doubles, several columns
  // past the first), said apart so nobody mistakes one for the other.
  std::vector<std::string> unused, recorded;
  for (const std::string& name : recorded_indexes_) {
    if (name == nearest_index_ || name == lookup_index_) continue;
    bool real = false;
    for (const auto& v : value_indexes_) real = real || v.name == name;
    for (const auto& g : spatial_indexes_) real = real || g.second == name;
    (real ? unused : recorded).push_back(name);
  }
  auto list = [](const std::vector<std::string>& names) {
    std::string l;
    for (size_t k = 0; k < names.size(); ++k) l += (k ? ", " : "") + names[k];
    return l;
  };
  if (!unused.empty()) parts.push_back("Indexes not used by this plan: " + list(unused));
  if (!recorded.empty()) parts.push_back("Indexes recorded only, not used by this plan: " + list(recorded));
  std::string s;
  for (size_t k = 0; k < parts.size(); ++k) s += (k ? "\n" : "") + parts[k];
  return s;
}

size_t TableScanOperator::group_count() const {
  return counts_snapshot_.size();
}

std::vector<std::pair<size_t, size_t>> TableScanOperator::Morsels(size_t max_groups) const {
  const TableData& data = this->data();
  auto stripe_of = [&](size_t g) {
    const PartFile* part = data.group_part(g).get();
    return std::make_pair(part, part ? data.group_part_index(g) / PartFile::kStripeGroups : 0);
  };
  std::vector<std::pair<size_t, size_t>> out;
  const size_t n = group_count();
  for (size_t first = 0; first < n;) {
    size_t end = first + 1;
    const auto stripe = stripe_of(first);
    while (end < n && end - first < std::max<size_t>(1, max_groups) && stripe_of(end) == stripe) ++end;
    out.emplace_back(first, end);
    first = end;
  }
  return out;
}

bool TableScanOperator::ReadGroup(size_t g, DataChunk& out, bool keep_placeholders) const {
  if (!prune_.empty()) {
    zone_checked_.fetch_add(1, std::memory_order_relaxed);
    if (!GroupMayMatch(g)) {
      zone_skipped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  }
  return ReadGroupColumns(g, out, keep_placeholders, nullptr);
}

bool TableScanOperator::ReadGroupForFilter(size_t g, DataChunk& out, bool keep_placeholders, const std::vector<bool>& filter_only,
                                           bool* filter_decided) const {
  *filter_decided = false;
  if (prune_.empty()) return ReadGroupColumns(g, out, keep_placeholders, nullptr);
  zone_checked_.fetch_add(1, std::memory_order_relaxed);
  const ZoneMatch m = GroupZoneMatch(g);
  if (m == ZoneMatch::kNone) {
    zone_skipped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (m == ZoneMatch::kSome) return ReadGroupColumns(g, out, keep_placeholders, nullptr);
  zone_decided_.fetch_add(1, std::memory_order_relaxed);
  *filter_decided = true;
  // Placeholders exist for a scan whose columns were pruned (KeepOnly); otherwise read them all.
  return ReadGroupColumns(g, out, keep_placeholders, placeholders_.size() == column_ids_.size() ? &filter_only : nullptr);
}

bool TableScanOperator::ReadGroupColumns(size_t g, DataChunk& out, bool keep_placeholders, const std::vector<bool>* skip) const {
  const TableData& data = this->data();
  const size_t src_count = data.group_rows(g);
  const size_t limit = std::min<size_t>(src_count, counts_snapshot_[g]);
  const auto& deleted = data.deleted(g);
  // The common case, a whole group with no deleted row, needs no selection at all.
  const bool all = limit == src_count && std::memchr(deleted.data(), 1, limit) == nullptr;
  // A group whose rows were all replaced (upserts of the same points, deletes) is skipped by a
  // vectorized search for a live row before any selection is built.
  if (!all && limit > 0 && std::memchr(deleted.data(), 0, limit) == nullptr) return false;
  std::vector<uint32_t> sel;
  if (!all || emit_row_id_) {
    sel.resize(limit);
    size_t live = 0;
    for (size_t r = 0; r < limit; ++r) {  // branch-free: deletes come in any pattern
      sel[live] = uint32_t(r);
      live += deleted[r] == 0;
    }
    sel.resize(live);
  }
  const size_t rows = all ? limit : sel.size();
  if (rows == 0) return false;
  const bool keep = keep_placeholders && out.columns.size() == column_ids_.size() + (emit_row_id_ ? 1 : 0);
  if (!keep) out.columns.assign(column_ids_.size(), Vector());
  out.columns.resize(column_ids_.size());  // the row id column is appended below
  BlockReads reads;
  for (size_t k = 0; k < column_ids_.size(); ++k) {
    if ((!needed_.empty() && !needed_[k]) || (skip && k < skip->size() && (*skip)[k])) {
      Vector& v = out.columns[k];
      if (!keep || v.size() != rows || v.type() != types[k]) {
        v = rows == kChunkRows ? placeholders_[k] : Vector::Nulls(types[k], rows);  // (a shared one resized would be cloned whole)
      }
      continue;
    }
    // Only the columns read above are fetched: a sealed group reads no other block.
    Vector col = data.column(g, size_t(column_ids_[k]), &reads, keep_in_pool_);
    out.columns[k] = all ? std::move(col) : col.Gather(sel);
  }
  (data.group_part(g) ? sealed_groups_ : resident_groups_).fetch_add(1, std::memory_order_relaxed);
  if (reads.from_pool) pool_columns_.fetch_add(reads.from_pool, std::memory_order_relaxed);
  if (reads.from_stripe) stripe_columns_.fetch_add(reads.from_stripe, std::memory_order_relaxed);
  if (reads.from_disk) {
    disk_blocks_.fetch_add(reads.from_disk, std::memory_order_relaxed);
    disk_bytes_.fetch_add(reads.bytes_read, std::memory_order_relaxed);
  }
  if (emit_row_id_) {
    Vector ids(TypeId::kInt64);
    ids.Resize(rows);
    int64_t* id = ids.i64();
    uint8_t* nulls = ids.nulls();
    for (size_t k = 0; k < rows; ++k) {
      id[k] = int64_t(g * kChunkRows + sel[k]);
      nulls[k] = 0;
    }
    out.columns.push_back(std::move(ids));
  }
  out.count = rows;
  return true;
}

void TableScanOperator::EmitRows(const std::vector<uint64_t>& row_ids, DataChunk& out) const {
  const TableData& data = this->data();
  out.columns.clear();
  for (size_t k = 0; k < column_ids_.size(); ++k) {
    if (!needed_.empty() && !needed_[k]) {
      out.columns.push_back(row_ids.size() == kChunkRows ? placeholders_[k] : Vector::Nulls(types[k], row_ids.size()));
      continue;
    }
    Vector v(types[k]);
    v.Reserve(row_ids.size());
    // Row ids of one group come together (lookups are sorted): fetch its column once per run
    // and gather the run's rows from it.
    std::vector<uint32_t> rows;
    rows.reserve(std::min(row_ids.size(), kChunkRows));
    for (size_t i = 0; i < row_ids.size();) {
      const size_t group = row_ids[i] / kChunkRows;
      rows.clear();
      for (; i < row_ids.size() && row_ids[i] / kChunkRows == group; ++i) rows.push_back(uint32_t(row_ids[i] % kChunkRows));
      const Vector* src = data.resident_column(group, size_t(column_ids_[k]));
      Vector read;
      if (!src) {
        read = data.column(group, size_t(column_ids_[k]));
        src = &read;
      }
      v.AppendSelected(*src, rows.data(), rows.size());
    }
    out.columns.push_back(std::move(v));
  }
  if (emit_row_id_) {
    Vector ids(TypeId::kInt64);
    for (uint64_t id : row_ids) ids.Append(Value::Int(int64_t(id)));
    out.columns.push_back(std::move(ids));
  }
  out.count = row_ids.size();
}

bool TableScanOperator::NextFromIndex(DataChunk& out) {
  const TableData& data = this->data();
  if (!index_) {
    index_ = GetSpatialRowIndex(table_, data, size_t(column_ids_[nearest_column_]), counts_snapshot_);
    cursor_ = std::make_unique<SpatialNearestCursor>(*index_, nearest_box_);
  }
  auto visible = [&](uint64_t id) {
    const size_t g = id / kChunkRows, r = id % kChunkRows;
    return g < counts_snapshot_.size() && r < counts_snapshot_[g] && !data.deleted(g)[r];
  };
  std::vector<uint64_t> ids;
  // Rows the index does not cover yet (appended after it was built), one group per chunk, in
  // any order: the top-N sort above sees them first.
  while (tail_group_ < counts_snapshot_.size()) {
    const size_t g = tail_group_++;
    for (uint32_t r = IndexedRows(index_->counts, g); r < counts_snapshot_[g]; ++r) {
      const uint64_t id = uint64_t(g) * kChunkRows + r;
      if (visible(id)) ids.push_back(id);
    }
    if (!ids.empty()) {
      rows_read_ += ids.size();
      EmitRows(ids, out);
      return true;
    }
  }
  if (!index_done_) {
    const double bound = nearest_bound_->load(std::memory_order_relaxed);
    while (ids.size() < batch_) {
      if (cursor_->PeekDistance() > bound) {
        index_done_ = true;  // every later row is farther than the k-th best
        break;
      }
      uint64_t id;
      double d;
      if (!cursor_->Next(&id, &d)) {
        index_done_ = index_exhausted_ = true;
        break;
      }
      if (visible(id)) ids.push_back(id);
    }
    batch_ = std::min<size_t>(batch_ * 2, kChunkRows);
    if (!ids.empty()) {
      rows_read_ += ids.size();
      EmitRows(ids, out);
      return true;
    }
  }
  // Rows the index leaves out (NULL or empty geometry: `<->` gives NULL, which sorts after every
  // distance) can only matter when the index ran out before k rows were found.
  if (!index_exhausted_ || nearest_bound_->load(std::memory_order_relaxed) != INFINITY) return false;
  const size_t col = size_t(column_ids_[nearest_column_]);
  while (unindexed_group_ < counts_snapshot_.size()) {
    const size_t g = unindexed_group_++;
    const uint32_t end = std::min(IndexedRows(index_->counts, g), counts_snapshot_[g]);
    geo::Box box;
    for (uint32_t r = 0; r < end; ++r) {
      const uint64_t id = uint64_t(g) * kChunkRows + r;
      if (visible(id) && !RowBox(data.column(g, col), r, &box)) ids.push_back(id);
    }
    if (!ids.empty()) {
      rows_read_ += ids.size();
      EmitRows(ids, out);
      return true;
    }
  }
  return false;
}

void TableScanOperator::SetLatestPerKey(std::vector<int> key_columns, int time_column, ExprPtr filter) {
  latest_keys_ = std::move(key_columns);
  latest_time_ = time_column;
  latest_filter_reads_.assign(column_ids_.size(), false);
  if (filter && !MarkColumnsRead(filter, &latest_filter_reads_))
    throw Error(SqlState::kInternalError, "the latest-row scan's filter reads columns it cannot tell");
  latest_filter_ = std::move(filter);
}

void TableScanOperator::ComputeLatestPerKey(ExecContext& ctx) {
  const TableData& data = this->data();
  std::vector<int> table_keys;
  for (int k : latest_keys_) table_keys.push_back(column_ids_[k]);
  const int time_col = column_ids_[latest_time_];
  // Row groups, newest partition first; inside a partition, newest rows (zone-map max time) first.
  std::vector<size_t> order;
  std::vector<int64_t> max_ts(group_count(), INT64_MIN);
  for (size_t g = 0; g < group_count(); ++g) {
    order.push_back(g);
    const ZoneMap& z = data.Zone(g, size_t(time_col));
    if (z.has_values) max_ts[g] = z.max_i;
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (data.group_partition(a) != data.group_partition(b)) return data.group_partition(a) > data.group_partition(b);
    return max_ts[a] > max_ts[b];
  });
  struct Best {
    int64_t partition;
    size_t group;
    uint32_t row;
    int64_t ts;
  };
  // Each key's best row: keys (serialized, kept in `key_store`) map to dense ids in a flat
  // open-addressing table, best[id] the row; a node-based map was most of a filtered lastpoint.
  std::vector<Best> best;
  FlatKeyMap<std::string_view> key_ids;
  std::deque<std::string> key_store;
  auto find_best = [&](std::string_view k) -> const Best* {
    const int64_t id = key_ids.Find(k);
    return id < 0 ? nullptr : &best[size_t(id)];
  };
  std::string key;
  int64_t skipped_partition = INT64_MIN;  // the partition found to hold nothing new
  bool partition_checked = false;
  int64_t checked_partition = 0;
  const int64_t newest = order.empty() ? 0 : data.group_partition(order.front());
  // Inside a partition: once every key of the partition has a row at least as new as a group's
  // newest row, neither that group nor the (older) ones after it can hold a winner. Checked after
  // 1, 2, 4, 8, ... groups of the partition, so a partition whose keys trickle in costs little.
  int64_t done_partition = INT64_MIN, scan_partition = INT64_MIN;
  size_t groups_in_partition = 0, next_check = 1;
  // With a filter that reads only key columns and text columns (tags: fleet = 'South'), the keys
  // that can have a passing row in a partition are found by evaluating the filter on the
  // partition's distinct (key, tag) values instead of its rows: a key none of whose values passes
  // has no passing row there and needs no newer row for the partition to be settled or skipped.
  // Any other filter (a measurement: fuel < 0.1) leaves every group to be read.
  std::vector<int> combo_columns = table_keys;  // the keys first, in key order, then the tags
  bool filter_on_tags = latest_filter_ != nullptr;
  for (size_t k = 0; latest_filter_ && k < column_ids_.size(); ++k) {
    if (!latest_filter_reads_[k]) continue;
    const int c = column_ids_[k];
    if (std::find(combo_columns.begin(), combo_columns.end(), c) != combo_columns.end()) continue;
    if (types[k].id != TypeId::kText) filter_on_tags = false;
    combo_columns.push_back(c);
  }
  std::map<int64_t, std::shared_ptr<const std::vector<std::string>>> passing_keys;
  auto keys_that_count = [&](int64_t part) -> std::shared_ptr<const std::vector<std::string>> {
    if (!latest_filter_) return data.PartitionKeys(part, table_keys);
    if (!filter_on_tags) return nullptr;
    auto cached = passing_keys.find(part);
    if (cached != passing_keys.end()) return cached->second;
    const auto combos = data.PartitionKeyRows(part, combo_columns);
    auto keys = std::make_shared<std::vector<std::string>>();
    std::unordered_set<std::string> seen;
    std::string k;
    for (size_t begin = 0; begin < combos->count; begin += kChunkRows) {
      const size_t n = std::min(kChunkRows, combos->count - begin);
      std::vector<Vector> slice;
      for (const Vector& v : combos->columns) {
        slice.emplace_back(v.type());
        slice.back().AppendRange(v, begin, n);
      }
      DataChunk in;
      in.count = n;
      in.columns.resize(column_ids_.size());
      for (size_t c = 0; c < column_ids_.size(); ++c) {
        const auto at = std::find(combo_columns.begin(), combo_columns.end(), column_ids_[c]);
        in.columns[c] = latest_filter_reads_[c] ? slice[size_t(at - combo_columns.begin())] : Vector(types[c]);
      }
      std::vector<uint32_t> pass;
      try {
        pass = EvaluateFilter(*latest_filter_, in, ctx);
      } catch (const Error&) {
        // A value of a deleted row (the sets may hold some) the filter fails on: read the rows.
        filter_on_tags = false;
        return nullptr;
      }
      for (uint32_t r : pass) {
        k.clear();
        for (size_t i = 0; i < table_keys.size(); ++i) AppendKeyCell(slice[i], r, k);
        if (seen.insert(k).second) keys->push_back(k);
      }
    }
    passing_keys[part] = keys;
    return keys;
  };
  auto partition_settled = [&](int64_t part, int64_t group_max) {
    const auto keys = keys_that_count(part);
    if (!keys) return false;
    for (const auto& k : *keys) {
      const Best* b = find_best(k);
      if (!b || b->ts < group_max) return false;
    }
    return true;
  };
  for (size_t g : order) {
    ++groups_total_;
    const int64_t part = data.group_partition(g);
    if (part != scan_partition) {
      scan_partition = part;
      groups_in_partition = 0;
      next_check = 1;
    }
    if (part == done_partition && counts_snapshot_[g] == data.group_rows(g)) {
      ++groups_skipped_;
      continue;
    }
    if ((!latest_filter_ || filter_on_tags) && groups_in_partition == next_check) {
      next_check *= 2;
      if (partition_settled(part, max_ts[g]) && counts_snapshot_[g] == data.group_rows(g)) {
        done_partition = part;
        ++groups_skipped_;
        continue;
      }
    }
    ++groups_in_partition;
    if (!compiled_prune_.empty() && !GroupMayMatch(g)) {
      ++groups_skipped_;
      continue;
    }
    // Entering an older partition: if every key in it already has a row from a newer partition,
    // none of its rows can win and the whole partition is skipped.
    if ((!latest_filter_ || filter_on_tags) && part < newest && (!partition_checked || checked_partition != part)) {
      partition_checked = true;
      checked_partition = part;
      const auto keys = keys_that_count(part);
      // With a filter, a partition no row of which passes is skipped whole.
      bool all_newer = keys && (!best.empty() || (latest_filter_ && keys->empty()));
      for (size_t i = 0; all_newer && i < keys->size(); ++i) {
        const std::string& k = (*keys)[i];
        const Best* b = find_best(k);
        if (!b || b->partition <= part) {
          all_newer = false;
          break;
        }
      }
      if (all_newer) skipped_partition = part;
    }
    if (part == skipped_partition && counts_snapshot_[g] == data.group_rows(g)) {
      ++groups_skipped_;
      continue;
    }
    // Only the key and time columns: a sealed group reads no other block.
    DataChunk src;
    src.count = data.group_rows(g);
    src.columns.resize(data.types().size());
    for (int c : table_keys) src.columns[c] = data.column(g, size_t(c));
    src.columns[time_col] = data.column(g, size_t(time_col));
    const auto& deleted = data.deleted(g);
    const Vector& ts = src.columns[time_col];
    const size_t limit = std::min<size_t>(src.count, counts_snapshot_[g]);
    // The rows the filter keeps (every row without one), read in the emitted layout it is bound to.
    std::vector<uint32_t> passing;
    if (latest_filter_) {
      DataChunk in;
      in.count = src.count;
      in.columns.resize(column_ids_.size());
      for (size_t k = 0; k < column_ids_.size(); ++k) {
        if (latest_filter_reads_[k]) in.columns[k] = data.column(g, size_t(column_ids_[k]));
        else in.columns[k] = Vector(types[k]);
      }
      passing = EvaluateFilter(*latest_filter_, in, ctx);
    }
    const size_t candidates = latest_filter_ ? passing.size() : limit;
    for (size_t i = 0; i < candidates; ++i) {
      const size_t r = latest_filter_ ? passing[i] : i;
      if (r >= limit || deleted[r]) continue;
      key.clear();
      for (int c : table_keys) AppendKeyCell(src.columns[c], r, key);
      // A NULL time loses to any time (the planner only allows NULLS LAST or NOT NULL times).
      const int64_t t = ts.IsNull(r) ? INT64_MIN : ts.i64()[r];
      const int64_t id = key_ids.Find(key);
      if (id < 0) {
        key_ids.Insert(key_store.emplace_back(key));
        best.push_back(Best{part, g, uint32_t(r), t});
      } else if (t > best[size_t(id)].ts) {
        best[size_t(id)] = Best{part, g, uint32_t(r), t};
      }
    }
  }
  // Emit the winners group by group.
  std::vector<std::pair<size_t, uint32_t>> rows;
  for (const Best& b : best) rows.emplace_back(b.group, b.row);
  std::sort(rows.begin(), rows.end());
  latest_out_.clear();
  latest_next_ = 0;
  DataChunk out;
  auto start_chunk = [&]() {
    out = DataChunk();
    for (size_t k = 0; k < column_ids_.size(); ++k) out.columns.emplace_back(types[k]);
  };
  start_chunk();
  DataChunk src;
  size_t src_group = SIZE_MAX;
  for (auto [g, r] : rows) {
    if (g != src_group) {
      src = data.group(g);  // winners are sorted by group: each group is fetched once
      src_group = g;
    }
    for (size_t k = 0; k < column_ids_.size(); ++k) {
      if (!needed_.empty() && !needed_[k]) out.columns[k].Append(Value::Null(types[k]));
      else out.columns[k].AppendFrom(src.columns[column_ids_[k]], r);
    }
    if (++out.count == kChunkRows) {
      latest_out_.push_back(std::move(out));
      start_chunk();
    }
  }
  if (out.count) latest_out_.push_back(std::move(out));
}

bool TableScanOperator::Next(ExecContext& ctx, DataChunk& out) {
  if (!latest_keys_.empty()) {
    if (latest_next_ == 0 && latest_out_.empty() && group_ == 0) {
      group_ = 1;  // computed once per Open
      ComputeLatestPerKey(ctx);
    }
    if (latest_next_ >= latest_out_.size()) return false;
    out = std::move(latest_out_[latest_next_++]);
    return true;
  }
  if (nearest_column_ >= 0 && !nearest_index_.empty()) return NextFromIndex(out);
  if (lookup_column_ >= 0) {
    if (!lookup_resolved_) ResolveLookup();
    if (lookup_active_) {
      if (lookup_next_ >= lookup_rows_.size()) return false;
      const size_t n = std::min(kChunkRows, lookup_rows_.size() - lookup_next_);
      std::vector<uint64_t> batch(lookup_rows_.begin() + lookup_next_, lookup_rows_.begin() + lookup_next_ + n);
      lookup_next_ += n;
      EmitRows(batch, out);
      return true;
    }
  }
  if (nearest_column_ >= 0) {
    if (group_ == 0 && nearest_order_.empty()) {
      // Order the groups by how close their boxes come to the query box (all-NULL or
      // box-less groups last).
      const size_t col = size_t(column_ids_[nearest_column_]);
      for (size_t g = 0; g < group_count(); ++g) {
        const ZoneMap& z = data().Zone(g, col);
        double d = INFINITY;
        if (z.has_box && z.box[0] <= z.box[2])
          d = geo::PackedRTree::BoxToBox(geo::Box{z.box[0], z.box[1], z.box[2], z.box[3]}, nearest_box_);
        nearest_order_.push_back({d, uint32_t(g)});
      }
      std::stable_sort(nearest_order_.begin(), nearest_order_.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    while (group_ < nearest_order_.size()) {
      const auto [dist, g] = nearest_order_[group_++];
      ++groups_total_;
      if (dist > nearest_bound_->load(std::memory_order_relaxed)) {
        // Every later group is at least this far: none can enter the k nearest.
        groups_skipped_ += nearest_order_.size() - group_ + 1;
        groups_total_ += nearest_order_.size() - group_;
        group_ = nearest_order_.size();
        return false;
      }
      if (!compiled_prune_.empty() && !GroupMayMatch(g)) {
        ++groups_skipped_;
        continue;
      }
      if (ReadGroup(g, out)) return true;
    }
    return false;
  }
  const size_t groups = group_count();
  while (group_ < groups) {
    const size_t g = group_++;
    ++groups_total_;
    if (!compiled_prune_.empty() && !GroupMayMatch(g)) {
      ++groups_skipped_;
      continue;
    }
    if (ReadGroup(g, out)) return true;
  }
  return false;
}

}  // namespace yunhe
