#include "server/http/influx_query.h"

#include <fmt/format.h>

#include <cctype>
#include <map>

namespace yunhe::http {
namespace {

struct Token {
  enum Kind { kWord, kIdent, kString, kNumber, kDuration, kRegex, kPunct } kind;
  std::string text;  // kWord: as written; kIdent/kString/kRegex: the unquoted content
};

std::string Lower(std::string s) {
  for (auto& c : s) c = char(tolower((unsigned char)c));
  return s;
}

std::string QuoteIdent(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string QuoteString(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::vector<Token> Tokenize(const std::string& q) {
  std::vector<Token> tokens, *out = &tokens;
  size_t i = 0;
  auto quoted = [&](char quote) {
    std::string s;
    for (++i; i < q.size() && q[i] != quote; ++i) {
      if (q[i] == '\\' && i + 1 < q.size()) ++i;
      s += q[i];
    }
    ++i;
    return s;
  };
  while (i < q.size()) {
    const char c = q[i];
    if (isspace((unsigned char)c)) {
      ++i;
    } else if (c == '"') {
      out->push_back({Token::kIdent, quoted('"')});
    } else if (c == '\'') {
      out->push_back({Token::kString, quoted('\'')});
    } else if (c == '/' && !out->empty() && out->back().kind == Token::kPunct && (out->back().text == "=~" || out->back().text == "!~")) {
      out->push_back({Token::kRegex, quoted('/')});
    } else if (isdigit((unsigned char)c) || (c == '.' && i + 1 < q.size() && isdigit((unsigned char)q[i + 1]))) {
      size_t j = i;
      while (j < q.size() && (isdigit((unsigned char)q[j]) || q[j] == '.')) ++j;
      std::string number = q.substr(i, j - i);
      size_t k = j;
      while (k < q.size() && (isalpha((unsigned char)q[k]) || (unsigned char)q[k] >= 0x80)) ++k;
      const std::string unit = q.substr(j, k - j);
      if (!unit.empty()) {
        out->push_back({Token::kDuration, number + " " + unit});
        i = k;
      } else {
        out->push_back({Token::kNumber, number});
        i = j;
      }
    } else if (isalpha((unsigned char)c) || c == '_') {
      size_t j = i;
      while (j < q.size() && (isalnum((unsigned char)q[j]) || q[j] == '_')) ++j;
      out->push_back({Token::kWord, q.substr(i, j - i)});
      i = j;
    } else {
      static const char* const kTwo[] = {"=~", "!~", "!=", "<>", "<=", ">=", "::"};
      std::string p(1, c);
      for (const char* t : kTwo)
        if (q.compare(i, 2, t) == 0) p = t;
      out->push_back({Token::kPunct, p});
      i += p.size();
    }
  }
  return tokens;
}

// 5m, 1h, 100ms ... as an SQL interval literal.
bool DurationSql(const std::string& text, std::string* sql) {
  const size_t space = text.find(' ');
  const std::string n = text.substr(0, space), unit = text.substr(space + 1);
  static const std::map<std::string, std::string> kUnits = {
      {"ns", "nanoseconds"}, {"u", "microseconds"}, {"us", "microseconds"}, {"\xC2\xB5", "microseconds"},
      {"\xC2\xB5s", "microseconds"}, {"ms", "milliseconds"}, {"s", "seconds"}, {"m", "minutes"},
      {"h", "hours"}, {"d", "days"}, {"w", "weeks"}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) return false;
  if (it->second == "nanoseconds") *sql = fmt::format("interval '{} microseconds'", std::stod(n) / 1000);
  else *sql = fmt::format("interval '{} {}'", n, it->second);
  return true;
}

bool IsWord(const Token& t, const char* w) { return t.kind == Token::kWord && Lower(t.text) == w; }

// Tokens back to SQL text: identifiers and strings re-quoted, durations as intervals, regular
// expression matches as PostgreSQL's ~ and !~.
bool ToSql(const std::vector<Token>& ts, size_t begin, size_t end, std::string* out, std::string* error) {
  for (size_t k = begin; k < end; ++k) {
    const Token& t = ts[k];
    std::string piece;
    switch (t.kind) {
      case Token::kIdent: piece = QuoteIdent(t.text); break;
      case Token::kString: piece = QuoteString(t.text); break;
      case Token::kRegex: piece = QuoteString(t.text); break;
      case Token::kDuration:
        if (!DurationSql(t.text, &piece)) {
          *error = "invalid duration " + t.text;
          return false;
        }
        break;
      case Token::kPunct: piece = t.text == "=~" ? "~" : t.text; break;
      default: piece = t.text;
    }
    *out += (out->empty() ? "" : " ") + piece;
  }
  return true;
}

// The top-level index ranges of a comma-separated list.
std::vector<std::pair<size_t, size_t>> SplitCommas(const std::vector<Token>& ts, size_t begin, size_t end) {
  std::vector<std::pair<size_t, size_t>> items;
  int depth = 0;
  size_t start = begin;
  for (size_t k = begin; k < end; ++k) {
    if (ts[k].kind != Token::kPunct) continue;
    if (ts[k].text == "(") ++depth;
    else if (ts[k].text == ")") --depth;
    else if (ts[k].text == "," && depth == 0) {
      items.emplace_back(start, k);
      start = k + 1;
    }
  }
  if (start < end) items.emplace_back(start, end);
  return items;
}

InfluxStatement Error(const std::string& message) {
  InfluxStatement s;
  s.kind = InfluxStatement::kError;
  s.error = message;
  return s;
}

InfluxStatement TranslateSelect(const std::vector<Token>& ts) {
  // Clause boundaries at depth 0.
  size_t from = 0, where = 0, group = 0, order = 0, limit = 0, offset = 0, end = ts.size();
  int depth = 0;
  for (size_t k = 1; k < ts.size(); ++k) {
    if (ts[k].kind == Token::kPunct && ts[k].text == "(") ++depth;
    if (ts[k].kind == Token::kPunct && ts[k].text == ")") --depth;
    if (depth || ts[k].kind != Token::kWord) continue;
    const std::string w = Lower(ts[k].text);
    if (w == "from" && !from) from = k;
    else if (w == "where" && !where) where = k;
    else if (w == "group" && k + 1 < ts.size() && IsWord(ts[k + 1], "by")) group = k;
    else if (w == "order" && k + 1 < ts.size() && IsWord(ts[k + 1], "by")) order = k;
    else if (w == "limit") limit = k;
    else if (w == "offset") offset = k;
    else if (w == "into" || w == "slimit" || w == "soffset" || w == "tz")
      return Error(fmt::format("{} is not supported by yunhe's /query", Lower(ts[k].text)));
  }
  if (!from) return Error("found EOF, expected FROM");
  auto next_clause = [&](size_t k) {
    size_t n = end;
    for (size_t c : {from, where, group, order, limit, offset})
      if (c > k && c < n) n = c;
    return n;
  };
  InfluxStatement st;
  st.kind = InfluxStatement::kSelect;
  // FROM m, "m", "db"."rp"."m": the last name.
  size_t from_end = next_clause(from);
  for (size_t k = from + 1; k < from_end; ++k) {
    if (ts[k].kind == Token::kIdent || ts[k].kind == Token::kWord) st.measurement = ts[k].text;
    else if (ts[k].kind == Token::kPunct && ts[k].text == ",") return Error("several measurements in FROM are not supported");
    else if (ts[k].kind == Token::kPunct && ts[k].text == "/") return Error("regular expressions in FROM are not supported");
  }
  if (st.measurement.empty()) return Error("found EOF, expected identifier");
  std::string error, where_sql, time_bucket;
  if (where && !ToSql(ts, where + 1, next_clause(where), &where_sql, &error)) return Error(error);
  // GROUP BY time(d), tag, ... [fill(...)]
  std::vector<std::string> group_tags;
  if (group) {
    const size_t g_end = next_clause(group);
    for (auto [b, e] : SplitCommas(ts, group + 2, g_end)) {
      if (IsWord(ts[b], "time") && b + 1 < e && ts[b + 1].text == "(") {
        if (b + 2 >= e || ts[b + 2].kind != Token::kDuration || !DurationSql(ts[b + 2].text, &time_bucket))
          return Error("GROUP BY time() needs a duration");
        continue;
      }
      std::string tag;
      if (!ToSql(ts, b, e, &tag, &error)) return Error(error);
      // fill(...) may trail the last item: dropped (yunhe returns only buckets that have rows).
      const size_t fill = tag.find(" fill (");
      if (fill != std::string::npos) tag = tag.substr(0, fill);
      if (tag.rfind("fill (", 0) == 0) continue;
      if (tag == "*") return Error("GROUP BY * is not supported");
      group_tags.push_back(tag);
    }
  }
  // The select list: aggregates renamed to PostgreSQL's and named as InfluxDB names them.
  static const std::map<std::string, std::string> kAggregates = {{"mean", "avg"}, {"count", "count"}, {"sum", "sum"},
                                                                 {"min", "min"}, {"max", "max"}, {"first", "first"},
                                                                 {"last", "last"}, {"stddev", "stddev"}, {"median", ""},
                                                                 {"spread", ""}};
  std::vector<std::string> items;
  bool star = false;
  for (auto [b, e] : SplitCommas(ts, 1, from)) {
    const std::string fn = ts[b].kind == Token::kWord ? Lower(ts[b].text) : "";
    const bool call = b + 1 < e && ts[b + 1].kind == Token::kPunct && ts[b + 1].text == "(";
    size_t close = b;
    if (call) {
      int d = 0;
      for (close = b + 1; close < e; ++close) {
        if (ts[close].text == "(") ++d;
        if (ts[close].text == ")" && --d == 0) break;
      }
    }
    std::string alias;
    if (close + 2 < e && IsWord(ts[close + 1], "as")) alias = ts[close + 2].text;
    if (call && kAggregates.count(fn)) {
      st.aggregate = true;
      std::string arg;
      if (!ToSql(ts, b + 2, close, &arg, &error)) return Error(error);
      std::string expr;
      if (fn == "median") expr = fmt::format("percentile_cont(0.5) WITHIN GROUP (ORDER BY {})", arg);
      else if (fn == "spread") expr = fmt::format("(max({0}) - min({0}))", arg);
      else if (fn == "first" || fn == "last") expr = fmt::format("{}({}, \"time\")", fn, arg);
      else expr = fmt::format("{}({})", kAggregates.at(fn), arg);
      items.push_back(expr + " AS " + QuoteIdent(alias.empty() ? fn : alias));
      continue;
    }
    std::string item;
    if (!ToSql(ts, b, e, &item, &error)) return Error(error);
    if (item == "*") star = true;
    if (item == "\"time\"" || item == "time") continue;  // time always comes first
    items.push_back(item);
  }
  std::string sql = "SELECT ";
  if (!time_bucket.empty()) sql += fmt::format("time_bucket({}, \"time\") AS \"time\"", time_bucket);
  else if (st.aggregate) sql += "'1970-01-01 00:00:00+00'::timestamptz AS \"time\"";
  else if (!star) sql += "\"time\"";
  const bool grouped = !time_bucket.empty() || st.aggregate;
  if (grouped)
    for (const std::string& t : group_tags) sql += ", " + t;
  for (const std::string& item : items) sql += (sql == "SELECT " ? "" : ", ") + item;
  sql += " FROM " + QuoteIdent(st.measurement);
  if (!where_sql.empty()) sql += " WHERE " + where_sql;
  if (grouped && (!time_bucket.empty() || !group_tags.empty())) {
    sql += " GROUP BY ";
    std::string keys = time_bucket.empty() ? "" : "1";
    for (size_t k = 0; k < group_tags.size(); ++k) keys += (keys.empty() ? "" : ", ") + std::to_string(k + 2);  // after time
    sql += keys;
  }
  // InfluxDB answers in time order; ORDER BY time DESC reverses it.
  bool desc = false;
  if (order) {
    std::string o;
    if (!ToSql(ts, order + 2, next_clause(order), &o, &error)) return Error(error);
    desc = Lower(o).find("desc") != std::string::npos;
  }
  sql += std::string(grouped ? " ORDER BY 1" : " ORDER BY \"time\"") + (desc ? " DESC" : "");
  if (limit) {
    std::string l;
    if (!ToSql(ts, limit + 1, next_clause(limit), &l, &error)) return Error(error);
    sql += " LIMIT " + l;
  }
  if (offset) {
    std::string o;
    if (!ToSql(ts, offset + 1, next_clause(offset), &o, &error)) return Error(error);
    sql += " OFFSET " + o;
  }
  st.sql = sql;
  return st;
}

InfluxStatement Translate(const std::vector<Token>& ts) {
  if (ts.empty()) return Error("found EOF, expected SELECT, SHOW, CREATE");
  const std::string first = ts[0].kind == Token::kWord ? Lower(ts[0].text) : "";
  InfluxStatement st;
  if (first == "select") return TranslateSelect(ts);
  if (first == "show" && ts.size() >= 2) {
    const std::string what = Lower(ts[1].text);
    auto from_name = [&]() {
      for (size_t k = 2; k + 1 < ts.size(); ++k)
        if (IsWord(ts[k], "from")) return ts[k + 1].text;
      return std::string();
    };
    if (what == "databases") st.kind = InfluxStatement::kShowDatabases;
    else if (what == "measurements") st.kind = InfluxStatement::kShowMeasurements;
    else if (what == "retention") st.kind = InfluxStatement::kShowRetentionPolicies;
    else if (what == "tag" && ts.size() > 2 && IsWord(ts[2], "keys")) st.kind = InfluxStatement::kShowTagKeys;
    else if (what == "field" && ts.size() > 2 && IsWord(ts[2], "keys")) st.kind = InfluxStatement::kShowFieldKeys;
    else return Error(fmt::format("SHOW {} is not supported by yunhe's /query", ts[1].text));
    st.measurement = from_name();
    return st;
  }
  if (first == "create" && ts.size() >= 3 && IsWord(ts[1], "database")) {
    st.kind = InfluxStatement::kCreateDatabase;
    st.name = ts[2].text;
    return st;
  }
  return Error(fmt::format("{} is not supported by yunhe's /query (SELECT, SHOW and CREATE DATABASE are)",
                           ts[0].text.empty() ? "this statement" : ts[0].text));
}

}  // namespace

std::vector<InfluxStatement> TranslateInfluxQL(const std::string& q) {
  const std::vector<Token> tokens = Tokenize(q);
  std::vector<InfluxStatement> out;
  std::vector<Token> current;
  for (const Token& t : tokens) {
    if (t.kind == Token::kPunct && t.text == ";") {
      if (!current.empty()) out.push_back(Translate(current));
      current.clear();
    } else {
      current.push_back(t);
    }
  }
  if (!current.empty()) out.push_back(Translate(current));
  return out;
}

}  // namespace yunhe::http
