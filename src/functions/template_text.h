// What the template readers of to_char / to_date / to_number share: PostgreSQL matches most
// template patterns (and month names in input) in any letter case; TH / th add ordinal suffixes.
#pragma once
#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>

namespace yunhe {

// Whether s holds `upper` (written in upper case) at `at`, in any case.
inline bool StartsCaseless(const std::string& s, size_t at, const char* upper) {
  const size_t n = strlen(upper);
  if (at > s.size() || s.size() - at < n) return false;
  for (size_t k = 0; k < n; ++k)
    if (toupper(static_cast<unsigned char>(s[at + k])) != static_cast<unsigned char>(upper[k])) return false;
  return true;
}

// The English ordinal suffix of v (st, nd, rd, th), in upper case for TH.
inline std::string Ordinal(int64_t v, bool upper) {
  const int64_t last2 = (v < 0 ? -v : v) % 100, last = last2 % 10;
  std::string s = last2 >= 11 && last2 <= 13 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
  if (upper)
    for (char& c : s) c = char(toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace yunhe
