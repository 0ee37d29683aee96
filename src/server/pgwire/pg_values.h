// Values across the extended query protocol: parameters ($1, $2, ...) arrive as text or in
// PostgreSQL's binary formats and are put into the statement as typed literals; results go out
// as text or, when the client asks, in binary (bool, integers, floats, numeric, text, date,
// timestamp[tz], interval).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/value.h"
#include "sql/sql_tokens.h"

namespace yunhe::pgwire {

using yunhe::CountParams;  // sql/sql_tokens.h
// The statement with each $n replaced by its value as a literal ('...'::type, or NULL). Types are
// PostgreSQL OIDs (0 = unspecified: the literal stays untyped, as PostgreSQL's unknown).
std::string SubstituteParams(const std::string& sql, const std::vector<std::optional<std::string>>& text_values,
                             const std::vector<int32_t>& oids);
// A binary-format parameter as PostgreSQL text; throws Error(22P03) if malformed or unsupported.
std::string BinaryParamToText(int32_t oid, const std::string& bytes);
// A value in binary format for its type; false if the type has no binary form here.
bool EncodeBinary(const Value& v, std::string* out);
// True for the types EncodeBinary handles (others go out as text, and say so in RowDescription).
bool BinaryEncodable(const LogicalType& t);
// A value in text format. Timestamps and intervals go at PostgreSQL's microsecond precision
// (truncated, as in the binary format): clients' parsers reject more than six fractional
// digits (psycopg2: "microsecond must be in 0..999999"); yunhe keeps nanoseconds elsewhere.
std::string EncodeText(const Value& v);

}  // namespace yunhe::pgwire
