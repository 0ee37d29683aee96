// Commands in SELECT clothing: `SELECT f(args)` with no FROM, where f changes the database
// rather than computing a value — TimescaleDB's drop_chunks, PostGIS's AddGeometryColumn /
// DropGeometryColumn, yunhe's API token functions. They run as commands (under the database,
// logged as their module decides), not through the planner.
#pragma once
#include <string>
#include <vector>

#include "common/value.h"
#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

// The function a lone `SELECT f(...)` (one target, no FROM/WHERE/set operation) calls,
// lowercased as the parser gives it; "" for any other statement.
std::string CommandCallName(const PgQuery__Node* node);
// The result column's name: the target's alias, else the function's name.
std::string CommandCallColumn(const PgQuery__Node* node);
// Whether `node` is one of the commands above.
bool IsCommandCall(PgQuery__Node* node);
void ExecuteCommandCall(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// The call's arguments evaluated as constants (positional only).
std::vector<Value> CommandCallArgs(Database& db, PgQuery__Node* node, const std::string& sql) REQUIRES(db.mutex());

}  // namespace yunhe
