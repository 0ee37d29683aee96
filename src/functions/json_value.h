// json and jsonb, as PostgreSQL has them. Both are text underneath (TypeId::kText with scale 1
// for json, 2 for jsonb; common/types.h): json keeps the input text exactly, jsonb keeps a
// canonical text (keys sorted by length then bytes, the last of duplicate keys, numbers as
// numeric prints them, PostgreSQL's spacing), so equality of jsonb values is equality of text.
//
// The parser is our own rather than simdjson's: json operators return the sub-texts of their
// input unchanged (`'{"a": {"b":1}}'::json -> 'a'` is `{"b":1}`), which needs the source span
// of every nested value, and errors need PostgreSQL's messages. Values are small (a row's
// document); the parse builds a tree once per operator call.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/types.h"
#include "common/value.h"

namespace yunhe {

inline LogicalType JsonType() { return LogicalType(TypeId::kText, 0, 1); }
inline LogicalType JsonbType() { return LogicalType(TypeId::kText, 0, 2); }
inline bool IsJson(const LogicalType& t) { return t.id == TypeId::kText && t.scale == 1; }
inline bool IsJsonb(const LogicalType& t) { return t.id == TypeId::kText && t.scale == 2; }
inline bool IsJsonOrJsonb(const LogicalType& t) { return t.id == TypeId::kText && (t.scale == 1 || t.scale == 2); }

struct JsonMember;

struct Json {
  enum class Kind : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  std::string text;                                  // a number's digits, a string's unescaped bytes
  std::vector<Json> items;                           // array elements
  std::vector<JsonMember> members;                   // object members, in input order (jsonb: canonical)
  std::string_view raw;                              // the value's text in the parsed input
  bool IsScalar() const { return kind != Kind::kArray && kind != Kind::kObject; }
  const Json* Member(std::string_view key) const;    // the last member with this key (nullptr: none)
};
// A key and its value. Not a std::pair: clang cannot instantiate pair<string, Json> while Json is
// incomplete (the fuzz build is clang's); first/second keep pair's spelling.
struct JsonMember {
  JsonMember() = default;
  JsonMember(std::string key, Json value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  Json second;
};

// Parses JSON text; throws 22P02 "invalid input syntax for type json" (type_name in the
// message) with PostgreSQL's detail. jsonb: objects canonical, \u0000 refused.
Json ParseJson(std::string_view text, bool jsonb);
// The canonical jsonb text of a value (keys already canonical when it came from ParseJson(.., true)).
std::string JsonbText(const Json& v);
// Makes an object's members canonical (sorted, duplicates dropped) all the way down.
void CanonicalizeJsonb(Json* v);
// What a text input becomes in a json (validated, unchanged) or jsonb (canonical) column.
std::string JsonInput(const std::string& text, bool jsonb);
// The JSON text of a SQL value (to_json): numbers and booleans as themselves, json/jsonb as
// they are, timestamps in ISO 8601, arrays as arrays, anything else as a string.
std::string ToJsonText(const Value& v);
// A value's text as a json or jsonb result: a scalar string unquoted for ->> and #>>.
std::string JsonScalarText(const Json& v);

}  // namespace yunhe
