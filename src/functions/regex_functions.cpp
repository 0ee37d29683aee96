// POSIX-style regular expression operators (~, ~*, !~, !~*) and regexp_replace, on std::regex
// (ECMAScript grammar: covers the common subset of PostgreSQL's ARE syntax). Compiled patterns
// are cached per thread, so a column compared against one pattern compiles it once.
#include <regex>
#include <unordered_map>

#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId T = TypeId::kText, B = TypeId::kBool;

const std::regex& Compiled(const std::string& pattern, bool icase) {
  thread_local std::unordered_map<std::string, std::regex> cache[2];
  auto& c = cache[icase];
  auto it = c.find(pattern);
  if (it != c.end()) return it->second;
  if (c.size() > 1024) c.clear();  // bound the cache
  try {
    auto flags = std::regex::ECMAScript | (icase ? std::regex::icase : std::regex::flag_type{});
    return c.emplace(pattern, std::regex(pattern, flags)).first->second;
  } catch (const std::regex_error& e) {
    throw Error(SqlState::kInvalidRegularExpression, fmt::format("invalid regular expression: {}", e.what()));
  }
}

template <bool kICase, bool kNegate>
void MatchKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    bool m = std::regex_search(a[0]->str()[r], Compiled(a[1]->str()[r], kICase));
    o.i64()[r] = m != kNegate;
  });
}

// PostgreSQL writes back-references as \1 and the whole match as \&; ECMAScript uses $1 and $&.
std::string EcmaReplacement(const std::string& pg) {
  std::string out;
  for (size_t k = 0; k < pg.size(); ++k) {
    if (pg[k] == '\\' && k + 1 < pg.size()) {
      char c = pg[k + 1];
      if (isdigit((unsigned char)c)) { out += '$'; out += c; ++k; continue; }
      if (c == '&') { out += "$&"; ++k; continue; }
      if (c == '\\') { out += '\\'; ++k; continue; }
    }
    if (pg[k] == '$') out += "$$";
    else out += pg[k];
  }
  return out;
}

void Replace(Args a, size_t n, Vector& o, bool has_flags) {
  ForEachValid(o, n, [&](size_t r) {
    std::string flags = has_flags ? a[3]->str()[r] : "";
    bool global = flags.find('g') != std::string::npos;
    bool icase = flags.find('i') != std::string::npos;
    auto mode = global ? std::regex_constants::format_default : std::regex_constants::format_first_only;
    o.str()[r] = std::regex_replace(a[0]->str()[r], Compiled(a[1]->str()[r], icase), EcmaReplacement(a[2]->str()[r]), mode);
  });
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry& r) {
  AddScalar(r, "~", {T, T}, B, MatchKernel<false, false>, "matches regular expression", "'yunhe' ~ '^yun'");
  AddScalar(r, "~*", {T, T}, B, MatchKernel<true, false>, "matches regular expression, case-insensitively", "'YUNHE' ~* '^yun'");
  AddScalar(r, "!~", {T, T}, B, MatchKernel<false, true>, "does not match regular expression", "'yunhe' !~ '^x'");
  AddScalar(r, "!~*", {T, T}, B, MatchKernel<true, true>, "does not match, case-insensitively", "'YUNHE' !~* '^x'");
  AddScalar(r, "regexp_replace", {T, T, T}, T, [](Args a, size_t n, Vector& o) { Replace(a, n, o, false); },
            "replace the first match", "regexp_replace('robot-17', '[0-9]+', 'N') → robot-N");
  AddScalar(r, "regexp_replace", {T, T, T, T}, T, [](Args a, size_t n, Vector& o) { Replace(a, n, o, true); },
            "replace matches; flags g (all), i (ignore case)", "regexp_replace('a1b22', '[0-9]', '#', 'g') → a#b##");
}

}  // namespace yunhe
