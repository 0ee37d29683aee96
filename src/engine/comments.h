// COMMENT ON TABLE | VIEW | SEQUENCE | INDEX | COLUMN ... IS 'text' | NULL, kept in the catalog
// (Catalog::comments) and shown as PostgreSQL shows them: pg_description, obj_description,
// col_description (psql's \dt+ and \d+, SQLAlchemy's reflection, GDAL's layer descriptions).
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

void ExecuteComment(Database& db, PgQuery__CommentStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// The catalog file's COMMENT statements (after every object they name).
std::string CommentsDdl(const Catalog& catalog);
// Keeps comments with their objects: a relation renamed (column "" = the relation) or a column
// renamed.
void MoveComments(Catalog& catalog, const std::string& relation, const std::string& column, const std::string& to);
// After a drop: forgets the comments of every relation or column that no longer exists (also
// those dropped along: a table's indexes and owned sequences).
void ForgetDroppedComments(Catalog& catalog);

}  // namespace yunhe
