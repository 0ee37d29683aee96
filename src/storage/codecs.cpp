#include "storage/codecs.h"

#include "common/status.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "storage/byte_io.h"
#include "storage/wal_record.h"

namespace yunhe {
namespace {

// ---- varints and bit packing -------------------------------------------------------------
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(char(v | 0x80));
    v >>= 7;
  }
  out->push_back(char(v));
}
uint64_t ZigZag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }
int64_t UnZigZag(uint64_t v) { return int64_t(v >> 1) ^ -int64_t(v & 1); }

int BitsFor(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

void PackBits(const std::vector<uint64_t>& values, int bits, std::string* out) {
  if (bits == 0) return;
  uint64_t acc = 0;
  int filled = 0;
  for (uint64_t v : values) {
    acc |= v << filled;
    int used = std::min(bits, 64 - filled);
    filled += bits;
    if (filled >= 64) {
      out->append(reinterpret_cast<const char*>(&acc), 8);
      filled -= 64;
      acc = filled ? v >> used : 0;
    }
  }
  if (filled) out->append(reinterpret_cast<const char*>(&acc), size_t((filled + 7) / 8));
}
// Calls store(k, value) for the n values of `bits` bits each packed little-endian from `in`.
// Values of up to 56 bits sit inside one unaligned 8-byte load wherever 8 bytes remain; the last
// few (and wider values) go through a zero-padded copy.
template <class Store>
bool UnpackBits(ByteReader& in, int bits, size_t n, Store store) {
  if (bits == 0) {
    for (size_t k = 0; k < n; ++k) store(k, 0);
    return true;
  }
  const size_t bytes = (n * size_t(bits) + 7) / 8;
  if (in.remaining() < bytes) return false;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(in.position());
  const uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
  size_t k = 0;
  if (bits <= 56 && bytes >= 8) {
    // Value k starts in byte k*bits/8; the fast loop stops before a load would pass the end.
    const size_t fast = std::min(n, ((bytes - 8) * 8) / size_t(bits) + 1);
    for (; k < fast; ++k) {
      const size_t bit = k * size_t(bits);
      uint64_t word;
      std::memcpy(&word, p + bit / 8, 8);
      store(k, (word >> (bit % 8)) & mask);
    }
  }
  for (; k < n; ++k) {
    const size_t bit = k * size_t(bits), first = bit / 8;
    const int shift = int(bit % 8);
    uint8_t tmp[16] = {0};
    std::memcpy(tmp, p + first, std::min<size_t>(9, bytes - first));
    uint64_t lo;
    std::memcpy(&lo, tmp, 8);
    uint64_t v = lo >> shift;
    if (shift + bits > 64) v |= uint64_t(tmp[8]) << (64 - shift);
    store(k, v & mask);
  }
  in.Skip(bytes);
  return true;
}

// ---- null mask ------------------------------------------------------------------------------
void PutNulls(const Vector& v, std::string* out) {
  size_t n = v.size();
  bool any = v.HasNulls();
  out->push_back(char(any));
  if (!any) return;
  std::string bits((n + 7) / 8, '\0');
  for (size_t r = 0; r < n; ++r)
    if (v.IsNull(r)) bits[r / 8] |= char(1 << (r % 8));
  *out += bits;
}
bool GetNulls(ByteReader& in, size_t n, Vector* v) {
  uint8_t any = in.U8();
  if (!in.ok() || any > 1) return false;
  if (!any) {
    if (n) std::memset(v->nulls(), 0, n);
    return true;
  }
  size_t bytes = (n + 7) / 8;
  if (in.remaining() < bytes) return false;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(in.position());
  for (size_t r = 0; r < n; ++r) v->nulls()[r] = (p[r / 8] >> (r % 8)) & 1;
  in.Skip(bytes);
  return true;
}

// ---- codecs ---------------------------------------------------------------------------------
void EncodeDeltaOfDelta(const Vector& v, std::string* out) {
  PutNulls(v, out);
  const int64_t* x = v.i64();
  int64_t prev = 0, prev_delta = 0;
  for (size_t r = 0; r < v.size(); ++r) {
    int64_t delta = int64_t(uint64_t(x[r]) - uint64_t(prev));
    PutVarint(out, ZigZag(int64_t(uint64_t(delta) - uint64_t(prev_delta))));
    prev_delta = delta;
    prev = x[r];
  }
}
bool DecodeDeltaOfDelta(ByteReader& in, size_t n, Vector* v) {
  if (!GetNulls(in, n, v)) return false;
  // Varints read straight off the buffer: most delta-of-deltas of regular timestamps are one
  // byte (zero), so that case is tested first.
  const uint8_t* p = reinterpret_cast<const uint8_t*>(in.position());
  const uint8_t* const end = p + in.remaining();
  int64_t* out = v->i64();
  int64_t prev = 0, prev_delta = 0;
  for (size_t r = 0; r < n; ++r) {
    uint64_t z;
    if (p < end && *p < 0x80) {
      z = *p++;
    } else {
      z = 0;
      int shift = 0;
      for (;; shift += 7) {
        if (p == end || shift >= 64) return false;
        const uint8_t b = *p++;
        z |= uint64_t(b & 0x7F) << shift;
        if (!(b & 0x80)) break;
      }
    }
    const int64_t delta = int64_t(uint64_t(prev_delta) + uint64_t(UnZigZag(z)));
    prev = int64_t(uint64_t(prev) + uint64_t(delta));
    prev_delta = delta;
    out[r] = prev;
  }
  in.Skip(size_t(p - reinterpret_cast<const uint8_t*>(in.position())));
  return true;
}

void EncodeFrameOfReference(const Vector& v, std::string* out) {
  PutNulls(v, out);
  const int64_t* x = v.i64();
  int64_t lo = v.size() ? x[0] : 0, hi = lo;
  for (size_t r = 0; r < v.size(); ++r) {
    lo = std::min(lo, x[r]);
    hi = std::max(hi, x[r]);
  }
  ByteWriter w(out);
  w.I64(lo);
  int bits = BitsFor(uint64_t(hi) - uint64_t(lo));
  w.U8(uint8_t(bits));
  std::vector<uint64_t> offsets(v.size());
  for (size_t r = 0; r < v.size(); ++r) offsets[r] = uint64_t(x[r]) - uint64_t(lo);
  PackBits(offsets, bits, out);
}
bool DecodeFrameOfReference(ByteReader& in, size_t n, Vector* v) {
  if (!GetNulls(in, n, v)) return false;
  int64_t lo = in.I64();
  int bits = in.U8();
  if (!in.ok() || bits > 64) return false;
  int64_t* out = v->i64();
  return UnpackBits(in, bits, n, [out, lo](size_t r, uint64_t offset) { out[r] = int64_t(uint64_t(lo) + offset); });
}

// XOR with the previous value; a control byte gives leading and trailing zero bytes, then the
// middle bytes follow. Slowly changing sensor values share sign, exponent and high mantissa bits.
void EncodeXorFloat(const Vector& v, std::string* out) {
  PutNulls(v, out);
  uint64_t prev = 0;
  for (size_t r = 0; r < v.size(); ++r) {
    uint64_t bits;
    std::memcpy(&bits, &v.f64()[r], 8);
    uint64_t x = bits ^ prev;
    prev = bits;
    if (x == 0) {
      out->push_back(char(0x88));  // lead 8: all zero
      continue;
    }
    int lead = __builtin_clzll(x) / 8, trail = __builtin_ctzll(x) / 8;
    out->push_back(char((lead << 4) | trail));
    int len = 8 - lead - trail;
    uint64_t mid = x >> (trail * 8);
    out->append(reinterpret_cast<const char*>(&mid), size_t(len));
  }
}
bool DecodeXorFloat(ByteReader& in, size_t n, Vector* v) {
  if (!GetNulls(in, n, v)) return false;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(in.position());
  const uint8_t* const end = p + in.remaining();
  double* out = v->f64();
  uint64_t prev = 0;
  for (size_t r = 0; r < n; ++r) {
    if (p == end) return false;
    const uint8_t ctl = *p++;
    uint64_t x = 0;
    if (ctl != 0x88) {
      const int lead = ctl >> 4, trail = ctl & 15;
      const int len = 8 - lead - trail;
      if (lead > 8 || trail > 8 || len <= 0 || end - p < len) return false;
      uint64_t mid = 0;
      if (end - p >= 8) {  // one unaligned load, the bytes past len masked off
        std::memcpy(&mid, p, 8);
        if (len < 8) mid &= (1ull << (len * 8)) - 1;
      } else {
        std::memcpy(&mid, p, size_t(len));
      }
      p += len;
      x = mid << (trail * 8);
    }
    prev ^= x;
    std::memcpy(&out[r], &prev, 8);
  }
  in.Skip(size_t(p - reinterpret_cast<const uint8_t*>(in.position())));
  return true;
}

bool EncodeDictionary(const Vector& v, std::string* out) {
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<std::string_view> dict;
  std::vector<uint64_t> codes(v.size());
  for (size_t r = 0; r < v.size(); ++r) {
    std::string_view s = v.IsNull(r) ? std::string_view() : std::string_view(v.str()[r]);
    auto [it, inserted] = ids.try_emplace(s, uint32_t(dict.size()));
    if (inserted) {
      dict.push_back(s);
      if (dict.size() > 4096 || dict.size() * 2 > v.size() + 16) return false;  // not low-cardinality
    }
    codes[r] = it->second;
  }
  PutNulls(v, out);
  ByteWriter w(out);
  w.U32(uint32_t(dict.size()));
  for (auto s : dict) w.Str(std::string(s));
  int bits = BitsFor(dict.size() - 1);
  w.U8(uint8_t(bits));
  PackBits(codes, bits, out);
  return true;
}
bool DecodeDictionary(ByteReader& in, size_t n, Vector* v) {
  if (!GetNulls(in, n, v)) return false;
  uint32_t size = in.U32();
  if (!in.ok() || size > in.remaining()) return false;
  std::vector<std::string> dict;
  dict.reserve(size);
  for (uint32_t k = 0; k < size && in.ok(); ++k) dict.push_back(in.Str());
  int bits = in.U8();
  if (!in.ok() || bits > 32) return false;
  std::string* out = v->str();
  const uint8_t* nulls = v->nulls();
  bool codes_ok = true;
  // The codes stay with the vector (common/text_dictionary.h): filters and GROUP BY on this
  // block then work per distinct value.
  std::vector<uint32_t> codes(n, 0);
  uint32_t* row_codes = codes.data();
  const bool unpacked = UnpackBits(in, bits, n, [&](size_t r, uint64_t code) {
    if (code >= size) codes_ok = false;
    else if (nulls[r]) out[r].clear();
    else out[r] = dict[code], row_codes[r] = uint32_t(code);
  });
  if (!unpacked || !codes_ok) return false;
  v->SetDictionary(DictionaryCodes{std::make_shared<const TextDictionary>(std::move(dict)), std::move(codes)});
  return true;
}

std::string ZstdCompress(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) return "";
  out.resize(n);
  return out;
}

}  // namespace

const char* BlockCodecName(uint8_t c) {
  switch (BlockCodec(c & 0x7F)) {
    case BlockCodec::kRaw: return c & kZstdWrapped ? "raw+zstd" : "raw";
    case BlockCodec::kDeltaOfDelta: return c & kZstdWrapped ? "delta-of-delta+zstd" : "delta-of-delta";
    case BlockCodec::kFrameOfReference: return c & kZstdWrapped ? "frame-of-reference+zstd" : "frame-of-reference";
    case BlockCodec::kXorFloat: return c & kZstdWrapped ? "xor+zstd" : "xor";
    case BlockCodec::kDictionary: return c & kZstdWrapped ? "dictionary+zstd" : "dictionary";
  }
  return "?";
}

void EncodeWithCodec(const Vector& v, BlockCodec codec, std::string* out) {
  switch (codec) {
    case BlockCodec::kRaw: EncodeVector(v, out); break;
    case BlockCodec::kDeltaOfDelta: EncodeDeltaOfDelta(v, out); break;
    case BlockCodec::kFrameOfReference: EncodeFrameOfReference(v, out); break;
    case BlockCodec::kXorFloat: EncodeXorFloat(v, out); break;
    case BlockCodec::kDictionary:
      if (!EncodeDictionary(v, out)) EncodeVector(v, out);
      break;
  }
}

namespace {
void EncodeColumnBlockUnchecked(const Vector& v, std::string* out) {
  std::vector<std::pair<BlockCodec, std::string>> candidates;
  auto add = [&](BlockCodec c) {
    std::string s;
    if (c == BlockCodec::kDictionary) {
      if (!EncodeDictionary(v, &s)) return;
    } else {
      EncodeWithCodec(v, c, &s);
    }
    candidates.emplace_back(c, std::move(s));
  };
  switch (v.type().physical()) {
    case PhysicalType::kI64:
      add(BlockCodec::kDeltaOfDelta);
      add(BlockCodec::kFrameOfReference);
      break;
    case PhysicalType::kF64: add(BlockCodec::kXorFloat); break;
    case PhysicalType::kStr:
      add(BlockCodec::kDictionary);
      if (candidates.empty()) add(BlockCodec::kRaw);
      break;
    default: add(BlockCodec::kRaw); break;
  }
  size_t best = 0;
  for (size_t k = 1; k < candidates.size(); ++k)
    if (candidates[k].second.size() < candidates[best].second.size()) best = k;
  uint8_t codec = uint8_t(candidates[best].first);
  std::string payload = std::move(candidates[best].second);
  // zstd as a backstop on top of the type-specific codec, kept only when it pays off.
  if (payload.size() > 64) {
    std::string z = ZstdCompress(payload);
    if (!z.empty() && z.size() + 4 < payload.size() * 9 / 10) {
      ByteWriter w(out);
      w.U8(codec | kZstdWrapped);
      w.U32(uint32_t(payload.size()));
      *out += z;
      return;
    }
  }
  out->push_back(char(codec));
  *out += payload;
}
}  // namespace

void EncodeColumnBlock(const Vector& v, std::string* out) {
  [[maybe_unused]] const size_t start = out->size();
  EncodeColumnBlockUnchecked(v, out);
#ifndef NDEBUG
  // Block encoding must round-trip: decode what was written and compare every value.
  Vector back;
  YH_ASSERT(DecodeColumnBlock(out->data() + start, out->size() - start, v.type(), v.size(), &back));
  YH_ASSERT(back.size() == v.size());
  for (size_t r = 0; r < v.size(); ++r) {
    YH_ASSERT(back.IsNull(r) == v.IsNull(r));
    if (!v.IsNull(r)) YH_ASSERT(back.GetValue(r).ToString() == v.GetValue(r).ToString());
  }
#endif
}

bool DecodeColumnBlock(const char* data, size_t size, const LogicalType& type, size_t count, Vector* out) {
  if (size < 1) return false;
  uint8_t codec = uint8_t(data[0]);
  // Reused by the thread: a zstd-wrapped block of a stripe is hundreds of KB, and fresh memory
  // for each one costs page faults that dominated the decode.
  thread_local std::string unwrapped;
  if (unwrapped.capacity() > (64u << 20)) std::string().swap(unwrapped);  // not kept after an outsized block
  const char* p = data + 1;
  size_t n = size - 1;
  if (codec & kZstdWrapped) {
    if (n < 4) return false;
    uint32_t raw_len;
    std::memcpy(&raw_len, p, 4);
    if (raw_len > (1u << 30)) return false;
    unwrapped.resize(raw_len);
    size_t got = ZSTD_decompress(unwrapped.data(), raw_len, p + 4, n - 4);
    if (ZSTD_isError(got) || got != raw_len) return false;
    p = unwrapped.data();
    n = raw_len;
  }
  ByteReader in(p, n);
  // A vector of the same physical type keeps its arrays (callers decode stripe after stripe
  // into one); every slot below is written by the decoder.
  if (out->type().physical() == type.physical()) out->set_type(type);
  else *out = Vector(type);
  out->Resize(count);
  bool ok;
  switch (BlockCodec(codec & 0x7F)) {
    case BlockCodec::kRaw: ok = DecodeVector(in, type, count, out); break;
    case BlockCodec::kDeltaOfDelta: ok = type.physical() == PhysicalType::kI64 && DecodeDeltaOfDelta(in, count, out); break;
    case BlockCodec::kFrameOfReference: ok = type.physical() == PhysicalType::kI64 && DecodeFrameOfReference(in, count, out); break;
    case BlockCodec::kXorFloat: ok = type.physical() == PhysicalType::kF64 && DecodeXorFloat(in, count, out); break;
    case BlockCodec::kDictionary: ok = type.physical() == PhysicalType::kStr && DecodeDictionary(in, count, out); break;
    default: return false;
  }
  return ok && in.remaining() == 0;
}

}  // namespace yunhe
