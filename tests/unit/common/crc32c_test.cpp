#include <gtest/gtest.h>

#include "common/crc32c.h"

namespace yunhe {
// RFC 3720 B.4 test vectors for CRC-32C.
TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(Crc32c("123456789", 9), 0xE3069283u);
  std::string zeros(32, '\0');
  EXPECT_EQ(Crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  std::string ones(32, '\xff');
  EXPECT_EQ(Crc32c(ones.data(), ones.size()), 0x62A8AB43u);
}
TEST(Crc32c, Incremental) {
  EXPECT_EQ(Crc32c("6789", 4, Crc32c("12345", 5)), Crc32c("123456789", 9));
}
}  // namespace yunhe
