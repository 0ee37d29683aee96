// The C API (include/yunhe/yunhe.h) over the C++ one: materialized results, errors as values.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "yunhe/yunhe.h"
#include "yunhe/yunhe.hpp"

using yunhe::api::Appender;
using yunhe::api::Chunk;
using yunhe::api::Connection;
using yunhe::api::Database;
using yunhe::api::Error;
using yunhe::api::Result;
using yunhe::api::Value;

struct yunhe_database {
  std::unique_ptr<Database> db;
};
struct yunhe_connection {
  std::unique_ptr<Connection> con;
};
struct yunhe_result {
  std::string error, sqlstate, tag;
  int position = 0;
  int64_t affected = -1;
  std::vector<std::string> names;
  std::vector<yunhe::api::Type> types;
  std::vector<Chunk> chunks;
  std::vector<size_t> starts;  // first row of each chunk
  size_t rows = 0;
  std::unordered_map<uint64_t, std::string> texts;  // yunhe_value_text's answers, kept until freed

  // The chunk holding `row` and the row inside it; false when out of range.
  bool Locate(size_t row, size_t col, const Chunk** chunk, size_t* at) const {
    if (row >= rows || col >= names.size()) return false;
    const size_t k = size_t(std::upper_bound(starts.begin(), starts.end(), row) - starts.begin()) - 1;
    *chunk = &chunks[k];
    *at = row - starts[k];
    return true;
  }
};
struct yunhe_appender {
  std::unique_ptr<Appender> app;
  std::string error;
};

namespace {

char* Dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

yunhe_state Fill(yunhe_result* r, const std::function<Result()>& run) {
  try {
    Result res = run();
    r->names = res.names();
    r->types = res.types();
    for (Chunk c; res.Next(&c);) {
      r->starts.push_back(r->rows);
      r->rows += c.size();
      r->chunks.push_back(std::move(c));
    }
    r->tag = res.tag();
    r->affected = res.rows_affected();
    return YUNHE_OK;
  } catch (const Error& e) {
    r->error = e.what();
    r->sqlstate = e.sqlstate();
    r->position = e.position();
  } catch (const std::exception& e) {
    r->error = e.what();
    r->sqlstate = "XX000";
  }
  r->chunks.clear();
  r->starts.clear();
  r->rows = 0;
  return YUNHE_ERROR;
}

yunhe_state AppenderCall(yunhe_appender* a, const std::function<void()>& fn) {
  try {
    fn();
    a->error.clear();
    return YUNHE_OK;
  } catch (const std::exception& e) {
    a->error = e.what();
    return YUNHE_ERROR;
  }
}

}  // namespace

extern "C" {

const char* yunhe_type_name(yunhe_type type) { return yunhe::api::TypeName(yunhe::api::Type(type)); }
void yunhe_free(void* p) { std::free(p); }

yunhe_state yunhe_open(const char* path, yunhe_database** out, char** error) {
  *out = nullptr;
  try {
    auto d = std::make_unique<yunhe_database>();
    d->db = std::make_unique<Database>(path ? path : "");
    *out = d.release();
    return YUNHE_OK;
  } catch (const std::exception& e) {
    if (error) *error = Dup(e.what());
    return YUNHE_ERROR;
  }
}

// The Database's engine stays open while connections made from it live (they share it).
void yunhe_close(yunhe_database* db) { delete db; }

yunhe_state yunhe_connect(yunhe_database* db, yunhe_connection** out) {
  *out = nullptr;
  if (!db) return YUNHE_ERROR;
  try {
    auto c = std::make_unique<yunhe_connection>();
    c->con = std::make_unique<Connection>(*db->db);
    *out = c.release();
    return YUNHE_OK;
  } catch (const std::exception&) {
    return YUNHE_ERROR;
  }
}

void yunhe_disconnect(yunhe_connection* con) { delete con; }

yunhe_state yunhe_query(yunhe_connection* con, const char* sql, yunhe_result** out) {
  *out = new yunhe_result();
  return Fill(*out, [&] { return con->con->Query(sql ? sql : ""); });
}

yunhe_state yunhe_query_params(yunhe_connection* con, const char* sql, int nparams, const char* const* values,
                               yunhe_result** out) {
  *out = new yunhe_result();
  std::vector<Value> params;
  for (int k = 0; k < nparams; ++k) params.push_back(values && values[k] ? Value::Text(values[k]) : Value::Null());
  return Fill(*out, [&] { return con->con->Query(sql ? sql : "", params); });
}

const char* yunhe_result_error(const yunhe_result* r) { return r->error.empty() ? nullptr : r->error.c_str(); }
const char* yunhe_result_sqlstate(const yunhe_result* r) { return r->error.empty() ? "00000" : r->sqlstate.c_str(); }
int yunhe_result_error_position(const yunhe_result* r) { return r->position; }
const char* yunhe_result_tag(const yunhe_result* r) { return r->tag.c_str(); }
int64_t yunhe_rows_affected(const yunhe_result* r) { return r->affected; }
size_t yunhe_column_count(const yunhe_result* r) { return r->names.size(); }
const char* yunhe_column_name(const yunhe_result* r, size_t col) { return col < r->names.size() ? r->names[col].c_str() : nullptr; }
yunhe_type yunhe_column_type(const yunhe_result* r, size_t col) {
  return col < r->types.size() ? yunhe_type(r->types[col]) : YUNHE_TYPE_NULL;
}
size_t yunhe_row_count(const yunhe_result* r) { return r->rows; }

int yunhe_value_is_null(const yunhe_result* r, size_t row, size_t col) {
  const Chunk* c;
  size_t at;
  return !r->Locate(row, col, &c, &at) || c->column(col).IsNull(at);
}

int64_t yunhe_value_int64(const yunhe_result* r, size_t row, size_t col) {
  const Chunk* c;
  size_t at;
  if (!r->Locate(row, col, &c, &at) || c->column(col).IsNull(at)) return 0;
  const Value v = c->column(col).Get(at);
  switch (v.type()) {
    case yunhe::api::Type::kReal:
    case yunhe::api::Type::kDouble:
    case yunhe::api::Type::kNumeric: return int64_t(v.double_value());
    default: return v.int_value();
  }
}

double yunhe_value_double(const yunhe_result* r, size_t row, size_t col) {
  const Chunk* c;
  size_t at;
  if (!r->Locate(row, col, &c, &at) || c->column(col).IsNull(at)) return 0;
  try {
    return c->column(col).ToDouble(at);
  } catch (const std::exception&) {
    return 0;
  }
}

const char* yunhe_value_text(yunhe_result* r, size_t row, size_t col) {
  const Chunk* c;
  size_t at;
  if (!r->Locate(row, col, &c, &at)) return "";
  auto [it, fresh] = r->texts.try_emplace(uint64_t(row) * r->names.size() + col);
  if (fresh) it->second = c->column(col).ToString(at);
  return it->second.c_str();
}

void yunhe_result_free(yunhe_result* r) { delete r; }

yunhe_state yunhe_appender_create(yunhe_connection* con, const char* table, yunhe_appender** out, char** error) {
  *out = nullptr;
  try {
    auto a = std::make_unique<yunhe_appender>();
    a->app = std::make_unique<Appender>(*con->con, table ? table : "");
    *out = a.release();
    return YUNHE_OK;
  } catch (const std::exception& e) {
    if (error) *error = Dup(e.what());
    return YUNHE_ERROR;
  }
}

yunhe_state yunhe_append_null(yunhe_appender* a) { return AppenderCall(a, [&] { a->app->AppendNull(); }); }
yunhe_state yunhe_append_int64(yunhe_appender* a, int64_t v) { return AppenderCall(a, [&] { a->app->Append(v); }); }
yunhe_state yunhe_append_double(yunhe_appender* a, double v) { return AppenderCall(a, [&] { a->app->Append(v); }); }
yunhe_state yunhe_append_text(yunhe_appender* a, const char* v) {
  return AppenderCall(a, [&] { a->app->Append(v ? Value::Text(v) : Value::Null()); });
}
yunhe_state yunhe_appender_end_row(yunhe_appender* a) { return AppenderCall(a, [&] { a->app->EndRow(); }); }
yunhe_state yunhe_appender_flush(yunhe_appender* a) { return AppenderCall(a, [&] { a->app->Flush(); }); }
const char* yunhe_appender_error(const yunhe_appender* a) { return a->error.empty() ? nullptr : a->error.c_str(); }

yunhe_state yunhe_appender_destroy(yunhe_appender* a) {
  if (!a) return YUNHE_OK;
  const yunhe_state s = AppenderCall(a, [&] { a->app->Close(); });
  delete a;
  return s;
}

}  // extern "C"
