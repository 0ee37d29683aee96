// The catalog: tables, views, indexes and sequences by name (names are case-folded by the
// parser as in PostgreSQL).
//
// Schemas: a relation lives in "public", in a schema made by CREATE SCHEMA, or in a session's
// temporary schema (pg_temp_N, never written to disk). Its key in these maps is its bare name in
// public and "schema.name" elsewhere: neither schema nor relation names may contain '.', so a
// key splits at its first dot when what precedes it is a schema (Catalog::Split; a public
// relation may have a dot in its name, as line-protocol measurements do, unless the part before
// it names a schema), and a qualified key reads the way PostgreSQL prints a qualified name. Entries are shared_ptrs so a transaction can keep the
// pre-DDL version of a table for rollback (copy-on-write on schema change).
#pragma once
#include <map>
#include <tuple>
#include <memory>
#include <string>
#include <vector>

#include "common/sql_text.h"
#include "storage/acl.h"
#include "storage/sequence.h"
#include "storage/table.h"

namespace yunhe {

// Functions an embedding program registered (functions/user_functions.h): not stored on disk.
struct UserFunctions;

struct ViewInfo {
  uint64_t id = 0;  // OID 16384 + id, from the tables' counter
  std::string name;
  std::string sql;                        // the SELECT text
  std::vector<std::string> column_names;  // explicit names, may be empty
};

struct IndexInfo {
  uint64_t id = 0;  // OID 16384 + id, from the tables' counter
  std::string name;
  std::string table;
  std::vector<std::string> columns;
  bool unique = false;
  std::string method = "btree";  // USING ...; gist on a geometry column is a real R-tree (exec/spatial_row_index.h)
};

struct SchemaInfo {
  uint64_t id = 0;    // OID 16384 + id, from the tables' counter
  std::string owner;  // "" = the superuser
};

inline constexpr const char* kPublicSchema = "public";
inline std::string RelationKey(const std::string& schema, const std::string& name) {
  return schema.empty() || schema == kPublicSchema ? name : schema + "." + name;
}
struct QualifiedName {
  std::string schema, name;
};
// A session's temporary schema: pg_temp_N (engine/session.h).
inline bool IsTempSchema(const std::string& schema) { return schema.rfind("pg_temp_", 0) == 0; }
// A key of a temporary relation (no public name can start so: NewRelationKey refuses it).
inline bool IsTempRelationKey(const std::string& key) { return IsTempSchema(key) && key.find('.') != std::string::npos; }

struct Catalog {
  std::map<std::string, SchemaInfo> schemas;  // CREATE SCHEMA's; public always exists and is not listed
  std::map<std::string, std::shared_ptr<Table>> tables;
  std::map<std::string, ViewInfo> views;
  std::map<std::string, IndexInfo> indexes;
  std::map<std::string, SequenceInfo> sequences;  // copies share each sequence's state (storage/sequence.h)
  // COMMENT ON: (relation, column or "" for the relation itself) -> text.
  std::map<std::pair<std::string, std::string>, std::string> comments;
  // Roles (storage/acl.h). The superuser "yunhe" always exists (listed here only once it has a
  // password); while no role has a password, loopback connections are trusted.
  std::map<std::string, RoleInfo> roles;
  std::map<std::string, ApiToken> api_tokens;  // by token name
  // Owners and access-control lists (sql/privileges.h reads them). A relation (by key) or schema
  // missing from `owners` belongs to the superuser; an object missing from the acl maps has its
  // default privileges. Drops and renames carry these along (engine/grants.h).
  std::map<std::string, std::string> relation_owners;
  std::map<std::string, Acl> relation_acls;
  // Column privileges (GRANT SELECT (a) ON t ...): (relation key, column) -> its ACL, no default.
  std::map<std::pair<std::string, std::string>, Acl> column_acls;
  // ALTER DEFAULT PRIVILEGES (engine/default_privileges.h): (owner role, schema or "" for all,
  // object type 'r' tables, 'S' sequences, 'f' functions, 'T' types, 'n' schemas) -> the ACL new
  // objects of that role get (PostgreSQL's pg_default_acl).
  std::map<std::tuple<std::string, std::string, char>, Acl> default_acls;
  std::map<std::string, Acl> schema_acls;  // also "public"
  Acl database_acl;
  // Shared by every copy of the catalog (a statement's rollback keeps the newest set).
  std::shared_ptr<const UserFunctions> user_functions;
  uint64_t next_table_id = 1;

  std::shared_ptr<Table> FindTable(const std::string& name) const {
    auto it = tables.find(name);
    return it == tables.end() ? nullptr : it->second;
  }
  const ViewInfo* FindView(const std::string& name) const {
    auto it = views.find(name);
    return it == views.end() ? nullptr : &it->second;
  }
  const SequenceInfo* FindSequence(const std::string& name) const {
    auto it = sequences.find(name);
    return it == sequences.end() ? nullptr : &it->second;
  }
  const RoleInfo* FindRole(const std::string& name) const {
    auto it = roles.find(name);
    return it == roles.end() ? nullptr : &it->second;
  }
  bool SchemaExists(const std::string& schema) const {
    return schema == kPublicSchema || schemas.count(schema) || IsTempSchema(schema);
  }
  QualifiedName Split(const std::string& key) const {
    const size_t dot = key.find('.');
    if (dot != std::string::npos && dot > 0 && SchemaExists(key.substr(0, dot))) return {key.substr(0, dot), key.substr(dot + 1)};
    return {kPublicSchema, key};
  }
  // A key quoted for SQL text (the DDL the catalog file and the WAL keep): public."T" or
  // s."T", always with its schema — the WAL replays a statement's records under the search_path
  // it ran with, where a bare name could find another schema's relation.
  std::string Quote(const std::string& key) const {
    const QualifiedName q = Split(key);
    return QuoteIdent(q.schema) + "." + QuoteIdent(q.name);
  }
  bool NameTaken(const std::string& name) const {
    return tables.count(name) || views.count(name) || indexes.count(name) || sequences.count(name);
  }
};

}  // namespace yunhe
