#include "ingest/json/json_to_lineproto.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>

#include "common/time_util.h"

namespace yunhe::mqtt {

namespace {
std::string EscapeName(std::string_view s, bool measurement) {
  std::string out;
  for (char c : s) {
    if (c == ',' || c == ' ' || (!measurement && c == '=') || c == '\\') out.push_back('\\');
    if (c == '\n' || c == '\r') c = ' ';
    out.push_back(c);
  }
  return out;
}

std::string EscapeString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n' || c == '\r') c = ' ';
    out.push_back(c);
  }
  return out + "\"";
}

std::string FormatDouble(double d) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

// Epoch number in unknown units -> ns.
bool EpochToNs(double v, int64_t* ns) {
  if (!std::isfinite(v)) return false;
  const double a = std::fabs(v);
  double scaled = a >= 1e17 ? v : a >= 1e14 ? v * 1e3 : a >= 1e11 ? v * 1e6 : v * 1e9;
  if (std::fabs(scaled) > 9.2e18) return false;
  *ns = int64_t(std::llround(scaled));
  return true;
}
}  // namespace

std::string JsonToLineProtocol(std::string_view json, const std::string& default_table, std::string* error) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto err = parser.parse(json.data(), json.size()).get(doc);
  if (err) {
    *error = std::string("invalid JSON: ") + simdjson::error_message(err);
    return "";
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    *error = "JSON payload is not an object";
    return "";
  }
  std::string table = default_table;
  bool has_ts = false;
  int64_t ts = 0;
  std::string fields;
  auto add_field = [&](const std::string& key, simdjson::dom::element v) -> bool {
    std::string value;
    switch (v.type()) {
      case simdjson::dom::element_type::STRING: value = EscapeString(std::string_view(v.get_string().value())); break;
      case simdjson::dom::element_type::INT64: value = FormatDouble(double(int64_t(v.get_int64().value()))); break;
      case simdjson::dom::element_type::UINT64: value = FormatDouble(double(uint64_t(v.get_uint64().value()))); break;
      case simdjson::dom::element_type::DOUBLE: {
        double d = v.get_double().value();
        if (!std::isfinite(d)) return true;
        value = FormatDouble(d);
        break;
      }
      case simdjson::dom::element_type::BOOL: value = v.get_bool().value() ? "true" : "false"; break;
      default: return true;  // null, arrays: skipped
    }
    fields += (fields.empty() ? "" : ",") + EscapeName(key, false) + "=" + value;
    return true;
  };
  for (auto [key_view, value] : obj) {
    std::string key(key_view);
    if (key == "measurement" || key == "table") {
      std::string_view t;
      if (!value.get_string().get(t)) table = std::string(t);
      continue;
    }
    if (key == "ts" || key == "time" || key == "timestamp") {
      double num = 0;
      std::string_view text;
      if (value.is_number() && value.get_double().get(num) == simdjson::SUCCESS && EpochToNs(num, &ts)) {
        has_ts = true;
        continue;
      }
      if (value.get_string().get(text) == simdjson::SUCCESS) {
        bool zone;
        if (ParseTimestamp(std::string(text), &ts, &zone)) {
          has_ts = true;
          continue;
        }
      }
      *error = "\"" + key + "\" is not a timestamp (epoch number or timestamp string)";
      return "";
    }
    simdjson::dom::object inner;
    if (!value.get_object().get(inner)) {
      for (auto [k2, v2] : inner) add_field(key + "_" + std::string(k2), v2);
      continue;
    }
    add_field(key, value);
  }
  if (fields.empty()) {
    *error = "JSON object has no values to store";
    return "";
  }
  std::string line = EscapeName(table, true) + " " + fields;
  if (has_ts) line += " " + std::to_string(ts);
  return line;
}

}  // namespace yunhe::mqtt
