#include "functions/json_value.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/sql_text.h"
#include "common/status.h"
#include "common/utf8.h"
#include "functions/array_value.h"

namespace yunhe {
namespace {

class Parser {
 public:
  Parser(std::string_view text, bool jsonb) : s_(text), jsonb_(jsonb) {}

  Json Document() {
    Json v = Value(0);
    Space();
    if (i_ != s_.size()) Fail(fmt::format("Token \"{}\" is invalid.", Token()));
    return v;
  }

 private:
  [[noreturn]] void Fail(const std::string& detail) {
    throw Error(Status::Error(SqlState::kInvalidTextRepresentation, "invalid input syntax for type json")
                    .WithDetail(detail));
  }
  void Space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  // The token starting here, as PostgreSQL quotes it in the detail.
  std::string Token() const {
    size_t j = i_;
    if (j < s_.size() && std::string_view("{}[],:").find(s_[j]) != std::string_view::npos) return std::string(1, s_[j]);
    while (j < s_.size() && std::string_view(" \t\n\r{}[],:\"").find(s_[j]) == std::string_view::npos) ++j;
    return std::string(s_.substr(i_, std::max<size_t>(j - i_, 1)));
  }
  [[noreturn]] void EndOfInput() { Fail("The input string ended unexpectedly."); }

  Json Value(int depth) {
    // PostgreSQL stops at its max_stack_depth; 1000 levels keep the recursion far from any thread stack limit.
    if (depth > 1000) throw Error(Status::Error(SqlState::kProgramLimitExceeded, "stack depth limit exceeded").WithHint("JSON is nested more than 1000 levels deep."));
    Space();
    if (i_ >= s_.size()) EndOfInput();
    const size_t start = i_;
    Json v;
    const char c = s_[i_];
    if (c == '{') {
      v.kind = Json::Kind::kObject;
      ++i_;
      Space();
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
      } else {
        for (;;) {
          Space();
          if (i_ >= s_.size()) EndOfInput();
          if (s_[i_] != '"') Fail(fmt::format("Expected string, but found \"{}\".", Token()));
          std::string key = String();
          Space();
          if (i_ >= s_.size()) EndOfInput();
          if (s_[i_] != ':') Fail(fmt::format("Expected \":\", but found \"{}\".", Token()));
          ++i_;
          v.members.emplace_back(std::move(key), Value(depth + 1));
          Space();
          if (i_ >= s_.size()) EndOfInput();
          if (s_[i_] == ',') {
            ++i_;
            continue;
          }
          if (s_[i_] == '}') {
            ++i_;
            break;
          }
          Fail(fmt::format("Expected \",\" or \"}}\", but found \"{}\".", Token()));
        }
      }
      if (jsonb_) CanonicalizeJsonb(&v);
    } else if (c == '[') {
      v.kind = Json::Kind::kArray;
      ++i_;
      Space();
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
      } else {
        for (;;) {
          v.items.push_back(Value(depth + 1));
          Space();
          if (i_ >= s_.size()) EndOfInput();
          if (s_[i_] == ',') {
            ++i_;
            continue;
          }
          if (s_[i_] == ']') {
            ++i_;
            break;
          }
          Fail(fmt::format("Expected \",\" or \"]\", but found \"{}\".", Token()));
        }
      }
    } else if (c == '"') {
      v.kind = Json::Kind::kString;
      v.text = String();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      v.kind = Json::Kind::kNumber;
      v.text = Number();
    } else if (s_.substr(i_, 4) == "true" && !Word(4)) {
      v.kind = Json::Kind::kTrue;
      i_ += 4;
    } else if (s_.substr(i_, 5) == "false" && !Word(5)) {
      v.kind = Json::Kind::kFalse;
      i_ += 5;
    } else if (s_.substr(i_, 4) == "null" && !Word(4)) {
      v.kind = Json::Kind::kNull;
      i_ += 4;
    } else {
      Fail(fmt::format("Token \"{}\" is invalid.", Token()));
    }
    v.raw = s_.substr(start, i_ - start);
    return v;
  }
  bool Word(size_t n) const {  // "trueish" is one invalid token, not true then junk
    return i_ + n < s_.size() && (isalnum((unsigned char)s_[i_ + n]) || s_[i_ + n] == '_');
  }

  std::string Number() {
    const size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      const size_t d = i_;
      while (i_ < s_.size() && isdigit((unsigned char)s_[i_])) ++i_;
      return i_ - d;
    };
    const size_t int_start = i_;
    if (digits() == 0 || (s_[int_start] == '0' && i_ - int_start > 1)) BadNumber(start);
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (digits() == 0) BadNumber(start);
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (digits() == 0) BadNumber(start);
    }
    if (i_ < s_.size() && (isalnum((unsigned char)s_[i_]) || s_[i_] == '.')) BadNumber(start);
    const std::string text(s_.substr(start, i_ - start));
    return jsonb_ ? CanonicalNumber(text) : text;
  }
  [[noreturn]] void BadNumber(size_t start) {
    i_ = start;
    Fail(fmt::format("Token \"{}\" is invalid.", Token()));
  }
  // As numeric prints it: no exponent, the scale the digits and exponent give, no "-0".
  static std::string CanonicalNumber(const std::string& t) {
    size_t e = t.find_first_of("eE");
    if (e == std::string::npos) {
      if (t[0] == '-' && t.find_first_not_of("0.", 1) == std::string::npos) return t.substr(1);
      return t;
    }
    const bool neg = t[0] == '-';
    std::string mant = t.substr(neg ? 1 : 0, e - (neg ? 1 : 0));
    // Clamped: an exponent of any size must not overflow the arithmetic below (found by fuzz_json);
    // past numeric's range the point check refuses the value anyway.
    const long exp = std::clamp(std::strtol(t.c_str() + e + 1, nullptr, 10), -1000000L, 1000000L);
    const size_t dot = mant.find('.');
    long frac = dot == std::string::npos ? 0 : long(mant.size() - dot - 1);
    std::string digits = dot == std::string::npos ? mant : mant.substr(0, dot) + mant.substr(dot + 1);
    long scale = std::max(0L, frac - exp);
    long point = long(digits.size()) - frac + exp;  // digits before the decimal point
    if (point > 1000 || point < -1000) throw Error(SqlState::kNumericValueOutOfRange, "value overflows numeric format");
    while (point > long(digits.size())) digits += '0';
    std::string ipart = point > 0 ? digits.substr(0, size_t(point)) : "0";
    std::string fpart = point >= 0 ? digits.substr(size_t(point)) : std::string(size_t(-point), '0') + digits;
    fpart.resize(size_t(scale), '0');
    ipart.erase(0, std::min(ipart.find_first_not_of('0'), ipart.size() - 1));
    std::string out = ipart + (scale ? "." + fpart : "");
    const bool zero = out.find_first_not_of("0.") == std::string::npos;
    return (neg && !zero ? "-" : "") + out;
  }

  std::string String() {
    ++i_;  // the opening quote
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) EndOfInput();
      const unsigned char c = (unsigned char)s_[i_];
      if (c == '"') {
        ++i_;
        return out;
      }
      if (c < 0x20) Fail(fmt::format("Character with value 0x{:02x} must be escaped.", c));
      if (c != '\\') {
        out += char(c);
        ++i_;
        continue;
      }
      if (++i_ >= s_.size()) EndOfInput();
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = Hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(i_, 2) != "\\u") Fail("Unicode high surrogate must not be followed by a non-surrogate.");
            i_ += 2;
            const uint32_t lo = Hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) Fail("Unicode high surrogate must not be followed by a non-surrogate.");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            Fail("Unicode low surrogate must follow a high surrogate.");
          }
          if (cp == 0) {
            if (jsonb_)
              throw Error(Status::Error(SqlState::kUntranslatableCharacter, "unsupported Unicode escape sequence")
                              .WithDetail("\\u0000 cannot be converted to text."));
            out += "\\u0000";  // json keeps it as written
            break;
          }
          AppendUtf8(cp, &out);
          break;
        }
        default: Fail(fmt::format("Escape sequence \"\\{}\" is invalid.", e));
      }
    }
  }
  uint32_t Hex4() {
    if (i_ + 4 > s_.size()) Fail("\"\\u\" must be followed by four hexadecimal digits.");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_ + k];
      if (!isxdigit((unsigned char)h)) Fail("\"\\u\" must be followed by four hexadecimal digits.");
      v = v * 16 + uint32_t(isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
    }
    i_ += 4;
    return v;
  }
  std::string_view s_;
  bool jsonb_;
  size_t i_ = 0;
};

void WriteJsonb(const Json& v, std::string* out) {
  switch (v.kind) {
    case Json::Kind::kNull: *out += "null"; return;
    case Json::Kind::kTrue: *out += "true"; return;
    case Json::Kind::kFalse: *out += "false"; return;
    case Json::Kind::kNumber: *out += v.text; return;
    case Json::Kind::kString: *out += JsonString(v.text); return;
    case Json::Kind::kArray:
      *out += '[';
      for (size_t k = 0; k < v.items.size(); ++k) {
        if (k) *out += ", ";
        WriteJsonb(v.items[k], out);
      }
      *out += ']';
      return;
    case Json::Kind::kObject:
      *out += '{';
      for (size_t k = 0; k < v.members.size(); ++k) {
        if (k) *out += ", ";
        *out += JsonString(v.members[k].first);
        *out += ": ";
        WriteJsonb(v.members[k].second, out);
      }
      *out += '}';
      return;
  }
}

// to_json of a timestamp: ISO 8601 with a T, and an offset as +HH:MM.
std::string IsoTimestamp(std::string s, bool with_zone) {
  const size_t space = s.find(' ');
  if (space != std::string::npos) s[space] = 'T';
  if (with_zone) {
    const size_t sign = s.find_last_of("+-");
    if (sign != std::string::npos && sign > 10 && s.size() - sign == 3) s += ":00";
  }
  return s;
}

}  // namespace

const Json* Json::Member(std::string_view key) const {
  for (size_t k = members.size(); k-- > 0;)
    if (members[k].first == key) return &members[k].second;
  return nullptr;
}

Json ParseJson(std::string_view text, bool jsonb) { return Parser(text, jsonb).Document(); }

void CanonicalizeJsonb(Json* v) {
  if (v->kind == Json::Kind::kArray)
    for (auto& e : v->items) CanonicalizeJsonb(&e);
  if (v->kind != Json::Kind::kObject) return;
  for (auto& [k, m] : v->members) CanonicalizeJsonb(&m);
  // PostgreSQL's order: shorter keys first, then bytewise; of duplicate keys the last one stays.
  std::stable_sort(v->members.begin(), v->members.end(), [](const auto& a, const auto& b) {
    if (a.first.size() != b.first.size()) return a.first.size() < b.first.size();
    return a.first < b.first;
  });
  std::vector<JsonMember> unique;
  for (auto& m : v->members) {
    if (!unique.empty() && unique.back().first == m.first) unique.back() = std::move(m);
    else unique.push_back(std::move(m));
  }
  v->members = std::move(unique);
}

std::string JsonbText(const Json& v) {
  std::string out;
  WriteJsonb(v, &out);
  return out;
}

std::string JsonInput(const std::string& text, bool jsonb) {
  Json v = ParseJson(text, jsonb);
  return jsonb ? JsonbText(v) : text;
}

std::string ToJsonText(const Value& v) {
  if (v.is_null) return "null";
  const LogicalType& t = v.type;
  if (IsJsonOrJsonb(t)) return v.s;
  switch (t.id) {
    case TypeId::kBool: return v.i ? "true" : "false";
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kNumeric: return v.ToString();
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      const std::string s = v.ToString();  // NaN and Infinity are not JSON numbers: strings
      return s == "NaN" || s == "Infinity" || s == "-Infinity" ? JsonString(s) : s;
    }
    case TypeId::kTimestamp: return JsonString(IsoTimestamp(v.ToString(), false));
    case TypeId::kTimestampTz: return JsonString(IsoTimestamp(v.ToString(), true));
    case TypeId::kArray: {
      std::string out = "[";
      const std::vector<Value> elements = ArrayElements(v);
      for (size_t k = 0; k < elements.size(); ++k) out += (k ? "," : "") + ToJsonText(elements[k]);
      return out + "]";
    }
    default: return JsonString(v.ToString());
  }
}

std::string JsonScalarText(const Json& v) {
  switch (v.kind) {
    case Json::Kind::kString: return v.text;
    case Json::Kind::kNumber: return v.text;
    case Json::Kind::kTrue: return "true";
    case Json::Kind::kFalse: return "false";
    default: return std::string(v.raw.empty() ? JsonbText(v) : std::string(v.raw));
  }
}

}  // namespace yunhe
