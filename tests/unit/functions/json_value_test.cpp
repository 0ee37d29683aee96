// The json/jsonb parser (functions/json_value.h) on mutated input: every string either parses
// or fails with 22P02/22P05 (never a crash or another error), and jsonb's canonical text is a
// fixed point (parsing it again gives the same text), as it must be for `=` on jsonb to work.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/status.h"
#include "functions/json_value.h"

namespace yunhe {
namespace {

const char* const kSeeds[] = {
    R"({"b": 1, "a": [1, 2.50, -0, 1e3, {"c": null}], "aa": "x\ny\u00e9\ud83d\ude00"})",
    R"([true, false, null, "", {}, [], -1.5E-3, 0.0])",
    R"({"k": {"k": {"k": [[[]]]}}, "k": 2})",
    R"("just a string")",
    "12345678901234567890.123",
};

TEST(JsonValue, MutatedInputParsesOrFailsCleanly) {
  std::mt19937 rng(12345);
  const std::string alphabet = "{}[]\",:\\/ tfnule0123456789.-+Eabu\x01\xc3\xa9";
  size_t parsed = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string s = kSeeds[rng() % (sizeof kSeeds / sizeof *kSeeds)];
    for (int edits = int(rng() % 4) + 1; edits > 0; --edits) {
      const size_t at = s.empty() ? 0 : rng() % s.size();
      switch (rng() % 3) {
        case 0: if (!s.empty()) s.erase(at, 1 + rng() % 3); break;
        case 1: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: if (!s.empty()) s[at] = alphabet[rng() % alphabet.size()];
      }
    }
    for (bool jsonb : {false, true}) {
      try {
        const Json v = ParseJson(s, jsonb);
        ++parsed;
        if (jsonb) {
          const std::string text = JsonbText(v);
          EXPECT_EQ(JsonbText(ParseJson(text, true)), text) << "input: " << s;
        }
      } catch (const Error& e) {
        ++refused;
        const std::string code = e.status().sqlstate();
        EXPECT_TRUE(code == SqlState::kInvalidTextRepresentation || code == SqlState::kUntranslatableCharacter ||
                    code == SqlState::kNumericValueOutOfRange)
            << code << " " << e.status().message() << " for " << s;
      }
    }
  }
  EXPECT_GT(parsed, 1000u);
  EXPECT_GT(refused, 1000u);
}

TEST(JsonValue, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_THROW(ParseJson(deep, true), Error);
}

}  // namespace
}  // namespace yunhe
