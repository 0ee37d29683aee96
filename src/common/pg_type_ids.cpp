#include "common/pg_type_ids.h"

namespace yunhe {

int32_t PgTypeOid(const LogicalType& t) {
  switch (t.id) {
    case TypeId::kBool: return 16;
    case TypeId::kInt16: return 21;
    case TypeId::kInt32: return 23;
    case TypeId::kInt64: return OidAliasTypeOid(OidAliasOf(t));
    case TypeId::kFloat32: return 700;
    case TypeId::kFloat64: return 701;
    case TypeId::kNumeric: return 1700;
    case TypeId::kText:
      if (OidAliasOfOutput(t) != OidAlias::kNone) return OidAliasTypeOid(OidAliasOfOutput(t));
      return t.scale == 1 ? 114 : t.scale == 2 ? 3802 : t.scale == 3 ? 2950 : t.precision ? 1043 : 25;
    case TypeId::kDate: return 1082;
    case TypeId::kTimestamp: return 1114;
    case TypeId::kTimestampTz: return 1184;
    case TypeId::kInterval: return 1186;
    case TypeId::kTime: return 1083;
    case TypeId::kBytea: return 17;
    case TypeId::kGeometry: return kGeometryTypeOid;
    case TypeId::kNull: return 25;
    case TypeId::kArray:
      if (IsVectorArray(t)) return TypeId(t.precision) == TypeId::kInt16 ? 22 : 30;  // int2vector, oidvector
      return PgArrayTypeOid(PgTypeOid(ArrayElementType(t)));
  }
  return 25;
}

int32_t PgArrayTypeOid(int32_t element_oid) {
  switch (element_oid) {
    case 16: return 1000;
    case 17: return 1001;
    case 18: return 1002;
    case 19: return 1003;
    case 20: return 1016;
    case 21: return 1005;
    case 23: return 1007;
    case 25: return 1009;
    case 26: return 1028;
    case 700: return 1021;
    case 701: return 1022;
    case 1043: return 1015;
    case 1082: return 1182;
    case 1114: return 1115;
    case 1184: return 1185;
    case 1186: return 1187;
    case 1083: return 1183;
    case 1700: return 1231;
    case kGeometryTypeOid: return kGeometryTypeOid + 1;
    default: return 2277;  // anyarray
  }
}

int32_t PgTypmod(const LogicalType& t) {
  switch (t.id) {
    case TypeId::kText: return t.precision ? t.precision + 4 : -1;
    case TypeId::kNumeric: return t.precision ? ((int32_t(t.precision) << 16) | t.scale) + 4 : -1;
    case TypeId::kGeometry: {
      if (t.precision == 0 && t.scale == 0) return -1;
      return (int32_t(t.scale) << 8) | ((t.precision & 7) << 2) | ((t.precision & 16) ? 2 : 0) | ((t.precision & 32) ? 1 : 0);
    }
    default: return -1;
  }
}

bool LogicalTypeFromPg(int64_t oid, int32_t typmod, LogicalType* out) {
  switch (oid) {
    case 16: *out = LogicalType(TypeId::kBool); return true;
    case 21: *out = LogicalType(TypeId::kInt16); return true;
    case 23: *out = LogicalType(TypeId::kInt32); return true;
    case 20: *out = LogicalType(TypeId::kInt64); return true;
    case 700: *out = LogicalType(TypeId::kFloat32); return true;
    case 701: *out = LogicalType(TypeId::kFloat64); return true;
    case 25: *out = LogicalType(TypeId::kText); return true;
    case 114: *out = LogicalType(TypeId::kText, 0, 1); return true;   // json
    case 3802: *out = LogicalType(TypeId::kText, 0, 2); return true;  // jsonb
    case 2950: *out = LogicalType(TypeId::kText, 0, 3); return true;  // uuid
    case 1082: *out = LogicalType(TypeId::kDate); return true;
    case 1114: *out = LogicalType(TypeId::kTimestamp); return true;
    case 1184: *out = LogicalType(TypeId::kTimestampTz); return true;
    case 1186: *out = LogicalType(TypeId::kInterval); return true;
    case 1083: *out = LogicalType(TypeId::kTime); return true;
    case 17: *out = LogicalType(TypeId::kBytea); return true;
    case 1043:  // an unbounded varchar (typmod -1) becomes text
      *out = LogicalType(TypeId::kText, int16_t(typmod >= 4 ? typmod - 4 : 0), 0);
      return true;
    case 1700:
      *out = typmod >= 4 ? LogicalType(TypeId::kNumeric, int16_t((typmod - 4) >> 16), int16_t((typmod - 4) & 0xffff))
                         : LogicalType(TypeId::kNumeric);
      return true;
    case kGeometryTypeOid:
      if (typmod < 0) {
        *out = LogicalType(TypeId::kGeometry);
      } else {
        const int16_t code = int16_t(((typmod >> 2) & 7) | ((typmod & 2) ? 16 : 0) | ((typmod & 1) ? 32 : 0) | kGeometryTypmodPresent);
        *out = LogicalType(TypeId::kGeometry, code, int16_t(typmod >> 8));
      }
      return true;
    default:
      // An array type: find the element whose array it is.
      for (int32_t element : {16, 17, 20, 21, 23, 25, 700, 701, 1043, 1082, 1114, 1184, 1186, 1700, kGeometryTypeOid}) {
        LogicalType e;
        if (PgArrayTypeOid(element) == oid && LogicalTypeFromPg(element, -1, &e)) {
          *out = ArrayOf(e);
          return true;
        }
      }
      return false;
  }
}

}  // namespace yunhe
