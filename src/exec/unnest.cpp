#include "exec/unnest.h"

#include "exec/expression_eval.h"
#include "functions/array_value.h"

namespace yunhe {

UnnestOperator::UnnestOperator(ExprPtr array, LogicalType element, std::string name, bool ordinality)
    : array_(std::move(array)), ordinality_(ordinality) {
  types.push_back(element);
  names.push_back(std::move(name));
  if (ordinality_) {
    types.push_back(TypeId::kInt64);
    names.push_back("ordinality");
  }
}

void UnnestOperator::Open(ExecContext& ctx) {
  const Value array = EvaluateConstant(*array_, ctx);
  elements_ = array.is_null ? std::vector<Value>{} : ArrayElements(array);  // NULL array: no rows
  next_ = 0;
}

bool UnnestOperator::Next(ExecContext&, DataChunk& out) {
  if (next_ >= elements_.size()) return false;
  out.Init(types);
  while (out.count < kChunkRows && next_ < elements_.size()) {
    Value v = elements_[next_++];
    if (v.is_null) v = Value::Null(types[0]);
    else v.type = types[0];
    out.columns[0].Append(v);
    if (ordinality_) out.columns[1].Append(Value::Int(int64_t(next_)));
    ++out.count;
  }
  return true;
}

}  // namespace yunhe
