// PostgreSQL's identity of yunhe's types: pg_type OIDs and atttypmod values, as catalogs
// (pg_attribute, information_schema), format_type() and the wire protocol report them.
#pragma once

#include <cstdint>

#include "common/types.h"

namespace yunhe {

int32_t PgTypeOid(const LogicalType& t);
// The array type of an element type (int4 23 -> _int4 1007); 2277 (anyarray) if none.
int32_t PgArrayTypeOid(int32_t element_oid);

// atttypmod as PostgreSQL stores it: -1 when there is no modifier; varchar(n) n+4;
// numeric(p,s) ((p<<16)|s)+4; geometry(Type,srid) in PostGIS's packing (srid<<8 | type<<2 | Z<<1 | M).
int32_t PgTypmod(const LogicalType& t);

// The inverse: the type with OID `oid` and modifier `typmod`; false for an OID yunhe has no type for.
bool LogicalTypeFromPg(int64_t oid, int32_t typmod, LogicalType* out);

}  // namespace yunhe
