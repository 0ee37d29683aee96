#include "exec/json_rows.h"

#include <fmt/format.h>

#include "common/status.h"
#include "exec/expression_eval.h"
#include "functions/json_value.h"

namespace yunhe {

JsonRowsOperator::JsonRowsOperator(ExprPtr document, Kind kind, bool as_text, std::vector<std::string> column_names, std::string function)
    : document_(std::move(document)), kind_(kind), as_text_(as_text), function_(std::move(function)) {
  const LogicalType value_type = as_text ? LogicalType(TypeId::kText) : document_->type;
  if (kind == Kind::kEach) types = {LogicalType(TypeId::kText), value_type};
  else if (kind == Kind::kObjectKeys) types = {LogicalType(TypeId::kText)};
  else types = {value_type};
  names = std::move(column_names);
}

void JsonRowsOperator::Open(ExecContext& ctx) {
  rows_.clear();
  next_ = 0;
  const Value doc = EvaluateConstant(*document_, ctx);
  if (doc.is_null) return;  // NULL document: no rows
  const bool jsonb = IsJsonb(document_->type);
  const Json v = ParseJson(doc.s, jsonb);
  auto value = [&](const Json& e) {
    if (as_text_) return e.kind == Json::Kind::kNull ? Value::Null(TypeId::kText) : Value::Text(JsonScalarText(e));
    Value out = Value::Text(jsonb ? JsonbText(e) : std::string(e.raw));
    out.type = types.back();
    return out;
  };
  const char* what = v.kind == Json::Kind::kArray ? "an array" : v.kind == Json::Kind::kObject ? "an object" : "a scalar";
  if (kind_ == Kind::kArrayElements) {
    if (v.kind != Json::Kind::kArray)
      throw Error(SqlState::kInvalidParameterValue, fmt::format("cannot extract elements from {}", v.kind == Json::Kind::kObject ? "an object" : "a scalar"));
    for (const Json& e : v.items) rows_.push_back({value(e)});
    return;
  }
  if (v.kind != Json::Kind::kObject)
    throw Error(SqlState::kInvalidParameterValue,
                kind_ == Kind::kObjectKeys ? fmt::format("cannot call {} on {}", function_, what)
                                           : fmt::format("cannot call {} on a non-object", function_));
  for (const auto& [key, member] : v.members) {
    if (kind_ == Kind::kObjectKeys) rows_.push_back({Value::Text(key)});
    else rows_.push_back({Value::Text(key), value(member)});
  }
}

bool JsonRowsOperator::Next(ExecContext&, DataChunk& out) {
  if (next_ >= rows_.size()) return false;
  out.Init(types);
  while (out.count < kChunkRows && next_ < rows_.size()) {
    const std::vector<Value>& row = rows_[next_++];
    for (size_t c = 0; c < row.size(); ++c) out.columns[c].Append(row[c]);
    ++out.count;
  }
  return true;
}

}  // namespace yunhe
