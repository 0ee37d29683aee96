#include "server/http/influx_query_handler.h"

#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <map>

#include "common/sql_text.h"
#include "common/value.h"
#include "engine/session.h"
#include "server/http/influx_query.h"
#include "server/http/result_stream.h"

namespace yunhe::http {
namespace {

std::string TimeJson(int64_t ns, const std::string& epoch) {
  static const std::pair<const char*, int64_t> kUnits[] = {{"ns", 1}, {"u", 1000}, {"\xC2\xB5", 1000}, {"ms", 1000000},
                                                           {"s", 1000000000}, {"m", 60000000000}, {"h", 3600000000000}};
  for (auto& [unit, div] : kUnits)
    if (epoch == unit) return std::to_string(ns / div);
  // RFC 3339 in UTC with the fraction's trailing zeros dropped, as InfluxDB prints times.
  int64_t secs = ns / 1000000000, frac = ns % 1000000000;
  if (frac < 0) {
    frac += 1000000000;
    --secs;
  }
  const time_t t = time_t(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (frac) {
    std::string f = fmt::format("{:09d}", frac);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return "\"" + out + "Z\"";
}

std::string ValueJson(const Value& v, const std::string& epoch) {
  if (v.is_null) return "null";
  switch (v.type.id) {
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      if (!std::isfinite(v.f)) return "null";
      std::string s = v.ToString();  // a float stays a float for the client: 31.0, not 31
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      return s;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: return TimeJson(v.i, epoch);
    default: return JsonValue(v);
  }
}

// One series object; `tags` (JSON members, "" = none) of a GROUP BY tag set.
std::string Series(const std::string& name, const std::vector<std::string>& columns, const std::vector<std::vector<std::string>>& rows,
                   const std::string& tags = "") {
  std::string s = "{\"name\":" + JsonString(name) + (tags.empty() ? "" : ",\"tags\":{" + tags + "}") + ",\"columns\":[";
  for (size_t c = 0; c < columns.size(); ++c) s += (c ? "," : "") + JsonString(columns[c]);
  s += "],\"values\":[";
  for (size_t r = 0; r < rows.size(); ++r) {
    s += r ? ",[" : "[";
    for (size_t c = 0; c < rows[r].size(); ++c) s += (c ? "," : "") + rows[r][c];
    s += "]";
  }
  return s + "]}";
}

}  // namespace

namespace {

// GROUP BY tags: one series per tag set (columns 1..n of each row, after time), in the order of
// the tag values, each with a "tags" object and its rows' other columns; "" for a missing tag.
std::string TagSeries(const std::string& name, const std::vector<std::string>& tags, const std::vector<std::string>& columns,
                      const std::vector<std::vector<std::string>>& rows) {
  std::map<std::vector<std::string>, std::vector<std::vector<std::string>>> sets;
  for (const auto& row : rows) {
    std::vector<std::string> key(row.begin() + 1, row.begin() + 1 + long(tags.size()));
    for (auto& v : key)
      if (v == "null") v = "\"\"";  // a series without the tag: "" (and first in order, as InfluxDB)
    std::vector<std::string> rest{row[0]};
    rest.insert(rest.end(), row.begin() + 1 + long(tags.size()), row.end());
    sets[key].push_back(std::move(rest));
  }
  std::vector<std::string> kept{columns[0]};
  kept.insert(kept.end(), columns.begin() + 1 + long(tags.size()), columns.end());
  std::string out;
  for (auto& [key, set_rows] : sets) {
    std::string tag_json;
    for (size_t k = 0; k < tags.size(); ++k) tag_json += (k ? "," : "") + JsonString(tags[k]) + ":" + key[k];
    out += (out.empty() ? "" : ",") + Series(name, kept, set_rows, tag_json);
  }
  return out;
}

}  // namespace

std::string InfluxQueryHandler::Run(const std::string& q, const std::string& epoch, const std::string& role) {
  std::string out = "{\"results\":[";
  const std::vector<InfluxStatement> statements = TranslateInfluxQL(q);
  Session session(db_);
  session.SetLoginUser(role);
  auto defer = db_.DeferSync();
  // Runs SQL; the rows as JSON cells (epoch applies to timestamps). False with *error set.
  auto query = [&](const std::string& sql, std::vector<std::string>* names, std::vector<std::vector<std::string>>* rows,
                   std::string* error) {
    std::vector<QueryResult> results = session.Execute(sql);
    if (results.empty()) return true;
    const QueryResult& r = results.back();
    if (!r.status.ok()) {
      *error = r.status.message();
      return false;
    }
    *names = r.names;
    for (const DataChunk& chunk : r.chunks)
      for (size_t row = 0; row < chunk.count; ++row) {
        std::vector<std::string> cells;
        for (const Vector& col : chunk.columns) cells.push_back(ValueJson(col.GetValue(row), epoch));
        rows->push_back(std::move(cells));
      }
    return true;
  };
  for (size_t k = 0; k < statements.size(); ++k) {
    const InfluxStatement& st = statements[k];
    std::string result = fmt::format("{{\"statement_id\":{}", k);
    std::vector<std::string> names;
    std::vector<std::vector<std::string>> rows;
    std::string error, series_name;
    bool ok = true;
    const std::string where_table = st.measurement.empty() ? "" : " AND table_name = " + QuoteLiteral(st.measurement);
    switch (st.kind) {
      case InfluxStatement::kError: ok = false, error = st.error; break;
      case InfluxStatement::kCreateDatabase: {
        std::lock_guard<std::mutex> lock(mu_);
        databases_.insert(st.name);
        break;
      }
      case InfluxStatement::kShowDatabases: {
        series_name = "databases";
        names = {"name"};
        std::lock_guard<std::mutex> lock(mu_);
        std::set<std::string> all = databases_;
        all.insert("yunhe");
        for (const std::string& d : all) rows.push_back({JsonString(d)});
        break;
      }
      case InfluxStatement::kShowRetentionPolicies:
        series_name = "";
        names = {"name", "duration", "shardGroupDuration", "replicaN", "default"};
        rows.push_back({"\"autogen\"", "\"0s\"", "\"168h0m0s\"", "1", "true"});
        break;
      case InfluxStatement::kShowMeasurements:
        series_name = "measurements";
        ok = query("SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relnamespace = 2200 ORDER BY 1", &names, &rows, &error);
        break;
      case InfluxStatement::kShowTagKeys:
      case InfluxStatement::kShowFieldKeys: {
        // Tags are a measurement's text columns; fields the others but time.
        const bool tags = st.kind == InfluxStatement::kShowTagKeys;
        std::vector<std::string> ignored;
        std::vector<std::vector<std::string>> found;
        ok = query(fmt::format("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'{} "
                               "AND column_name <> 'time' AND (data_type = 'text') = {} ORDER BY 1, 2",
                               where_table, tags ? "true" : "false"),
                   &ignored, &found, &error);
        // One series per measurement.
        std::map<std::string, std::vector<std::vector<std::string>>> by_table;
        for (auto& row : found) {
          const std::string& type = row[2];
          const std::string field_type = type == "\"double precision\"" ? "\"float\"" : type == "\"bigint\"" ? "\"integer\""
                                       : type == "\"boolean\"" ? "\"boolean\"" : "\"string\"";
          by_table[row[0]].push_back(tags ? std::vector<std::string>{row[1]} : std::vector<std::string>{row[1], field_type});
        }
        if (ok && !by_table.empty()) {
          result += ",\"series\":[";
          bool first = true;
          for (auto& [table, keys] : by_table) {
            std::string name = table.substr(1, table.size() - 2);  // JSON string -> text (names need no escapes here)
            result += (first ? "" : ",") + Series(name, tags ? std::vector<std::string>{"tagKey"} : std::vector<std::string>{"fieldKey", "fieldType"}, keys);
            first = false;
          }
          result += "]";
        }
        names.clear();
        break;
      }
      case InfluxStatement::kSelect:
        series_name = st.measurement;
        ok = query(st.sql, &names, &rows, &error);
        if (!ok && error == "relation \"" + st.measurement + "\" does not exist") ok = true;  // InfluxDB: no series
        break;
    }
    if (!ok) result += ",\"error\":" + JsonString(error);
    else if (!names.empty() && !rows.empty() && st.kind == InfluxStatement::kSelect && !st.group_tags.empty() &&
             names.size() > st.group_tags.size())
      result += ",\"series\":[" + TagSeries(series_name, st.group_tags, names, rows) + "]";
    else if (!names.empty() && !rows.empty()) result += ",\"series\":[" + Series(series_name, names, rows) + "]";
    out += (k ? "," : "") + result + "}";
  }
  (void)db_.WaitDurable();
  return out + "]}\n";
}

}  // namespace yunhe::http
