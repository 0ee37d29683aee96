#include "functions/like.h"

#include <cctype>

#include "common/status.h"

namespace yunhe {
namespace {

bool CharEq(char a, char b, bool ci) {
  return ci ? tolower((unsigned char)a) == tolower((unsigned char)b) : a == b;
}

// Iterative matcher with backtracking to the last %: linear for typical patterns.
bool Match(const char* t, const char* te, const char* p, const char* pe, bool ci) {
  const char* star_p = nullptr;
  const char* star_t = nullptr;
  while (t < te) {
    if (p < pe && *p == '%') {
      while (p < pe && *p == '%') ++p;
      if (p == pe) return true;
      star_p = p;
      star_t = t;
      continue;
    }
    if (p < pe) {
      char pc = *p;
      const char* next = p + 1;
      bool literal = false;
      if (pc == '\\') {
        if (next == pe) throw Error(SqlState::kInvalidParameterValue, "LIKE pattern must not end with escape character");
        pc = *next++;
        literal = true;
      }
      if ((!literal && pc == '_') || CharEq(pc, *t, ci)) {
        // '_' matches one whole UTF-8 character.
        if (!literal && pc == '_') {
          ++t;
          while (t < te && ((unsigned char)*t & 0xC0) == 0x80) ++t;
        } else {
          ++t;
        }
        p = next;
        continue;
      }
    }
    if (!star_p) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pe && *p == '%') ++p;
  return p == pe;
}

}  // namespace

bool LikeMatch(const std::string& text, const std::string& pattern, bool ci) {
  return Match(text.data(), text.data() + text.size(), pattern.data(), pattern.data() + pattern.size(), ci);
}

void LikeMatcher::Compile(const std::string& pattern, bool ci) {
  pattern_ = pattern;
  case_insensitive_ = ci;
  compiled_ = true;
  simple_ = !ci && pattern.find_first_of("_\\") == std::string::npos;
  prefix_.clear();
  suffix_.clear();
  middle_.clear();
  if (!simple_) return;
  std::vector<std::string> runs;  // the text between % signs, empty ones included
  size_t start = 0;
  for (;;) {
    const size_t pct = pattern.find('%', start);
    runs.push_back(pattern.substr(start, pct == std::string::npos ? std::string::npos : pct - start));
    if (pct == std::string::npos) break;
    start = pct + 1;
  }
  exact_ = runs.size() == 1;
  prefix_ = runs.front();
  if (exact_) return;
  suffix_ = runs.back();
  for (size_t k = 1; k + 1 < runs.size(); ++k)
    if (!runs[k].empty()) middle_.push_back(runs[k]);
}

bool LikeMatcher::Match(const std::string& text, const std::string& pattern, bool ci) {
  if (!compiled_ || ci != case_insensitive_ || pattern != pattern_) Compile(pattern, ci);
  if (!simple_) return LikeMatch(text, pattern, ci);
  const std::string_view t(text);
  if (exact_) return t == prefix_;
  // Byte runs of valid UTF-8 match at character boundaries only, so byte search is exact.
  if (t.size() < prefix_.size() + suffix_.size() || t.substr(0, prefix_.size()) != prefix_ ||
      t.substr(t.size() - suffix_.size()) != suffix_)
    return false;
  size_t at = prefix_.size();
  const size_t end = t.size() - suffix_.size();
  for (const std::string& run : middle_) {
    const size_t found = t.substr(0, end).find(run, at);
    if (found == std::string_view::npos) return false;
    at = found + run.size();
  }
  return true;
}

}  // namespace yunhe
