// Type conversion (CAST, ::, implicit coercion) with PostgreSQL's rules and error messages.
#pragma once
#include "common/value.h"
#include "common/vector.h"

namespace yunhe {

// Converts one value; throws Error (22P02 bad input, 22003 out of range) naming the type.
Value CastValue(const Value& v, const LogicalType& to);
// Converts a whole vector, picking the conversion once per chunk.
Vector CastVector(const Vector& in, const LogicalType& to);
// Whether a cast from -> to keeps every value and its representation (numeric(10,2) -> numeric,
// varchar(5) -> text, int4 -> int8): evaluating it only relabels the vector.
bool IsRelabelCast(const LogicalType& from, const LogicalType& to);
// Whether an explicit CAST from -> to exists at all.
bool CastExists(const LogicalType& from, const LogicalType& to);
// Parses text input for a type (the path of 'literal'::type and COPY).
Value ParseValue(const std::string& text, const LogicalType& to);

}  // namespace yunhe
