// SQL LIKE / ILIKE matching with % and _ wildcards and backslash escape (PostgreSQL 9.7.1).
#pragma once
#include <string>

#include <string_view>
#include <vector>

namespace yunhe {
bool LikeMatch(const std::string& text, const std::string& pattern, bool case_insensitive);

// LIKE over a column, the pattern taken apart once while it stays the same (it is a constant
// in nearly every query): a case-sensitive pattern of literal runs between % signs ('%green%',
// 'PROMO%', '%special%requests%') is a prefix check, a suffix check and substring searches in
// order; anything else (_, escapes, ILIKE) goes through LikeMatch.
class LikeMatcher {
 public:
  bool Match(const std::string& text, const std::string& pattern, bool case_insensitive);

 private:
  void Compile(const std::string& pattern, bool case_insensitive);
  std::string pattern_;
  bool compiled_ = false, case_insensitive_ = false, simple_ = false;
  std::string prefix_, suffix_;       // anchored ends ('' when the pattern starts/ends with %)
  std::vector<std::string> middle_;   // runs between % signs, found in order
  bool exact_ = false;                // no % at all: the text equals prefix_
};
}  // namespace yunhe
