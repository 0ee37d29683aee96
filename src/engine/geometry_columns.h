// PostGIS's AddGeometryColumn / DropGeometryColumn, commands in SELECT clothing (as drop_chunks):
// `SELECT AddGeometryColumn([[catalog,] schema,] table, column, srid, type, dims [, use_typmod])`
// adds a geometry(Type[Z|M|ZM], srid) column with ALTER TABLE inside the statement, and answers
// PostGIS's text ("public.t.geom SRID:4326 TYPE:POINT DIMS:2 "); DropGeometryColumn drops one.
// GDAL's PostgreSQL driver and older scripts create their geometry columns this way.
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

bool IsGeometryColumnCommand(const PgQuery__Node* node);
void ExecuteGeometryColumnCommand(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());

}  // namespace yunhe
