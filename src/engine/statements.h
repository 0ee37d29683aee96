// Statement executors, one family per file: ddl.cpp (CREATE/DROP/ALTER), dml.cpp (INSERT,
// UPDATE, DELETE), copy.cpp (COPY), query.cpp (SELECT, EXPLAIN, SHOW/SET).
#pragma once
#include <string>

#include "common/sql_text.h"
#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

void ExecuteSelect(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteExplain(Database& db, PgQuery__ExplainStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteCreateTable(Database& db, PgQuery__CreateStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteCreateTableAs(Database& db, PgQuery__CreateTableAsStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteDrop(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteAlterTable(Database& db, PgQuery__AlterTableStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// TRUNCATE [TABLE] t [, ...] [RESTART IDENTITY | CONTINUE IDENTITY] [CASCADE | RESTRICT].
void ExecuteTruncate(Database& db, PgQuery__TruncateStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteRename(Database& db, PgQuery__RenameStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteCreateView(Database& db, PgQuery__ViewStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteCreateIndex(Database& db, PgQuery__IndexStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteInsert(Database& db, PgQuery__InsertStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteUpdate(Database& db, PgQuery__UpdateStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteDelete(Database& db, PgQuery__DeleteStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// The catalog file's roles: CREATE ROLE with every attribute, then the memberships (GRANT r TO m).
std::string RolesDdl(const Catalog& catalog);
std::string RoleDdl(const std::string& name, const RoleInfo& role);
void ExecuteRoleStatement(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteCopy(Database& db, PgQuery__CopyStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());

// Runs a plan and stores its rows in result (shared by SELECT and RETURNING).
struct PlannedQuery;
void CollectResult(struct PlannedQuery& q, QueryResult& result);

// Renders a table's definition as CREATE TABLE text (catalog file, WAL for CREATE TABLE AS); the
// catalog gives the options of its identity columns' sequences.
std::string TableDdl(const TableSchema& schema, const Catalog& catalog);

}  // namespace yunhe
