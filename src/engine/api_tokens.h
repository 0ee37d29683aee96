// API tokens for the HTTP API (the auth/api_token.h credentials), managed with functions as
// InfluxDB's `influx auth create` and PostgreSQL extensions manage theirs:
//   SELECT yunhe_create_token(name [, role])   -> the token, shown this once
//   SELECT yunhe_drop_token(name)              -> the name
//   SELECT * FROM yunhe_api_tokens             -- name, role, created (no secret)
// A role makes tokens for itself; superusers and CREATEROLE roles (for non-superusers) for
// others, as they may set those roles' passwords. A token authenticates as its role with that
// role's privileges, only while the role may log in; it goes when the role is dropped. The
// WAL and the catalog file keep the SHA-256 digest, logged as
//   SELECT yunhe_restore_token(name, role, digest, created_us)
// which superusers may also call (to carry tokens to another database).
#pragma once
#include <string>

#include "engine/database.h"
#include "sql/parser.h"

namespace yunhe {

bool IsApiTokenCommand(const PgQuery__Node* node);
void ExecuteApiTokenCommand(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) REQUIRES(db.mutex());
// The catalog file's lines for the tokens (yunhe_restore_token calls).
std::string ApiTokensDdl(const Catalog& catalog);
// The role `token` authenticates as, or "" when it is no live token.
std::string ApiTokenRole(const Catalog& catalog, const std::string& token);

}  // namespace yunhe
