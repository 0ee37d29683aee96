// InfluxDB 1.x's /query endpoint, enough for influxdb-python, Telegraf's InfluxDB output and
// Grafana's InfluxDB data source to connect and read: SHOW DATABASES / MEASUREMENTS / TAG KEYS /
// FIELD KEYS / RETENTION POLICIES, CREATE DATABASE (one database: accepted, remembered for SHOW),
// and InfluxQL SELECTs translated to SQL over the line-protocol tables (a measurement is a table,
// tags its text columns, fields the others, `time` its designated timestamp).
//
// The SELECT translation covers what dashboards send: field lists and *, WHERE with duration
// literals (`now() - 1h`) and time strings, the aggregates mean/median/count/sum/min/max/first/
// last/spread/stddev (result columns named as InfluxDB names them; a lone max/min/first/last
// answers with its point's time), GROUP BY time(d) and tags (one series per tag set, with its
// "tags" object, as InfluxDB), fill(null | none | previous | linear | value) over the WHERE's
// time range (time_bucket_gapfill from its lower bound to its upper one or now(); no lower bound:
// no fill), time compared with a number (ns since the epoch) or a duration (from the epoch),
// ORDER BY time, LIMIT/OFFSET. Anything else (regular expressions, SLIMIT, tz(), INTO)
// answers an InfluxDB-style error naming it.
#pragma once
#include <string>
#include <vector>

namespace yunhe::http {

struct InfluxStatement {
  enum Kind {
    kSelect,               // sql: the translation; measurement: the series name
    kShowDatabases,
    kCreateDatabase,       // name
    kShowMeasurements,
    kShowRetentionPolicies,
    kShowTagKeys,          // measurement ("" = all)
    kShowFieldKeys,        // measurement ("" = all)
    kError,                // error: what InfluxDB would answer
  } kind = kError;
  std::string sql, measurement, name, error;
  bool aggregate = false;  // a SELECT of aggregates without GROUP BY time: time is the epoch
  // GROUP BY tags: their names; the SQL's columns 2.. are their values (then the fields), and
  // the answer is one series per tag set.
  std::vector<std::string> group_tags;
};

// The statements of a q= parameter (separated by ';' outside quotes), each translated.
std::vector<InfluxStatement> TranslateInfluxQL(const std::string& q);

}  // namespace yunhe::http
