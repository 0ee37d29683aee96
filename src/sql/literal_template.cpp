#include "sql/literal_template.h"

namespace yunhe {
namespace {

bool IsIdentChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || u >= 0x80;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool MakeLiteralTemplate(std::string_view s, std::string* key, std::vector<LiteralSpan>* literals) {
  key->clear();
  literals->clear();
  key->reserve(s.size());
  const size_t n = s.size();
  size_t i = 0;
  auto verbatim = [&](size_t to) {
    key->append(s.substr(i, to - i));
    i = to;
  };
  while (i < n) {
    const char c = s[i];
    const char prev = i > 0 ? s[i - 1] : ' ';
    if (c == '\x01') return false;  // the key's own mark
    if (c == '-' && i + 1 < n && s[i + 1] == '-') {  // comment to the end of the line
      size_t e = s.find('\n', i);
      verbatim(e == std::string_view::npos ? n : e);
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {  // comments nest
      size_t e = i + 2;
      int depth = 1;
      while (e < n && depth > 0) {
        if (s[e] == '/' && e + 1 < n && s[e + 1] == '*') {
          ++depth;
          e += 2;
        } else if (s[e] == '*' && e + 1 < n && s[e + 1] == '/') {
          --depth;
          e += 2;
        } else {
          ++e;
        }
      }
      verbatim(e);
      continue;
    }
    if (c == '"') {  // quoted identifier; "" inside
      size_t e = i + 1;
      while (e < n && !(s[e] == '"' && (e + 1 >= n || s[e + 1] != '"'))) e += s[e] == '"' ? 2 : 1;
      verbatim(std::min(n, e + 1));
      continue;
    }
    if (c == '\'') {
      // E'..', U&'..', B'..', X'..', N'..': other quoting rules; left to the parser.
      if (IsIdentChar(prev) || prev == '&') return false;
      size_t e = i + 1;
      while (e < n && !(s[e] == '\'' && (e + 1 >= n || s[e + 1] != '\''))) e += s[e] == '\'' ? 2 : 1;
      if (e >= n) return false;  // unterminated: the parser reports it
      literals->push_back(LiteralSpan{int32_t(i), int32_t(e + 1 - i), 's'});
      key->append("\x01s");
      i = e + 1;
      continue;
    }
    if (c == '$') {
      if (IsIdentChar(prev)) {  // inside a name (a$b)
        verbatim(i + 1);
        continue;
      }
      size_t e = i + 1;
      if (e < n && IsDigit(s[e])) {  // $1: a parameter
        while (e < n && IsDigit(s[e])) ++e;
        verbatim(e);
        continue;
      }
      while (e < n && IsIdentChar(s[e]) && s[e] != '$') ++e;
      if (e < n && s[e] == '$') {  // $tag$ ... $tag$, kept as written
        const std::string_view tag = s.substr(i, e + 1 - i);
        const size_t close = s.find(tag, e + 1);
        if (close == std::string_view::npos) return false;
        verbatim(close + tag.size());
        continue;
      }
      verbatim(i + 1);
      continue;
    }
    if (IsDigit(c) && !IsIdentChar(prev) && prev != '.') {
      size_t e = i;
      while (e < n && IsDigit(s[e])) ++e;
      bool integer = true;
      if (e < n && s[e] == '.' && !(e + 1 < n && s[e + 1] == '.')) {
        integer = false;
        ++e;
        while (e < n && IsDigit(s[e])) ++e;
      }
      if (e < n && (s[e] == 'e' || s[e] == 'E')) {
        size_t x = e + 1;
        if (x < n && (s[x] == '+' || s[x] == '-')) ++x;
        if (x >= n || !IsDigit(s[x])) return false;  // 1e, 1e+: the scanner's own business
        integer = false;
        e = x;
        while (e < n && IsDigit(s[e])) ++e;
      }
      if (e < n && (IsIdentChar(s[e]) || s[e] == '.')) return false;  // 123abc, 1.2.3
      char kind = 'n';
      if (integer) {
        // PostgreSQL's scanner makes an ICONST of what fits an int4, an FCONST of the rest.
        size_t first = i;
        while (first + 1 < e && s[first] == '0') ++first;
        const std::string_view digits = s.substr(first, e - first);
        kind = digits.size() < 10 || (digits.size() == 10 && digits <= "2147483647") ? 'i' : 'n';
      }
      literals->push_back(LiteralSpan{int32_t(i), int32_t(e - i), kind});
      key->push_back('\x01');
      key->push_back(kind);
      i = e;
      continue;
    }
    verbatim(i + 1);
  }
  return !literals->empty();
}

int64_t IntegerLiteralValue(std::string_view sql, const LiteralSpan& s) {
  int64_t v = 0;
  for (char ch : sql.substr(size_t(s.begin), size_t(s.length))) v = v * 10 + (ch - '0');
  return v;
}

std::string StringLiteralValue(std::string_view sql, const LiteralSpan& s) {
  std::string out;
  const std::string_view body = sql.substr(size_t(s.begin) + 1, size_t(s.length) - 2);
  out.reserve(body.size());
  for (size_t k = 0; k < body.size(); ++k) {
    out.push_back(body[k]);
    if (body[k] == '\'') ++k;  // '' is one quote
  }
  return out;
}

bool ContainsAnyCaseless(std::string_view text, std::initializer_list<std::string_view> hints) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  bool starts[256] = {};  // bytes a hint may start with, in either case: most bytes skip the hints
  for (std::string_view hint : hints) {
    starts[uint8_t(hint[0])] = true;
    if (hint[0] >= 'a' && hint[0] <= 'z') starts[uint8_t(hint[0] - 'a' + 'A')] = true;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (!starts[uint8_t(text[i])]) continue;
    for (std::string_view hint : hints)
      if (lower(text[i]) == hint[0] && i + hint.size() <= text.size()) {
        size_t k = 1;
        while (k < hint.size() && lower(text[i + k]) == hint[k]) ++k;
        if (k == hint.size()) return true;
      }
  }
  return false;
}

}  // namespace yunhe
