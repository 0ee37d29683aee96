// Quoting text for the places yunhe writes it out: SQL identifiers (catalog files, psql's \d,
// format('%I')) and JSON string literals (the shell's --format json, the HTTP API).
#pragma once
#include <string>

namespace yunhe {

// An identifier quoted when PostgreSQL would need it (not all lower-case letters, digits and _,
// or a reserved word): t -> t, "My T" -> "My T" quoted, select -> "select".
std::string QuoteIdent(const std::string& name);

// An SQL string literal: 'O''Reilly' (PostgreSQL's quote_literal, format()'s %L).
std::string QuoteLiteral(const std::string& s);

// A JSON string literal, control characters escaped.
std::string JsonString(const std::string& s);

}  // namespace yunhe
