#include "common/types.h"

#include <fmt/format.h>

namespace yunhe {

PhysicalType LogicalType::physical() const {
  switch (id) {
    case TypeId::kFloat32:
    case TypeId::kFloat64: return PhysicalType::kF64;
    case TypeId::kText:
    case TypeId::kGeometry:
    case TypeId::kBytea:
    case TypeId::kArray: return PhysicalType::kStr;
    case TypeId::kNumeric: return PhysicalType::kDec;
    case TypeId::kInterval: return PhysicalType::kInterval;
    default: return PhysicalType::kI64;
  }
}

std::string LogicalType::ToString() const {
  switch (id) {
    case TypeId::kNull: return "unknown";
    case TypeId::kBool: return "boolean";
    case TypeId::kInt16: return "smallint";
    case TypeId::kInt32: return "integer";
    case TypeId::kInt64: return OidAliasOf(*this) != OidAlias::kNone ? OidAliasName(OidAliasOf(*this)) : "bigint";
    case TypeId::kFloat32: return "real";
    case TypeId::kFloat64: return "double precision";
    case TypeId::kNumeric:
      return precision ? fmt::format("numeric({},{})", precision, scale) : "numeric";
    case TypeId::kText:
      if (scale == 1) return "json";
      if (scale == 2) return "jsonb";
      if (scale == 3) return "uuid";
      if (OidAliasOfOutput(*this) != OidAlias::kNone) return OidAliasName(OidAliasOfOutput(*this));
      return precision ? fmt::format("character varying({})", precision) : "text";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp without time zone";
    case TypeId::kTimestampTz: return "timestamp with time zone";
    case TypeId::kInterval: return "interval";
    case TypeId::kTime: return "time without time zone";
    case TypeId::kGeometry:
      if (precision == 0 && scale == 0) return "geometry";
      return scale ? fmt::format("geometry({},{})", GeometryTypmodName(precision), scale)
                   : fmt::format("geometry({})", GeometryTypmodName(precision));
    case TypeId::kBytea: return "bytea";
    case TypeId::kArray:
      if (scale == 1) return TypeId(precision) == TypeId::kInt16 ? "int2vector" : "oidvector";
      return precision ? ArrayElementType(*this).ToString() + "[]" : "anyarray";
  }
  return "unknown";
}

const char* OidAliasName(OidAlias a) {
  switch (a) {
    case OidAlias::kRegclass: return "regclass";
    case OidAlias::kRegtype: return "regtype";
    case OidAlias::kRegnamespace: return "regnamespace";
    case OidAlias::kRegrole: return "regrole";
    case OidAlias::kNone: break;
  }
  return "";
}

OidAlias OidAliasFromName(const std::string& name) {
  for (OidAlias a : {OidAlias::kRegclass, OidAlias::kRegtype, OidAlias::kRegnamespace, OidAlias::kRegrole})
    if (name == OidAliasName(a)) return a;
  return OidAlias::kNone;
}

int32_t OidAliasTypeOid(OidAlias a) {
  switch (a) {
    case OidAlias::kRegclass: return 2205;
    case OidAlias::kRegtype: return 2206;
    case OidAlias::kRegnamespace: return 4089;
    case OidAlias::kRegrole: return 4096;
    case OidAlias::kNone: break;
  }
  return 20;
}

bool LogicalType::IsNumeric() const {
  return IsInteger() || id == TypeId::kFloat32 || id == TypeId::kFloat64 || id == TypeId::kNumeric;
}
bool LogicalType::IsInteger() const {
  return id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
}
bool LogicalType::IsTemporal() const {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}

namespace {
const char* const kGeometryTypeNames[] = {"Geometry", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString",
                                          "MultiPolygon", "GeometryCollection"};
}

bool GeometryTypmodFromName(const std::string& name, int16_t* code) {
  std::string n;
  for (char c : name) n.push_back(char(tolower((unsigned char)c)));
  auto match = [&](const char* suffix, int16_t flag) {
    for (int t = 0; t < 8; ++t) {
      std::string base;
      for (const char* p = kGeometryTypeNames[t]; *p; ++p) base.push_back(char(tolower((unsigned char)*p)));
      if (n == base + suffix) {
        *code = int16_t(t | flag);
        return true;
      }
    }
    return false;
  };
  return match("", 0) || match("zm", 16 | 32) || match("z", 16) || match("m", 32);
}

std::string GeometryTypmodName(int16_t code) {
  std::string s = kGeometryTypeNames[code & 7];
  if (code & 16) s += "Z";
  if (code & 32) s += "M";
  return s;
}

bool LookupTypeName(const std::string& n, LogicalType* out) {
  struct Entry { const char* name; TypeId id; };
  static const Entry kNames[] = {
      {"bool", TypeId::kBool},          {"boolean", TypeId::kBool},
      {"int2", TypeId::kInt16},         {"smallint", TypeId::kInt16},
      {"int4", TypeId::kInt32},         {"int", TypeId::kInt32},
      {"integer", TypeId::kInt32},      {"int8", TypeId::kInt64},
      {"bigint", TypeId::kInt64},       {"float4", TypeId::kFloat32},
      {"real", TypeId::kFloat32},       {"float8", TypeId::kFloat64},
      {"float", TypeId::kFloat64},      {"double", TypeId::kFloat64},
      {"numeric", TypeId::kNumeric},    {"decimal", TypeId::kNumeric},
      {"text", TypeId::kText},          {"varchar", TypeId::kText},
      {"bpchar", TypeId::kText},        {"char", TypeId::kText},
      {"string", TypeId::kText},        {"name", TypeId::kText},
      {"date", TypeId::kDate},          {"timestamp", TypeId::kTimestamp},
      {"timestamptz", TypeId::kTimestampTz}, {"interval", TypeId::kInterval},
      {"time", TypeId::kTime},
      {"geometry", TypeId::kGeometry},  {"bytea", TypeId::kBytea},
      {"serial", TypeId::kInt32},       {"bigserial", TypeId::kInt64},
      {"oid", TypeId::kInt64},          {"regproc", TypeId::kText},
      {"int2vector", TypeId::kText},    {"oidvector", TypeId::kText},
  };
  if (n == "json" || n == "jsonb" || n == "uuid") {  // text underneath (functions/json_value.h, functions/uuid.h)
    *out = LogicalType(TypeId::kText, 0, n == "json" ? 1 : n == "jsonb" ? 2 : 3);
    return true;
  }
  if (OidAlias a = OidAliasFromName(n); a != OidAlias::kNone) {
    *out = OidAliasType(a);
    return true;
  }
  for (const auto& e : kNames) {
    if (n == e.name) {
      *out = LogicalType(e.id);
      return true;
    }
  }
  // PostgreSQL's internal array names: _int4, _text, ...
  if (n.size() > 1 && n[0] == '_' && LookupTypeName(n.substr(1), out) && out->id != TypeId::kArray) {
    *out = ArrayOf(*out);
    return true;
  }
  return false;
}

}  // namespace yunhe
