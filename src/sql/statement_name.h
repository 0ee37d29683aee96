// The SQL command a parsed statement is ("CREATE SCHEMA", "LISTEN", ...), for messages about
// statements yunhe does not run: they name the command, as PostgreSQL's feature_not_supported
// errors do, instead of a parse-tree number.
#pragma once
#include <string>

struct PgQuery__Node;

namespace yunhe {

std::string StatementName(const PgQuery__Node* node);

}  // namespace yunhe
