#include "common/pg_type_ids.h"

namespace yunhe {

int32_t PgTypeOid(const LogicalType& t) {
  switch (t.id) {
    case TypeId::kBool: return 16;
    case TypeId::kInt16: return 21;
    case TypeId::kInt32: return 23;
    case TypeId::kInt64: return 20;
    case TypeId::kFloat32: return 700;
    case TypeId::kFloat64: return 701;
    case TypeId::kNumeric: return 1700;
    case TypeId::kText: return t.precision ? 1043 : 25;
    case TypeId::kDate: return 1082;
    case TypeId::kTimestamp: return 1114;
    case TypeId::kTimestampTz: return 1184;
    case TypeId::kInterval: return 1186;
    case TypeId::kBytea: return 17;
    case TypeId::kGeometry: return kGeometryTypeOid;
    case TypeId::kNull: return 25;
  }
  return 25;
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
    case 1082: *out = LogicalType(TypeId::kDate); return true;
    case 1114: *out = LogicalType(TypeId::kTimestamp); return true;
    case 1184: *out = LogicalType(TypeId::kTimestampTz); return true;
    case 1186: *out = LogicalType(TypeId::kInterval); return true;
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
    default: return false;
  }
}

}  // namespace yunhe
