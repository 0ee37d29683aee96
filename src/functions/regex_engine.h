// Regular expressions for ~, SIMILAR TO and the regexp_* functions, on PCRE2. Its matcher keeps
// backtracking state on the heap, not the stack, so a long subject cannot overflow the stack
// (std::regex recursed per character and took the process down on a 40 KB string); a match that
// would need more than a fixed budget of memory or steps fails the statement instead (54000).
// Patterns are read as PostgreSQL's advanced expressions in their common subset: POSIX bracket
// classes, \d \w \s, lazy quantifiers, lookahead, back references; `.` matches a newline unless
// the pattern is newline-sensitive (flag n), as in PostgreSQL. Offsets are bytes of UTF-8 text.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace yunhe {

class Regex {
 public:
  struct Options {
    bool icase = false;
    bool newline = false;  // newline-sensitive: ^ and $ at line ends, `.` not matching a newline
  };
  // The compiled pattern (cached per thread); 2201B "invalid regular expression: ..." if it does
  // not compile.
  static const Regex& Get(const std::string& pattern, Options options);

  // The groups of one match: group 0 is the whole match; a group that took no part is (-1, -1).
  struct Match {
    std::vector<long> offsets;  // begin, end per group
    size_t groups() const { return offsets.size() / 2; }
    bool matched(size_t g) const { return offsets[2 * g] >= 0; }
    size_t begin(size_t g) const { return size_t(offsets[2 * g]); }
    size_t end(size_t g) const { return size_t(offsets[2 * g + 1]); }
    std::string str(const std::string& s, size_t g) const { return matched(g) ? s.substr(begin(g), end(g) - begin(g)) : std::string(); }
  };
  // The first match in s starting at byte `from` or later (what is before `from` still counts for
  // anchors and lookbehind); false when there is none.
  bool Search(const std::string& s, size_t from, Match* m) const;
  bool Matches(const std::string& s) const;

  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;
  ~Regex();

 private:
  Regex() = default;
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace yunhe
