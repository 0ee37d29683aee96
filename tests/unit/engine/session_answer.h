// What engine tests ask of a Session: the first cell of the last result of `sql`, its tag when it
// returned no rows, or "error <sqlstate>".
#pragma once
#include <string>

#include "engine/session.h"

namespace yunhe::testing {

inline std::string Sql(Session& s, const std::string& sql) {
  auto results = s.Execute(sql);
  const QueryResult& r = results.back();
  if (!r.status.ok()) return "error " + r.status.sqlstate();
  if (r.chunks.empty() || r.chunks[0].count == 0) return r.tag;
  return r.chunks[0].columns[0].GetValue(0).ToString();
}

}  // namespace yunhe::testing
