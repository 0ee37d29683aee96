#include "sql/sql_tokens.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cstdlib>

namespace yunhe {

std::vector<SqlToken> ScanSqlTokens(const std::string& sql) {
  std::vector<SqlToken> tokens;
  PgQueryScanResult r = pg_query_scan(sql.c_str());
  if (!r.error) {
    PgQuery__ScanResult* scan = pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const uint8_t*>(r.pbuf.data));
    if (scan) {
      tokens.reserve(scan->n_tokens);
      for (size_t k = 0; k < scan->n_tokens; ++k)
        tokens.push_back(SqlToken{scan->tokens[k]->start, scan->tokens[k]->end, int(scan->tokens[k]->token)});
      pg_query__scan_result__free_unpacked(scan, nullptr);
    }
  }
  pg_query_free_scan_result(r);
  return tokens;
}

int CountParams(const std::string& sql) {
  int max_param = 0;
  for (const SqlToken& t : ScanSqlTokens(sql))
    if (t.kind == PG_QUERY__TOKEN__PARAM) max_param = std::max(max_param, atoi(sql.c_str() + t.start + 1));
  return max_param;
}

std::string ReplaceParams(const std::string& sql, const std::function<std::optional<std::string>(int)>& replace) {
  std::string out;
  size_t copied = 0;
  for (const SqlToken& t : ScanSqlTokens(sql)) {
    if (t.kind != PG_QUERY__TOKEN__PARAM) continue;
    std::optional<std::string> text = replace(atoi(sql.c_str() + t.start + 1));
    if (!text) continue;  // left as $n: "there is no parameter $n"
    out.append(sql, copied, size_t(t.start) - copied);
    out += *text;
    copied = size_t(t.end);
  }
  out.append(sql, copied, std::string::npos);
  return out;
}

std::vector<std::string> ParenthesizedItems(const std::string& sql, const std::vector<SqlToken>& tokens, size_t open, size_t* close) {
  std::vector<std::string> items;
  int depth = 0;
  size_t item_start = tokens[open].end;
  for (size_t k = open; k < tokens.size(); ++k) {
    const int kind = tokens[k].kind;
    if (kind == '(' || kind == '[') {
      ++depth;
    } else if (kind == ')' || kind == ']') {
      if (--depth == 0) {
        std::string last = sql.substr(item_start, size_t(tokens[k].start) - item_start);
        if (!items.empty() || last.find_first_not_of(" \t\r\n") != std::string::npos) items.push_back(last);
        *close = k;
        return items;
      }
    } else if (kind == ',' && depth == 1) {
      items.push_back(sql.substr(item_start, size_t(tokens[k].start) - item_start));
      item_start = tokens[k].end;
    }
  }
  *close = tokens.size();
  return items;
}

}  // namespace yunhe
