// Relation names through search_path (sql/relation_names.h).
#include "sql/relation_names.h"

#include <fmt/format.h>

#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "sql/planner.h"
#include "storage/catalog.h"

namespace yunhe {

namespace {

// Splits a list of identifiers as PostgreSQL's SplitIdentifierString does: `sep`-separated,
// blanks around each ignored, "quoted" parts kept as written ("" for a quote), others lower-cased.
std::vector<std::string> SplitIdentifiers(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t k = 0;
  while (true) {
    while (k < text.size() && isspace((unsigned char)text[k])) ++k;
    std::string part;
    if (k < text.size() && text[k] == '"') {
      for (++k; k < text.size(); ++k) {
        if (text[k] == '"') {
          if (k + 1 < text.size() && text[k + 1] == '"') {
            part += '"';
            ++k;
          } else {
            ++k;
            break;
          }
        } else {
          part += text[k];
        }
      }
    } else {
      while (k < text.size() && text[k] != sep && !isspace((unsigned char)text[k])) part += char(tolower((unsigned char)text[k++]));
    }
    while (k < text.size() && isspace((unsigned char)text[k])) ++k;
    out.push_back(part);
    if (k >= text.size() || text[k] != sep) break;
    ++k;
  }
  return out;
}

const std::string& TempSchema() { return CurrentStatement().temp_schema; }

// A schema as written in a qualified name: "pg_temp" is the session's own temporary schema.
std::string ResolveSchemaName(const std::string& schema) {
  if (schema == "pg_temp") {
    if (TempSchema().empty()) throw Error(SqlState::kInvalidSchemaName, "no temporary schema in this session");
    return TempSchema();
  }
  if (IsTempSchema(schema) && schema != TempSchema())
    throw Error(SqlState::kFeatureNotSupported, "cannot access temporary tables of other sessions");
  return schema;
}

bool RelationExists(const Catalog& catalog, const std::string& key) { return catalog.NameTaken(key); }

}  // namespace

std::vector<std::string> LookupSchemas(const Catalog& catalog) {
  std::vector<std::string> out;
  bool temp_listed = false;
  for (std::string s : SplitIdentifiers(CurrentStatement().search_path, ',')) {
    if (s == "$user") s = CurrentStatement().current_user;
    if (s == "pg_temp") {
      if (!TempSchema().empty()) out.push_back(TempSchema());
      temp_listed = true;
      continue;
    }
    if (s.empty() || s == "pg_catalog" || IsTempSchema(s) || !catalog.SchemaExists(s)) continue;
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  // PostgreSQL searches the temporary schema first unless search_path places it.
  if (!temp_listed && !TempSchema().empty()) out.insert(out.begin(), TempSchema());
  return out;
}

std::string CurrentSchema(const Catalog& catalog) {
  for (std::string s : SplitIdentifiers(CurrentStatement().search_path, ',')) {
    if (s == "$user") s = CurrentStatement().current_user;
    if (s.empty() || s == "pg_catalog" || s == "pg_temp" || IsTempSchema(s)) continue;
    if (catalog.SchemaExists(s)) return s;
  }
  return "";
}

std::string ExistingRelationKey(const Catalog& catalog, const std::string& schema, const std::string& name) {
  if (!schema.empty()) return RelationKey(ResolveSchemaName(schema), name);
  for (const std::string& s : LookupSchemas(catalog)) {
    std::string key = RelationKey(s, name);
    if (RelationExists(catalog, key)) return key;
  }
  return name;
}

std::string RangeVarKey(const Catalog& catalog, const PgQuery__RangeVar* rv) {
  return ExistingRelationKey(catalog, rv->schemaname ? rv->schemaname : "", rv->relname);
}

std::string NameListKey(const Catalog& catalog, PgQuery__Node* const* names, size_t n) {
  if (n == 0) return "";
  // [catalog.]schema.name: a database name before the schema is accepted when it is ours.
  return ExistingRelationKey(catalog, n >= 2 ? StrVal(names[n - 2]) : "", StrVal(names[n - 1]));
}

std::string RelationKeyFromText(const Catalog& catalog, const std::string& text) {
  std::vector<std::string> parts = SplitIdentifiers(text, '.');
  if (parts.size() >= 2) return ExistingRelationKey(catalog, parts[parts.size() - 2], parts.back());
  return ExistingRelationKey(catalog, "", parts.empty() ? "" : parts[0]);
}

std::string NewRelationKey(const Catalog& catalog, const std::string& schema, const std::string& name, bool temp) {
  std::string target;
  if (temp) {
    if (!schema.empty() && schema != "pg_temp" && schema != TempSchema()) {
      if (!catalog.SchemaExists(schema)) throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", schema));
      throw Error(SqlState::kInvalidTableDefinition, "cannot create temporary relation in non-temporary schema");
    }
    if (TempSchema().empty()) throw Error(SqlState::kInvalidSchemaName, "no temporary schema in this session");
    target = TempSchema();
  } else if (!schema.empty()) {
    target = ResolveSchemaName(schema);
    if (!catalog.SchemaExists(target)) throw Error(SqlState::kInvalidSchemaName, fmt::format("schema \"{}\" does not exist", schema));
  } else {
    target = CurrentSchema(catalog);
    if (target.empty()) throw Error(SqlState::kInvalidSchemaName, "no schema has been selected to create in");
  }
  // A public name whose part before a dot names a schema would read as a relation of that schema.
  const size_t dot = name.find('.');
  if (target == kPublicSchema && dot != std::string::npos && catalog.SchemaExists(name.substr(0, dot)))
    throw Error(SqlState::kInvalidName, fmt::format("relation name \"{}\" would read as a relation of schema \"{}\"", name,
                                                     name.substr(0, dot)));
  return RelationKey(target, name);
}

std::string NewRangeVarKey(const Catalog& catalog, const PgQuery__RangeVar* rv) {
  const std::string schema = rv->schemaname ? rv->schemaname : "";
  const bool temp = (rv->relpersistence && rv->relpersistence[0] == 't') || schema == "pg_temp" || IsTempSchema(schema);
  return NewRelationKey(catalog, schema, rv->relname, temp);
}

bool RelationVisible(const Catalog& catalog, const std::string& key, const std::vector<std::string>& schemas) {
  const QualifiedName q = catalog.Split(key);
  // Its schema comes before any other holding the name (keys' own indexes are not in the maps).
  for (const std::string& s : schemas) {
    if (s == q.schema) return true;
    if (RelationExists(catalog, RelationKey(s, q.name))) return false;
  }
  return false;
}



}  // namespace yunhe
