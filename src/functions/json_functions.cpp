// json / jsonb operators and functions with PostgreSQL's names and results: -> ->> #> #>>,
// @> <@ ? ?| ?& || - for jsonb, the builders (json_build_object, to_jsonb, ...), typeof,
// array_length, extract_path, jsonb_set, strip_nulls, jsonb_pretty, json_agg / jsonb_agg.
// Values are text (functions/json_value.h); each call parses its document once.
#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/status.h"
#include "functions/array_value.h"
#include "functions/function.h"
#include "functions/json_value.h"
#include "functions/kernel_util.h"

namespace yunhe {
namespace {

using Args = const std::vector<const Vector*>&;
const LogicalType J = JsonType(), JB = JsonbType(), T(TypeId::kText), I4(TypeId::kInt32), B(TypeId::kBool);
const LogicalType TA = ArrayOf(TypeId::kText);

Json Doc(const Vector* v, size_t row) { return ParseJson(v->str()[row], IsJsonb(v->type())); }

// A value taken out of a document, in the document's own type: json keeps its text as written.
std::string Out(const Json& v, const LogicalType& type) { return IsJsonb(type) ? JsonbText(v) : std::string(v.raw); }

// The element a key (objects) or an index (arrays; negative counts from the end) names.
const Json* Step(const Json& v, const std::string& key_or_index, bool by_index) {
  if (by_index || v.kind == Json::Kind::kArray) {
    if (v.kind != Json::Kind::kArray) return nullptr;
    char* end = nullptr;
    const long long i = std::strtoll(key_or_index.c_str(), &end, 10);
    if (key_or_index.empty() || *end) return nullptr;
    const long long n = (long long)v.items.size();
    const long long at = i < 0 ? n + i : i;
    return at >= 0 && at < n ? &v.items[size_t(at)] : nullptr;
  }
  return v.kind == Json::Kind::kObject ? v.Member(key_or_index) : nullptr;
}

const Json* Path(const Json& v, const std::vector<Value>& path) {
  const Json* at = &v;
  for (const Value& p : path) {
    if (p.is_null) return nullptr;
    at = Step(*at, p.ToString(), false);
    if (!at) return nullptr;
  }
  return at;
}

// `-> key` / `-> index` (as_text: ->>).
template <bool kAsText, bool kIndex>
void Arrow(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    const Json doc = Doc(a[0], k);
    const Json* v = kIndex ? Step(doc, std::to_string(a[1]->i64()[k]), true) : Step(doc, a[1]->str()[k], false);
    if (!v || (kAsText && v->kind == Json::Kind::kNull)) o.SetNull(k, true);
    else o.str()[k] = kAsText ? JsonScalarText(*v) : Out(*v, a[0]->type());
  });
}

template <bool kAsText>
void PathOp(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    const Json doc = Doc(a[0], k);
    std::vector<Value> path;
    if (a.size() == 2 && a[1]->type().id == TypeId::kArray) {
      path = ArrayElements(a[1]->GetValue(k));
    } else {
      for (size_t p = 1; p < a.size(); ++p) path.push_back(a[p]->GetValue(k));
    }
    const Json* v = Path(doc, path);
    if (!v || (kAsText && v->kind == Json::Kind::kNull)) o.SetNull(k, true);
    else o.str()[k] = kAsText ? JsonScalarText(*v) : Out(*v, a[0]->type());
  });
}

bool Equal(const Json& a, const Json& b) { return a.kind == b.kind && JsonbText(a) == JsonbText(b); }

// PostgreSQL's jsonb containment: objects by key, arrays by element (in any order), scalars by
// value; a top-level array also contains a scalar that is one of its elements.
bool Contains(const Json& a, const Json& b, bool top) {
  if (a.kind == Json::Kind::kObject) {
    if (b.kind != Json::Kind::kObject) return false;
    for (auto& [key, bv] : b.members) {
      const Json* av = a.Member(key);
      if (!av) return false;
      if (bv.IsScalar() ? !Equal(*av, bv) : !Contains(*av, bv, false)) return false;
    }
    return true;
  }
  if (a.kind == Json::Kind::kArray) {
    if (b.kind != Json::Kind::kArray) {
      if (!top || !b.IsScalar()) return false;
      for (auto& e : a.items)
        if (Equal(e, b)) return true;
      return false;
    }
    for (auto& be : b.items) {
      bool found = false;
      for (auto& ae : a.items) {
        found = be.IsScalar() ? Equal(ae, be) : (ae.kind == be.kind && Contains(ae, be, false));
        if (found) break;
      }
      if (!found) return false;
    }
    return true;
  }
  return Equal(a, b);
}

bool HasKey(const Json& v, const std::string& key) {
  if (v.kind == Json::Kind::kObject) return v.Member(key) != nullptr;
  if (v.kind == Json::Kind::kArray) {
    for (auto& e : v.items)
      if (e.kind == Json::Kind::kString && e.text == key) return true;
    return false;
  }
  return v.kind == Json::Kind::kString && v.text == key;
}

template <bool kAll>
void HasKeys(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    const Json doc = Doc(a[0], k);
    bool result = kAll;
    for (const Value& key : ArrayElements(a[1]->GetValue(k))) {
      if (key.is_null) continue;
      const bool has = HasKey(doc, key.s);
      if (kAll && !has) result = false;
      if (!kAll && has) result = true;
    }
    o.i64()[k] = result;
  });
}

Json Wrap(Json v) {  // a scalar used where an array is needed: [v]
  if (v.kind == Json::Kind::kArray) return v;
  Json arr;
  arr.kind = Json::Kind::kArray;
  arr.items.push_back(std::move(v));
  return arr;
}

Json Concat(Json a, Json b) {
  if (a.kind == Json::Kind::kObject && b.kind == Json::Kind::kObject) {
    for (auto& m : b.members) a.members.push_back(std::move(m));
    CanonicalizeJsonb(&a);  // the right side's value wins for a key on both sides
    return a;
  }
  Json out = Wrap(std::move(a));
  Json right = Wrap(std::move(b));
  for (auto& e : right.items) out.items.push_back(std::move(e));
  return out;
}

const char* TypeName(const Json& v) {
  switch (v.kind) {
    case Json::Kind::kObject: return "object";
    case Json::Kind::kArray: return "array";
    case Json::Kind::kString: return "string";
    case Json::Kind::kNumber: return "number";
    case Json::Kind::kTrue:
    case Json::Kind::kFalse: return "boolean";
    default: return "null";
  }
}

void StripNulls(Json* v) {
  if (v->kind == Json::Kind::kArray)
    for (auto& e : v->items) StripNulls(&e);
  if (v->kind != Json::Kind::kObject) return;
  std::vector<JsonMember> kept;
  for (auto& m : v->members) {
    if (m.second.kind == Json::Kind::kNull) continue;
    StripNulls(&m.second);
    kept.push_back(std::move(m));
  }
  v->members = std::move(kept);
}

// jsonb_pretty: PostgreSQL's layout, four spaces per level.
void Pretty(const Json& v, int level, std::string* out) {
  const std::string pad(size_t(level + 1) * 4, ' '), close(size_t(level) * 4, ' ');
  if (v.kind == Json::Kind::kObject && !v.members.empty()) {
    *out += "{\n";
    for (size_t k = 0; k < v.members.size(); ++k) {
      *out += pad + JsonString(v.members[k].first) + ": ";
      Pretty(v.members[k].second, level + 1, out);
      *out += k + 1 < v.members.size() ? ",\n" : "\n";
    }
    *out += close + "}";
  } else if (v.kind == Json::Kind::kArray && !v.items.empty()) {
    *out += "[\n";
    for (size_t k = 0; k < v.items.size(); ++k) {
      *out += pad;
      Pretty(v.items[k], level + 1, out);
      *out += k + 1 < v.items.size() ? ",\n" : "\n";
    }
    *out += close + "]";
  } else if (!v.IsScalar()) {  // an empty container: PostgreSQL still breaks the line
    *out += v.kind == Json::Kind::kObject ? "{\n" + close + "}" : "[\n" + close + "]";
  } else {
    *out += JsonbText(v);
  }
}

// jsonb_set(target, path, new_value, create_if_missing): replaces (or adds, as the last step of
// the path) one value.
bool SetPath(Json* at, const std::vector<Value>& path, size_t depth, const Json& value, bool create) {
  const std::string key = path[depth].is_null ? "" : path[depth].ToString();
  const bool last = depth + 1 == path.size();
  if (at->kind == Json::Kind::kObject) {
    for (auto& m : at->members)
      if (m.first == key) return last ? (m.second = value, true) : SetPath(&m.second, path, depth + 1, value, create);
    if (last && create) {
      at->members.emplace_back(key, value);
      CanonicalizeJsonb(at);
    }
    return true;
  }
  if (at->kind == Json::Kind::kArray) {
    char* end = nullptr;
    const long long i = std::strtoll(key.c_str(), &end, 10);
    if (key.empty() || *end)
      throw Error(Status::Error(SqlState::kInvalidTextRepresentation, fmt::format("path element at position {} is not an integer: \"{}\"",
                                                                                  depth + 1, key)));
    const long long n = (long long)at->items.size();
    const long long idx = i < 0 ? n + i : i;
    if (idx >= 0 && idx < n) return last ? (at->items[size_t(idx)] = value, true) : SetPath(&at->items[size_t(idx)], path, depth + 1, value, create);
    if (last && create) {
      if (idx < 0) at->items.insert(at->items.begin(), value);
      else at->items.push_back(value);
    }
    return true;
  }
  return true;
}

template <bool kJsonb>
void BuildObject(Args a, size_t n, Vector& o) {
  if (a.size() % 2)
    throw Error(Status::Error(SqlState::kInvalidParameterValue, "argument list must have even number of elements")
                    .WithHint(fmt::format("The arguments of {} must consist of alternating keys and values.",
                                          kJsonb ? "jsonb_build_object()" : "json_build_object()")));
  for (size_t k = 0; k < n; ++k) {
    std::string text = "{";
    Json obj;
    obj.kind = Json::Kind::kObject;
    for (size_t p = 0; p < a.size(); p += 2) {
      if (a[p]->IsNull(k)) throw Error(SqlState::kNullValueNotAllowed, fmt::format("argument {}: key must not be null", p + 1));
      const Value key = a[p]->GetValue(k);
      const std::string key_text = IsJsonOrJsonb(key.type) ? key.s : key.ToString();
      const std::string value = ToJsonText(a[p + 1]->GetValue(k));
      if (kJsonb) obj.members.emplace_back(key_text, ParseJson(value, true));
      else text += (p ? ", " : "") + JsonString(key_text) + " : " + value;
    }
    if (kJsonb) CanonicalizeJsonb(&obj);
    o.SetValue(k, Value::Text(kJsonb ? JsonbText(obj) : text + "}"));
  }
}

template <bool kJsonb>
void BuildArray(Args a, size_t n, Vector& o) {
  for (size_t k = 0; k < n; ++k) {
    std::string text = "[";
    for (size_t p = 0; p < a.size(); ++p) text += (p ? ", " : "") + ToJsonText(a[p]->GetValue(k));
    text += "]";
    o.SetValue(k, Value::Text(kJsonb ? JsonInput(text, true) : text));
  }
}

// json_object_agg(key, value) collects __json_pair(key, value) ("[key, value]" as JSON; the
// planner rewrites the two-argument call) and builds the object once, as PostgreSQL prints it.
void JsonPair(Args a, size_t n, Vector& o) {
  for (size_t k = 0; k < n; ++k) {
    if (a[0]->IsNull(k)) throw Error(SqlState::kInvalidParameterValue, "field name must not be null");
    const Value key = a[0]->GetValue(k);
    o.SetValue(k, Value::Text("[" + JsonString(IsJsonOrJsonb(key.type) ? key.s : key.ToString()) + ", " + ToJsonText(a[1]->GetValue(k)) + "]"));
  }
}

template <bool kJsonb>
Value ObjectAgg(const std::vector<const Value*>& pairs) {
  Json obj;
  obj.kind = Json::Kind::kObject;
  std::string text = "{ ";
  for (size_t k = 0; k < pairs.size(); ++k) {
    const Json pair = ParseJson(pairs[k]->s, false);
    if (kJsonb) obj.members.emplace_back(pair.items[0].text, ParseJson(pair.items[1].raw, true));
    else text += (k ? ", " : "") + JsonString(pair.items[0].text) + " : " + std::string(pair.items[1].raw);
  }
  if (!kJsonb) return Value::Text(text + " }");
  CanonicalizeJsonb(&obj);
  return Value::Text(JsonbText(obj));
}

template <bool kJsonb>
void ToJsonKernel(Args a, size_t n, Vector& o) {
  ForEachValid(o, n, [&](size_t k) {
    const std::string text = ToJsonText(a[0]->GetValue(k));
    o.str()[k] = kJsonb ? JsonInput(text, true) : text;
  });
}

Value AggJson(const std::vector<const Value*>& values) {
  std::string text = "[";
  for (size_t k = 0; k < values.size(); ++k) text += (k ? ", " : "") + ToJsonText(*values[k]);
  return Value::Text(text + "]");
}
Value AggJsonb(const std::vector<const Value*>& values) { return Value::Text(JsonInput(AggJson(values).s, true)); }

void AddCollectedJson(FunctionRegistry& r, const char* name, LogicalType ret, Value (*finalize)(const std::vector<const Value*>&),
                      const char* description, const char* example) {
  AggregateFunction f;
  f.name = name;
  f.kind = AggKind::kCollected;
  f.arg_types = {LogicalType(TypeId::kNull)};
  f.return_type = ret;
  f.finalize = finalize;
  f.description = description;
  f.example = example;
  r.AddAggregate(f);
}

// AddScalar with the argument order this file reads best in: variadic before strict.
void Add(FunctionRegistry& r, const char* name, std::vector<LogicalType> args, LogicalType ret, ScalarKernel kernel,
         const char* description = "", const char* example = "", bool variadic = false, bool strict = true) {
  AddScalar(r, name, std::move(args), ret, kernel, description, example, strict, false, variadic);
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry& r) {
  for (const LogicalType& t : {JB, J}) {
    const bool b = IsJsonb(t);
    Add(r, "->", {t, T}, t, Arrow<false, false>, b ? "object field (or array element) as jsonb" : "", b ? "'{\"a\": [1, 2]}'::jsonb -> 'a' → [1, 2]" : "");
    Add(r, "->", {t, I4}, t, Arrow<false, true>);
    Add(r, "->>", {t, T}, T, Arrow<true, false>, b ? "object field (or array element) as text" : "", b ? "'{\"a\": \"x\"}'::jsonb ->> 'a' → x" : "");
    Add(r, "->>", {t, I4}, T, Arrow<true, true>);
    Add(r, "#>", {t, TA}, t, PathOp<false>, b ? "value at a path" : "", b ? "'{\"a\": {\"b\": 1}}'::jsonb #> '{a,b}' → 1" : "");
    Add(r, "#>>", {t, TA}, T, PathOp<true>, b ? "value at a path as text" : "", b ? "'{\"a\": [5, 6]}'::jsonb #>> '{a,1}' → 6" : "");
    Add(r, b ? "jsonb_extract_path" : "json_extract_path", {t, T}, t, PathOp<false>, "value at the path given as arguments",
        b ? "jsonb_extract_path('{\"a\": {\"b\": 1}}', 'a', 'b') → 1" : "json_extract_path('{\"a\": {\"b\": 1}}', 'a', 'b') → 1", true);
    Add(r, b ? "jsonb_extract_path_text" : "json_extract_path_text", {t, T}, T, PathOp<true>, "value at the path as text",
        b ? "jsonb_extract_path_text('{\"a\": \"x\"}', 'a') → x" : "json_extract_path_text('{\"a\": \"x\"}', 'a') → x", true);
    Add(r, b ? "jsonb_typeof" : "json_typeof", {t}, T, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) { o.str()[k] = TypeName(Doc(a[0], k)); });
    }, "object, array, string, number, boolean or null", b ? "jsonb_typeof('[1]') → array" : "json_typeof('1') → number");
    Add(r, b ? "jsonb_array_length" : "json_array_length", {t}, I4, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        const Json doc = Doc(a[0], k);
        if (doc.kind != Json::Kind::kArray)
          throw Error(SqlState::kInvalidParameterValue,
                      doc.kind == Json::Kind::kObject ? "cannot get array length of a non-array" : "cannot get array length of a scalar");
        o.i64()[k] = int64_t(doc.items.size());
      });
    }, "number of elements of an array", b ? "jsonb_array_length('[1, 2]') → 2" : "json_array_length('[1, 2]') → 2");
    Add(r, b ? "jsonb_strip_nulls" : "json_strip_nulls", {t}, t, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        Json doc = Doc(a[0], k);
        StripNulls(&doc);
        o.str()[k] = JsonbText(doc);
      });
    }, "object fields with null values removed, all the way down", b ? "jsonb_strip_nulls('{\"a\": null, \"b\": 1}') → {\"b\": 1}" : "");
    Add(r, b ? "to_jsonb" : "to_json", {LogicalType(TypeId::kNull)}, t, b ? ToJsonKernel<true> : ToJsonKernel<false>, "any value as JSON",
        b ? "to_jsonb(ARRAY[1, 2]) → [1, 2]" : "to_json('a'::text) → \"a\"");
  }
  Add(r, "json_build_object", {LogicalType(TypeId::kNull)}, J, BuildObject<false>, "object from alternating keys and values",
      "json_build_object('a', 1, 'b', true) → {\"a\" : 1, \"b\" : true}", true, false);
  Add(r, "jsonb_build_object", {LogicalType(TypeId::kNull)}, JB, BuildObject<true>, "object from alternating keys and values",
      "jsonb_build_object('a', 1) → {\"a\": 1}", true, false);
  Add(r, "json_build_object", {}, J, BuildObject<false>, "", "", false, false);
  Add(r, "jsonb_build_object", {}, JB, BuildObject<true>, "", "", false, false);
  Add(r, "json_build_array", {LogicalType(TypeId::kNull)}, J, BuildArray<false>, "array of the arguments",
      "json_build_array(1, 'a', NULL) → [1, \"a\", null]", true, false);
  Add(r, "jsonb_build_array", {LogicalType(TypeId::kNull)}, JB, BuildArray<true>, "array of the arguments",
      "jsonb_build_array(1, 'a') → [1, \"a\"]", true, false);
  Add(r, "json_build_array", {}, J, BuildArray<false>, "", "", false, false);
  Add(r, "jsonb_build_array", {}, JB, BuildArray<true>, "", "", false, false);
  Add(r, "@>", {JB, JB}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = Contains(Doc(a[0], k), Doc(a[1], k), true); });
  }, "does the left value contain the right one?", "'{\"a\": 1, \"b\": 2}'::jsonb @> '{\"a\": 1}' → t");
  Add(r, "<@", {JB, JB}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = Contains(Doc(a[1], k), Doc(a[0], k), true); });
  }, "is the left value contained in the right one?", "'{\"a\": 1}'::jsonb <@ '{\"a\": 1, \"b\": 2}' → t");
  Add(r, "?", {JB, T}, B, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.i64()[k] = HasKey(Doc(a[0], k), a[1]->str()[k]); });
  }, "does the key (or array string element) exist at the top level?", "'{\"a\": 1}'::jsonb ? 'a' → t");
  Add(r, "?|", {JB, TA}, B, HasKeys<false>, "does any of the keys exist?", "'{\"a\": 1}'::jsonb ?| ARRAY['a', 'b'] → t");
  Add(r, "?&", {JB, TA}, B, HasKeys<true>, "do all of the keys exist?", "'{\"a\": 1}'::jsonb ?& ARRAY['a', 'b'] → f");
  Add(r, "||", {JB, JB}, JB, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) { o.str()[k] = JsonbText(Concat(Doc(a[0], k), Doc(a[1], k))); });
  }, "objects merged (the right wins), arrays concatenated", "'{\"a\": 1}'::jsonb || '{\"b\": 2}' → {\"a\": 1, \"b\": 2}");
  Add(r, "-", {JB, T}, JB, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Json doc = Doc(a[0], k);
      const std::string& key = a[1]->str()[k];
      if (doc.kind == Json::Kind::kObject) {
        std::erase_if(doc.members, [&](const auto& m) { return m.first == key; });
      } else if (doc.kind == Json::Kind::kArray) {
        std::erase_if(doc.items, [&](const Json& e) { return e.kind == Json::Kind::kString && e.text == key; });
      } else {
        throw Error(SqlState::kInvalidParameterValue, "cannot delete from scalar");
      }
      o.str()[k] = JsonbText(doc);
    });
  }, "without the key (or array string elements)", "'{\"a\": 1, \"b\": 2}'::jsonb - 'a' → {\"b\": 2}");
  Add(r, "-", {JB, I4}, JB, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      Json doc = Doc(a[0], k);
      if (doc.kind == Json::Kind::kObject) throw Error(SqlState::kInvalidParameterValue, "cannot delete from object using integer index");
      if (doc.kind != Json::Kind::kArray) throw Error(SqlState::kInvalidParameterValue, "cannot delete from scalar");
      const long long n_items = (long long)doc.items.size(), i = a[1]->i64()[k], at = i < 0 ? n_items + i : i;
      if (at >= 0 && at < n_items) doc.items.erase(doc.items.begin() + at);
      o.str()[k] = JsonbText(doc);
    });
  });
  for (bool create : {true, false}) {
    std::vector<LogicalType> args{JB, TA, JB};
    if (!create) args.push_back(B);
    Add(r, "jsonb_set", args, JB, [](Args a, size_t n, Vector& o) {
      ForEachValid(o, n, [&](size_t k) {
        Json doc = Doc(a[0], k);
        const std::vector<Value> path = ArrayElements(a[1]->GetValue(k));
        if (!path.empty() && doc.IsScalar()) throw Error(SqlState::kInvalidParameterValue, "cannot set path in scalar");
        if (!path.empty()) SetPath(&doc, path, 0, Doc(a[2], k), a.size() < 4 || a[3]->i64()[k] != 0);
        o.str()[k] = JsonbText(doc);
      });
    }, create ? "the value with the one at path replaced (or added)" : "", create ? "jsonb_set('{\"a\": 1}', '{b}', '2') → {\"a\": 1, \"b\": 2}" : "");
  }
  Add(r, "jsonb_pretty", {JB}, T, [](Args a, size_t n, Vector& o) {
    ForEachValid(o, n, [&](size_t k) {
      std::string out;
      Pretty(Doc(a[0], k), 0, &out);
      o.str()[k] = out;
    });
  }, "indented text", "jsonb_pretty('{\"a\": 1}')");
  AddScalar(r, "__json_pair", {LogicalType(TypeId::kNull), LogicalType(TypeId::kNull)}, T, JsonPair, "", "", false);
  for (const bool b : {false, true}) {
    AddCollectedJson(r, b ? "jsonb_object_agg" : "json_object_agg", b ? JB : J, b ? ObjectAgg<true> : ObjectAgg<false>,
                     "an object of the (key, value) inputs (called with two arguments; keys must not be NULL)",
                     b ? "jsonb_object_agg(tag, value)" : "json_object_agg(tag, value ORDER BY tag)");
    AddCollectedJson(r, b ? "jsonb_agg" : "json_agg", b ? JB : J, b ? AggJsonb : AggJson, "the non-NULL inputs as a JSON array (in ORDER BY order)",
                     b ? "jsonb_agg(x ORDER BY ts)" : "json_agg(x ORDER BY ts)");
  }
}

}  // namespace yunhe
