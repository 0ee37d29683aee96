// The buffer pool shares memory_limit with the resident tail (storage/buffer_pool.h, design 3):
// a reservation evicts least recently used blocks down to what is left, never below an eighth
// of the limit, and lifting it lets the pool grow back.
#include <gtest/gtest.h>

#include "common/memory_limit.h"
#include "common/value.h"
#include "storage/buffer_pool.h"

namespace yunhe {
namespace {

struct SmallLimit {
  uint64_t saved = MemoryLimitBytes();
  explicit SmallLimit(uint64_t bytes) { SetMemoryLimitBytes(bytes); }
  ~SmallLimit() {
    BufferPool::Instance().SetReserved(0);
    SetMemoryLimitBytes(saved);
  }
};

// 64 KiB of doubles and flags per block.
Vector Block() { return Vector::Constant(Value::Float(1.5), LogicalType(TypeId::kFloat64), 7000); }

constexpr uint64_t kPart = 0xB0F0'0001;  // a part id no real part gets in this test binary

TEST(BufferPool, SharesTheLimitWithTheResidentTail) {
  SmallLimit limit(8ull << 20);
  BufferPool& pool = BufferPool::Instance();
  pool.Forget(kPart);
  pool.SetReserved(0);
  const uint64_t block = BufferPool::VectorBytes(Block());
  for (uint64_t b = 0; b < 200; ++b) pool.Insert(kPart, b, Block());  // ~12 MiB offered
  EXPECT_LE(pool.used(), 8ull << 20);
  EXPECT_GE(pool.used(), (8ull << 20) - block);
  Vector v;
  EXPECT_TRUE(pool.Lookup(kPart, 199, &v));   // the newest stayed
  EXPECT_FALSE(pool.Lookup(kPart, 0, &v));    // the oldest went first

  pool.SetReserved(6ull << 20);  // the tail now holds 6 MiB: the pool keeps 2
  EXPECT_LE(pool.used(), 2ull << 20);
  EXPECT_EQ(pool.budget(), 2ull << 20);
  EXPECT_TRUE(pool.Lookup(kPart, 199, &v));

  pool.SetReserved(100ull << 20);  // a tail past the limit: the pool still keeps an eighth
  EXPECT_EQ(pool.budget(), 1ull << 20);
  EXPECT_LE(pool.used(), 1ull << 20);
  EXPECT_GE(pool.used(), (1ull << 20) - block);

  pool.SetReserved(0);  // sealed: the pool may grow back to the whole limit
  for (uint64_t b = 200; b < 400; ++b) pool.Insert(kPart, b, Block());
  EXPECT_GE(pool.used(), (8ull << 20) - block);
  pool.Forget(kPart);
}

}  // namespace
}  // namespace yunhe
