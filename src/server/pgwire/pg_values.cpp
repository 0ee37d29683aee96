#include "server/pgwire/pg_values.h"

#include <fmt/format.h>

#include "functions/uuid.h"

#include <arpa/inet.h>

#include <bit>
#include <cstring>

#include "common/status.h"
#include "common/time_util.h"
#include "sql/sql_tokens.h"

namespace yunhe::pgwire {

namespace {
constexpr int64_t kPgEpochUs = 946684800LL * 1000000;  // 2000-01-01 in Unix microseconds
constexpr int64_t kPgEpochDays = 10957;                // 2000-01-01 in Unix days

const char* TypeNameForOid(int32_t oid) {
  switch (oid) {
    case 16: return "boolean";
    case 20: return "bigint";
    case 21: return "smallint";
    case 23: return "integer";
    case 700: return "real";
    case 701: return "double precision";
    case 1700: return "numeric";
    case 25: return "text";
    case 1043: return "varchar";
    case 17: return "bytea";
    case kGeometryTypeOid: return "geometry";
    case 1082: return "date";
    case 1114: return "timestamp";
    case 1184: return "timestamptz";
    case 1186: return "interval";
    default: return nullptr;
  }
}

template <class T>
T BigEndian(const std::string& b, size_t pos = 0) {
  T v{};
  if (pos + sizeof(T) > b.size()) throw Error(SqlState::kInvalidBinaryRepresentation, "insufficient data left in message");
  uint8_t buf[sizeof(T)];
  memcpy(buf, b.data() + pos, sizeof(T));
  uint64_t x = 0;
  for (size_t k = 0; k < sizeof(T); ++k) x = (x << 8) | buf[k];
  if constexpr (sizeof(T) == 8) v = std::bit_cast<T>(x);
  else if constexpr (sizeof(T) == 4) v = std::bit_cast<T>(uint32_t(x));
  else if constexpr (sizeof(T) == 2) v = std::bit_cast<T>(uint16_t(x));
  else v = T(x);
  return v;
}

void PutBigEndian(uint64_t x, size_t bytes, std::string* out) {
  for (size_t k = bytes; k-- > 0;) out->push_back(char((x >> (8 * k)) & 0xff));
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// PostgreSQL numeric binary: ndigits, weight, sign, dscale, then base-10000 digits.
std::string NumericBinaryToText(const std::string& b) {
  const int16_t ndigits = BigEndian<int16_t>(b, 0), weight = BigEndian<int16_t>(b, 2);
  const uint16_t sign = BigEndian<uint16_t>(b, 4);
  const int16_t dscale = BigEndian<int16_t>(b, 6);
  if (sign == 0xC000) return "NaN";
  std::vector<int> digits(size_t(std::max<int16_t>(ndigits, 0)));
  for (int k = 0; k < ndigits; ++k) digits[size_t(k)] = BigEndian<int16_t>(b, 8 + 2 * size_t(k));
  std::string ip, fp;
  for (int w = weight, k = 0; w >= 0; --w, ++k) {
    int d = k < ndigits ? digits[size_t(k)] : 0;
    char buf[8];
    snprintf(buf, sizeof buf, ip.empty() ? "%d" : "%04d", d);
    ip += buf;
  }
  if (ip.empty()) ip = "0";
  for (int k = weight + 1; int(fp.size()) < dscale; ++k) {
    int d = (k >= 0 && k < ndigits) ? digits[size_t(k)] : 0;
    char buf[8];
    snprintf(buf, sizeof buf, "%04d", d);
    fp += buf;
  }
  fp.resize(size_t(std::max<int16_t>(dscale, 0)));
  return std::string(sign == 0x4000 ? "-" : "") + ip + (fp.empty() ? "" : "." + fp);
}

void NumericTextToBinary(const std::string& text, std::string* out) {
  std::string s = text;
  bool neg = !s.empty() && s[0] == '-';
  if (neg || (!s.empty() && s[0] == '+')) s = s.substr(1);
  size_t dot = s.find('.');
  std::string ip = dot == std::string::npos ? s : s.substr(0, dot);
  std::string fp = dot == std::string::npos ? "" : s.substr(dot + 1);
  const int16_t dscale = int16_t(fp.size());
  while (ip.size() > 1 && ip[0] == '0') ip.erase(0, 1);
  if (ip == "0") ip.clear();
  while (ip.size() % 4) ip.insert(0, "0");
  while (fp.size() % 4) fp.push_back('0');
  std::vector<int16_t> digits;
  for (size_t k = 0; k < ip.size(); k += 4) digits.push_back(int16_t(std::stoi(ip.substr(k, 4))));
  int16_t weight = int16_t(digits.size()) - 1;
  for (size_t k = 0; k < fp.size(); k += 4) digits.push_back(int16_t(std::stoi(fp.substr(k, 4))));
  // Leading zero groups (0.0001) move the weight; trailing zero groups are dropped.
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == 0) ++lead;
  if (lead == digits.size()) {
    digits.clear();
    weight = 0;
  } else {
    digits.erase(digits.begin(), digits.begin() + long(lead));
    weight = int16_t(weight - int16_t(lead));
    while (!digits.empty() && digits.back() == 0) digits.pop_back();
  }
  PutBigEndian(uint16_t(digits.size()), 2, out);
  PutBigEndian(uint16_t(weight), 2, out);
  PutBigEndian(neg && !digits.empty() ? 0x4000 : 0, 2, out);
  PutBigEndian(uint16_t(dscale), 2, out);
  for (int16_t d : digits) PutBigEndian(uint16_t(d), 2, out);
}
}  // namespace

std::string SubstituteParams(const std::string& sql, const std::vector<std::optional<std::string>>& values,
                             const std::vector<int32_t>& oids) {
  return ReplaceParams(sql, [&](int n) -> std::optional<std::string> {
    if (n < 1 || size_t(n) > values.size()) return std::nullopt;  // "there is no parameter $n"
    const auto& v = values[size_t(n - 1)];
    const char* type = size_t(n - 1) < oids.size() ? TypeNameForOid(oids[size_t(n - 1)]) : nullptr;
    if (!v) return type ? std::string("NULL::") + type : "NULL";
    return type ? "(" + Quote(*v) + "::" + type + ")" : Quote(*v);
  });
}

std::string BinaryParamToText(int32_t oid, const std::string& b) {
  switch (oid) {
    case 16: return BigEndian<uint8_t>(b) ? "true" : "false";
    case 21: return std::to_string(BigEndian<int16_t>(b));
    case 23: return std::to_string(BigEndian<int32_t>(b));
    case 20: return std::to_string(BigEndian<int64_t>(b));
    case 700: return FormatFloat4(BigEndian<float>(b));
    case 701: return FormatFloat8(BigEndian<double>(b));
    case 0:
    case 25:
    case 705:
    case 1043:
    case 114: return b;
    case 3802: return b.empty() ? b : b.substr(1);  // jsonb: a version byte (1), then the text
    case 2950: {
      if (b.size() != 16) throw Error(SqlState::kInvalidBinaryRepresentation, "invalid uuid binary value");
      std::string hex;
      for (unsigned char c : b) hex += fmt::format("{:02x}", c);
      return UuidFromHex(hex);
    }
    case 1700: return NumericBinaryToText(b);
    case 17: return "\\x" + HexBytes(b, false);
    case kGeometryTypeOid: return HexBytes(b, true);  // EWKB bytes, read back as hex EWKB
    case 1082: return FormatDate(BigEndian<int32_t>(b) + kPgEpochDays);
    case 1114: return FormatTimestamp((BigEndian<int64_t>(b) + kPgEpochUs) * 1000);
    case 1184: return FormatTimestamp((BigEndian<int64_t>(b) + kPgEpochUs) * 1000) + "+00";
    case 1186: {
      Interval iv{BigEndian<int32_t>(b, 12), BigEndian<int32_t>(b, 8), BigEndian<int64_t>(b, 0) * 1000};
      return FormatInterval(iv);
    }
    case 1083: return FormatTime(BigEndian<int64_t>(b) * 1000);  // time: microseconds since midnight
    default: throw Error(SqlState::kInvalidBinaryRepresentation, "binary format for parameter type " + std::to_string(oid) + " is not supported");
  }
}

std::string EncodeText(const Value& v) {
  if (v.is_null) return v.ToString();
  if (v.type.id == TypeId::kTimestamp || v.type.id == TypeId::kTimestampTz) {
    Value us = v;
    us.i = FloorDiv(v.i, 1000) * 1000;
    return us.ToString();
  }
  if (v.type.id == TypeId::kInterval) {
    Value us = v;
    us.iv.ns = v.iv.ns / 1000 * 1000;
    return us.ToString();
  }
  return v.ToString();
}

bool BinaryEncodable(const LogicalType& t) {
  if (OidAliasOfOutput(t) != OidAlias::kNone) return false;  // a name in place of the OID: text only
  switch (t.id) {
    case TypeId::kBool: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64: case TypeId::kFloat32:
    case TypeId::kFloat64: case TypeId::kText: case TypeId::kBytea: case TypeId::kGeometry: case TypeId::kNumeric:
    case TypeId::kDate: case TypeId::kTimestamp: case TypeId::kTimestampTz: case TypeId::kInterval: case TypeId::kTime: return true;
    default: return false;
  }
}

bool EncodeBinary(const Value& v, std::string* out) {
  switch (v.type.id) {
    case TypeId::kBool: out->push_back(v.i ? 1 : 0); return true;
    case TypeId::kInt16: PutBigEndian(uint16_t(v.i), 2, out); return true;
    case TypeId::kInt32: PutBigEndian(uint32_t(v.i), 4, out); return true;
    case TypeId::kInt64: PutBigEndian(uint64_t(v.i), 8, out); return true;
    case TypeId::kFloat32: PutBigEndian(std::bit_cast<uint32_t>(float(v.f)), 4, out); return true;
    case TypeId::kFloat64: PutBigEndian(std::bit_cast<uint64_t>(v.f), 8, out); return true;
    case TypeId::kText:
      if (v.type.scale == 2) out->push_back(1);  // jsonb's binary form: a version byte, then the text
      if (v.type.scale == 3) {                   // uuid: its 16 bytes
        for (size_t k = 0; k < v.s.size(); ++k) {
          if (v.s[k] == '-') continue;
          out->push_back(char(std::stoi(v.s.substr(k, 2), nullptr, 16)));
          ++k;
        }
        return true;
      }
      *out += v.s;
      return true;
    case TypeId::kBytea:
    case TypeId::kGeometry: *out += v.s; return true;
    case TypeId::kNumeric: NumericTextToBinary(v.ToString(), out); return true;
    case TypeId::kDate: PutBigEndian(uint32_t(int32_t(v.i - kPgEpochDays)), 4, out); return true;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: PutBigEndian(uint64_t(FloorDiv(v.i, 1000) - kPgEpochUs), 8, out); return true;
    case TypeId::kTime: PutBigEndian(uint64_t(v.i / 1000), 8, out); return true;
    case TypeId::kInterval:
      PutBigEndian(uint64_t(v.iv.ns / 1000), 8, out);
      PutBigEndian(uint32_t(v.iv.days), 4, out);
      PutBigEndian(uint32_t(v.iv.months), 4, out);
      return true;
    default: return false;
  }
}

}  // namespace yunhe::pgwire
