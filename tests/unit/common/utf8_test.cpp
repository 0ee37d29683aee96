#include "common/utf8.h"

#include <gtest/gtest.h>

using namespace yunhe;
using namespace std::string_literals;

TEST(Utf8, AcceptsValidText) {
  EXPECT_EQ(FindInvalidUtf8(""), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("plain ascii text, longer than eight bytes"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("運河 café ☃ 𝄞"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xf4\x8f\xbf\xbf"), std::string_view::npos);  // U+10FFFF
  EXPECT_TRUE(CheckUtf8("北斗").ok());
}

TEST(Utf8, FindsTheFirstBadSequence) {
  EXPECT_EQ(FindInvalidUtf8("abc\xff"), 3u);
  EXPECT_EQ(FindInvalidUtf8("0123456789\x80"), 10u);           // stray continuation byte
  EXPECT_EQ(FindInvalidUtf8("\xc0\xaf"), 0u);                  // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xe0\x80\xaf"), 0u);              // overlong, three bytes
  EXPECT_EQ(FindInvalidUtf8("ok \xed\xa0\x80"), 3u);           // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);          // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("运\xe6\xb2"), 3u);                // truncated at the end
  EXPECT_EQ(FindInvalidUtf8("\xe2\x28\xa1"), 0u);              // bad continuation
  EXPECT_EQ(FindInvalidUtf8("abcdefgh\0ij"s), 8u);             // NUL, as PostgreSQL refuses it
}

TEST(Utf8, MessageAsPostgreSQL) {
  EXPECT_EQ(InvalidUtf8Message("\xff", 0), "invalid byte sequence for encoding \"UTF8\": 0xff");
  EXPECT_EQ(InvalidUtf8Message("x\xe2\x28\xa1", 1), "invalid byte sequence for encoding \"UTF8\": 0xe2 0x28 0xa1");
  EXPECT_EQ(InvalidUtf8Message("\xe6\xb2", 0), "invalid byte sequence for encoding \"UTF8\": 0xe6 0xb2");
  Status st = CheckUtf8("a\xfe");
  EXPECT_EQ(st.sqlstate(), "22021");
}
