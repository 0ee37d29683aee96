#include "storage/part_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "common/crc32c.h"
#include "common/status.h"
#include "storage/buffer_pool.h"
#include "storage/byte_io.h"
#include "storage/codecs.h"
#include "storage/file_util.h"
#include "storage/wal_record.h"

namespace yunhe {
namespace {

std::atomic<uint64_t> g_next_part_id{1};

constexpr size_t kTailBytes = 8 + 4 + 4;  // u64 footer offset, u32 footer crc, magic

[[noreturn]] void Corrupt(const std::string& path, uint64_t offset, const std::string& what) {
  throw Error(SqlState::kDataCorrupted, fmt::format("could not read part file \"{}\": {} at offset {}", path, what, offset));
}

// pread of exactly `len` bytes at `offset`; false when the file is shorter.
bool ReadAt(int fd, const std::string& path, uint64_t offset, size_t len, std::string* out) {
  out->resize(len);
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pread(fd, out->data() + done, len - done, off_t(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(SqlState::kIoError, fmt::format("could not read file \"{}\": {}", path, std::strerror(errno)));
    }
    if (n == 0) return false;
    done += size_t(n);
  }
  return true;
}

// An open descriptor for the length of one read: parts keep none between reads, so a database
// of thousands of parts needs no more descriptors than it has reads in flight.
class ReadHandle {
 public:
  explicit ReadHandle(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ >= 0) return;
    if (errno == ENOENT) Corrupt(path, 0, "file is missing");
    throw Error(SqlState::kIoError, fmt::format("could not open file \"{}\": {}", path, std::strerror(errno)));
  }
  ~ReadHandle() { ::close(fd_); }
  ReadHandle(const ReadHandle&) = delete;
  ReadHandle& operator=(const ReadHandle&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

bool SortedIndexable(const LogicalType& type) {
  const PhysicalType p = type.physical();
  if (p == PhysicalType::kStr) return type.id == TypeId::kText;
  return p == PhysicalType::kI64;
}

namespace {

// The sorted index of one column over `groups`: keys ascending, slots ascending within a key.
void SortColumn(const std::vector<DataChunk>& groups, size_t column, const LogicalType& type, Vector* keys, Vector* slots) {
  std::vector<std::pair<uint32_t, uint32_t>> at;  // (group, row) of each non-NULL value
  for (uint32_t g = 0; g < groups.size(); ++g)
    for (uint32_t r = 0; r < groups[g].count; ++r)
      if (!groups[g].columns[column].IsNull(r)) at.emplace_back(g, r);
  auto less = [&](const std::pair<uint32_t, uint32_t>& a, const std::pair<uint32_t, uint32_t>& b) {
    const Vector &x = groups[a.first].columns[column], &y = groups[b.first].columns[column];
    return type.physical() == PhysicalType::kI64 ? x.i64()[a.second] < y.i64()[b.second] : x.str()[a.second] < y.str()[b.second];
  };
  std::stable_sort(at.begin(), at.end(), less);
  *keys = Vector(type);
  *slots = Vector(TypeId::kInt64);
  keys->Reserve(at.size());
  slots->Reserve(at.size());
  for (auto [g, r] : at) {
    keys->AppendFrom(groups[g].columns[column], r);
    slots->Append(Value::Int(int64_t(g) * int64_t(kChunkRows) + r));
  }
}

}  // namespace

PartFile::~PartFile() {
  BufferPool::Instance().Forget(id_);
  if (obsolete_) ::unlink(path_.c_str());  // no holder left: no snapshot can read it any more
}

std::shared_ptr<PartFile> PartFile::Write(const std::string& dir, const std::string& name,
                                          const std::vector<LogicalType>& types, int64_t partition,
                                         const std::vector<DataChunk>& groups, const std::vector<size_t>& indexed_columns) {
  std::shared_ptr<PartFile> part(new PartFile());
  part->path_ = dir + "/" + name;
  part->name_ = name;
  part->id_ = g_next_part_id++;
  part->types_ = types;
  std::string out(kPartMagic, 8);
  std::vector<ZoneMap> zones;  // group k's column c at k * columns + c, for the footer
  zones.reserve(groups.size() * types.size());
  for (const DataChunk& chunk : groups) {
    YH_ASSERT(chunk.columns.size() == types.size());
    YH_ASSERT(chunk.count > 0 && chunk.count <= kChunkRows);
    Group g;
    g.rows = uint32_t(chunk.count);
    g.partition = partition;
    for (const Vector& col : chunk.columns) {
      YH_ASSERT(col.size() >= chunk.count);
      zones.push_back(ComputeZoneMap(col, chunk.count));
    }
    part->groups_.push_back(g);
  }
  part->zone_columns_ = std::make_unique<std::atomic<const ZoneColumnData*>[]>(types.size());
  part->column_has_nulls_.assign(types.size(), 0);
  for (size_t c = 0; c < types.size(); ++c) {  // computed for the footer anyway: kept
    std::vector<ZoneMap> column(groups.size());
    for (size_t k = 0; k < groups.size(); ++k) {
      column[k] = zones[k * types.size() + c];
      part->column_has_nulls_[c] |= column[k].null_count > 0;
    }
    part->SetZoneColumn(c, std::move(column));
  }
  part->distinct_texts_.resize(types.size());
  for (size_t c = 0; c < types.size(); ++c) {
    if (types[c].id != TypeId::kText) continue;
    std::unordered_set<std::string> seen;
    for (const DataChunk& chunk : groups) {
      const Vector& v = chunk.columns[c];
      for (size_t r = 0; r < chunk.count && seen.size() <= kStoredDistinctMax; ++r)
        if (!v.IsNull(r)) seen.insert(v.str()[r]);
    }
    if (seen.size() > kStoredDistinctMax) continue;
    std::vector<std::string_view> sorted(seen.begin(), seen.end());
    std::sort(sorted.begin(), sorted.end());
    auto& list = part->distinct_texts_[c];
    list.stored = true;
    for (std::string_view t : sorted) list.Add(t);
  }
  part->sketches_.resize(types.size());
  for (const DataChunk& chunk : groups)
    for (size_t c = 0; c < types.size(); ++c) part->sketches_[c].Add(chunk.columns[c], chunk.count);
  for (size_t first = 0; first < groups.size(); first += kStripeGroups) {
    const size_t last = std::min(groups.size(), first + kStripeGroups);
    for (size_t c = 0; c < types.size(); ++c) {
      Vector stripe(types[c]);
      for (size_t g = first; g < last; ++g) stripe.AppendRange(groups[g].columns[c], 0, groups[g].count);
      Block b;
      b.offset = out.size();
      EncodeColumnBlock(stripe, &out);
      b.length = uint32_t(out.size() - b.offset);
      b.crc = Crc32c(out.data() + b.offset, b.length);
      part->blocks_.push_back(b);
    }
  }
  for (size_t c : indexed_columns) {
    if (c >= types.size() || !SortedIndexable(types[c])) continue;
    StoredIndex idx;
    idx.column = uint32_t(c);
    Vector keys, slots;
    SortColumn(groups, c, types[c], &keys, &slots);
    for (size_t first = 0; first < keys.size(); first += kIndexBlockRows) {
      IndexBlock ib;
      ib.rows = uint32_t(std::min(kIndexBlockRows, keys.size() - first));
      ib.first_key = keys.GetValue(first);
      Vector part_keys(keys.type()), part_slots(slots.type());
      part_keys.AppendRange(keys, first, ib.rows);
      part_slots.AppendRange(slots, first, ib.rows);
      for (auto [v, b] : {std::pair<const Vector*, Block*>{&part_keys, &ib.keys}, {&part_slots, &ib.slots}}) {
        b->offset = out.size();
        EncodeColumnBlock(*v, &out);
        b->length = uint32_t(out.size() - b->offset);
        b->crc = Crc32c(out.data() + b->offset, b->length);
      }
      idx.blocks.push_back(std::move(ib));
    }
    part->indexes_.push_back(std::move(idx));
  }
  // The footer (zone maps are most of it, and alike from group to group) is stored zstd-compressed.
  std::string footer;
  ByteWriter f(&footer);
  f.U32(uint32_t(types.size()));
  for (const auto& t : types) EncodeType(t, &footer);
  f.U32(uint32_t(part->groups_.size()));
  for (size_t k = 0; k < part->groups_.size(); ++k) {
    f.U32(part->groups_[k].rows);
    f.I64(part->groups_[k].partition);
    for (size_t c = 0; c < types.size(); ++c) EncodeZoneMap(zones[k * types.size() + c], &footer);
  }
  f.U32(uint32_t(kStripeGroups));
  for (const Block& b : part->blocks_) {
    f.U64(b.offset);
    f.U32(b.length);
    f.U32(b.crc);
  }
  for (const DistinctSketch& sketch : part->sketches_) sketch.Encode(&footer);
  for (const TextList& list : part->distinct_texts_) {
    f.U32(list.stored ? uint32_t(list.size()) : UINT32_MAX);
    for (size_t k = 0; k < list.size(); ++k) f.Str(list[k]);
  }
  f.U32(uint32_t(part->indexes_.size()));
  for (const StoredIndex& idx : part->indexes_) {
    f.U32(idx.column);
    f.U32(uint32_t(idx.blocks.size()));
    for (const IndexBlock& ib : idx.blocks) {
      f.U32(ib.rows);
      if (types[idx.column].physical() == PhysicalType::kI64) f.I64(ib.first_key.i);
      else f.Str(ib.first_key.s);
      for (const Block* b : {&ib.keys, &ib.slots}) {
        f.U64(b->offset);
        f.U32(b->length);
        f.U32(b->crc);
      }
    }
  }
  const uint64_t footer_offset = out.size();
  ByteWriter w(&out);
  w.U32(uint32_t(footer.size()));
  std::string packed(ZSTD_compressBound(footer.size()), '\0');
  const size_t packed_size = ZSTD_compress(packed.data(), packed.size(), footer.data(), footer.size(), 3);
  YH_ASSERT(!ZSTD_isError(packed_size));
  out.append(packed.data(), packed_size);
  part->footer_packed_.assign(out, footer_offset, out.size() - footer_offset);
  const uint32_t footer_crc = Crc32c(out.data() + footer_offset, out.size() - footer_offset);
  w.U64(footer_offset);
  w.U32(footer_crc);
  w.Raw(kPartTailMagic, 4);
  WriteFileDurable(part->path_, out);
  part->file_bytes_ = out.size();
  // The rows were in memory a moment ago: keep them there (the hot tail stays hot).
  BufferPool& pool = BufferPool::Instance();
  for (size_t g = 0; g < groups.size(); ++g)
    for (size_t c = 0; c < types.size(); ++c) {
      Vector v = groups[g].columns[c];
      if (v.size() != groups[g].count) {
        v = Vector(v.type());
        v.AppendRange(groups[g].columns[c], 0, groups[g].count);
      }
      // As a read of the block would give it: texts of few values with their dictionary.
      if (v.type().physical() == PhysicalType::kStr && !v.dictionary())
        v.SetDictionary(BuildTextDictionary(v, v.size(), v.size() / 4));
      pool.Insert(part->id_, g * types.size() + c, v);
    }
  return part;
}

namespace {

// The thread's buffer for decoded footers (Open, and ZoneColumn decoding one again), reused from
// part to part: a footer is hundreds of KB decoded. Let go of past 64 MB.
std::string& FooterScratch() {
  thread_local std::string footer;
  if (footer.capacity() > (64u << 20)) std::string().swap(footer);
  return footer;
}

}  // namespace

std::shared_ptr<PartFile> PartFile::Open(const std::string& dir, const std::string& name, int keep_zones) {
  std::shared_ptr<PartFile> part(new PartFile());
  part->path_ = dir + "/" + name;
  part->name_ = name;
  part->id_ = g_next_part_id++;
  const std::string& path = part->path_;
  ReadHandle file(path);
  const int fd = file.fd();
  struct stat st;
  if (::fstat(fd, &st) != 0) throw Error(SqlState::kIoError, fmt::format("could not stat file \"{}\"", path));
  const uint64_t size = uint64_t(st.st_size);
  part->file_bytes_ = size;
  std::string head, tail, packed;
  std::string& footer = FooterScratch();
  if (size < 8 + kTailBytes || !ReadAt(fd, path, 0, 8, &head) || std::memcmp(head.data(), kPartMagic, 8) != 0)
    Corrupt(path, 0, "bad magic number or truncated file");
  if (!ReadAt(fd, path, size - kTailBytes, kTailBytes, &tail) || std::memcmp(tail.data() + 12, kPartTailMagic, 4) != 0)
    Corrupt(path, size - kTailBytes, "bad tail (truncated file?)");
  uint64_t footer_offset;
  uint32_t footer_crc;
  std::memcpy(&footer_offset, tail.data(), 8);
  std::memcpy(&footer_crc, tail.data() + 8, 4);
  if (footer_offset < 8 || footer_offset > size - kTailBytes) Corrupt(path, size - kTailBytes, "footer offset out of range");
  if (!ReadAt(fd, path, footer_offset, size - kTailBytes - footer_offset, &packed))
    Corrupt(path, footer_offset, "truncated footer");
  if (Crc32c(packed.data(), packed.size()) != footer_crc) Corrupt(path, footer_offset, "footer checksum mismatch");
  part->DecodeFooter(packed, footer_offset, &footer);
  part->footer_packed_ = std::move(packed);
  ByteReader in(footer.data(), footer.size());
  const uint32_t columns = in.U32();
  if (!in.ok() || columns > 100000) Corrupt(path, footer_offset, "bad column count");
  for (uint32_t c = 0; c < columns; ++c) {
    LogicalType t;
    if (!DecodeType(in, &t)) Corrupt(path, footer_offset, "bad column type");
    part->types_.push_back(t);
  }
  const uint32_t group_count = in.U32();
  if (!in.ok() || uint64_t(group_count) * columns > footer.size()) Corrupt(path, footer_offset, "bad group count");
  part->groups_.resize(group_count);
  part->zone_columns_ = std::make_unique<std::atomic<const ZoneColumnData*>[]>(columns);
  // Zone maps are checked now and kept only when a query asks for their column (ZoneColumn), but
  // for keep_zones's.
  const int64_t keep = keep_zones >= 0 && uint32_t(keep_zones) < columns ? keep_zones : -1;
  auto kept = std::make_unique<ZoneColumnData>();
  const bool keep_packed = keep >= 0 && PacksZones(part->types_[size_t(keep)]);
  const bool keep_f64 = keep >= 0 && ZonesAreF64(part->types_[size_t(keep)]);
  if (keep_packed) kept->packed.reserve(group_count);
  part->column_has_nulls_.assign(columns, 0);
  for (size_t k = 0; k < group_count; ++k) {
    Group& g = part->groups_[k];
    g.rows = in.U32();
    g.partition = in.I64();
    if (!in.ok() || g.rows == 0 || g.rows > kChunkRows) Corrupt(path, footer_offset, "bad row count in footer");
    ZoneMap z;
    for (uint32_t c = 0; c < columns; ++c) {
      if (!DecodeZoneMap(in, &z)) Corrupt(path, footer_offset, "bad zone map in footer");
      part->column_has_nulls_[c] |= z.null_count > 0;
      if (int64_t(c) != keep) continue;
      if (keep_packed) kept->packed.push_back(PackedZone::Pack(z, keep_f64));
      else kept->full.push_back(z);
    }
  }
  if (keep >= 0) {
    part->zone_columns_[size_t(keep)].store(kept.get(), std::memory_order_relaxed);
    part->zone_storage_.push_back(std::move(kept));
  }
  if (in.U32() != kStripeGroups) Corrupt(path, footer_offset, "unsupported stripe size");
  const size_t stripes = (group_count + kStripeGroups - 1) / kStripeGroups;
  if (!in.ok() || in.remaining() < stripes * columns * 16 + columns * (1 + DistinctSketch::kRegisters) + columns * 4 + 4)
    Corrupt(path, footer_offset, "bad block list in footer");
  part->blocks_.resize(stripes * columns);
  for (Block& b : part->blocks_) {
    b.offset = in.U64();
    b.length = in.U32();
    b.crc = in.U32();
    if (b.offset < 8 || b.offset + b.length > footer_offset) Corrupt(path, footer_offset, "block out of range in footer");
  }
  part->sketches_.resize(columns);
  for (DistinctSketch& sketch : part->sketches_)
    if (!sketch.Decode(in)) Corrupt(path, footer_offset, "bad distinct-count sketch in footer");
  part->distinct_texts_.resize(columns);
  for (uint32_t c = 0; c < columns; ++c) {
    const uint32_t n = in.U32();
    if (n == UINT32_MAX) continue;
    if (!in.ok() || n > kStoredDistinctMax || part->types_[c].id != TypeId::kText) Corrupt(path, footer_offset, "bad distinct values in footer");
    auto& list = part->distinct_texts_[c];
    list.stored = true;
    list.ends.reserve(n);
    for (uint32_t k = 0; k < n && in.ok(); ++k) list.Add(in.StrView());
  }
  const uint32_t index_count = in.U32();
  if (!in.ok() || index_count > columns) Corrupt(path, footer_offset, "bad index count in footer");
  for (uint32_t k = 0; k < index_count; ++k) {
    StoredIndex idx;
    idx.column = in.U32();
    const uint32_t blocks = in.U32();
    if (!in.ok() || idx.column >= columns || !SortedIndexable(part->types_[idx.column]) || blocks > in.remaining() / 36)
      Corrupt(path, footer_offset, "bad index in footer");
    const LogicalType& key_type = part->types_[idx.column];
    for (uint32_t b = 0; b < blocks; ++b) {
      IndexBlock ib;
      ib.rows = in.U32();
      if (key_type.physical() == PhysicalType::kI64) ib.first_key = Value::Int(in.I64(), key_type.id);
      else ib.first_key = Value::Text(in.Str());
      for (Block* blk : {&ib.keys, &ib.slots}) {
        blk->offset = in.U64();
        blk->length = in.U32();
        blk->crc = in.U32();
        if (in.ok() && (blk->offset < 8 || blk->offset + blk->length > footer_offset)) Corrupt(path, footer_offset, "index block out of range in footer");
      }
      if (!in.ok() || ib.rows == 0 || ib.rows > kIndexBlockRows) Corrupt(path, footer_offset, "bad index block in footer");
      idx.blocks.push_back(std::move(ib));
    }
    part->indexes_.push_back(std::move(idx));
  }
  if (!in.ok() || in.remaining() != 0) Corrupt(path, footer_offset, "malformed footer");
  return part;
}

void PartFile::DecodeFooter(const std::string& packed, uint64_t footer_offset, std::string* out) const {
  uint32_t footer_size = 0;
  if (packed.size() < 4) Corrupt(path_, footer_offset, "truncated footer");
  std::memcpy(&footer_size, packed.data(), 4);
  if (footer_size > (1u << 30)) Corrupt(path_, footer_offset, "footer too large");
  out->resize(footer_size);
  const size_t got = ZSTD_decompress(out->data(), out->size(), packed.data() + 4, packed.size() - 4);
  if (ZSTD_isError(got) || got != footer_size) Corrupt(path_, footer_offset, "footer does not decompress");
}

void PartFile::SetZoneColumn(size_t column, std::vector<ZoneMap> zones) const {
  auto data = std::make_unique<ZoneColumnData>();
  if (PacksZones(types_[column])) {
    const bool f64 = ZonesAreF64(types_[column]);
    data->packed.reserve(zones.size());
    for (const ZoneMap& z : zones) data->packed.push_back(PackedZone::Pack(z, f64));
  } else {
    data->full = std::move(zones);
  }
  zone_columns_[column].store(data.get(), std::memory_order_release);
  zone_storage_.push_back(std::move(data));
}

const PartFile::ZoneColumnData& PartFile::ZoneColumn(size_t column) const {
  YH_ASSERT(column < types_.size());
  if (const ZoneColumnData* known = zone_columns_[column].load(std::memory_order_acquire)) return *known;
  std::lock_guard<std::mutex> lock(zone_mu_);
  if (const ZoneColumnData* known = zone_columns_[column].load(std::memory_order_acquire)) return *known;
  // Walk the footer's groups again (Open checked every zone map), keeping this column's.
  std::string& footer = FooterScratch();
  DecodeFooter(footer_packed_, 0, &footer);
  ByteReader in(footer.data(), footer.size());
  const uint32_t columns = in.U32();
  for (uint32_t c = 0; c < columns; ++c) {
    LogicalType t;
    DecodeType(in, &t);
  }
  const uint32_t group_count = in.U32();
  if (!in.ok() || columns != types_.size() || group_count != groups_.size()) Corrupt(path_, 0, "footer changed since it was opened");
  std::vector<ZoneMap> zones(group_count);
  ZoneMap skipped;
  for (uint32_t k = 0; k < group_count; ++k) {
    in.U32();
    in.I64();
    for (uint32_t c = 0; c < columns; ++c) DecodeZoneMap(in, c == column ? &zones[k] : &skipped);
  }
  if (!in.ok()) Corrupt(path_, 0, "footer changed since it was opened");
  SetZoneColumn(column, std::move(zones));
  return *zone_columns_[column].load(std::memory_order_acquire);
}

namespace {
// The stripes a thread decoded last, one per column a scan reads at a time (it takes the columns
// of one group in turn), so the stripe's next groups are copied out instead of decoded again. At
// most kBudget bytes together: a thread that goes idle (a connection's) holds little.
class DecodedStripes {
 public:
  struct Slot {
    uint64_t part = UINT64_MAX;
    size_t block = 0;
    uint64_t used = 0, bytes = 0;
    Vector all;
  };
  static DecodedStripes& Mine() {
    thread_local DecodedStripes stripes;
    return stripes;
  }
  Slot* Find(uint64_t part, size_t block) {
    for (Slot& s : slots_)
      if (s.part == part && s.block == block) {
        s.used = ++clock_;
        return &s;
      }
    return nullptr;
  }
  // The least recently used slot, emptied, to decode into.
  Slot& Reuse() {
    Slot* lru = &slots_[0];
    for (Slot& s : slots_)
      if (s.used < lru->used) lru = &s;
    lru->part = UINT64_MAX;
    lru->bytes = 0;
    lru->used = ++clock_;
    return *lru;
  }
  void Keep(Slot& s, uint64_t part, size_t block) {
    s.part = part;
    s.block = block;
    s.bytes = BufferPool::VectorBytes(s.all);
  }
  // Drops least recently used stripes (the newest last) while the slots hold more than kBudget.
  void Trim() {
    for (;;) {
      uint64_t total = 0;
      Slot* lru = nullptr;
      for (Slot& s : slots_) {
        total += s.part == UINT64_MAX ? 0 : s.bytes;
        if (s.part != UINT64_MAX && (!lru || s.used < lru->used)) lru = &s;
      }
      if (total <= kBudget || !lru) return;
      *lru = Slot();
    }
  }

 private:
  static constexpr uint64_t kBudget = 32u << 20;
  Slot slots_[8];
  uint64_t clock_ = 0;
};
}  // namespace

Vector PartFile::ReadBlock(const Block& b, const LogicalType& type, size_t rows) const {
  Vector v;
  ReadBlockInto(b, type, rows, &v);
  return v;
}

void PartFile::ReadBlockInto(const Block& b, const LogicalType& type, size_t rows, Vector* out) const {
  thread_local std::string bytes;  // reused: see DecodeColumnBlock
  if (bytes.capacity() > (64u << 20)) std::string().swap(bytes);
  if (!ReadAt(ReadHandle(path_).fd(), path_, b.offset, b.length, &bytes)) Corrupt(path_, b.offset, "truncated block");
  BufferPool::Instance().CountRead(b.length);
  if (Crc32c(bytes.data(), bytes.size()) != b.crc) Corrupt(path_, b.offset, "block checksum mismatch");
  if (!DecodeColumnBlock(bytes.data(), bytes.size(), type, rows, out)) Corrupt(path_, b.offset, "malformed block");
}

Vector PartFile::PooledBlock(uint64_t key, const Block& b, const LogicalType& type, size_t rows, BlockReads* reads) const {
  BufferPool& pool = BufferPool::Instance();
  Vector v;
  if (pool.Lookup(id_, key, &v)) {
    if (reads) ++reads->from_pool;
    return v;
  }
  v = ReadBlock(b, type, rows);
  if (reads) {
    ++reads->from_disk;
    reads->bytes_read += b.length;
  }
  pool.Insert(id_, key, v);
  return v;
}

bool PartFile::HasStoredIndex(size_t column) const {
  for (const StoredIndex& idx : indexes_)
    if (idx.column == column) return true;
  return false;
}

size_t PartFile::StoredIndexLookup(size_t column, const Value& lo, bool lo_inclusive, const Value& hi, bool hi_inclusive,
                                   std::vector<uint64_t>* slots, BlockReads* reads) const {
  const StoredIndex* idx = nullptr;
  for (size_t k = 0; k < indexes_.size(); ++k)
    if (indexes_[k].column == column) idx = &indexes_[k];
  if (!idx) return 0;
  const bool ints = types_[column].physical() == PhysicalType::kI64;
  auto less = [&](const Value& a, const Value& b) { return ints ? a.i < b.i : a.s < b.s; };
  // Blocks are in key order and each starts at its first key: the range can only touch the
  // blocks from the last one starting before lo (ties: equal keys may begin in the block before)
  // to the last one starting at or before hi.
  size_t first = 0, last = idx->blocks.size();
  if (!lo.is_null)
    while (first + 1 < idx->blocks.size() && less(idx->blocks[first + 1].first_key, lo)) ++first;
  if (!hi.is_null) {
    last = first;
    while (last < idx->blocks.size() && !less(hi, idx->blocks[last].first_key)) ++last;
  }
  // Pool keys past the data blocks: 2 per index block (keys, slots), counted per index.
  uint64_t key_base = uint64_t(groups_.size()) * types_.size();
  for (const StoredIndex& other : indexes_) {
    if (&other == idx) break;
    key_base += 2 * other.blocks.size();
  }
  size_t found = 0;
  for (size_t b = first; b < last; ++b) {
    const IndexBlock& ib = idx->blocks[b];
    const Vector keys = PooledBlock(key_base + 2 * b, ib.keys, types_[column], ib.rows, reads);
    size_t begin = 0, end = ib.rows;
    auto key_less = [&](size_t r, const Value& v) { return ints ? keys.i64()[r] < v.i : keys.str()[r] < v.s; };
    auto value_less = [&](const Value& v, size_t r) { return ints ? v.i < keys.i64()[r] : v.s < keys.str()[r]; };
    auto bisect = [&](auto pred) {  // first row in [begin, end) where pred is false (pred is monotone)
      size_t a = begin, z = end;
      while (a < z) {
        const size_t m = (a + z) / 2;
        if (pred(m)) a = m + 1;
        else z = m;
      }
      return a;
    };
    if (!lo.is_null) begin = bisect([&](size_t r) { return lo_inclusive ? key_less(r, lo) : !value_less(lo, r); });
    if (!hi.is_null) end = std::max(begin, bisect([&](size_t r) { return hi_inclusive ? !value_less(hi, r) : key_less(r, hi); }));
    found += end - begin;
    if (slots && end > begin) {
      const Vector s = PooledBlock(key_base + 2 * b + 1, ib.slots, TypeId::kInt64, ib.rows, reads);
      slots->insert(slots->end(), s.i64() + begin, s.i64() + end);
    }
  }
  return found;
}

std::shared_ptr<const void> PartFile::Attachment(const std::string& key,
                                                 const std::function<std::shared_ptr<const void>()>& build) const {
  {
    std::lock_guard<std::mutex> lock(attachments_mu_);
    auto it = attachments_.find(key);
    if (it != attachments_.end()) return it->second;
  }
  std::shared_ptr<const void> made = build();  // outside the lock: it reads blocks
  std::lock_guard<std::mutex> lock(attachments_mu_);
  return attachments_.try_emplace(key, std::move(made)).first->second;
}

Vector PartFile::ReadColumn(size_t group, size_t column, BlockReads* reads, bool keep) const {
  YH_ASSERT(group < groups_.size());
  YH_ASSERT(column < types_.size());
  BufferPool& pool = BufferPool::Instance();
  const uint64_t key = group * types_.size() + column;
  Vector v;
  if (pool.Lookup(id_, key, &v)) {
    if (reads) ++reads->from_pool;
    return v;
  }
  // Miss: read and decode the whole stripe into a buffer the thread keeps; copy out this group,
  // and when keeping, every group of the stripe into the pool (a scan wants the next ones too).
  const size_t stripe = group / kStripeGroups;
  const size_t first = stripe * kStripeGroups, last = std::min(groups_.size(), first + kStripeGroups);
  auto offset_of = [&](size_t g) {
    size_t offset = 0;
    for (size_t k = first; k < g; ++k) offset += groups_[k].rows;
    return offset;
  };
  const size_t block = stripe * types_.size() + column;
  DecodedStripes& stripes = DecodedStripes::Mine();
  DecodedStripes::Slot* slot = stripes.Find(id_, block);
  if (!keep && slot) {
    if (reads) ++reads->from_stripe;
    return slot->all.Slice(offset_of(group), groups_[group].rows);
  }
  std::unique_lock<std::mutex> loading(load_mu_[block % 16], std::defer_lock);
  if (keep) {
    loading.lock();
    if (pool.Lookup(id_, key, &v)) {  // another worker decoded it while this one waited
      if (reads) ++reads->from_pool;
      return v;
    }
  }
  size_t rows = 0;
  for (size_t k = first; k < last; ++k) rows += groups_[k].rows;
  const Block& b = blocks_[block];
  if (slot) {  // decoded by this thread before, evicted from the pool since
    if (reads) ++reads->from_stripe;
  } else {
    slot = &stripes.Reuse();  // not valid while being overwritten (a throw leaves it so)
    ReadBlockInto(b, types_[column], rows, &slot->all);
    // Texts of few values stored by another codec (zstd won) get their dictionary here, once
    // per stripe, shared by its groups: filters and GROUP BY then work per distinct value.
    if (types_[column].physical() == PhysicalType::kStr && !slot->all.dictionary())
      slot->all.SetDictionary(BuildTextDictionary(slot->all, rows, rows / 4));
    stripes.Keep(*slot, id_, block);
    if (reads) {
      ++reads->from_disk;
      reads->bytes_read += b.length;
    }
  }
  if (!keep) {
    v = slot->all.Slice(offset_of(group), groups_[group].rows);
  } else {
    size_t offset = 0;
    for (size_t k = first; k < last; ++k) {
      Vector part = slot->all.Slice(offset, groups_[k].rows);
      offset += groups_[k].rows;
      pool.Insert(id_, k * types_.size() + column, part);
      if (k == group) v = std::move(part);
    }
  }
  stripes.Trim();
  return v;
}

}  // namespace yunhe
