// Logical SQL types (DESIGN.md "Types") and their physical representation in a Vector.
#pragma once
#include <cstdint>
#include <string>

namespace yunhe {

enum class TypeId : uint8_t {
  kNull = 0,  // the type of a bare NULL literal before coercion
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat32,
  kFloat64,
  kNumeric,
  kText,
  kDate,         // days since 1970-01-01
  kTimestamp,    // ns since 1970-01-01 00:00:00
  kTimestampTz,  // ns since the epoch, UTC
  kInterval,
  kGeometry,     // PostGIS geometry: EWKB bytes (little-endian, SRID flag when SRID != 0)
  kBytea,        // raw bytes
  kArray,        // one-dimensional array: its PostgreSQL text form, canonical ("{1,2,NULL}");
                 // precision holds the element TypeId (0 = any array, as anyarray)
  kTime,         // time of day without time zone: ns since midnight, 0 .. 24:00:00 (PostgreSQL
                 // keeps microseconds; input and output round to them)
};

// Where the values of a type live inside a Vector.
enum class PhysicalType : uint8_t { kI64, kF64, kStr, kDec, kInterval };

struct LogicalType {
  TypeId id = TypeId::kNull;
  // NUMERIC(precision, scale); precision 0 means unconstrained. VARCHAR(n) keeps n in precision.
  int16_t precision = 0;
  int16_t scale = 0;

  LogicalType() = default;
  LogicalType(TypeId i) : id(i) {}  // NOLINT: implicit on purpose, types are built from ids
  LogicalType(TypeId i, int16_t p, int16_t s) : id(i), precision(p), scale(s) {}

  bool operator==(const LogicalType& o) const { return id == o.id && precision == o.precision && scale == o.scale; }
  bool operator!=(const LogicalType& o) const { return !(*this == o); }
  PhysicalType physical() const;
  std::string ToString() const;  // PostgreSQL's name, e.g. "timestamp with time zone"
  bool IsNumeric() const;        // integer, float or numeric
  bool IsInteger() const;
  bool IsTemporal() const;
};

// PostGIS assigns geometry's type OID at CREATE EXTENSION time; ours is fixed, above the
// built-in range, and listed in pg_type as "geometry".
inline constexpr int32_t kGeometryTypeOid = 16390;

// geometry(Type[Z|M|ZM], srid) keeps its type modifier in LogicalType: precision = geometry
// type code (0 any, 1 Point .. 7 GeometryCollection) | 16 if Z | 32 if M | 64 (a typmod was
// given: geometry(Geometry) rejects Z values, plain geometry takes anything), scale = SRID.
inline constexpr int16_t kGeometryTypmodPresent = 64;
bool GeometryTypmodFromName(const std::string& name, int16_t* code);  // "pointz" -> 1|16
std::string GeometryTypmodName(int16_t code);                           // 1|16 -> "PointZ"

// int4 -> int4[]; the element's own modifiers (numeric scale, varchar length) are not kept.
inline LogicalType ArrayOf(const LogicalType& element) { return LogicalType(TypeId::kArray, int16_t(element.id), 0); }
inline LogicalType ArrayElementType(const LogicalType& array) { return LogicalType(TypeId(array.precision)); }
// int2vector (pg_index.indkey, indoption): a smallint array whose text form is "1 2" and whose
// subscripts start at 0, as PostgreSQL's; an array type with scale 1.
inline LogicalType Int2Vector() { return LogicalType(TypeId::kArray, int16_t(TypeId::kInt16), 1); }
// oidvector (pg_proc.proargtypes): the same with OIDs.
inline LogicalType OidVector() { return LogicalType(TypeId::kArray, int16_t(TypeId::kInt64), 1); }
inline bool IsVectorArray(const LogicalType& t) { return t.id == TypeId::kArray && t.scale == 1; }
// uuid: text with scale 3 (functions/uuid.h); json and jsonb are scales 1 and 2 (functions/json_value.h).
inline LogicalType UuidType() { return LogicalType(TypeId::kText, 0, 3); }
inline bool IsUuid(const LogicalType& t) { return t.id == TypeId::kText && t.scale == 3; }

// The OID alias types: 'name'::regclass is an OID that prints as the name. Inside a query it is
// a bigint with the alias in scale (compared, joined and cast as an integer); the statement's
// output turns it into its name through the catalog (Planner::PlanOutput), a text with scale
// 10 + alias that clients see with the alias's own type OID.
enum class OidAlias : int16_t { kNone = 0, kRegclass = 1, kRegtype = 2, kRegnamespace = 3, kRegrole = 4 };
inline constexpr int16_t kOidAliasOutputScale = 10;
inline LogicalType OidAliasType(OidAlias a) { return LogicalType(TypeId::kInt64, 0, int16_t(a)); }
inline LogicalType OidAliasOutputType(OidAlias a) { return LogicalType(TypeId::kText, 0, int16_t(kOidAliasOutputScale + int(a))); }
inline OidAlias OidAliasOf(const LogicalType& t) { return t.id == TypeId::kInt64 ? OidAlias(t.scale) : OidAlias::kNone; }
inline OidAlias OidAliasOfOutput(const LogicalType& t) {
  return t.id == TypeId::kText && t.scale > kOidAliasOutputScale ? OidAlias(t.scale - kOidAliasOutputScale) : OidAlias::kNone;
}
const char* OidAliasName(OidAlias a);                        // "regclass"; "" for kNone
OidAlias OidAliasFromName(const std::string& name);          // kNone if not an alias
int32_t OidAliasTypeOid(OidAlias a);                         // 2205 for regclass

// Parses a PostgreSQL type name as libpg_query spells it ("int4", "float8", "varchar", "timestamptz", ...).
bool LookupTypeName(const std::string& name, LogicalType* out);

}  // namespace yunhe
