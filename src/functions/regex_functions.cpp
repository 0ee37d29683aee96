// POSIX-style regular expression operators (~, ~*, !~, !~*), SIMILAR TO (similar_to_escape) and
// PostgreSQL's regexp_* functions, on PCRE2 (functions/regex_engine.h: the common subset of
// PostgreSQL's ARE syntax). Compiled patterns are cached per thread, so a column compared
// against one pattern compiles it once. Positions and lengths count characters (UTF-8), as
// PostgreSQL's do.
#include <cstring>

#include "functions/array_value.h"
#include "functions/function.h"
#include "functions/kernel_util.h"
#include "functions/regex_engine.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId T = TypeId::kText, B = TypeId::kBool;

const Regex& Compiled(const std::string& pattern, bool icase, bool newline = false) {
  return Regex::Get(pattern, Regex::Options{icase, newline});
}

template <bool kICase, bool kNegate>
void MatchKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    bool m = Compiled(a[1]->str()[r], kICase).Matches(a[0]->str()[r]);
    o.i64()[r] = m != kNegate;
  });
}

// PostgreSQL's flag letters (9.7.3, Table 9.24) as far as this engine honours them: i / c case,
// n / m / p / w newline-sensitive, s / t / b / e the defaults, x expanded syntax, q a literal
// pattern, g every match (where the function allows it).
struct RegexOptions {
  bool icase = false, newline = false, expanded = false, literal = false, global = false;
};

RegexOptions ParseRegexFlags(const std::string& flags) {
  RegexOptions o;
  for (char c : flags) {
    switch (c) {
      case 'i': o.icase = true; break;
      case 'c': o.icase = false; break;
      case 'n': case 'm': case 'p': case 'w': o.newline = true; break;
      case 's': o.newline = false; break;
      case 'x': o.expanded = true; break;
      case 'q': o.literal = true; break;
      case 'g': o.global = true; break;
      case 't': case 'b': case 'e': break;
      default: throw Error(SqlState::kInvalidParameterValue, fmt::format("invalid regular expression option: \"{}\"", c));
    }
  }
  return o;
}

// The ECMAScript text of a pattern under the options: q escapes every special character; x
// drops white space and #-comments outside bracket expressions (an escaped one stays).
std::string EffectivePattern(const std::string& pattern, const RegexOptions& o) {
  if (o.literal) {
    std::string out;
    for (char c : pattern) {
      if (strchr("\\^$.|?*+()[]{}", c) && c != '\0') out += '\\';
      out += c;
    }
    return out;
  }
  if (!o.expanded) return pattern;
  std::string out;
  bool bracket = false;
  for (size_t k = 0; k < pattern.size(); ++k) {
    const char c = pattern[k];
    if (c == '\\' && k + 1 < pattern.size()) {
      out += c;
      out += pattern[++k];
    } else if (bracket) {
      out += c;
      if (c == ']') bracket = false;
    } else if (c == '[') {
      bracket = true;
      out += c;
    } else if (c == '#') {
      while (k + 1 < pattern.size() && pattern[k + 1] != '\n') ++k;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
  return out;
}

const Regex& CompiledWith(const std::string& pattern, const RegexOptions& o) {
  return Compiled(EffectivePattern(pattern, o), o.icase, o.newline);
}

void RefuseGlobal(const RegexOptions& o, const char* function, bool hint_matches = false) {
  if (!o.global) return;
  Status st = Status::Error(SqlState::kInvalidParameterValue, fmt::format("{}() does not support the \"global\" option", function));
  if (hint_matches) st = st.WithHint("Use the regexp_matches function instead.");
  throw Error(st);
}

[[noreturn]] void BadParameter(const char* name, int64_t v) {
  throw Error(SqlState::kInvalidParameterValue, fmt::format("invalid value for parameter \"{}\": {}", name, v));
}

size_t CharsIn(const char* b, const char* e) {
  size_t n = 0;
  for (; b < e; ++b) n += (uint8_t(*b) & 0xC0) != 0x80;
  return n;
}

// Byte offset of the character `chars` (0-based) of s; s.size() when past its end.
size_t ByteOfChar(const std::string& s, int64_t chars) {
  size_t k = 0;
  for (; k < s.size() && chars > 0; --chars) {
    ++k;
    while (k < s.size() && (uint8_t(s[k]) & 0xC0) == 0x80) ++k;
  }
  return k;
}

// Calls fn(match) for each match of re in s from byte `from`, left to right without overlap,
// until fn returns false. A match of no characters moves the next search one character on.
// ignore_degenerate (regexp_split_*): an empty match at the start or end of s, or right after
// the previous match, is skipped, as PostgreSQL's setup_regexp_matches does.
template <class Fn>
void ForEachMatch(const std::string& s, size_t from, const Regex& re, bool ignore_degenerate, Fn&& fn) {
  size_t search = from, previous_end = from;
  Regex::Match m;
  while (search <= s.size()) {
    if (!re.Search(s, search, &m)) return;
    const size_t so = m.begin(0), eo = m.end(0);
    if (!ignore_degenerate || (so < s.size() && eo > previous_end)) {
      if (!fn(m)) return;
      previous_end = eo;
    }
    search = eo;
    if (so == eo) {
      if (search >= s.size()) return;
      ++search;
      while (search < s.size() && (uint8_t(s[search]) & 0xC0) == 0x80) ++search;
    }
  }
}

// regexp_replace(source, pattern, replacement [, start [, N]] [, flags]): from character start
// on, the N-th match replaced (every one with N = 0; without N the first, or every one with
// flag g); in the replacement \1..\9 are the parenthesized parts, \& the whole match, \\ a
// backslash. `layout`: which of start, N and flags the signature has.
enum ReplaceArgs { kPlain, kFlags, kStart, kStartN, kStartNFlags };

template <ReplaceArgs kLayout>
void Replace(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const size_t flags_at = kLayout == kFlags ? 3 : kLayout == kStartNFlags ? 5 : 0;
    const RegexOptions opt = ParseRegexFlags(flags_at ? a[flags_at]->str()[r] : std::string());
    const int64_t start = kLayout >= kStart ? a[3]->i64()[r] : 1;
    const int64_t nth = kLayout >= kStartN ? a[4]->i64()[r] : opt.global ? 0 : 1;
    if (start <= 0) BadParameter("start", start);
    if (nth < 0) BadParameter("n", nth);
    const std::string& s = a[0]->str()[r];
    const std::string& with = a[2]->str()[r];
    std::string out;
    size_t copied = 0;
    int64_t seen = 0;
    ForEachMatch(s, ByteOfChar(s, start - 1), CompiledWith(a[1]->str()[r], opt), false, [&](const Regex::Match& m) {
      if (nth > 0 && ++seen < nth) return true;
      out.append(s, copied, m.begin(0) - copied);
      for (size_t k = 0; k < with.size(); ++k) {
        const char c = with[k];
        if (c == '\\' && k + 1 < with.size()) {
          const char next = with[k + 1];
          if (next >= '1' && next <= '9') {
            const size_t g = size_t(next - '0');
            if (g < m.groups() && m.matched(g)) out.append(s, m.begin(g), m.end(g) - m.begin(g));
            ++k;
            continue;
          }
          if (next == '&') {
            out.append(s, m.begin(0), m.end(0) - m.begin(0));
            ++k;
            continue;
          }
          if (next == '\\') {
            out += '\\';
            ++k;
            continue;
          }
        }
        out += c;
      }
      copied = m.end(0);
      return nth == 0;
    });
    out.append(s, copied, std::string::npos);
    o.str()[r] = std::move(out);
  });
}

Value GroupText(const std::string& s, const Regex::Match& m, size_t g) {
  return m.matched(g) ? Value::Text(m.str(s, g)) : Value::Null(TypeId::kText);
}

// A match's parenthesized parts, or the whole match when the pattern has none.
std::vector<Value> Parts(const std::string& s, const Regex::Match& m) {
  std::vector<Value> parts;
  if (m.groups() == 1) parts.push_back(GroupText(s, m, 0));
  for (size_t g = 1; g < m.groups(); ++g) parts.push_back(GroupText(s, m, g));
  return parts;
}

// The argument at `k` when the call has it, else `fallback`.
int64_t IntArg(Args a, size_t k, size_t r, int64_t fallback) { return k < a.size() ? a[k]->i64()[r] : fallback; }
std::string TextArg(Args a, size_t k, size_t r) { return k < a.size() ? a[k]->str()[r] : std::string(); }

// regexp_count(string, pattern [, start [, flags]])
void RegexpCount(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const std::string& s = a[0]->str()[r];
    const int64_t start = IntArg(a, 2, r, 1);
    if (start <= 0) BadParameter("start", start);
    const RegexOptions opt = ParseRegexFlags(TextArg(a, 3, r));
    RefuseGlobal(opt, "regexp_count");
    int64_t count = 0;
    ForEachMatch(s, ByteOfChar(s, start - 1), CompiledWith(a[1]->str()[r], opt), false, [&](const Regex::Match&) { return ++count, true; });
    o.i64()[r] = count;
  });
}

// The n-th match (1-based) of the pattern in s from character `start`; false when there are fewer.
bool NthMatch(const std::string& s, const Regex& re, int64_t start, int64_t nth, Regex::Match* out) {
  int64_t seen = 0;
  bool found = false;
  ForEachMatch(s, ByteOfChar(s, start - 1), re, false, [&](const Regex::Match& m) {
    if (++seen < nth) return true;
    *out = m;
    found = true;
    return false;
  });
  return found;
}

// regexp_instr(string, pattern [, start [, N [, endoption [, flags [, subexpr]]]]])
void RegexpInstr(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const std::string& s = a[0]->str()[r];
    const int64_t start = IntArg(a, 2, r, 1), nth = IntArg(a, 3, r, 1), end_option = IntArg(a, 4, r, 0), sub = IntArg(a, 6, r, 0);
    if (start <= 0) BadParameter("start", start);
    if (nth <= 0) BadParameter("n", nth);
    if (end_option != 0 && end_option != 1) BadParameter("endoption", end_option);
    if (sub < 0) BadParameter("subexpr", sub);
    const RegexOptions opt = ParseRegexFlags(TextArg(a, 5, r));
    RefuseGlobal(opt, "regexp_instr");
    Regex::Match m;
    o.i64()[r] = 0;
    if (!NthMatch(s, CompiledWith(a[1]->str()[r], opt), start, nth, &m) || size_t(sub) >= m.groups() || !m.matched(size_t(sub))) return;
    const size_t at = end_option ? m.end(size_t(sub)) : m.begin(size_t(sub));
    o.i64()[r] = int64_t(CharsIn(s.data(), s.data() + at)) + 1;
  });
}

// regexp_substr(string, pattern [, start [, N [, flags [, subexpr]]]])
void RegexpSubstr(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const std::string& s = a[0]->str()[r];
    const int64_t start = IntArg(a, 2, r, 1), nth = IntArg(a, 3, r, 1), sub = IntArg(a, 5, r, 0);
    if (start <= 0) BadParameter("start", start);
    if (nth <= 0) BadParameter("n", nth);
    if (sub < 0) BadParameter("subexpr", sub);
    const RegexOptions opt = ParseRegexFlags(TextArg(a, 4, r));
    RefuseGlobal(opt, "regexp_substr");
    Regex::Match m;
    if (!NthMatch(s, CompiledWith(a[1]->str()[r], opt), start, nth, &m) || size_t(sub) >= m.groups() || !m.matched(size_t(sub)))
      o.SetNull(r, true);
    else
      o.str()[r] = m.str(s, size_t(sub));
  });
}

// regexp_like(string, pattern [, flags])
void RegexpLike(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const RegexOptions opt = ParseRegexFlags(TextArg(a, 2, r));
    RefuseGlobal(opt, "regexp_like");
    o.i64()[r] = CompiledWith(a[1]->str()[r], opt).Matches(a[0]->str()[r]);
  });
}

// regexp_match(string, pattern [, flags]): the first match's parenthesized parts (the whole
// match when the pattern has none) as text[]; NULL without a match.
void RegexpMatch(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const RegexOptions opt = ParseRegexFlags(TextArg(a, 2, r));
    RefuseGlobal(opt, "regexp_match", true);
    Regex::Match m;
    const std::string& s = a[0]->str()[r];
    if (!CompiledWith(a[1]->str()[r], opt).Search(s, 0, &m)) {
      o.SetNull(r, true);
      return;
    }
    o.SetValue(r, MakeArray(Parts(s, m), o.type()));
  });
}

// __regexp_matches(string, pattern [, flags]): what the set-returning regexp_matches gives, as an
// array of the text forms of its rows' text[] values (the planner unnests it with element type
// text[]): each match's parenthesized parts (or the whole match); every match with flag g.
void RegexpMatchesRows(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const RegexOptions opt = ParseRegexFlags(TextArg(a, 2, r));
    const std::string& s = a[0]->str()[r];
    std::vector<Value> rows;
    ForEachMatch(s, 0, CompiledWith(a[1]->str()[r], opt), false, [&](const Regex::Match& m) {
      rows.push_back(Value::Text(MakeArray(Parts(s, m), ArrayOf(TypeId::kText)).s));
      return opt.global;
    });
    o.SetValue(r, MakeArray(rows, o.type()));
  });
}

// regexp_split_to_array(string, pattern [, flags]): the text between matches.
void RegexpSplitToArray(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const RegexOptions opt = ParseRegexFlags(TextArg(a, 2, r));
    RefuseGlobal(opt, "regexp_split_to_array");
    const std::string& s = a[0]->str()[r];
    std::vector<Value> parts;
    size_t from = 0;
    ForEachMatch(s, 0, CompiledWith(a[1]->str()[r], opt), true, [&](const Regex::Match& m) {
      parts.push_back(Value::Text(s.substr(from, m.begin(0) - from)));
      from = m.end(0);
      return true;
    });
    parts.push_back(Value::Text(s.substr(from)));
    o.SetValue(r, MakeArray(parts, o.type()));
  });
}

// substring(string from pattern): the part the first parenthesized subexpression matched, or the
// whole match when there is none; NULL without a match.
void SubstringRegex(const std::string& s, const Regex& re, Vector& o, size_t r) {
  Regex::Match m;
  if (!re.Search(s, 0, &m)) {
    o.SetNull(r, true);
    return;
  }
  const size_t g = m.groups() > 1 ? 1 : 0;
  if (!m.matched(g)) o.SetNull(r, true);
  else o.str()[r] = m.str(s, g);
}

// similar_to_escape(pattern [, escape]): a SQL SIMILAR TO pattern as a regular expression
// anchored at both ends, PostgreSQL's translation: % any text, _ any character, ( a group
// (non-capturing), the escape character (default \) makes the next one literal, and escape + "
// twice marks the part substring(... SIMILAR ...) returns.
std::string SimilarToRegex(const std::string& pattern, const std::string* escape_text) {
  char escape = '\\';
  bool has_escape = true;
  if (escape_text) {
    if (escape_text->empty()) has_escape = false;
    else if (CharsIn(escape_text->data(), escape_text->data() + escape_text->size()) != 1)
      throw Error(Status::Error(SqlState::kInvalidEscapeSequence, "invalid escape string").WithHint("Escape string must be empty or one character."));
    else if (escape_text->size() != 1)
      throw Error(SqlState::kFeatureNotSupported, "a multi-byte escape character is not supported here");
    else escape = (*escape_text)[0];
  }
  std::string out = "^(?:";
  bool after_escape = false;
  int separators = 0, bracket_depth = 0;
  for (char c : pattern) {
    if (after_escape) {
      if (c == '"' && bracket_depth == 0) {
        if (++separators > 2)
          throw Error(SqlState::kInvalidUseOfEscapeCharacter,
                      "SQL regular expression may not contain more than two escape-double-quote separators");
        out += separators == 1 ? "){1,1}?(" : "){1,1}(?:";
      } else {
        out += '\\';
        out += c;
      }
      after_escape = false;
    } else if (has_escape && c == escape) {
      after_escape = true;
    } else if (bracket_depth > 0) {
      if (c == '\\') out += '\\';
      out += c;
      if (c == ']') --bracket_depth;
    } else if (c == '[') {
      ++bracket_depth;
      out += c;
    } else if (c == '%') {
      out += ".*";
    } else if (c == '_') {
      out += '.';
    } else if (c == '(') {
      out += "(?:";
    } else if (c == '\\' || c == '.' || c == '^' || c == '$') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  out += ")$";
  return out;
}

}  // namespace

void RegisterRegexFunctions(FunctionRegistry& r) {
  AddScalar(r, "~", {T, T}, B, MatchKernel<false, false>, "matches regular expression", "'yunhe' ~ '^yun'");
  AddScalar(r, "~*", {T, T}, B, MatchKernel<true, false>, "matches regular expression, case-insensitively", "'YUNHE' ~* '^yun'");
  AddScalar(r, "!~", {T, T}, B, MatchKernel<false, true>, "does not match regular expression", "'yunhe' !~ '^x'");
  AddScalar(r, "!~*", {T, T}, B, MatchKernel<true, true>, "does not match, case-insensitively", "'YUNHE' !~* '^x'");
  const TypeId I4 = TypeId::kInt32;
  AddScalar(r, "regexp_replace", {T, T, T}, T, Replace<kPlain>, "replace the first match", "regexp_replace('robot-17', '[0-9]+', 'N') → robot-N");
  AddScalar(r, "regexp_replace", {T, T, T, T}, T, Replace<kFlags>, "replace matches; flags g (all), i (ignore case)",
            "regexp_replace('a1b22', '[0-9]', '#', 'g') → a#b##");
  AddScalar(r, "regexp_replace", {T, T, T, I4}, T, Replace<kStart>, "replace the first match from character start",
            "regexp_replace('foobarbaz', 'b..', 'X', 5) → foobarX");
  AddScalar(r, "regexp_replace", {T, T, T, I4, I4}, T, Replace<kStartN>, "replace the N-th match from start (0: every one)",
            "regexp_replace('foobarbaz', 'b..', 'X', 1, 2) → foobarX");
  AddScalar(r, "regexp_replace", {T, T, T, I4, I4, T}, T, Replace<kStartNFlags>, "replace the N-th match from start, with flags",
            "regexp_replace('foobarbaz', 'B..', 'X', 1, 0, 'i') → fooXX");
  // PostgreSQL 15's regexp functions; flags as text, positions in characters.
  const LogicalType TA = ArrayOf(T);
  AddScalar(r, "regexp_count", {T, T}, I4, RegexpCount, "number of matches", "regexp_count('ABCABCAXYaxy', 'A.') → 3");
  AddScalar(r, "regexp_count", {T, T, I4}, I4, RegexpCount, "number of matches from character start", "regexp_count('ABCABCAXYaxy', 'A.', 1) → 3");
  AddScalar(r, "regexp_count", {T, T, I4, T}, I4, RegexpCount, "number of matches, with flags", "regexp_count('ABCABCAXYaxy', 'A.', 1, 'i') → 4");
  for (size_t k = 2; k <= 7; ++k) {
    std::vector<LogicalType> args{T, T, I4, I4, I4, T, I4};
    args.resize(k);
    AddScalar(r, "regexp_instr", args, I4, RegexpInstr, "position of the N-th match (0 when none)",
              "regexp_instr('ABCDEFGHI', '(c..)(...)', 1, 1, 0, 'i', 2) → 6");
  }
  for (size_t k = 2; k <= 6; ++k) {
    std::vector<LogicalType> args{T, T, I4, I4, T, I4};
    args.resize(k);
    AddScalar(r, "regexp_substr", args, T, RegexpSubstr, "text of the N-th match (NULL when none)",
              "regexp_substr('ABCDEFGHI', '(c..)(...)', 1, 1, 'i', 2) → FGH");
  }
  AddScalar(r, "regexp_like", {T, T}, B, RegexpLike, "whether the pattern matches", "regexp_like('Hello World', 'world$', 'i') → t");
  AddScalar(r, "regexp_like", {T, T, T}, B, RegexpLike, "whether the pattern matches, with flags", "regexp_like('Hello World', 'world$', 'i') → t");
  AddScalar(r, "regexp_match", {T, T}, TA, RegexpMatch, "the first match's parenthesized parts", "regexp_match('foobarbequebaz', '(bar)(beque)') → {bar,beque}");
  AddScalar(r, "regexp_match", {T, T, T}, TA, RegexpMatch, "the first match's parenthesized parts, with flags", "regexp_match('FOO', 'o+', 'i') → {OO}");
  AddScalar(r, "regexp_split_to_array", {T, T}, TA, RegexpSplitToArray, "split at matches", "regexp_split_to_array('hello world', '\\s+') → {hello,world}");
  AddScalar(r, "regexp_split_to_array", {T, T, T}, TA, RegexpSplitToArray, "split at matches, with flags", "regexp_split_to_array('aXbxc', 'x', 'i') → {a,b,c}");
  AddScalar(r, "__regexp_matches", {T, T}, TA, RegexpMatchesRows, "", "");
  AddScalar(r, "__regexp_matches", {T, T, T}, TA, RegexpMatchesRows, "", "");
  AddScalar(r, "substring", {T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { SubstringRegex(a[0]->str()[r], Compiled(a[1]->str()[r], false), o, r); });
  }, "the part matching a POSIX regular expression (its first parenthesized part if it has one)", "substring('Thomas' from '...$') → mas");
  AddScalar(r, "substring", {T, T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { SubstringRegex(a[0]->str()[r], Compiled(SimilarToRegex(a[1]->str()[r], &a[2]->str()[r]), false), o, r); });
  }, "the part of a SIMILAR TO match between the escape-double-quote separators", "substring('foobar' similar '%#\"o_b#\"%' escape '#') → oob");
  AddScalar(r, "similar_to_escape", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = SimilarToRegex(a[0]->str()[r], nullptr); });
  }, "a SIMILAR TO pattern as a POSIX regular expression", "similar_to_escape('a%') → ^(?:a.*)$");
  AddScalar(r, "similar_to_escape", {T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = SimilarToRegex(a[0]->str()[r], &a[1]->str()[r]); });
  }, "a SIMILAR TO pattern with an escape character as a POSIX regular expression", "similar_to_escape('a#%', '#') → ^(?:a\\%)$");
}

}  // namespace yunhe
