// CREATE SCHEMA / DROP SCHEMA: namespaces for relations
// (storage/catalog.h: a relation of schema s is the catalog key "s.t"; sql/relation_names.h:
// how search_path finds it). "public" always exists; pg_catalog and information_schema are
// the system's. ALTER SCHEMA ... RENAME is not supported: views and column defaults keep the
// names they were written with (PostgreSQL keeps OIDs).
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

void ExecuteCreateSchema(Database& db, PgQuery__CreateSchemaStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// DROP SCHEMA [IF EXISTS] s, ... [CASCADE | RESTRICT]: CASCADE drops the relations inside.
void ExecuteDropSchema(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// The catalog file's CREATE SCHEMA statements (before every relation).
std::string SchemasDdl(const Catalog& catalog);

}  // namespace yunhe
