#include "storage/primary_key.h"

#include "common/memory_limit.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_set>

#include "common/row_key.h"
#include "common/status.h"

namespace yunhe {

std::string PrimaryKeyConstraintName(const Table& t) {
  if (!t.schema.key_is_unique) return t.schema.RelName() + "_pkey";
  std::string name = t.schema.RelName();
  for (int c : t.schema.primary_key) name += "_" + t.schema.columns[c].name;
  return name + "_key";
}

std::string PrimaryKeyOf(const Table& t, const DataChunk& rows, size_t row) {
  std::string key;
  for (int c : t.schema.primary_key) AppendKeyCell(rows.columns[c], row, key);
  return key;
}

namespace {

// The digest of a row's key, serialized into a caller's scratch string (no allocation per row).
KeyDigest RowKeyDigest(const Table& t, const DataChunk& rows, size_t row, std::string& scratch) {
  scratch.clear();
  for (int c : t.schema.primary_key) AppendKeyCell(rows.columns[c], row, scratch);
  return DigestKey(scratch);
}

}  // namespace

namespace {

// The key's columns of `rows`, in key order (DigestRowKeys).
std::vector<const Vector*> KeyColumns(const Table& t, const DataChunk& rows) {
  std::vector<const Vector*> columns;
  for (int c : t.schema.primary_key) columns.push_back(&rows.columns[size_t(c)]);
  return columns;
}

}  // namespace

bool KeyHasNull(const Table& t, const DataChunk& rows, size_t row) {
  if (t.schema.nulls_not_distinct) return false;  // a NULL is a value of the key like any other
  for (int c : t.schema.primary_key)
    if (rows.columns[c].IsNull(row)) return true;
  return false;
}

namespace {

constexpr int64_t kWholeTable = INT64_MAX;  // the one map of a key without the designated timestamp
constexpr size_t kKeyMapsKept = 16;         // per-partition maps kept at once (least recently used go)

// Where the designated timestamp is among the key's columns (-1: not there).
int TimeKeyIndex(const Table& t) {
  for (size_t k = 0; k < t.schema.primary_key.size(); ++k)
    if (t.schema.time_column >= 0 && t.schema.primary_key[k] == t.schema.time_column) return int(k);
  return -1;
}

// A key that includes the designated timestamp can only meet rows of its own time partition.
bool KeyedByPartition(const Table& t) { return TimeKeyIndex(t) >= 0; }

int64_t KeyPartition(const Table& t, const DataChunk& rows, size_t r) {
  return KeyedByPartition(t) ? t.data.PartitionOf(rows.columns[t.schema.time_column], r) : kWholeTable;
}

// A private copy answers for its shared rows from the live table's maps only while both have
// the layout of its base; after a checkpoint re-laid the live table it keeps maps of its own.
bool SharesKeys(Table& t) {
  if (!t.key_source) return false;
  if (t.key_source->data.layout_epoch() == t.key_base_epoch) return true;
  t.key_source.reset();
  t.key_base.reset();
  t.pk_maps.clear();
  return false;
}

// First row of group g a private copy's own maps cover: the rows after its base's.
size_t OwnRowsFrom(const Table& t, size_t g) {
  if (!t.key_base) return 0;
  return g < t.key_base->group_count() ? t.key_base->group_rows(g) : 0;
}

// Keys a time partition's map holds when built or trimmed: its newest rows, so that the map at
// its largest (twice this, at half load, rounded up to a power of two) stays within about an
// eighth of memory_limit. Appends grow it; past twice this it is trimmed (NotePrimaryKeys).
size_t CoveredKeys() { return std::max<size_t>(size_t(1) << 16, MemoryLimitBytes() / 8 / (8 * 24)); }

// The row groups of time partition p (every group for kWholeTable), ascending.
std::vector<uint32_t> GroupsOf(const Table& t, int64_t p) {
  if (p == kWholeTable) {
    std::vector<uint32_t> all(t.data.group_count());
    for (size_t g = 0; g < all.size(); ++g) all[g] = uint32_t(g);
    return all;
  }
  const auto index = t.data.GroupsByPartition();
  const auto it = index->find(p);
  return it == index->end() ? std::vector<uint32_t>() : it->second;
}

// The partition's groups before `first` (all of them, wherever their rows came from: a partly
// filled group may take rows after newer groups exist) hold no time after this.
int64_t OlderMax(const Table& t, int64_t p, size_t first) {
  int64_t older = INT64_MIN;
  for (const size_t g : GroupsOf(t, p)) {
    if (g >= first) break;
    const ZoneMap z = t.data.Zone(g, size_t(t.schema.time_column));
    if (z.has_values) older = std::max(older, z.max_i);
  }
  return older;
}

// The first of partition p's groups that, with the ones after it, hold up to CoveredKeys rows
// (at least the newest group); 0 when they all fit.
size_t CoverFrom(const Table& t, int64_t p) {
  const std::vector<uint32_t> groups = GroupsOf(t, p);
  size_t first = groups.size(), rows = 0;
  while (first > 0 && (first == groups.size() || rows + t.data.group_rows(groups[first - 1]) <= CoveredKeys()))
    rows += t.data.group_rows(groups[--first]);
  return first > 0 ? groups[first] : 0;
}

// Time partition maps of the live table are bounded (CoveredKeys); whole-table maps and a
// private copy's maps of its own rows cover everything.
bool Bounded(const Table& t, int64_t p) { return p != kWholeTable && !t.key_base; }

// The key map of partition p, rebuilt from that partition's rows (key columns only) when stale.
// For a private copy that shares keys: of the rows it appended only.
Table::KeyMap& KeysOf(Table& t, int64_t p) {
  SharesKeys(t);
  Table::KeyMap& m = t.pk_maps[p];
  m.last_used = ++t.pk_clock;
  if (m.version == t.data.version()) return m;
  m.rows.Clear();
  m.covered_from = 0;
  m.older_max = INT64_MIN;
  m.pending.clear();
  m.at_newest.Clear();
  if (Bounded(t, p)) {
    m.covered_from = CoverFrom(t, p);
    m.older_max = OlderMax(t, p, m.covered_from);
  }
  m.newest = m.older_max;
  const int time_key = TimeKeyIndex(t);
  const std::vector<uint32_t> groups = GroupsOf(t, p);
  const auto first = std::lower_bound(groups.begin(), groups.end(), m.covered_from);
  // Sized once instead of rehashing as it fills; a private copy's own rows only (sizing it for
  // the shared base made every statement of a block clear a map as large as the table).
  size_t expected = 0;
  for (auto it = first; it != groups.end(); ++it)
    expected += t.data.group_rows(*it) - std::min(t.data.group_rows(*it), OwnRowsFrom(t, *it));
  m.rows.Reserve(expected);
  const auto& pk = t.schema.primary_key;
  std::vector<Vector> keys(pk.size());
  std::vector<const Vector*> key_columns;
  for (const Vector& v : keys) key_columns.push_back(&v);
  std::vector<KeyDigest> digests;
  for (auto it = first; it != groups.end(); ++it) {
    const size_t g = *it;
    const size_t from = OwnRowsFrom(t, g);
    if (from >= t.data.group_rows(g)) continue;
    for (size_t k = 0; k < pk.size(); ++k) keys[k] = t.data.column(g, size_t(pk[k]));
    const auto& deleted = t.data.deleted(g);
    digests.resize(t.data.group_rows(g) - from);
    DigestRowKeys(key_columns, from, t.data.group_rows(g), digests.data());
    for (size_t r = from; r < t.data.group_rows(g); ++r) {
      if (deleted[r]) continue;
      bool null = false;
      for (const Vector& v : keys) null = null || v.IsNull(r);
      if (!null || t.schema.nulls_not_distinct) m.rows.Set(digests[r - from], g * kChunkRows + r);
      if (time_key >= 0 && !keys[size_t(time_key)].IsNull(r)) m.newest = std::max(m.newest, keys[size_t(time_key)].i64()[r]);
    }
  }
  m.version = t.data.version();
  // Least recently used maps go past kKeyMapsKept, or past an eighth of memory_limit in all (an
  // hour of 1 Hz fixes from 1,000 units is a 230 MB map; time-ordered writes need the newest).
  // The two most recently used always stay: a batch that straddles a partition boundary must not
  // rebuild one map for each of its chunks.
  for (;;) {
    size_t bytes = 0;
    auto oldest = t.pk_maps.end();
    for (auto it = t.pk_maps.begin(); it != t.pk_maps.end(); ++it) {
      bytes += it->second.rows.bytes();
      if (it->first != p && (oldest == t.pk_maps.end() || it->second.last_used < oldest->second.last_used)) oldest = it;
    }
    if (oldest == t.pk_maps.end() || t.pk_maps.size() <= 2 ||
        (t.pk_maps.size() <= kKeyMapsKept && bytes <= MemoryLimitBytes() / 8))
      break;
    t.pk_maps.erase(oldest);
  }
  return m;
}

}  // namespace

namespace {

// Notes the keys of row g's rows from `from` on in partition p's map, keeping it within twice
// its share (past it, only the newest rows' keys stay: no key is read again).
void NoteRange(Table& t, int64_t p, Table::KeyMap& m, size_t g, size_t from) {
  // The key columns only: the group may have been sealed into a part since it was appended.
  DataChunk chunk;
  chunk.count = t.data.group_rows(g);
  chunk.columns.resize(t.schema.columns.size());
  for (int c : t.schema.primary_key) chunk.columns[size_t(c)] = t.data.column(g, size_t(c));
  const auto& deleted = t.data.deleted(g);
  std::vector<KeyDigest> digests(chunk.count - std::min(from, chunk.count));
  DigestRowKeys(KeyColumns(t, chunk), from, chunk.count, digests.data());
  for (size_t r = from; r < chunk.count; ++r) {
    if (deleted[r] || KeyHasNull(t, chunk, r)) continue;
    m.rows.Set(digests[r - from], g * kChunkRows + r);
    if (Bounded(t, p) && m.rows.size() > 2 * CoveredKeys()) {
      m.covered_from = std::max(m.covered_from, CoverFrom(t, p));
      m.older_max = OlderMax(t, p, m.covered_from);
      m.rows.EraseRowsBelow(uint64_t(m.covered_from) * kChunkRows);
    }
  }
}

// Notes the rows a lazily kept map has pending (Table::KeyMap::pending). Far behind (more than
// its share), it first lets go of the groups older than its share, whose keys it would drop
// anyway: lookups there go by zone maps (FindUncovered).
void CatchUp(Table& t, int64_t p, Table::KeyMap& m) {
  if (m.pending.empty()) return;
  std::vector<std::pair<uint32_t, uint32_t>> pending;
  pending.swap(m.pending);
  m.at_newest.ClearKeepingCapacity();  // its rows are all noted below or were before
  size_t behind = 0;
  for (auto [g, from] : pending) behind += t.data.group_rows(g) - std::min<size_t>(from, t.data.group_rows(g));
  if (Bounded(t, p) && m.rows.size() + behind > 2 * CoveredKeys()) {
    m.covered_from = std::max(m.covered_from, CoverFrom(t, p));
    m.older_max = OlderMax(t, p, m.covered_from);
    m.rows.EraseRowsBelow(uint64_t(m.covered_from) * kChunkRows);
  }
  for (auto [g, from] : pending)
    if (g >= m.covered_from) NoteRange(t, p, m, g, from);
}

// A key looked for among the groups of partition p before `covered_from`, the ones its map does
// not cover (FindUncovered): row `row` of the rows being written, its key's digest.
struct UncoveredProbe {
  size_t row;
  KeyDigest digest;
};

// Only a key whose time is at or before the map's older_max (late data) can be in the groups
// the map does not cover.
bool MayBeUncovered(const Table& t, const Table::KeyMap& m, const DataChunk& rows, size_t r) {
  if (m.covered_from == 0) return false;
  const Vector& times = rows.columns[size_t(t.schema.time_column)];
  return !times.IsNull(r) && times.i64()[r] <= m.older_max;
}

// The rows of partition p holding the probes' keys among its groups before `covered_from`, -1
// for a key none holds. Every probe at once: a group is read (maybe from a part) only when its
// time zone holds one of the probes' times, and once for all of them; inside it only rows at
// one of those times are hashed. (One group walk per key made a resent batch of 50,000 late
// fixes take 2.3 s instead of 40 ms.)
std::vector<int64_t> FindUncovered(const Table& t, int64_t p, size_t covered_from, const DataChunk& rows,
                                   const std::vector<UncoveredProbe>& probes) {
  std::vector<int64_t> found(probes.size(), -1);
  if (probes.empty()) return found;
  const size_t tc = size_t(t.schema.time_column);
  std::vector<int64_t> times;
  times.reserve(probes.size());
  for (const UncoveredProbe& probe : probes) times.push_back(rows.columns[tc].i64()[probe.row]);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  KeyMap128 wanted;  // digest -> index in probes
  wanted.Reserve(probes.size());
  for (size_t i = 0; i < probes.size(); ++i) wanted.Set(probes[i].digest, i);
  std::string key;
  std::vector<Vector> keys(t.schema.primary_key.size());
  for (const size_t g : GroupsOf(t, p)) {
    if (g >= covered_from || g >= t.data.group_count()) break;
    const ZoneMap z = t.data.Zone(g, tc);
    if (!z.has_values) continue;
    const auto first_time = std::lower_bound(times.begin(), times.end(), z.min_i);
    if (first_time == times.end() || *first_time > z.max_i) continue;
    const Vector group_times = t.data.column(g, tc);
    for (size_t k = 0; k < keys.size(); ++k) keys[k] = t.data.column(g, size_t(t.schema.primary_key[k]));
    const auto& deleted = t.data.deleted(g);
    const int64_t* ts = group_times.i64();
    for (size_t i = 0; i < t.data.group_rows(g); ++i) {
      if (deleted[i] || group_times.IsNull(i) || ts[i] < times.front() || ts[i] > times.back() ||
          !std::binary_search(times.begin(), times.end(), ts[i]))
        continue;
      key.clear();
      for (const Vector& v : keys) AppendKeyCell(v, i, key);
      if (uint64_t k; wanted.Find(DigestKey(key), &k)) found[k] = std::max(found[k], int64_t(g * kChunkRows + i));
    }
  }
  return found;
}

// What the key maps say of a key: its row (id >= 0), or none (-1) — unless `search_in` is set:
// then the key may still be in that table's (t's or its key source's) groups of partition p
// before `covered_from`, which the maps do not cover (FindUncovered, then Finish).
struct MapAnswer {
  int64_t id = -1;
  bool sure = true;
  Table* search_in = nullptr;
  int64_t p = 0;
  size_t covered_from = 0;
};

// A row id of the key source's, as a private copy sees it (FindKey's `sure`).
int64_t SharedRow(Table& t, uint64_t id, bool* sure) {
  if (!t.key_base->ValidRowId(id)) {
    *sure = false;
    return -1;
  }
  return t.data.IsDeleted(id) ? -1 : int64_t(id);
}

// FindKey's look at the maps.
MapAnswer LookInMaps(Table& t, const DataChunk& rows, size_t r, const KeyDigest& digest) {
  MapAnswer a;
  a.p = KeyPartition(t, rows, r);
  Table::KeyMap& m = KeysOf(t, a.p);
  if (Bounded(t, a.p)) {
    const Vector& times = rows.columns[size_t(t.schema.time_column)];
    const bool timed = !times.IsNull(r);
    if (timed && times.i64()[r] > m.newest) return a;  // later than every row of the partition
    if (timed && times.i64()[r] == m.newest) {
      // Rows at the newest time not noted yet are all in at_newest; noted ones are in rows.
      if (uint64_t row; m.at_newest.Find(digest, &row)) {
        a.id = int64_t(row);
        return a;
      }
    } else {
      CatchUp(t, a.p, m);
    }
  }
  if (uint64_t row; m.rows.Find(digest, &row)) {
    a.id = int64_t(row);
    return a;
  }
  if (!SharesKeys(t)) {
    if (MayBeUncovered(t, m, rows, r)) a.search_in = &t, a.covered_from = m.covered_from;
    return a;
  }
  // A row of the private copy's base it has not deleted, found through the live table's map.
  // A live row newer than the base is not in the copy: the commit checks against those.
  Table::KeyMap& live = KeysOf(*t.key_source, a.p);
  if (Bounded(*t.key_source, a.p)) CatchUp(*t.key_source, a.p, live);
  if (uint64_t id; live.rows.Find(digest, &id)) {
    a.id = SharedRow(t, id, &a.sure);
    return a;
  }
  if (MayBeUncovered(*t.key_source, live, rows, r)) {
    a.search_in = t.key_source.get(), a.covered_from = live.covered_from;
    return a;
  }
  a.sure = t.key_source->data.version() == t.key_base->version();
  return a;
}

// The answer once the groups the maps do not cover were searched: `found` there (or -1).
int64_t Finish(Table& t, const MapAnswer& a, int64_t found, bool* sure) {
  *sure = a.sure;
  if (!a.search_in) return a.id;
  if (a.search_in == &t) return found;
  if (found >= 0) return SharedRow(t, uint64_t(found), sure);
  *sure = t.key_source->data.version() == t.key_base->version();
  return -1;
}

// FindPrimaryKey; *sure = false when a private copy cannot tell through the live table's map
// (the key's live row is newer than the copy's base, or the live table lost rows since it):
// its base may hold the key in a row the map no longer names.
int64_t FindKey(Table& t, const DataChunk& rows, size_t r, const KeyDigest& digest, bool* sure) {
  const MapAnswer a = LookInMaps(t, rows, r, digest);
  int64_t found = -1;
  if (a.search_in) found = FindUncovered(*a.search_in, a.p, a.covered_from, rows, {UncoveredProbe{r, digest}})[0];
  return Finish(t, a, found, sure);
}

}  // namespace

int64_t FindPrimaryKey(Table& t, const DataChunk& rows, size_t r, const std::string& key) {
  bool sure;
  return FindKey(t, rows, r, DigestKey(key), &sure);
}

void CheckPrimaryKeys(Table& t, const DataChunk& rows) {
  if (t.schema.primary_key.empty()) return;
  std::unordered_set<std::string> batch;
  for (size_t r = 0; r < rows.count; ++r) {
    if (KeyHasNull(t, rows, r)) continue;  // NULLs are never equal (UNIQUE keys)
    std::string key = PrimaryKeyOf(t, rows, r);
    if (!batch.insert(key).second || FindPrimaryKey(t, rows, r, key) >= 0) {
      std::string cols, vals;
      for (size_t k = 0; k < t.schema.primary_key.size(); ++k) {
        int c = t.schema.primary_key[k];
        cols += (k ? ", " : "") + t.schema.columns[c].name;
        vals += (k ? ", " : "") + (rows.columns[c].IsNull(r) ? std::string("null") : rows.columns[c].GetValue(r).ToString());
      }
      throw Error(Status::Error(SqlState::kUniqueViolation,
                                fmt::format("duplicate key value violates unique constraint \"{}\"", PrimaryKeyConstraintName(t)))
                      .WithDetail(fmt::format("Key ({})=({}) already exists.", cols, vals))
                      .WithObject(t.schema.RelName(), "", PrimaryKeyConstraintName(t), t.schema.nspname));
    }
  }
}

uint64_t KeyMapBytes(const Table& t) {
  uint64_t bytes = 0;
  for (const auto& [p, m] : t.pk_maps) bytes += m.rows.bytes() + m.at_newest.bytes();
  return bytes;
}

void InstallKeepingKeys(Table& t, const std::function<uint64_t(uint64_t)>& new_id, const std::function<void()>& install) {
  const uint64_t before = t.data.version();
  std::vector<Table::KeyMap*> valid;
  for (auto& [p, m] : t.pk_maps)
    if (m.version == before) {
      CatchUp(t, p, m);  // pending ranges name groups of the old layout
      valid.push_back(&m);
    }
  for (Table::KeyMap* m : valid)
    if (m->covered_from > 0 || !m->rows.RemapRows(new_id))
      m->version = UINT64_MAX;  // groups renumbered under its boundary, or a live key's row dropped: rebuild it
  install();
  for (Table::KeyMap* m : valid)
    if (m->version == before) m->version = t.data.version();
}

void NotePrimaryKeys(Table& t, const TableData::AppendMark& mark) {
  if (t.schema.primary_key.empty() || t.pk_maps.empty()) return;
  // Maps that are valid stay valid: appends do not change the version, so add the new keys.
  // The live table's partition maps note them lazily (a group's rows are all of its partition):
  // the range goes to `pending` and its times raise `newest`.
  const bool lazy = KeyedByPartition(t) && !t.key_base;
  std::string scratch;
  auto note_range = [&](size_t g, size_t from) {
    if (lazy) {
      auto it = t.pk_maps.find(t.data.group_partition(g));
      if (it == t.pk_maps.end() || it->second.version != t.data.version()) return;
      Table::KeyMap& m = it->second;
      // A range already pending for the group covers these rows too (it is noted to the
      // group's end): one entry per group, however many small appends fill it.
      if (m.pending.empty() || m.pending.back().first != g) m.pending.emplace_back(uint32_t(g), uint32_t(from));
      const DataChunk chunk = t.data.group(g);
      const Vector& times = chunk.columns[size_t(t.schema.time_column)];
      // Only rows at the newest time end in at_newest (rows before it are in pending, noted when
      // a late key is looked up): find that time first, then hash those rows' keys alone.
      const int64_t* ts = times.i64();
      int64_t newest = m.newest;
      for (size_t r = from; r < chunk.count; ++r)
        if (!times.IsNull(r)) newest = std::max(newest, ts[r]);
      if (newest > m.newest) {
        m.newest = newest;
        m.at_newest.ClearKeepingCapacity();
      }
      for (size_t r = from; r < chunk.count; ++r)
        if (ts[r] == newest && !times.IsNull(r) && !KeyHasNull(t, chunk, r))
          m.at_newest.Set(RowKeyDigest(t, chunk, r, scratch), g * kChunkRows + r);
      return;
    }
    const DataChunk chunk = t.data.group(g);
    for (size_t r = from; r < chunk.count; ++r) {
      if (KeyHasNull(t, chunk, r)) continue;
      const int64_t p = KeyPartition(t, chunk, r);
      auto it = t.pk_maps.find(p);
      if (it == t.pk_maps.end() || it->second.version != t.data.version()) continue;
      it->second.rows.Set(RowKeyDigest(t, chunk, r, scratch), g * kChunkRows + r);
    }
  };
  for (auto [g, before] : mark.touched) note_range(g, before);
  for (size_t g = mark.groups_before; g < t.data.group_count(); ++g) note_range(g, 0);
}

namespace {

// Fills the NULL cells of row `to` of `into` from row `from` of `source`.
void FillNulls(DataChunk* into, size_t to, const std::vector<Vector>& source, size_t from) {
  for (size_t c = 0; c < into->columns.size(); ++c) {
    Vector& v = into->columns[c];
    if (v.IsNull(to) && !source[c].IsNull(from)) v.SetValue(to, source[c].GetValue(from));
  }
}

}  // namespace

bool ResolveUpserts(Table& t, const DataChunk& rows, std::vector<uint64_t>* replaced, std::vector<uint32_t>* keep,
                    DataChunk* merge) {
  replaced->clear();
  keep->clear();
  // Key digest -> last row of the batch holding it. Digests stand for keys, as in the key maps
  // (128-bit keyed hashes: storage/key_map.h); each row's is computed once.
  std::vector<KeyDigest> digests(rows.count);
  std::vector<uint8_t> has_key(rows.count, 0);
  // Flat, and kept by the thread from batch to batch: no allocation per row, and no fresh
  // array (page faults) per batch. Let go of past 8 MB.
  thread_local KeyMap128 last;
  last.ClearKeepingCapacity();
  last.Reserve(rows.count);
  struct LetGo {
    ~LetGo() {
      if (last.bytes() > (size_t(8) << 20)) last.Clear();
    }
  } let_go;
  DigestRowKeys(KeyColumns(t, rows), 0, rows.count, digests.data());
  bool repeats = false;
  for (size_t r = 0; r < rows.count; ++r) {
    if (KeyHasNull(t, rows, r)) continue;
    has_key[r] = 1;
    if (uint64_t earlier; last.Find(digests[r], &earlier)) {
      if (merge) FillNulls(merge, r, merge->columns, size_t(earlier));  // the earlier copy, already merged
      repeats = true;
    }
    last.Set(digests[r], r);
  }
  std::vector<std::pair<uint64_t, uint32_t>> matches;  // stored row id -> the batch row replacing it
  auto note = [&](int64_t id, size_t row) {
    if (id < 0) return;
    replaced->push_back(uint64_t(id));
    if (merge) matches.emplace_back(uint64_t(id), uint32_t(row));
  };
  // Keys the maps do not cover are searched for together, per table and partition (late data:
  // a resent batch, out-of-order rows older than what the partition's map holds).
  struct Deferred {
    MapAnswer answer;
    std::vector<UncoveredProbe> probes;
  };
  std::map<std::pair<Table*, int64_t>, Deferred> deferred;
  for (size_t row = 0; row < rows.count; ++row) {
    uint64_t final_row;
    if (!has_key[row] || !last.Find(digests[row], &final_row) || final_row != row) continue;  // each key once: at its last row
    const MapAnswer a = LookInMaps(t, rows, row, digests[row]);
    if (!a.search_in) {
      note(a.id, row);
      continue;
    }
    Deferred& d = deferred[{a.search_in, a.p}];
    if (d.probes.empty() || a.covered_from > d.answer.covered_from) d.answer = a;  // searching more groups is harmless: a live key is in one row
    d.probes.push_back(UncoveredProbe{row, digests[row]});
  }
  for (const auto& [where, d] : deferred) {
    const std::vector<int64_t> found = FindUncovered(*where.first, where.second, d.answer.covered_from, rows, d.probes);
    for (size_t i = 0; i < d.probes.size(); ++i) {
      bool sure;
      note(Finish(t, d.answer, found[i], &sure), d.probes[i].row);
    }
  }
  // In row-id order, so each stored group's columns are read (from a part, maybe) once.
  std::sort(matches.begin(), matches.end());
  size_t group = SIZE_MAX;  // the stored group whose columns `stored` holds
  std::vector<Vector> stored;
  for (auto [id, row] : matches) {
    const size_t g = size_t(id) / kChunkRows;
    if (g != group) {
      stored.clear();
      for (size_t c = 0; c < t.schema.columns.size(); ++c) stored.push_back(t.data.column(g, c));
      group = g;
    }
    FillNulls(merge, row, stored, size_t(id) % kChunkRows);
  }
  std::sort(replaced->begin(), replaced->end());
  if (repeats) {
    for (size_t r = 0; r < rows.count; ++r) {
      uint64_t final_row;
      if (!has_key[r] || (last.Find(digests[r], &final_row) && final_row == r)) keep->push_back(uint32_t(r));
    }
  }
  return repeats || !replaced->empty();
}

void ForgetDeletedKeys(Table& t, const std::vector<uint64_t>& row_ids, uint64_t version_before) {
  if (t.schema.primary_key.empty() || row_ids.empty()) return;
  std::vector<Table::KeyMap*> valid;
  for (auto& [p, m] : t.pk_maps)
    if (m.version == version_before) valid.push_back(&m);
  if (valid.empty()) return;
  const auto& pk = t.schema.primary_key;
  const bool by_partition = KeyedByPartition(t);
  DataChunk keys;  // the key columns of the group being read, in key order
  size_t keys_group = SIZE_MAX;
  std::string key;
  for (uint64_t id : row_ids) {
    const size_t g = id / kChunkRows, r = id % kChunkRows;
    if (g != keys_group) {
      keys.columns.clear();
      for (int c : pk) keys.columns.push_back(t.data.column(g, size_t(c)));
      keys.count = t.data.group_rows(g);
      keys_group = g;
    }
    bool null = false;
    key.clear();
    for (const Vector& v : keys.columns) {
      null = null || v.IsNull(r);
      AppendKeyCell(v, r, key);
    }
    if (null && !t.schema.nulls_not_distinct) continue;  // never in a map
    const int64_t p = by_partition ? t.data.group_partition(g) : kWholeTable;
    auto it = t.pk_maps.find(p);
    if (it == t.pk_maps.end() || it->second.version != version_before) continue;
    const KeyDigest digest = DigestKey(key);
    it->second.rows.EraseIf(digest, id);
    it->second.at_newest.EraseIf(digest, id);
  }
  for (Table::KeyMap* m : valid) m->version = t.data.version();
}

namespace {

// A one-row chunk of the table's columns holding `key` in its key columns (NULL elsewhere).
DataChunk KeyRow(const Table& t, const std::vector<Value>& key) {
  DataChunk row;
  row.Init(t.schema.Types());
  for (size_t k = 0; k < key.size(); ++k) row.columns[size_t(t.schema.primary_key[k])].Append(key[k]);
  for (auto& v : row.columns)
    if (v.size() == 0) v.Append(Value::Null(v.type()));
  row.count = 1;
  return row;
}

}  // namespace

int64_t LookupPrimaryKey(Table& t, const std::vector<Value>& key) {
  const auto& pk = t.schema.primary_key;
  if (pk.empty() || key.size() != pk.size()) return -1;
  for (const Value& v : key)
    if (v.is_null && !t.schema.nulls_not_distinct) return -1;  // NULL equals nothing
  const DataChunk row = KeyRow(t, key);
  bool sure;
  const int64_t id = FindKey(t, row, 0, PrimaryKeyDigest(t, row, 0), &sure);
  return sure ? id : -2;
}

KeyDigest PrimaryKeyDigest(const Table& t, const std::vector<Value>& key) { return PrimaryKeyDigest(t, KeyRow(t, key), 0); }

KeyDigest PrimaryKeyDigest(const Table& t, const DataChunk& rows, size_t row) {
  std::string scratch;
  return RowKeyDigest(t, rows, row, scratch);
}

}  // namespace yunhe
