// PostgreSQL string functions that take text apart or rewrite it character by character:
// string_to_array (and, through the planner, string_to_table), translate, overlay, bit_length,
// parse_ident and unistr. Characters are UTF-8 sequences, as everywhere in this engine.
#include <fmt/format.h>

#include "common/utf8.h"
#include "functions/array_value.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId T = TypeId::kText, I4 = TypeId::kInt32, B = TypeId::kBool;

// Length in bytes of the UTF-8 sequence starting with byte c (1 for a stray continuation byte).
size_t SequenceLength(unsigned char c) { return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// The characters of s, each a view of its bytes.
std::vector<std::string_view> Characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t k = 0; k < s.size();) {
    const size_t n = std::min(SequenceLength(uint8_t(s[k])), s.size() - k);
    out.push_back(s.substr(k, n));
    k += n;
  }
  return out;
}

// string_to_array(text, delimiter [, null_string]): not strict in the delimiter (NULL splits
// into characters) nor in null_string (elements equal to it become NULL).
void StringToArray(Args a, size_t n, Vector& o) {
  for (size_t r = 0; r < n; ++r) {
    if (a[0]->IsNull(r)) {
      o.SetNull(r, true);
      continue;
    }
    const std::string& s = a[0]->str()[r];
    const bool has_null_string = a.size() > 2 && !a[2]->IsNull(r);
    std::vector<Value> parts;
    auto add = [&](std::string_view part) {
      if (has_null_string && part == a[2]->str()[r]) parts.push_back(Value::Null(T));
      else parts.push_back(Value::Text(std::string(part)));
    };
    if (!s.empty()) {
      if (a[1]->IsNull(r)) {
        for (std::string_view c : Characters(s)) add(c);
      } else if (const std::string& d = a[1]->str()[r]; d.empty()) {
        add(s);
      } else {
        size_t from = 0;
        for (size_t at; (at = s.find(d, from)) != std::string::npos; from = at + d.size()) add(std::string_view(s).substr(from, at - from));
        add(std::string_view(s).substr(from));
      }
    }
    o.SetValue(r, MakeArray(parts, o.type()));
  }
}

// translate(string, from, to): each character of string found in `from` becomes the character
// at the same place in `to`, or is dropped when `to` is shorter.
std::string Translate(const std::string& s, const std::string& from, const std::string& to) {
  const std::vector<std::string_view> f = Characters(from), t = Characters(to);
  std::string out;
  for (std::string_view c : Characters(s)) {
    size_t k = 0;
    while (k < f.size() && f[k] != c) ++k;
    if (k == f.size()) out += c;
    else if (k < t.size()) out += t[k];
  }
  return out;
}

// The characters [start, start + count) of s (1-based; PostgreSQL's substring rules).
std::string_view Chars(std::string_view s, int64_t start, int64_t count, bool has_count) {
  if (has_count && count < 0) throw Error(SqlState::kSubstringError, "negative substring length not allowed");
  const std::vector<std::string_view> c = Characters(s);
  const int64_t end = has_count ? start + count : INT64_MAX;
  const int64_t b = std::max<int64_t>(start, 1), e = std::min<int64_t>(end, int64_t(c.size()) + 1);
  if (e <= b) return {};
  const char* first = c[size_t(b - 1)].data();
  const char* last = c[size_t(e - 2)].data() + c[size_t(e - 2)].size();
  return std::string_view(first, size_t(last - first));
}

// overlay(string placing replacement from start [for count]): count defaults to the
// replacement's length.
void Overlay(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t r) {
    const std::string& s = a[0]->str()[r];
    const std::string& with = a[1]->str()[r];
    const int64_t start = a[2]->i64()[r];
    const int64_t count = a.size() > 3 ? a[3]->i64()[r] : int64_t(Characters(with).size());
    int64_t after;
    if (__builtin_add_overflow(start, count, &after)) throw Error(SqlState::kNumericValueOutOfRange, "integer out of range");
    std::string out(Chars(s, 1, start - 1, true));
    out += with;
    out += Chars(s, after, 0, false);
    o.str()[r] = std::move(out);
  });
}

[[noreturn]] void NotIdentifier(const std::string& s, const char* detail = nullptr) {
  Status st = Status::Error(SqlState::kInvalidParameterValue, fmt::format("string is not a valid identifier: \"{}\"", s));
  if (detail) st.WithDetail(detail);
  throw Error(st);
}

bool IdentifierStart(unsigned char c) { return isalpha(c) || c == '_' || c >= 0x80; }
bool IdentifierChar(unsigned char c) { return IdentifierStart(c) || isdigit(c) || c == '$'; }

// parse_ident(qualified_identifier [, strict]): the dot-separated names, quoted ones as
// written (with "" for a quote), unquoted ones folded to lower case.
std::vector<Value> ParseIdent(const std::string& s, bool strict) {
  std::vector<Value> names;
  size_t k = 0;
  auto skip_space = [&] {
    while (k < s.size() && isspace(uint8_t(s[k]))) ++k;
  };
  for (bool after_dot = false;;) {
    skip_space();
    std::string name;
    if (k < s.size() && s[k] == '"') {
      for (++k;; ++k) {
        if (k >= s.size()) NotIdentifier(s, "String has unclosed double quotes.");
        if (s[k] == '"') {
          if (k + 1 < s.size() && s[k + 1] == '"') ++k;
          else break;
        }
        name += s[k];
      }
      ++k;
      if (name.empty()) NotIdentifier(s, "Quoted identifier must not be empty.");
    } else if (k < s.size() && IdentifierStart(uint8_t(s[k]))) {
      for (; k < s.size() && IdentifierChar(uint8_t(s[k])); ++k) name += char(tolower(uint8_t(s[k])));
    } else if (k < s.size() && s[k] == '.') {
      NotIdentifier(s, after_dot ? "No valid identifier after \".\"." : "No valid identifier before \".\".");
    } else if (after_dot) {
      NotIdentifier(s, "No valid identifier after \".\".");
    } else {
      NotIdentifier(s);
    }
    names.push_back(Value::Text(name));
    skip_space();
    if (k < s.size() && s[k] == '.') {
      ++k;
      after_dot = true;
      continue;
    }
    if (k < s.size() && strict) NotIdentifier(s);
    return names;
  }
}

// unistr(text): \XXXX, \+XXXXXX, \uXXXX and \UXXXXXXXX as the characters they name (a UTF-16
// surrogate pair as one), \\ as a backslash.
std::string Unistr(const std::string& s) {
  // PostgreSQL's codes: a malformed escape is a syntax error (42601), a value past Unicode 22023.
  auto invalid = [](const char* message) {
    throw Error(Status::Error(SqlState::kSyntaxError, message)
                    .WithHint("Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX."));
  };
  auto bad_code_point = [](uint32_t c) {
    throw Error(SqlState::kInvalidParameterValue, fmt::format("invalid Unicode code point: {:04X}", c));
  };
  auto hex = [&](size_t at, size_t digits) {
    uint32_t v = 0;
    if (at + digits > s.size()) invalid("invalid Unicode escape");
    for (size_t k = at; k < at + digits; ++k) {
      if (!isxdigit(uint8_t(s[k]))) invalid("invalid Unicode escape");
      v = v * 16 + uint32_t(isdigit(uint8_t(s[k])) ? s[k] - '0' : tolower(uint8_t(s[k])) - 'a' + 10);
    }
    return v;
  };
  std::string out;
  uint32_t high = 0;  // a high surrogate waiting for its pair
  for (size_t k = 0; k < s.size();) {
    if (s[k] != '\\') {
      if (high) invalid("invalid Unicode surrogate pair");
      out += s[k++];
      continue;
    }
    if (k + 1 < s.size() && s[k + 1] == '\\') {
      if (high) invalid("invalid Unicode surrogate pair");
      out += '\\';
      k += 2;
      continue;
    }
    uint32_t c;
    if (k + 1 < s.size() && s[k + 1] == '+') c = hex(k + 2, 6), k += 8;
    else if (k + 1 < s.size() && s[k + 1] == 'u') c = hex(k + 2, 4), k += 6;
    else if (k + 1 < s.size() && s[k + 1] == 'U') c = hex(k + 2, 8), k += 10;
    else c = hex(k + 1, 4), k += 5;
    if (c > 0x10FFFF) bad_code_point(c);
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (high) invalid("invalid Unicode surrogate pair");
      high = c;
      continue;
    }
    if (c >= 0xDC00 && c <= 0xDFFF) {
      if (!high) invalid("invalid Unicode surrogate pair");
      c = 0x10000 + ((high - 0xD800) << 10) + (c - 0xDC00);
      high = 0;
    } else if (high) {
      invalid("invalid Unicode surrogate pair");
    }
    if (c == 0) bad_code_point(c);
    AppendUtf8(c, &out);
  }
  if (high) invalid("invalid Unicode surrogate pair");
  return out;
}

}  // namespace

void RegisterStringSplitFunctions(FunctionRegistry& r) {
  const LogicalType TA = ArrayOf(T);
  for (size_t args : {2, 3}) {
    ScalarFunction f;
    f.name = "string_to_array";
    f.arg_types.assign(args, T);
    f.return_type = TA;
    f.kernel = StringToArray;
    f.strict = false;
    f.description = args == 2 ? "split at each delimiter (NULL: into characters)" : "split, elements equal to null_string as NULL";
    f.example = args == 2 ? "string_to_array('xx~~yy~~zz', '~~') → {xx,yy,zz}" : "string_to_array('a,b,*', ',', '*') → {a,b,NULL}";
    r.AddScalar(f);
  }
  AddScalar(r, "translate", {T, T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Translate(a[0]->str()[r], a[1]->str()[r], a[2]->str()[r]); });
  }, "replace characters of `from` by those of `to` (dropped past its end)", "translate('12345', '143', 'ax') → a2x5");
  AddScalar(r, "overlay", {T, T, I4}, T, Overlay, "replace the characters from start, as many as the replacement has",
            "overlay('Txxxxas' placing 'hom' from 2) → Thomxas");
  AddScalar(r, "overlay", {T, T, I4, I4}, T, Overlay, "replace count characters from start", "overlay('Txxxxas' placing 'hom' from 2 for 4) → Thomas");
  AddScalar(r, "bit_length", {T}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = int64_t(a[0]->str()[r].size()) * 8; });
  }, "number of bits", "bit_length('jose') → 32");
  AddScalar(r, "parse_ident", {T}, TA, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.SetValue(r, MakeArray(ParseIdent(a[0]->str()[r], true), o.type())); });
  }, "split a qualified identifier into its names", "parse_ident('\"SomeSchema\".someTable') → {SomeSchema,sometable}");
  AddScalar(r, "parse_ident", {T, B}, TA, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.SetValue(r, MakeArray(ParseIdent(a[0]->str()[r], a[1]->i64()[r] != 0), o.type())); });
  }, "split a qualified identifier; not strict: text after it is ignored", "parse_ident('a.b c', false) → {a,b}");
  AddScalar(r, "unistr", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Unistr(a[0]->str()[r]); });
  }, "evaluate Unicode escapes", "unistr('d\\0061t\\+000061') → data");
}

}  // namespace yunhe
