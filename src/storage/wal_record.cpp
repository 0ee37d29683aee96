#include "storage/wal_record.h"

#include "storage/byte_io.h"

namespace yunhe {

void EncodeType(const LogicalType& t, std::string* out) {
  ByteWriter w(out);
  w.U8(uint8_t(t.id));
  w.U32(uint32_t(uint16_t(t.precision)) | (uint32_t(uint16_t(t.scale)) << 16));
}

bool DecodeType(ByteReader& in, LogicalType* t) {
  uint8_t id = in.U8();
  uint32_t mod = in.U32();
  if (!in.ok() || id > uint8_t(TypeId::kTime)) return false;  // the last TypeId (docs/format.md)
  *t = LogicalType(TypeId(id), int16_t(mod & 0xFFFF), int16_t(mod >> 16));
  return true;
}

void EncodeVector(const Vector& v, std::string* out) {
  ByteWriter w(out);
  const size_t n = v.size();
  w.Raw(v.nulls(), n);
  switch (v.type().physical()) {
    case PhysicalType::kI64: w.Raw(v.i64(), n * 8); break;
    case PhysicalType::kF64: w.Raw(v.f64(), n * 8); break;
    case PhysicalType::kStr:
      for (size_t r = 0; r < n; ++r) w.Str(v.str()[r]);
      break;
    case PhysicalType::kDec:
      for (size_t r = 0; r < n; ++r) {
        w.Raw(&v.dec()[r].v, 16);
        w.U32(uint32_t(v.dec()[r].scale));
      }
      break;
    case PhysicalType::kInterval:
      for (size_t r = 0; r < n; ++r) {
        w.U32(uint32_t(v.iv()[r].months));
        w.U32(uint32_t(v.iv()[r].days));
        w.I64(v.iv()[r].ns);
      }
      break;
  }
}

bool DecodeVector(ByteReader& in, const LogicalType& type, size_t n, Vector* out) {
  *out = Vector(type);
  if (in.remaining() < n) return false;
  out->Resize(n);
  in.Raw(out->nulls(), n);
  for (size_t r = 0; r < n; ++r)
    if (out->nulls()[r] > 1) return false;
  switch (type.physical()) {
    case PhysicalType::kI64: in.Raw(out->i64(), n * 8); break;
    case PhysicalType::kF64: in.Raw(out->f64(), n * 8); break;
    case PhysicalType::kStr:
      for (size_t r = 0; r < n && in.ok(); ++r) out->str()[r] = in.Str();
      break;
    case PhysicalType::kDec:
      for (size_t r = 0; r < n && in.ok(); ++r) {
        in.Raw(&out->dec()[r].v, 16);
        out->dec()[r].scale = int32_t(in.U32());
      }
      break;
    case PhysicalType::kInterval:
      for (size_t r = 0; r < n && in.ok(); ++r) {
        out->iv()[r].months = int32_t(in.U32());
        out->iv()[r].days = int32_t(in.U32());
        out->iv()[r].ns = in.I64();
      }
      break;
  }
  return in.ok();
}

namespace {
// Deletes of whole partitions or row groups are long runs of consecutive row ids: store them as
// (first, length) pairs when that is smaller (record type 6).
std::vector<std::pair<uint64_t, uint32_t>> DeleteRuns(const std::vector<uint64_t>& ids) {
  std::vector<std::pair<uint64_t, uint32_t>> runs;
  for (uint64_t id : ids) {
    if (!runs.empty() && runs.back().first + runs.back().second == id && runs.back().second < UINT32_MAX) ++runs.back().second;
    else runs.emplace_back(id, 1);
  }
  return runs;
}
constexpr uint8_t kDeleteRunsType = 6;
}  // namespace

void EncodeWalRecord(const WalRecord& r, std::string* out) {
  ByteWriter w(out);
  if (r.type == WalRecordType::kDelete) {
    auto runs = DeleteRuns(r.row_ids);
    if (runs.size() * 12 < r.row_ids.size() * 8) {
      w.U8(kDeleteRunsType);
      w.Str(r.table);
      w.U32(uint32_t(runs.size()));
      for (auto [first, len] : runs) {
        w.U64(first);
        w.U32(len);
      }
      return;
    }
  }
  w.U8(uint8_t(r.type));
  switch (r.type) {
    case WalRecordType::kDdl:
    case WalRecordType::kSequence: w.Str(r.sql); break;
    case WalRecordType::kInsert:
      w.Str(r.table);
      w.U32(uint32_t(r.rows.columns.size()));
      w.U32(uint32_t(r.rows.count));
      for (const auto& c : r.rows.columns) {
        EncodeType(c.type(), out);
        EncodeVector(c, out);
      }
      break;
    case WalRecordType::kDelete:
      w.Str(r.table);
      w.U32(uint32_t(r.row_ids.size()));
      for (uint64_t id : r.row_ids) w.U64(id);
      break;
    case WalRecordType::kCommit:
    case WalRecordType::kAbort: break;
  }
}

bool DecodeWalRecord(const char* data, size_t size, WalRecord* r) {
  ByteReader in(data, size);
  uint8_t type = in.U8();
  if (in.ok() && type == kDeleteRunsType) {
    r->type = WalRecordType::kDelete;
    r->table = in.Str();
    uint32_t n = in.U32();
    if (!in.ok() || n > in.remaining() / 12) return false;
    // The runs first, then the ids in one allocation (a large delete expanded by push_back
    // spent most of its time moving the vector: 13 s under ASan for 2^27 ids, found by fuzz_wal).
    std::vector<std::pair<uint64_t, uint32_t>> runs(n);
    size_t total = 0;
    for (auto& [first, len] : runs) {
      first = in.U64();
      len = in.U32();
      total += len;
      if (!in.ok() || len == 0 || total > kMaxWalDeleteRowIds) return false;
    }
    if (!in.ok() || in.remaining() != 0) return false;
    r->row_ids.resize(total);
    uint64_t* out = r->row_ids.data();
    for (auto [first, len] : runs)
      for (uint32_t j = 0; j < len; ++j) *out++ = first + j;
    return true;
  }
  if (!in.ok() || type < 1 || (type > 5 && type != uint8_t(WalRecordType::kSequence))) return false;
  r->type = WalRecordType(type);
  switch (r->type) {
    case WalRecordType::kDdl:
    case WalRecordType::kSequence: r->sql = in.Str(); break;
    case WalRecordType::kInsert: {
      r->table = in.Str();
      uint32_t cols = in.U32();
      uint32_t count = in.U32();
      if (!in.ok() || cols > 100000 || count > 100000000) return false;
      r->rows.columns.clear();
      r->rows.count = count;
      for (uint32_t c = 0; c < cols; ++c) {
        LogicalType t;
        if (!DecodeType(in, &t)) return false;
        Vector v;
        if (!DecodeVector(in, t, count, &v)) return false;
        r->rows.columns.push_back(std::move(v));
      }
      break;
    }
    case WalRecordType::kDelete: {
      r->table = in.Str();
      uint32_t n = in.U32();
      if (!in.ok() || n > in.remaining() / 8 || n > kMaxWalDeleteRowIds) return false;
      r->row_ids.resize(n);
      for (uint32_t k = 0; k < n; ++k) r->row_ids[k] = in.U64();
      break;
    }
    case WalRecordType::kCommit:
    case WalRecordType::kAbort: break;
  }
  return in.ok() && in.remaining() == 0;
}

}  // namespace yunhe
