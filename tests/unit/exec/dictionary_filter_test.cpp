// Filters and GROUP BY over text vectors that carry a dictionary give exactly what they give
// over the same values without one (exec/evaluate_filter.cpp, exec/aggregate_table.cpp).
#include <gtest/gtest.h>

#include <random>

#include "common/vector.h"
#include "exec/expression_eval.h"

namespace yunhe {
namespace {

const LogicalType kText{TypeId::kText};

// 2048 rows over a few values and NULLs; the same vector with and without its dictionary.
std::pair<Vector, Vector> Column(unsigned seed) {
  const char* values[] = {"host_1", "host_10", "host_2", "", "host_7"};
  std::mt19937 rng(seed);
  Vector v(kText);
  for (size_t r = 0; r < kChunkRows; ++r) {
    const size_t k = rng() % 6;
    v.Append(k == 5 ? Value::Null(kText) : Value::Text(values[k]));
  }
  Vector plain = v;
  plain.DropDictionary();
  v.SetDictionary(BuildTextDictionary(v, v.size(), 64));
  EXPECT_NE(v.dictionary(), nullptr);
  return {v, plain};
}

ExprPtr Compare(const std::string& op, const char* constant) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kFunction;
  e->name = op;
  e->type = LogicalType(TypeId::kBool);
  e->args = {MakeColumn(0, kText, "h"), MakeConstant(Value::Text(constant))};
  return e;
}

ExprPtr InList(bool negated, std::initializer_list<const char*> items) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kInList;
  e->negated = negated;
  e->type = LogicalType(TypeId::kBool);
  e->args = {MakeColumn(0, kText, "h")};
  for (const char* i : items) e->args.push_back(MakeConstant(Value::Text(i)));
  return e;
}

std::vector<uint32_t> Passing(const Expr& e, const Vector& v) {
  DataChunk c;
  c.columns = {v};
  c.count = v.size();
  ExecContext ctx;
  return EvaluateFilter(e, c, ctx);
}

TEST(DictionaryFilter, SameRowsAsWithoutTheDictionary) {
  for (unsigned seed : {1u, 2u, 3u}) {
    auto [coded, plain] = Column(seed);
    for (const char* op : {"=", "<>", "<", "<=", ">", ">="})
      for (const char* k : {"host_1", "host_2", "", "host_9", "zzz"}) {
        const ExprPtr e = Compare(op, k);
        const std::vector<uint32_t> want = Passing(*e, plain);
        EXPECT_EQ(Passing(*e, coded), want) << "h " << op << " '" << k << "'";
        if (std::string(op) == "=" && std::string(k) == "host_1") {
          EXPECT_GT(want.size(), 200u);
        }
      }
    for (bool negated : {false, true}) {
      const ExprPtr e = InList(negated, {"host_10", "host_7", "nope"});
      EXPECT_EQ(Passing(*e, coded), Passing(*e, plain)) << (negated ? "NOT IN" : "IN");
    }
  }
}

TEST(DictionaryFilter, AllNullVectorWithAnEmptyDictionary) {
  Vector v = Vector::Nulls(kText, 100);
  v.SetDictionary(DictionaryCodes{std::make_shared<const TextDictionary>(std::vector<std::string>{}),
                                  std::vector<uint32_t>(100, 0)});
  EXPECT_TRUE(Passing(*Compare("=", "a"), v).empty());
  EXPECT_TRUE(Passing(*InList(true, {"a"}), v).empty());
}

}  // namespace
}  // namespace yunhe
