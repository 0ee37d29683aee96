#include <gtest/gtest.h>

#include "common/vector.h"

namespace yunhe {
namespace {

Vector Ints(std::initializer_list<int64_t> xs) {
  Vector v(LogicalType(TypeId::kInt64));
  for (int64_t x : xs) v.Append(Value::Int(x));
  return v;
}

TEST(VectorCopyOnWrite, CopiesShareUntilWritten) {
  Vector a = Ints({1, 2, 3});
  const Vector b = a;
  EXPECT_EQ(static_cast<const Vector&>(a).i64(), b.i64()) << "a copy must not copy the values";
  a.i64()[0] = 10;  // unshares a
  a.SetNull(1, true);
  EXPECT_NE(static_cast<const Vector&>(a).i64(), b.i64());
  EXPECT_EQ(b.GetValue(0).i, 1);
  EXPECT_FALSE(b.IsNull(1));
  EXPECT_EQ(a.GetValue(0).i, 10);
  EXPECT_TRUE(a.IsNull(1));
}

TEST(VectorCopyOnWrite, TextAndSelectLeaveTheSourceAlone) {
  Vector s(LogicalType(TypeId::kText));
  for (const char* x : {"a", "b", "c", "d"}) s.Append(Value::Text(x));
  Vector part = s;
  part.Select({1, 3});
  ASSERT_EQ(part.size(), 2u);
  EXPECT_EQ(part.GetValue(0).s, "b");
  EXPECT_EQ(part.GetValue(1).s, "d");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.GetValue(1).s, "b");
  EXPECT_EQ(s.GetValue(3).s, "d");
  Vector same = s;
  same.Select({0, 1, 2, 3});  // identity: stays shared
  EXPECT_EQ(static_cast<const Vector&>(same).str(), static_cast<const Vector&>(s).str());
}

TEST(VectorCopyOnWrite, ResizeToTheSameSizeKeepsSharing) {
  Vector a = Ints({4, 5});
  Vector b = a;
  b.Resize(2);
  EXPECT_EQ(static_cast<const Vector&>(b).i64(), static_cast<const Vector&>(a).i64());
  b.Resize(3);
  EXPECT_TRUE(b.IsNull(2));
  EXPECT_EQ(a.size(), 2u);
}

TEST(VectorCopyOnWrite, AppendingAVectorToItself) {
  Vector a = Ints({1, 2});
  a.AppendRange(a, 0, 2);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a.GetValue(2).i, 1);
  EXPECT_EQ(a.GetValue(3).i, 2);
  Vector b = a;
  b.AppendRange(a, 1, 1);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(a.size(), 4u);
}

}  // namespace
}  // namespace yunhe
