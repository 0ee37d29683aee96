// DigestRowKeys (common/row_key.h) builds keys of integer and text cells in a stack buffer and
// takes AppendKeyCell for the rest: every row's digest must be DigestKey of AppendKeyCell of
// each column, whatever the types, NULLs and lengths (past the buffer too).
#include "common/row_key.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/value.h"

namespace yunhe {
namespace {

KeyDigest OneByOne(const std::vector<const Vector*>& columns, size_t row) {
  std::string key;
  for (const Vector* v : columns) AppendKeyCell(*v, row, key);
  return DigestKey(key);
}

TEST(RowKey, DigestRowKeysEqualsAppendKeyCellAndDigestKey) {
  Vector ints(LogicalType(TypeId::kInt64)), texts(LogicalType(TypeId::kText)), times(LogicalType(TypeId::kTimestampTz)),
      floats(LogicalType(TypeId::kFloat64)), spans(LogicalType(TypeId::kInterval));
  const size_t n = 200;
  for (size_t r = 0; r < n; ++r) {
    ints.Append(r % 7 == 0 ? Value::Null(LogicalType(TypeId::kInt64)) : Value::Int(int64_t(r) * 1000003 - 5));
    // Lengths up to 600 bytes: some keys do not fit the 256-byte buffer.
    texts.Append(r % 11 == 0 ? Value::Null(LogicalType(TypeId::kText)) : Value::Text(std::string(r * 3 % 600, char('a' + r % 26))));
    times.Append(Value::Time(int64_t(r) << 33, TypeId::kTimestampTz));
    floats.Append(r % 5 == 0 ? Value::Float(-0.0) : Value::Float(double(r) / 3));
    Interval iv;
    iv.days = int32_t(r);
    spans.Append(Value::Span(iv));
  }
  const std::vector<std::vector<const Vector*>> keys = {
      {&texts, &times}, {&ints}, {&texts}, {&times, &texts, &ints}, {&texts, &floats}, {&spans, &texts}, {&texts, &texts, &texts}};
  for (size_t k = 0; k < keys.size(); ++k) {
    SCOPED_TRACE("key " + std::to_string(k));
    std::vector<KeyDigest> got(n - 3);
    DigestRowKeys(keys[k], 3, n, got.data());
    for (size_t r = 3; r < n; ++r) EXPECT_EQ(got[r - 3], OneByOne(keys[k], r)) << "row " << r;
  }
  // Different values give different digests (the key bytes differ).
  std::vector<KeyDigest> a(1), b(1);
  DigestRowKeys({&texts, &times}, 1, 2, a.data());
  DigestRowKeys({&texts, &times}, 2, 3, b.data());
  EXPECT_FALSE(a[0] == b[0]);
}

}  // namespace
}  // namespace yunhe
