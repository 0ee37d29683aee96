// String functions and operators (PostgreSQL 9.4), byte-wise C collation; lengths count UTF-8
// characters.
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "common/utf8.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/kernel_util.h"
#include "functions/like.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const TypeId T = TypeId::kText, I4 = TypeId::kInt32, B = TypeId::kBool;

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
// Byte offset of the `chars`-th character (0-based); s.size() when past the end.
size_t Utf8Offset(const std::string& s, int64_t chars) {
  size_t i = 0;
  while (i < s.size() && chars > 0) {
    ++i;
    while (i < s.size() && ((unsigned char)s[i] & 0xC0) == 0x80) ++i;
    --chars;
  }
  return i;
}
// PostgreSQL substring(s from start for count), 1-based, start may be <= 0.
std::string Substr(const std::string& s, int64_t start, int64_t count, bool has_count) {
  if (has_count && count < 0) throw Error(SqlState::kSubstringError, "negative substring length not allowed");
  int64_t end = has_count ? start + count : INT64_MAX;
  if (start < 1) start = 1;
  if (end <= start) return "";
  size_t b = Utf8Offset(s, start - 1);
  size_t e = end == INT64_MAX ? s.size() : Utf8Offset(s, end - 1);
  return s.substr(b, e - b);
}


std::string TrimChars(const std::string& s, const std::string& chars, bool left, bool right) {
  size_t b = 0, e = s.size();
  if (left) while (b < e && chars.find(s[b]) != std::string::npos) ++b;
  if (right) while (e > b && chars.find(s[e - 1]) != std::string::npos) --e;
  return s.substr(b, e - b);
}

std::string Pad(const std::string& s, int64_t len, const std::string& fill, bool left) {
  if (len <= 0) return "";
  int64_t cur = int64_t(Utf8Length(s));
  if (cur >= len) return s.substr(0, Utf8Offset(s, len));
  if (fill.empty()) return s;
  std::string padding;
  while (int64_t(Utf8Length(padding)) < len - cur) padding += fill;
  padding = padding.substr(0, Utf8Offset(padding, len - cur));
  return left ? padding + s : s + padding;
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& r) {
  AddScalar(r, "||", {T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = a[0]->str()[r] + a[1]->str()[r]; });
  }, "concatenation", "'Post' || 'greSQL' → PostgreSQL");
  // text || anynonarray and anynonarray || text: the other side cast to text (PostgreSQL's
  // textanycat is $1 || $2::text, so a boolean is 'true', not its output form 't').
  AddScalar(r, "||", {T, TypeId::kNull}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = a[0]->str()[r] + CastValue(a[1]->GetValue(r), LogicalType(TypeId::kText)).s; });
  }, "concatenation with a non-text value", "'Value: ' || 42 → Value: 42");
  AddScalar(r, "||", {TypeId::kNull, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = CastValue(a[0]->GetValue(r), LogicalType(TypeId::kText)).s + a[1]->str()[r]; });
  }, "concatenation with a non-text value", "42 || ' is the answer'");
  AddScalar(r, "length", {T}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = int64_t(Utf8Length(a[0]->str()[r])); });
  }, "number of characters", "length('jose') → 4");
  r.AddAlias("char_length", "length");
  r.AddAlias("character_length", "length");
  AddScalar(r, "octet_length", {T}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = int64_t(a[0]->str()[r].size()); });
  }, "number of bytes", "octet_length('jose') → 4");
  AddScalar(r, "lower", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      std::string s = a[0]->str()[r];
      for (auto& c : s) c = char(tolower((unsigned char)c));
      o.str()[r] = s;
    });
  }, "lower case (ASCII letters)", "lower('TOM') → tom");
  AddScalar(r, "upper", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      std::string s = a[0]->str()[r];
      for (auto& c : s) c = char(toupper((unsigned char)c));
      o.str()[r] = s;
    });
  }, "upper case (ASCII letters)", "upper('tom') → TOM");
  AddScalar(r, "initcap", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      std::string s = a[0]->str()[r];
      bool start = true;
      for (auto& c : s) {
        c = start ? char(toupper((unsigned char)c)) : char(tolower((unsigned char)c));
        start = !isalnum((unsigned char)c);
      }
      o.str()[r] = s;
    });
  }, "capitalise words", "initcap('hi THOMAS') → Hi Thomas");
  AddScalar(r, "substr", {T, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Substr(a[0]->str()[r], a[1]->i64()[r], 0, false); });
  }, "substring from start", "substr('alphabet', 3) → phabet");
  AddScalar(r, "substr", {T, I4, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Substr(a[0]->str()[r], a[1]->i64()[r], a[2]->i64()[r], true); });
  }, "substring from start for count", "substr('alphabet', 3, 2) → ph");
  r.AddAlias("substring", "substr");
  AddScalar(r, "left", {T, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      const std::string& s = a[0]->str()[r];
      int64_t k = a[1]->i64()[r];
      int64_t len = int64_t(Utf8Length(s));
      o.str()[r] = s.substr(0, Utf8Offset(s, k >= 0 ? k : std::max<int64_t>(0, len + k)));
    });
  }, "first n characters", "left('abcde', 2) → ab");
  AddScalar(r, "right", {T, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      const std::string& s = a[0]->str()[r];
      int64_t k = a[1]->i64()[r];
      int64_t len = int64_t(Utf8Length(s));
      int64_t skip = k >= 0 ? std::max<int64_t>(0, len - k) : std::min(len, -k);
      o.str()[r] = s.substr(Utf8Offset(s, skip));
    });
  }, "last n characters", "right('abcde', 2) → de");
  AddScalar(r, "btrim", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = TrimChars(a[0]->str()[r], " ", true, true); });
  }, "trim spaces", "btrim('  x  ') → x");
  AddScalar(r, "btrim", {T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = TrimChars(a[0]->str()[r], a[1]->str()[r], true, true); });
  }, "trim characters", "btrim('xyxtrimyyx', 'xyz') → trim");
  AddScalar(r, "ltrim", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = TrimChars(a[0]->str()[r], " ", true, false); });
  }, "trim leading spaces", "ltrim('  x') → x");
  AddScalar(r, "ltrim", {T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = TrimChars(a[0]->str()[r], a[1]->str()[r], true, false); });
  }, "trim leading characters", "ltrim('zzzytest', 'xyz') → test");
  AddScalar(r, "rtrim", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = TrimChars(a[0]->str()[r], " ", false, true); });
  }, "trim trailing spaces", "rtrim('x  ') → x");
  AddScalar(r, "rtrim", {T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = TrimChars(a[0]->str()[r], a[1]->str()[r], false, true); });
  }, "trim trailing characters", "rtrim('testxxzx', 'xyz') → test");
  AddScalar(r, "replace", {T, T, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      std::string s = a[0]->str()[r];
      const std::string& from = a[1]->str()[r];
      const std::string& to = a[2]->str()[r];
      if (from.empty()) { o.str()[r] = s; return; }
      std::string out;
      size_t pos = 0, hit;
      while ((hit = s.find(from, pos)) != std::string::npos) {
        out.append(s, pos, hit - pos);
        out += to;
        pos = hit + from.size();
      }
      out.append(s, pos);
      o.str()[r] = out;
    });
  }, "replace all occurrences", "replace('abcdefabcdef', 'cd', 'XX') → abXXefabXXef");
  AddScalar(r, "strpos", {T, T}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      size_t hit = a[0]->str()[r].find(a[1]->str()[r]);
      o.i64()[r] = hit == std::string::npos ? 0 : int64_t(Utf8Length(a[0]->str()[r].substr(0, hit))) + 1;
    });
  }, "position of substring (1-based, 0 if absent)", "strpos('high', 'ig') → 2");
  AddScalar(r, "repeat", {T, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      std::string out;
      for (int64_t k = 0; k < a[1]->i64()[r]; ++k) out += a[0]->str()[r];
      o.str()[r] = out;
    });
  }, "repeat a string", "repeat('Pg', 4) → PgPgPgPg");
  AddScalar(r, "reverse", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      const std::string& s = a[0]->str()[r];
      std::string out;
      size_t e = s.size();
      while (e > 0) {
        size_t b = e - 1;
        while (b > 0 && ((unsigned char)s[b] & 0xC0) == 0x80) --b;
        out.append(s, b, e - b);
        e = b;
      }
      o.str()[r] = out;
    });
  }, "reverse characters", "reverse('abcde') → edcba");
  AddScalar(r, "lpad", {T, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Pad(a[0]->str()[r], a[1]->i64()[r], " ", true); });
  }, "pad on the left", "lpad('hi', 5) → '   hi'");
  AddScalar(r, "lpad", {T, I4, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Pad(a[0]->str()[r], a[1]->i64()[r], a[2]->str()[r], true); });
  }, "pad on the left", "lpad('hi', 5, 'xy') → xyxhi");
  AddScalar(r, "rpad", {T, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Pad(a[0]->str()[r], a[1]->i64()[r], " ", false); });
  }, "pad on the right", "rpad('hi', 5) → 'hi   '");
  AddScalar(r, "rpad", {T, I4, T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.str()[r] = Pad(a[0]->str()[r], a[1]->i64()[r], a[2]->str()[r], false); });
  }, "pad on the right", "rpad('hi', 5, 'xy') → hixyx");
  AddScalar(r, "split_part", {T, T, I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      const std::string& s = a[0]->str()[r];
      const std::string& d = a[1]->str()[r];
      int64_t k = a[2]->i64()[r];
      if (k == 0) throw Error(SqlState::kInvalidParameterValue, "field position must not be zero");
      std::vector<std::string> parts;
      if (d.empty()) parts.push_back(s);
      else {
        size_t pos = 0, hit;
        while ((hit = s.find(d, pos)) != std::string::npos) { parts.push_back(s.substr(pos, hit - pos)); pos = hit + d.size(); }
        parts.push_back(s.substr(pos));
      }
      int64_t idx = k > 0 ? k - 1 : int64_t(parts.size()) + k;
      o.str()[r] = idx >= 0 && idx < int64_t(parts.size()) ? parts[idx] : "";
    });
  }, "n-th field split on delimiter", "split_part('abc~@~def~@~ghi', '~@~', 2) → def");
  AddScalar(r, "starts_with", {T, T}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = a[0]->str()[r].rfind(a[1]->str()[r], 0) == 0; });
  }, "prefix test", "starts_with('alphabet', 'alph') → t");
  r.AddAlias("^@", "starts_with");
  AddScalar(r, "ascii", {T}, I4, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) { o.i64()[r] = a[0]->str()[r].empty() ? 0 : (unsigned char)a[0]->str()[r][0]; });
  }, "code of the first byte", "ascii('x') → 120");
  AddScalar(r, "chr", {I4}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      int64_t c = a[0]->i64()[r];
      if (c <= 0 || c > 0x10FFFF) throw Error(SqlState::kInvalidParameterValue, "requested character too large for encoding: " + std::to_string(c));
      std::string s;
      AppendUtf8(uint32_t(c), &s);
      o.str()[r] = s;
    });
  }, "character with the given code", "chr(65) → A");
  AddScalar(r, "md5", {T}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t r) {
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      const std::string& s = a[0]->str()[r];
      EVP_Digest(s.data(), s.size(), digest, &len, EVP_md5(), nullptr);
      static const char* kHex = "0123456789abcdef";
      std::string out;
      for (unsigned k = 0; k < len; ++k) { out.push_back(kHex[digest[k] >> 4]); out.push_back(kHex[digest[k] & 15]); }
      o.str()[r] = out;
    });
  }, "MD5 hash in hex", "md5('abc') → 900150983cd24fb0d6963f7d28e17f72");
  // concat and concat_ws ignore NULL arguments, so they are not strict.
  {
    ScalarFunction f;
    f.name = "concat";
    f.arg_types = {TypeId::kNull};
    f.variadic = true;
    f.strict = false;
    f.return_type = T;
    f.kernel = [](Args a, size_t n, Vector& o) {
      for (size_t r = 0; r < n; ++r) {
        std::string s;
        for (auto* v : a) if (!v->IsNull(r)) s += v->GetValue(r).ToString();
        o.SetValue(r, Value::Text(s));
      }
    };
    f.description = "concatenate the text of all non-NULL arguments";
    f.example = "concat('abcde', 2, NULL, 22) → abcde222";
    r.AddScalar(f);
    f.name = "concat_ws";
    f.kernel = [](Args a, size_t n, Vector& o) {
      for (size_t r = 0; r < n; ++r) {
        if (a[0]->IsNull(r)) { o.SetNull(r, true); continue; }
        std::string sep = a[0]->GetValue(r).ToString(), s;
        bool first = true;
        for (size_t k = 1; k < a.size(); ++k) {
          if (a[k]->IsNull(r)) continue;
          if (!first) s += sep;
          s += a[k]->GetValue(r).ToString();
          first = false;
        }
        o.SetValue(r, Value::Text(s));
      }
    };
    f.description = "concatenate with a separator, skipping NULLs";
    f.example = "concat_ws(',', 'abcde', 2, NULL, 22) → abcde,2,22";
    r.AddScalar(f);
  }
  AddScalar(r, "~~", {T, T}, B, [](Args a, size_t n, Vector& o) {
    LikeMatcher m;
    int64_t* out = o.i64();
    ForEachValid(o, n, [&](size_t r) { out[r] = m.Match(a[0]->str()[r], a[1]->str()[r], false); });
  }, "LIKE", "'abc' LIKE 'a%' → t");
  AddScalar(r, "!~~", {T, T}, B, [](Args a, size_t n, Vector& o) {
    LikeMatcher m;
    int64_t* out = o.i64();
    ForEachValid(o, n, [&](size_t r) { out[r] = !m.Match(a[0]->str()[r], a[1]->str()[r], false); });
  }, "NOT LIKE", "'abc' NOT LIKE 'a%' → f");
  AddScalar(r, "~~*", {T, T}, B, [](Args a, size_t n, Vector& o) {
    LikeMatcher m;
    int64_t* out = o.i64();
    ForEachValid(o, n, [&](size_t r) { out[r] = m.Match(a[0]->str()[r], a[1]->str()[r], true); });
  }, "ILIKE", "'ABC' ILIKE 'a%' → t");
  AddScalar(r, "!~~*", {T, T}, B, [](Args a, size_t n, Vector& o) {
    LikeMatcher m;
    int64_t* out = o.i64();
    ForEachValid(o, n, [&](size_t r) { out[r] = !m.Match(a[0]->str()[r], a[1]->str()[r], true); });
  }, "NOT ILIKE", "'ABC' NOT ILIKE 'a%' → f");
}

}  // namespace yunhe
