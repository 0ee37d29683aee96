// Types, values and errors of the embedding API, and their engine counterparts.
#include <cmath>

#include "api/api_internal.h"
#include "common/decimal.h"
#include "common/sql_text.h"
#include "functions/cast.h"
#include "sql/parser.h"
#include "sql/planner.h"

namespace yunhe::api {

// The public enum follows the engine's TypeId one to one.
static_assert(uint8_t(Type::kInteger) == uint8_t(TypeId::kInt32));
static_assert(uint8_t(Type::kText) == uint8_t(TypeId::kText));
static_assert(uint8_t(Type::kTimestampTz) == uint8_t(TypeId::kTimestampTz));
static_assert(uint8_t(Type::kTime) == uint8_t(TypeId::kTime));

Type ToApiType(const LogicalType& t) { return Type(uint8_t(t.id)); }
LogicalType ToEngineType(Type t) { return LogicalType(TypeId(uint8_t(t))); }

const char* TypeName(Type type) {
  // Static strings: one per type, made once.
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (int k = 0; k <= int(Type::kTime); ++k) n.push_back(LogicalType(TypeId(k)).ToString());
    return n;
  }();
  const size_t k = size_t(type);
  return k < names.size() ? names[k].c_str() : "unknown";
}

Type TypeFromName(std::string_view name) {
  // The parser knows every spelling PostgreSQL accepts (float8, DOUBLE PRECISION, varchar(10), ...).
  const std::string text = "SELECT NULL::" + std::string(name);
  try {
    auto parsed = ParsedSql::Parse(text);
    const auto& st = parsed->statements();
    if (st.size() == 1 && st[0].node->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
      const PgQuery__SelectStmt* s = st[0].node->select_stmt;
      if (s->n_target_list == 1 && s->target_list[0]->res_target->val &&
          s->target_list[0]->res_target->val->node_case == PG_QUERY__NODE__NODE_TYPE_CAST)
        return ToApiType(Planner::ResolveTypeName(s->target_list[0]->res_target->val->type_cast->type_name, 0));
    }
  } catch (const yunhe::Error&) {
  }
  throw Error(SqlState::kUndefinedObject, "type \"" + std::string(name) + "\" does not exist");
}

Error::Error(std::string sqlstate, const std::string& message, int position, Fields fields)
    : std::runtime_error(message), sqlstate_(std::move(sqlstate)), position_(position), fields_(std::move(fields)) {}

Error ToApiError(const Status& s) {
  return Error(s.sqlstate(), s.message(), s.position(), {s.detail(), s.hint(), s.table(), s.column(), s.constraint()});
}

Value Value::Integral(Type type, int64_t x) {
  Value v;
  v.type_ = type;
  v.null_ = false;
  v.i_ = x;
  return v;
}
Value Value::Int(int64_t x) { return Integral(Type::kBigInt, x); }
Value Value::Bool(bool b) { return Integral(Type::kBool, b); }
Value Value::Date(int64_t days) { return Integral(Type::kDate, days); }
Value Value::Timestamp(int64_t ns) { return Integral(Type::kTimestamp, ns); }
Value Value::TimestampTz(int64_t ns) { return Integral(Type::kTimestampTz, ns); }
Value Value::Double(double x) {
  Value v = Integral(Type::kDouble, 0);
  v.d_ = x;
  return v;
}
Value Value::Text(std::string s) { return Typed(Type::kText, std::move(s)); }
Value Value::Bytes(std::string bytes) { return Typed(Type::kBytea, std::move(bytes)); }
Value Value::Typed(Type type, std::string text) {
  Value v;
  v.type_ = type;
  v.null_ = false;
  v.s_ = std::move(text);
  return v;
}

namespace {

// The engine value a public one stands for, in its own type (text forms not yet parsed).
yunhe::Value NaturalEngineValue(const Value& v) {
  const LogicalType t = ToEngineType(v.type());
  if (v.is_null()) return yunhe::Value::Null(t);
  if (v.type() == Type::kText || v.type() == Type::kBytea) {
    yunhe::Value s = yunhe::Value::Text(v.text_value());
    s.type = t;
    return s;
  }
  switch (t.physical()) {
    case PhysicalType::kI64: return yunhe::Value::Int(v.int_value(), t.id);  // booleans, integers, times
    case PhysicalType::kF64: return yunhe::Value::Float(v.double_value(), t.id);
    default: return ParseValue(v.text_value(), t);  // numeric, interval, geometry, arrays: their text
  }
}

}  // namespace

yunhe::Value ToEngineValue(const Value& v, const LogicalType& to) {
  if (v.is_null()) return yunhe::Value::Null(to);
  // Text goes in as an untyped literal does: parsed by the type it is put in.
  if (v.type() == Type::kText && to.id != TypeId::kText) return ParseValue(v.text_value(), to);
  // An integer into a time column is its count (days for a date, ns otherwise), as in ColumnData.
  if (v.type() == Type::kBigInt && to.physical() == PhysicalType::kI64 &&
      (to.id == TypeId::kDate || to.id == TypeId::kTimestamp || to.id == TypeId::kTimestampTz || to.id == TypeId::kTime))
    return yunhe::Value::Time(v.int_value(), to.id);
  yunhe::Value e = NaturalEngineValue(v);
  return e.type == to ? e : CastValue(e, to);
}

Value ToApiValue(const yunhe::Value& e) {
  Value v;
  v.type_ = ToApiType(e.type);
  if (e.is_null) return v;
  v.null_ = false;
  switch (e.type.physical()) {
    case PhysicalType::kI64: v.i_ = e.i; break;
    case PhysicalType::kF64: v.d_ = e.f; break;
    case PhysicalType::kStr: v.s_ = e.s; break;
    case PhysicalType::kDec:
      v.d_ = DecimalToDouble(e.d);
      v.s_ = e.ToString();
      break;
    case PhysicalType::kInterval: v.s_ = e.ToString(); break;
  }
  return v;
}

std::string Value::ToString() const {
  if (null_) return "";
  if (type_ == Type::kText || type_ == Type::kNumeric || type_ == Type::kInterval) return s_;
  return NaturalEngineValue(*this).ToString();
}

std::string ParameterLiteral(const Value& v) {
  if (v.is_null()) return v.type() == Type::kNull ? "NULL" : "NULL::" + std::string(TypeName(v.type()));
  switch (v.type()) {
    case Type::kBool: return v.bool_value() ? "true" : "false";
    // Integers and finite doubles as bare literals, as psycopg2 writes them: PostgreSQL then
    // types them (integer, bigint, numeric) the way a function call or comparison needs.
    case Type::kSmallInt:
    case Type::kInteger:
    case Type::kBigInt: return "(" + std::to_string(v.int_value()) + ")";
    case Type::kReal:
    case Type::kDouble:
      if (std::isfinite(v.double_value())) return "(" + FormatFloat8(v.double_value()) + ")";
      return "(" + QuoteLiteral(FormatFloat8(v.double_value())) + "::double precision)";
    case Type::kText: return QuoteLiteral(v.text_value());
    case Type::kBytea: return "(" + QuoteLiteral("\\x" + HexBytes(v.text_value(), false)) + "::bytea)";
    case Type::kTimestampTz: {
      // Written in UTC, whatever the session's time zone.
      const yunhe::Value utc = yunhe::Value::Time(v.int_value(), TypeId::kTimestamp);
      return "(" + QuoteLiteral(utc.ToString() + "+00") + "::timestamp with time zone)";
    }
    default: return "(" + QuoteLiteral(v.ToString()) + "::" + TypeName(v.type()) + ")";
  }
}

}  // namespace yunhe::api
