// Round trips of every column codec on random and edge-case data.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "storage/codecs.h"

namespace yunhe {
namespace {

void ExpectSame(const Vector& a, const Vector& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t r = 0; r < a.size(); ++r) {
    ASSERT_EQ(a.IsNull(r), b.IsNull(r)) << "row " << r;
    if (a.IsNull(r)) continue;
    switch (a.type().physical()) {
      case PhysicalType::kI64: ASSERT_EQ(a.i64()[r], b.i64()[r]) << "row " << r; break;
      case PhysicalType::kF64: {
        uint64_t x, y;
        memcpy(&x, &a.f64()[r], 8);
        memcpy(&y, &b.f64()[r], 8);
        ASSERT_EQ(x, y) << "row " << r;  // bit-exact, NaN payloads and -0.0 included
        break;
      }
      case PhysicalType::kStr: ASSERT_EQ(a.str()[r], b.str()[r]) << "row " << r; break;
      default: ASSERT_EQ(a.GetValue(r).ToString(), b.GetValue(r).ToString()); break;
    }
  }
}

void RoundTrip(const Vector& v) {
  std::string block;
  EncodeColumnBlock(v, &block);
  Vector back;
  ASSERT_TRUE(DecodeColumnBlock(block.data(), block.size(), v.type(), v.size(), &back)) << BlockCodecName(uint8_t(block[0]));
  ExpectSame(v, back);
  for (BlockCodec c : {BlockCodec::kRaw, BlockCodec::kDeltaOfDelta, BlockCodec::kFrameOfReference, BlockCodec::kXorFloat,
                       BlockCodec::kDictionary}) {
    bool applies = c == BlockCodec::kRaw || (v.type().physical() == PhysicalType::kI64 && (c == BlockCodec::kDeltaOfDelta || c == BlockCodec::kFrameOfReference)) ||
                   (v.type().physical() == PhysicalType::kF64 && c == BlockCodec::kXorFloat) ||
                   (v.type().physical() == PhysicalType::kStr && c == BlockCodec::kDictionary);
    if (!applies) continue;
    std::string forced(1, char(c));
    EncodeWithCodec(v, c, &forced);
    Vector b2;
    // kDictionary falls back to raw layout for high-cardinality input; decode the raw form then.
    if (!DecodeColumnBlock(forced.data(), forced.size(), v.type(), v.size(), &b2)) {
      ASSERT_EQ(c, BlockCodec::kDictionary);
      continue;
    }
    ExpectSame(v, b2);
  }
}

Vector Ints(std::vector<int64_t> values, TypeId t = TypeId::kInt64) {
  Vector v(t);
  for (auto x : values) v.Append(Value::Int(x, t));
  return v;
}

TEST(Codecs, IntegerEdgeCases) {
  RoundTrip(Ints({}));
  RoundTrip(Ints({0}));
  RoundTrip(Ints({INT64_MIN, INT64_MAX, 0, -1, 1, INT64_MIN, INT64_MAX}));
  RoundTrip(Ints({5, 5, 5, 5, 5}));
  Vector with_nulls = Ints({1, 2, 3});
  with_nulls.Append(Value::Null(TypeId::kInt64));
  with_nulls.Append(Value::Int(7));
  RoundTrip(with_nulls);
}

TEST(Codecs, TimestampsCompressWithDeltaOfDelta) {
  Vector v(TypeId::kTimestamp);
  for (int64_t k = 0; k < 2048; ++k) v.Append(Value::Time(1700000000000000000LL + k * 10000000000LL, TypeId::kTimestamp));
  RoundTrip(v);
  std::string block;
  EncodeColumnBlock(v, &block);
  EXPECT_LT(block.size(), 2048u * 8 / 20) << BlockCodecName(uint8_t(block[0]));  // regular ticks: < 0.4 bytes/value
}

TEST(Codecs, RandomIntegers) {
  std::mt19937_64 rng(42);
  for (int bits : {1, 7, 13, 31, 40, 63, 64}) {
    Vector v(TypeId::kInt64);
    for (int k = 0; k < 3000; ++k) {
      uint64_t x = rng();
      if (bits < 64) x &= (1ull << bits) - 1;
      if (k % 17 == 0) v.Append(Value::Null(TypeId::kInt64));
      else v.Append(Value::Int(int64_t(x) - (bits < 64 ? int64_t(1ull << (bits - 1)) : 0)));
    }
    RoundTrip(v);
  }
}

// Frame of reference at every width from 0 to 64 bits and lengths around the 8-byte loads of the
// unpacking loop (its last values are read through a padded copy).
TEST(Codecs, EveryBitWidthAndLength) {
  std::mt19937_64 rng(11);
  for (int bits = 0; bits <= 64; ++bits) {
    for (size_t n : {1, 2, 3, 7, 8, 9, 15, 63, 64, 65, 1000}) {
      Vector v(TypeId::kInt64);
      const int64_t lo = int64_t(rng() % 1000) - 500;
      for (size_t k = 0; k < n; ++k) {
        uint64_t x = bits == 64 ? rng() : bits == 0 ? 0 : rng() & ((1ull << bits) - 1);
        if (k == 0 && bits > 0) x = bits == 64 ? ~0ull : (1ull << bits) - 1;  // the widest value of the width
        v.Append(Value::Int(int64_t(uint64_t(lo) + x)));
      }
      std::string block(1, char(BlockCodec::kFrameOfReference));
      EncodeWithCodec(v, BlockCodec::kFrameOfReference, &block);
      Vector back;
      ASSERT_TRUE(DecodeColumnBlock(block.data(), block.size(), v.type(), n, &back)) << bits << " bits, " << n << " values";
      ExpectSame(v, back);
    }
  }
}

// Callers decode stripe after stripe into one vector: what it held before (other types, longer
// strings where NULLs now are, more rows) must not show through.
TEST(Codecs, DecodingIntoAReusedVector) {
  std::mt19937_64 rng(5);
  std::vector<Vector> blocks;
  Vector words(TypeId::kText);
  for (int k = 0; k < 3000; ++k) words.Append(Value::Text("a rather long device name " + std::to_string(k % 7)));
  blocks.push_back(words);
  Vector sparse(TypeId::kText);
  for (int k = 0; k < 2000; ++k) sparse.Append(k % 3 ? Value::Null(TypeId::kText) : Value::Text("x" + std::to_string(k % 5)));
  blocks.push_back(sparse);
  blocks.push_back(Ints({5, 6, 7}));
  Vector times(TypeId::kTimestamp);
  for (int k = 0; k < 4096; ++k) times.Append(Value::Int(1700000000000000000 + k * 1000000000LL + int64_t(rng() % 3), TypeId::kTimestamp));
  blocks.push_back(times);
  Vector temps(TypeId::kFloat64);
  for (int k = 0; k < 700; ++k) temps.Append(k % 9 ? Value::Float(20 + double(rng() % 100) / 10) : Value::Null(TypeId::kFloat64));
  blocks.push_back(temps);
  blocks.push_back(Ints({1, 2}));
  Vector into;
  for (int round = 0; round < 2; ++round)
    for (const Vector& v : blocks) {
      std::string block;
      EncodeColumnBlock(v, &block);
      ASSERT_TRUE(DecodeColumnBlock(block.data(), block.size(), v.type(), v.size(), &into));
      EXPECT_EQ(into.type(), v.type());
      ExpectSame(v, into);
      if (v.type().physical() == PhysicalType::kStr)
        for (size_t r = 0; r < v.size(); ++r)
          if (v.IsNull(r)) {
            ASSERT_TRUE(into.str()[r].empty()) << "row " << r;
          }
    }
}

TEST(Codecs, Doubles) {
  Vector v(TypeId::kFloat64);
  for (double d : {0.0, -0.0, 1.5, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                   std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::max(), 1e-300})
    v.Append(Value::Float(d));
  v.Append(Value::Null(TypeId::kFloat64));
  RoundTrip(v);
  std::mt19937_64 rng(7);
  Vector sensor(TypeId::kFloat64);
  double t = 21.5;
  for (int k = 0; k < 5000; ++k) {
    t += double(int64_t(rng() % 21) - 10) / 100.0;
    sensor.Append(Value::Float(std::round(t * 100) / 100));
  }
  RoundTrip(sensor);
}

TEST(Codecs, Strings) {
  Vector low(TypeId::kText);
  const char* devices[] = {"robot-1", "robot-2", "truck-7", "", "運河"};
  for (int k = 0; k < 4000; ++k) {
    if (k % 11 == 0) low.Append(Value::Null(TypeId::kText));
    else low.Append(Value::Text(devices[k % 5]));
  }
  RoundTrip(low);
  std::string block;
  EncodeColumnBlock(low, &block);
  EXPECT_EQ(BlockCodec(uint8_t(block[0]) & 0x7F), BlockCodec::kDictionary);
  Vector high(TypeId::kText);
  std::mt19937_64 rng(3);
  for (int k = 0; k < 3000; ++k) high.Append(Value::Text("id-" + std::to_string(rng())));
  RoundTrip(high);
}

TEST(Codecs, CorruptBlocksAreRejectedNotCrashing) {
  Vector v = Ints({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  std::string block;
  EncodeColumnBlock(v, &block);
  std::mt19937 rng(1);
  int truncated_rejected = 0, flipped_rejected = 0, flipped_decoded = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bad = block;
    const bool truncate = trial % 3 == 0;
    if (truncate) bad.resize(rng() % bad.size());
    else bad[rng() % bad.size()] ^= char(1 << (rng() % 8));
    Vector out;
    // Must not crash (the sanitizer build checks reads stay inside the block). The codecs carry no
    // checksum of their own (the block's CRC in the part file catches flipped bits), so a flipped
    // payload bit may decode; a block cut short must never decode.
    const bool ok = DecodeColumnBlock(bad.data(), bad.size(), v.type(), v.size(), &out);
    if (truncate) {
      EXPECT_FALSE(ok) << "a block cut to " << bad.size() << " of " << block.size() << " bytes decoded";
      truncated_rejected += !ok;
    } else if (ok) {
      EXPECT_EQ(out.size(), v.size());  // whatever it decoded, it is the promised number of rows
      ++flipped_decoded;
    } else {
      ++flipped_rejected;
    }
  }
  EXPECT_EQ(truncated_rejected, 667);
  // Flipped header bits (codec id, widths, lengths) are caught by the decoder's own checks.
  EXPECT_GT(flipped_rejected, 0);
  EXPECT_EQ(flipped_rejected + flipped_decoded, 1333);
}

}  // namespace
}  // namespace yunhe
