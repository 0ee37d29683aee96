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
  // `time > 0`, `time < 120s`: a number compared with time is nanoseconds since the epoch, a
  // duration an offset from it (InfluxQL); elsewhere (`now() - 1h`) a duration is an interval.
  auto is_time = [&](size_t i) { return i >= begin && i < end && (ts[i].kind == Token::kWord || ts[i].kind == Token::kIdent) && Lower(ts[i].text) == "time"; };
  auto is_cmp = [&](size_t i) {
    if (i < begin || i >= end || ts[i].kind != Token::kPunct) return false;
    const std::string& p = ts[i].text;
    return p == "<" || p == ">" || p == "<=" || p == ">=" || p == "=" || p == "<>" || p == "!=";
  };
  for (size_t k = begin; k < end; ++k) {
    const Token& t = ts[k];
    std::string piece;
    const bool time_operand = (k >= begin + 2 && is_cmp(k - 1) && is_time(k - 2)) || (is_cmp(k + 1) && is_time(k + 2));
    if (time_operand && t.kind == Token::kNumber) {
      *out += (out->empty() ? "" : " ") + fmt::format("to_timestamp({}::numeric / 1000000000)", t.text);
      continue;
    }
    if (time_operand && t.kind == Token::kDuration) {
      if (!DurationSql(t.text, &piece)) {
        *error = "invalid duration " + t.text;
        return false;
      }
      *out += std::string(out->empty() ? "" : " ") + "('1970-01-01 00:00:00+00'::timestamptz + " + piece + ")";
      continue;
    }
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

// The time range of a WHERE: `time >= X` / `time > X` give *lower, `time < X` / `time <= X`
// *upper (SQL; a bare number or duration is a point in time), among top-level conjuncts.
void TimeBounds(const std::vector<Token>& ts, size_t begin, size_t end, std::string* lower, std::string* upper) {
  int depth = 0;
  for (size_t k = begin; k < end; ++k) {
    if (ts[k].kind == Token::kPunct && ts[k].text == "(") ++depth;
    if (ts[k].kind == Token::kPunct && ts[k].text == ")") --depth;
    if (depth != 0 || k + 2 > end || !(ts[k].kind == Token::kWord || ts[k].kind == Token::kIdent) || Lower(ts[k].text) != "time") continue;
    if (k + 1 >= end || ts[k + 1].kind != Token::kPunct) continue;
    const std::string op = ts[k + 1].text;
    if (op != ">=" && op != ">" && op != "<" && op != "<=") continue;
    size_t x_end = k + 2;
    int d = 0;
    while (x_end < end && !(d == 0 && (IsWord(ts[x_end], "and") || IsWord(ts[x_end], "or")))) {
      if (ts[x_end].text == "(") ++d;
      if (ts[x_end].text == ")") --d;
      ++x_end;
    }
    // Through ToSql with the comparison in front, so bare numbers and durations read as times.
    std::string sql, error;
    if (!ToSql(ts, k, x_end, &sql, &error)) continue;
    const size_t cut = sql.find(op);
    if (cut == std::string::npos) continue;
    std::string value = sql.substr(cut + op.size());
    while (!value.empty() && value[0] == ' ') value.erase(0, 1);
    // A strict lower bound still starts the fill at its bucket.
    (op[0] == '>' ? *lower : *upper) = value;
  }
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
  std::string fill = "null";  // InfluxDB's default: empty buckets of the WHERE's time range as null
  if (group) {
    const size_t g_end = next_clause(group);
    for (auto [b, e] : SplitCommas(ts, group + 2, g_end)) {
      // fill(...) trails the last item.
      size_t fill_at = b;
      while (fill_at < e && !IsWord(ts[fill_at], "fill")) ++fill_at;
      if (fill_at < e) {
        if (fill_at + 2 >= e) return Error("fill() needs an argument");
        fill = ts[fill_at + 2].kind == Token::kPunct && ts[fill_at + 2].text == "-" && fill_at + 3 < e ? "-" + ts[fill_at + 3].text
                                                                                                        : Lower(ts[fill_at + 2].text);
        if (fill != "none" && fill != "null" && fill != "previous" && fill != "linear" &&
            fill.find_first_not_of("-.0123456789") != std::string::npos)
          return Error("fill(" + fill + ") is not supported");
        e = fill_at;
        if (b == e) continue;
      }
      if (IsWord(ts[b], "time") && b + 1 < e && ts[b + 1].text == "(") {
        if (b + 2 >= e || ts[b + 2].kind != Token::kDuration || !DurationSql(ts[b + 2].text, &time_bucket))
          return Error("GROUP BY time() needs a duration");
        continue;
      }
      std::string tag;
      if (!ToSql(ts, b, e, &tag, &error)) return Error(error);
      if (tag == "*") return Error("GROUP BY * is not supported");
      group_tags.push_back(tag);
      // The tag's name as a series' "tags" key: the identifier, unquoted.
      std::string name = tag;
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      st.group_tags.push_back(name);
    }
  }
  // The select list: aggregates renamed to PostgreSQL's and named as InfluxDB names them.
  static const std::map<std::string, std::string> kAggregates = {{"mean", "avg"}, {"count", "count"}, {"sum", "sum"},
                                                                 {"min", "min"}, {"max", "max"}, {"first", "first"},
                                                                 {"last", "last"}, {"stddev", "stddev"}, {"median", ""},
                                                                 {"spread", ""}};
  std::vector<std::string> items;
  std::vector<std::pair<std::string, std::string>> calls;  // aggregate name, argument SQL
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
      // fill(previous | linear | value) of a GROUP BY time() query: per aggregate.
      if (!time_bucket.empty() && fill == "previous") expr = "locf(" + expr + ")";
      else if (!time_bucket.empty() && fill == "linear") expr = "interpolate(" + expr + ")";
      else if (!time_bucket.empty() && fill != "none" && fill != "null") expr = "coalesce(" + expr + ", " + fill + ")";
      calls.emplace_back(fn, arg);
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
  // Empty buckets (fill other than none) need the WHERE's lower time bound; up to its upper one
  // or now(), as InfluxDB fills.
  std::string lower, upper;
  if (where) TimeBounds(ts, where + 1, next_clause(where), &lower, &upper);
  if (!time_bucket.empty() && fill != "none" && !lower.empty())
    sql += fmt::format("time_bucket_gapfill({}, \"time\", {}, {}) AS \"time\"", time_bucket, lower, upper.empty() ? "now()" : upper);
  else if (!time_bucket.empty()) sql += fmt::format("time_bucket({}, \"time\") AS \"time\"", time_bucket);
  else if (st.aggregate && calls.size() == 1 && (calls[0].first == "max" || calls[0].first == "min" || calls[0].first == "first" ||
                                                   calls[0].first == "last")) {
    // A lone selector names its point's time (InfluxDB); other aggregates answer at the epoch.
    const auto& [fn, arg] = calls[0];
    sql += fn == "max"   ? fmt::format("last(\"time\", {}) AS \"time\"", arg)
         : fn == "min"   ? fmt::format("first(\"time\", {}) AS \"time\"", arg)
         : fn == "first" ? std::string("min(\"time\") AS \"time\"")
                         : std::string("max(\"time\") AS \"time\"");
  } else if (st.aggregate) sql += "'1970-01-01 00:00:00+00'::timestamptz AS \"time\"";
  else if (!star) sql += "\"time\"";
  const bool grouped = !time_bucket.empty() || st.aggregate;
  if (star && !group_tags.empty()) return Error("SELECT * with GROUP BY tags is not supported: name the fields");
  for (const std::string& t : group_tags) sql += (sql == "SELECT " ? "" : ", ") + t;
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
