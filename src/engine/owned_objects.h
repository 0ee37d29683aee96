// REASSIGN OWNED BY old [, ...] TO new and DROP OWNED BY role [, ...] [CASCADE | RESTRICT], as
// PostgreSQL runs them before a DROP ROLE: REASSIGN gives the roles' tables, views, sequences
// and schemas to `new` (grants they made become its grants); DROP OWNED drops those objects
// (views first; RESTRICT stops at another role's object that depends on them: 2BP01), revokes
// every privilege granted to the roles, and removes their default privileges. Each change runs
// as the statement it amounts to (ALTER ... OWNER TO, DROP ..., REVOKE ... GRANTED BY), which is
// what the WAL records. Both need the privileges of every role named (and REASSIGN membership
// in the new owner); the bootstrap superuser's objects cannot be dropped this way.
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

void ExecuteReassignOwned(Database& db, PgQuery__ReassignOwnedStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
void ExecuteDropOwned(Database& db, PgQuery__DropOwnedStmt* stmt, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());

}  // namespace yunhe
