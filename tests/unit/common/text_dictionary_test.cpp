// Dictionaries of text vectors (common/text_dictionary.h): built right, carried by the operations
// that keep rows as they are, dropped by every write.
#include "common/text_dictionary.h"

#include <gtest/gtest.h>

#include "common/vector.h"

namespace yunhe {
namespace {

Vector Texts(std::initializer_list<const char*> xs) {
  Vector v(LogicalType(TypeId::kText));
  for (const char* x : xs) v.Append(x ? Value::Text(x) : Value::Null(LogicalType(TypeId::kText)));
  return v;
}

// Every non-NULL row's value is its code's dictionary value.
void ExpectCodesMatch(const Vector& v) {
  ASSERT_NE(v.dictionary(), nullptr);
  for (size_t r = 0; r < v.size(); ++r) {
    if (v.IsNull(r)) continue;
    ASSERT_LT(v.codes()[r], v.dictionary()->size());
    EXPECT_EQ(v.dictionary()->values[v.codes()[r]], v.str()[r]) << "row " << r;
  }
}

TEST(TextDictionary, DistinctValuesInFirstSeenOrderWithTheirHashes) {
  Vector v = Texts({"b", "a", nullptr, "b", "b", "c", "a"});
  DictionaryCodes d = BuildTextDictionary(v, v.size(), 16);
  ASSERT_NE(d.dictionary, nullptr);
  EXPECT_EQ(d.dictionary->values, (std::vector<std::string>{"b", "a", "c"}));
  for (size_t k = 0; k < 3; ++k) EXPECT_EQ(d.dictionary->hashes[k], TextDictionary::Hash(d.dictionary->values[k]));
  EXPECT_EQ(d.codes, (std::vector<uint32_t>{0, 1, 0, 0, 0, 2, 1}));
  v.SetDictionary(d);
  ExpectCodesMatch(v);
}

TEST(TextDictionary, GivesUpPastTheLimit) {
  Vector v = Texts({"a", "b", "c", "d"});
  EXPECT_EQ(BuildTextDictionary(v, 4, 3).dictionary, nullptr);
  EXPECT_NE(BuildTextDictionary(v, 4, 4).dictionary, nullptr);
  EXPECT_EQ(BuildTextDictionary(Vector(LogicalType(TypeId::kInt64)), 0, 4).dictionary, nullptr);
}

TEST(TextDictionary, WritesDropItAndRowOperationsCarryIt) {
  Vector v = Texts({"x", "y", nullptr, "x", "z"});
  v.SetDictionary(BuildTextDictionary(v, v.size(), 8));
  Vector g = v.Gather({4, 0, 3});
  ExpectCodesMatch(g);
  EXPECT_EQ(g.str()[0], "z");
  Vector s = v;
  s.Select({1, 2, 4});
  ExpectCodesMatch(s);
  Vector sl = v.Slice(1, 3);
  ASSERT_EQ(sl.size(), 3u);
  ExpectCodesMatch(sl);
  EXPECT_TRUE(sl.IsNull(1));

  // Each write makes the codes unreliable, so each one drops them.
  auto dropped = [&](auto&& write) {
    Vector w = v;
    write(w);
    return w.dictionary() == nullptr && w.codes() == nullptr;
  };
  EXPECT_TRUE(dropped([](Vector& w) { w.str()[0] = "q"; }));
  EXPECT_TRUE(dropped([](Vector& w) { w.SetValue(1, Value::Text("q")); }));
  EXPECT_TRUE(dropped([](Vector& w) { w.SetNull(2, false); }));
  EXPECT_TRUE(dropped([](Vector& w) { w.Append(Value::Text("x")); }));
  EXPECT_TRUE(dropped([&](Vector& w) { w.AppendFrom(v, 0); }));
  EXPECT_TRUE(dropped([&](Vector& w) { w.AppendRange(v, 0, 2); }));
  EXPECT_TRUE(dropped([](Vector& w) { w.Resize(2); }));
  EXPECT_TRUE(dropped([](Vector& w) { w.nulls()[0] = 1; }));
  EXPECT_TRUE(dropped([](Vector& w) { w.set_type(LogicalType(TypeId::kInt64)); }));
  // Reading through a const view keeps them; the original is untouched by its copies' writes.
  EXPECT_FALSE(dropped([](Vector& w) { (void)std::as_const(w).str(); }));
  ExpectCodesMatch(v);
}

TEST(TextDictionary, ATextConstantIsOneValue) {
  Vector c = Vector::Constant(Value::Text("hour"), LogicalType(TypeId::kText), 100);
  ASSERT_NE(c.dictionary(), nullptr);
  EXPECT_EQ(c.dictionary()->values, std::vector<std::string>{"hour"});
  ExpectCodesMatch(c);
  Vector null = Vector::Constant(Value::Null(LogicalType(TypeId::kText)), LogicalType(TypeId::kText), 10);
  EXPECT_EQ(null.dictionary(), nullptr);
}

}  // namespace
}  // namespace yunhe
