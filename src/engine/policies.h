// CREATE / ALTER / DROP POLICY, ALTER TABLE ... ENABLE | DISABLE | FORCE | NO FORCE ROW LEVEL
// SECURITY (the rules are sql/row_security.h), and the check of written rows against WITH CHECK.
// A policy keeps its expressions as text (as CHECK constraints do): logged verbatim, rebuilt
// in the catalog file, renamed columns carried into them.
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

void ExecuteCreatePolicy(Database& db, PgQuery__CreatePolicyStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// ALTER POLICY name ON t [TO roles] [USING (...)] [WITH CHECK (...)]; ALTER POLICY name ON t RENAME TO n.
void ExecuteAlterPolicy(Database& db, PgQuery__AlterPolicyStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteRenamePolicy(Database& db, PgQuery__RenameStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteDropPolicy(Database& db, PgQuery__DropStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// The catalog file's statements for a table's policies and row-security switches.
std::vector<std::string> PoliciesDdl(const Catalog& catalog, const TableSchema& schema);
// Throws 42501 when a row of `rows` (a whole row of `schema`) fails the WITH CHECK expression
// the current role's policies give `command` ('a' INSERT, 'w' UPDATE). Nothing when row
// security does not apply.
void EnforceRowSecurityCheck(const Catalog& catalog, const TableSchema& schema, const DataChunk& rows, char command);

}  // namespace yunhe
