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

}  // namespace yunhe
