// GET|POST /query (InfluxDB 1.x): runs the translated statements (http/influx_query.h) on a
// session of their own and answers InfluxDB's JSON: {"results":[{"statement_id":0,"series":
// [{"name","columns","values"}]}]}, an "error" member per failed statement. Times are RFC 3339
// (UTC, "2024-01-01T00:00:00Z"), or integers with epoch=ns|u|ms|s|m|h.
#pragma once
#include <mutex>
#include <set>
#include <string>

#include "engine/database.h"

namespace yunhe::http {

class InfluxQueryHandler {
 public:
  explicit InfluxQueryHandler(Database& db) : db_(db) {}
  // q: the InfluxQL text; epoch: "" or a unit. Returns the response body.
  std::string Run(const std::string& q, const std::string& epoch, const std::string& role);

 private:
  Database& db_;
  std::mutex mu_;
  std::set<std::string> databases_;  // made by CREATE DATABASE (one database underneath: all alike)
};

}  // namespace yunhe::http
