#include "common/sql_text.h"

#include <fmt/format.h>

namespace yunhe {

std::string QuoteLiteral(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string QuoteIdent(const std::string& name) {
  bool plain = !name.empty() && (islower((unsigned char)name[0]) || name[0] == '_');
  for (char c : name) plain = plain && (islower((unsigned char)c) || isdigit((unsigned char)c) || c == '_');
  static const char* kReserved[] = {"select", "from", "where", "table", "order", "group", "user", "limit", "offset",
                                    "all", "and", "or", "not", "null", "default", "check", "primary", "unique", "to",
                                    "end", "case", "when", "then", "else", "as", "in", "is", "on", "desc", "asc", "time"};
  for (auto* r : kReserved) plain = plain && name != r;
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out.push_back(char(c));
    }
  }
  return out + "\"";
}

}  // namespace yunhe
