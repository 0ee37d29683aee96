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

TEST(VectorAllNull, PlaceholdersStayKnownNullUntilWritten) {
  Vector p = Vector::Nulls(LogicalType(TypeId::kNumeric, 15, 2), kChunkRows);
  EXPECT_TRUE(p.AllNull());
  Vector cut = p.Gather({3, 7, 9});
  EXPECT_TRUE(cut.AllNull());
  ASSERT_EQ(cut.size(), 3u);
  EXPECT_TRUE(cut.IsNull(0) && cut.IsNull(2));
  p.Select({1, 2});
  EXPECT_TRUE(p.AllNull());
  EXPECT_EQ(p.size(), 2u);
  // Any write that may store a value ends it; the shared placeholder stays NULL.
  Vector w = Vector::Nulls(TypeId::kInt64, kChunkRows);
  w.SetValue(5, Value::Int(42));
  EXPECT_FALSE(w.AllNull());
  EXPECT_EQ(w.Gather({5}).GetValue(0).i, 42);
  EXPECT_TRUE(Vector::Nulls(TypeId::kInt64, kChunkRows).IsNull(5));
  Vector v = Vector::Nulls(TypeId::kInt64, 3);
  v.nulls()[1] = 0;
  v.i64()[1] = 7;
  EXPECT_FALSE(v.AllNull());
  EXPECT_EQ(v.Gather({1}).GetValue(0).i, 7);
  EXPECT_TRUE(Vector::Nulls(TypeId::kInt64, 3).IsNull(1));  // the per-thread cached one
  Vector a = Vector::Nulls(TypeId::kInt64, 2);
  a.AppendRange(Ints({1, 2}), 0, 2);
  EXPECT_FALSE(a.AllNull());
  ASSERT_EQ(a.size(), 4u);
  EXPECT_TRUE(a.IsNull(1));
  EXPECT_EQ(a.Gather({3}).GetValue(0).i, 2);
  // A short placeholder shares the full one's values: appends and resizes still line up.
  Vector t = Vector::Nulls(TypeId::kText, 5);
  t.Append(Value::Text("x"));
  t.AppendFrom(t, 5);
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t.GetValue(6).s, "x");
  EXPECT_TRUE(t.IsNull(4));
  Vector r = Vector::Nulls(TypeId::kInt64, 7);
  r.Resize(9);
  r.SetValue(8, Value::Int(3));
  EXPECT_EQ(r.GetValue(8).i, 3);
  EXPECT_TRUE(r.IsNull(7));
  EXPECT_FALSE(Ints({1}).AllNull());
}

}  // namespace
}  // namespace yunhe
