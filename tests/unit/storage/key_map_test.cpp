// KeyMap128 (storage/key_map.h) against std::unordered_map under random sets, overwrites and
// conditional erases, through growth and tombstone reuse.
#include <gtest/gtest.h>

#include <random>
#include <unordered_map>

#include "storage/key_map.h"

namespace yunhe {
namespace {

TEST(KeyMap128, MatchesAReferenceMap) {
  KeyMap128 map;
  std::unordered_map<uint64_t, uint64_t> reference;
  std::mt19937_64 rng(7);
  // Keys from a small range so that sets overwrite and erases hit; digests as DigestKey makes them.
  auto digest = [](uint64_t k) { return DigestKey(std::string(reinterpret_cast<const char*>(&k), sizeof k)); };
  for (int step = 0; step < 200000; ++step) {
    const uint64_t k = rng() % 5000, row = rng() & KeyMap128::kMaxRow;
    switch (rng() % 3) {
      case 0:
      case 1:
        map.Set(digest(k), row);
        reference[k] = row;
        break;
      default: {
        // EraseIf only removes the key while it still maps to that row.
        auto it = reference.find(k);
        const uint64_t stored = it == reference.end() ? 0 : it->second;
        const bool same = rng() % 2;
        map.EraseIf(digest(k), same ? stored : stored + 1);
        if (same && it != reference.end()) reference.erase(it);
      }
    }
    if (step % 997 == 0) {
      ASSERT_EQ(map.size(), reference.size());
      for (uint64_t q = 0; q < 5000; q += 7) {
        uint64_t got = 0;
        const bool found = map.Find(digest(q), &got);
        auto it = reference.find(q);
        ASSERT_EQ(found, it != reference.end()) << q;
        if (found) {
          ASSERT_EQ(got, it->second);
        }
      }
    }
  }
  map.Clear();
  EXPECT_EQ(map.size(), 0u);
  uint64_t row = 0;
  EXPECT_FALSE(map.Find(digest(1), &row));
  map.Reserve(100000);
  for (uint64_t k = 0; k < 100000; ++k) map.Set(digest(k), k);
  for (uint64_t k = 0; k < 100000; k += 999) {
    EXPECT_TRUE(map.Find(digest(k), &row));
    EXPECT_EQ(row, k);
  }
  // Remapped rows are found at their new ids.
  EXPECT_TRUE(map.RemapRows([](uint64_t r) { return r + 1; }));
  for (uint64_t k = 0; k < 100000; k += 999) {
    EXPECT_TRUE(map.Find(digest(k), &row));
    EXPECT_EQ(row, k + 1);
  }
  EXPECT_EQ(map.bytes() % 24, 0u);
}

}  // namespace
}  // namespace yunhe
