#include "functions/array_value.h"

#include <fmt/format.h>

#include "common/status.h"
#include "functions/cast.h"
#include "functions/kernel_util.h"

namespace yunhe {

namespace {

[[noreturn]] void Malformed(std::string_view text, const std::string& detail) {
  Status st = Status::Error(SqlState::kInvalidTextRepresentation, fmt::format("malformed array literal: \"{}\"", text));
  st.WithDetail(detail);
  throw Error(st);
}

bool IsArraySpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// An element must be quoted when it is empty, spells NULL, or holds a delimiter, brace, quote,
// backslash or white space.
bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' && (s[3] | 0x20) == 'l') return true;
  for (char c : s)
    if (c == ',' || c == '{' || c == '}' || c == '"' || c == '\\' || IsArraySpace(c)) return true;
  return false;
}

}  // namespace

std::vector<std::optional<std::string>> SplitArrayLiteral(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsArraySpace(text[i])) ++i;
  if (i < text.size() && text[i] == '[') Malformed(text, "Array bounds are not supported here.");
  if (i >= text.size() || text[i] != '{') Malformed(text, "Array value must start with \"{\" or dimension information.");
  ++i;
  std::vector<std::optional<std::string>> out;
  bool expect_element = true, closed = false;
  while (i < text.size()) {
    while (i < text.size() && IsArraySpace(text[i])) ++i;
    if (i >= text.size()) break;
    const char c = text[i];
    if (c == '}') {
      if (!out.empty() && expect_element) Malformed(text, "Unexpected \"}\" character.");
      closed = true;
      ++i;
      break;
    }
    if (!expect_element) {
      if (c != ',') Malformed(text, "Expected \",\" or \"}\".");
      expect_element = true;
      ++i;
      continue;
    }
    if (c == '{') throw Error(SqlState::kFeatureNotSupported, "multidimensional arrays are not supported");
    if (c == ',') Malformed(text, "Unexpected \",\" character.");
    std::string element;
    bool quoted = false;
    if (c == '"') {
      quoted = true;
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        element.push_back(text[i++]);
      }
      if (i >= text.size()) Malformed(text, "Unexpected end of input.");
      ++i;
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '}') {
        if (text[i] == '"' || text[i] == '{') Malformed(text, fmt::format("Unexpected \"{}\" character.", text[i]));
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        element.push_back(text[i++]);
      }
      while (!element.empty() && IsArraySpace(element.back())) element.pop_back();
    }
    if (!quoted && element.size() == 4 && NeedsQuotes(element) && element.find_first_of(",{}\"\\ ") == std::string::npos)
      out.emplace_back(std::nullopt);  // unquoted NULL
    else
      out.emplace_back(std::move(element));
    expect_element = false;
  }
  if (!closed) Malformed(text, "Unexpected end of input.");
  while (i < text.size() && IsArraySpace(text[i])) ++i;
  if (i != text.size()) Malformed(text, "Junk after closing right brace.");
  return out;
}

// int2vector's text: integers separated by spaces.
bool IsVectorText(const std::string& s) {
  for (char c : s)
    if (!(isdigit((unsigned char)c) || c == ' ' || c == '-')) return false;
  return true;
}

std::vector<Value> ArrayElements(const Value& array) {
  const LogicalType element = ArrayElementType(array.type);
  std::vector<Value> out;
  if (IsVectorText(array.s) && element.IsInteger()) {
    size_t i = 0;
    while (i < array.s.size()) {
      while (i < array.s.size() && array.s[i] == ' ') ++i;
      size_t j = i;
      while (j < array.s.size() && array.s[j] != ' ') ++j;
      if (j > i) out.push_back(ParseValue(array.s.substr(i, j - i), element));
      i = j;
    }
    return out;
  }
  for (auto& e : SplitArrayLiteral(array.s)) {
    if (!e) out.push_back(Value::Null(element));
    else if (element.id == TypeId::kNull || element.id == TypeId::kText) out.push_back(Value::Text(*e));
    else out.push_back(ParseValue(*e, element));
  }
  return out;
}

std::string FormatArray(const std::vector<Value>& elements) {
  std::string out = "{";
  for (size_t k = 0; k < elements.size(); ++k) {
    if (k) out += ',';
    const Value& v = elements[k];
    if (v.is_null) {
      out += "NULL";
      continue;
    }
    const std::string s = v.ToString();
    if (!NeedsQuotes(s)) {
      out += s;
      continue;
    }
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Value MakeArray(const std::vector<Value>& elements, const LogicalType& type) {
  if (IsVectorArray(type)) {
    std::string text;
    for (const Value& e : elements) text += (text.empty() ? "" : " ") + e.ToString();
    Value v = Value::Text(text);
    v.type = type;
    return v;
  }
  Value v = Value::Text(FormatArray(elements));
  v.type = type;
  return v;
}

Value ParseArray(const std::string& text, const LogicalType& type) {
  Value raw = Value::Text(text);
  raw.type = type;
  return MakeArray(ArrayElements(raw), type);
}

int CompareArrays(const Value& a, const Value& b) {
  const std::vector<Value> x = ArrayElements(a), y = ArrayElements(b);
  for (size_t k = 0; k < x.size() && k < y.size(); ++k) {
    // NULL elements sort after everything, as in PostgreSQL.
    if (x[k].is_null || y[k].is_null) {
      if (x[k].is_null != y[k].is_null) return x[k].is_null ? 1 : -1;
      continue;
    }
    if (int c = CompareValues(x[k], y[k]); c != 0) return c;
  }
  return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
}

}  // namespace yunhe
