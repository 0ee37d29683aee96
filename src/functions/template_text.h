// What the template readers of to_char / to_date / to_number share: PostgreSQL matches most
// template patterns (and month names in input) in any letter case.
#pragma once
#include <cctype>
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

}  // namespace yunhe
