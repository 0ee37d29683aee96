// Internal to the system catalogs: builds a SystemRelation row by row.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "common/value.h"
#include "sql/system_catalog.h"

namespace yunhe::catalog_rows {

constexpr int64_t kPgCatalogOid = 11, kPublicOid = 2200, kInfoSchemaOid = 13000, kOwnerOid = 10, kDatabaseOid = 16383;
constexpr TypeId I = TypeId::kInt64, T = TypeId::kText, B = TypeId::kBool, I4 = TypeId::kInt32, I2 = TypeId::kInt16;
inline const LogicalType TA = ArrayOf(TypeId::kText);  // aclitem[], char[] and the like

struct Builder {
  SystemRelation* out;
  DataChunk chunk;
  Builder(SystemRelation* o, std::vector<std::pair<const char*, LogicalType>> cols) : out(o) {
    for (auto& [n, t] : cols) {
      out->names.push_back(n);
      out->types.emplace_back(t);
    }
    chunk.Init(out->types);
  }
  void Row(std::vector<Value> values) {
    for (size_t c = 0; c < values.size(); ++c) {
      Value v = values[c];
      if (!v.is_null) v.type = out->types[c];
      chunk.columns[c].Append(v.is_null ? Value::Null(out->types[c]) : v);
    }
    ++chunk.count;
  }
  void Finish() {
    if (chunk.count) out->rows.push_back(std::move(chunk));
  }
};

inline Value Int(int64_t v) { return Value::Int(v); }
inline Value Text(const std::string& s) { return Value::Text(s); }
inline Value Bool(bool b) { return Value::Bool(b); }
inline Value Null() { return Value::Null(); }

// pg_index, pg_constraint, pg_attrdef, pg_collation, pg_inherits, pg_policy, pg_statistic_ext,
// pg_publication*, pg_auth_members, pg_description, pg_trigger, pg_foreign_table: what psql's
// \\d TABLE and \\du read (system_catalog_describe.cpp). False if `name` is none of them.
bool BuildDescribeRelation(const Catalog& cat, const std::string& name, SystemRelation* out);
// geometry_columns (system_catalog_postgis.cpp).
bool BuildPostgisRelation(const Catalog& cat, const std::string& name, SystemRelation* out);
// pg_proc (system_catalog_functions.cpp).
bool BuildFunctionRelation(const std::string& name, SystemRelation* out);
// pg_sequence, pg_sequences, information_schema.sequences (system_catalog_sequences.cpp).
// pg_settings (system_catalog_settings.cpp).
bool BuildSettingsRelation(const std::string& name, SystemRelation* out);
bool BuildSequenceRelation(const Catalog& cat, bool pg, bool info, const std::string& name, SystemRelation* out);

}  // namespace yunhe::catalog_rows
