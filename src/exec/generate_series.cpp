#include "exec/generate_series.h"

#include "common/decimal.h"
#include "common/status.h"
#include "common/time_util.h"
#include "exec/expression_eval.h"
#include "functions/cast.h"

namespace yunhe {

GenerateSeriesOperator::GenerateSeriesOperator(std::vector<ExprPtr> args, LogicalType type, std::string name)
    : args_(std::move(args)) {
  types.push_back(type);
  names.push_back(std::move(name));
}

void GenerateSeriesOperator::Open(ExecContext& ctx) {
  current_ = EvaluateConstant(*args_[0], ctx);
  stop_ = EvaluateConstant(*args_[1], ctx);
  const LogicalType& t = types[0];
  if (args_.size() > 2) step_ = EvaluateConstant(*args_[2], ctx);
  else step_ = t.IsTemporal() ? Value::Null(TypeId::kInterval) : CastValue(Value::Int(1), t);
  done_ = current_.is_null || stop_.is_null || step_.is_null;
  if (done_) return;
  if (t.IsTemporal()) {
    if (step_.iv.months == 0 && step_.iv.days == 0 && step_.iv.ns == 0)
      throw Error(SqlState::kInvalidParameterValue, "step size cannot equal zero");
  } else if ((t.IsInteger() && step_.i == 0) || (t.id == TypeId::kNumeric && step_.d.v == 0)) {
    throw Error(SqlState::kInvalidParameterValue, "step size cannot equal zero");
  }
}

bool GenerateSeriesOperator::Next(ExecContext&, DataChunk& out) {
  if (done_) return false;
  const LogicalType& t = types[0];
  out.Init(types);
  while (out.count < kChunkRows) {
    bool ascending;
    int cmp;
    if (t.IsInteger() || t.IsTemporal()) {
      ascending = t.IsTemporal() ? step_.iv.SortKey() > 0 : step_.i > 0;
      cmp = current_.i < stop_.i ? -1 : current_.i > stop_.i ? 1 : 0;
    } else {
      ascending = step_.d.v > 0;
      cmp = DecimalCompare(current_.d, stop_.d);
    }
    if (ascending ? cmp > 0 : cmp < 0) {
      done_ = true;
      break;
    }
    out.columns[0].Append(current_);
    ++out.count;
    if (t.IsTemporal()) {
      current_.i = current_.type.id == TypeId::kTimestampTz ? AddIntervalTz(current_.i, step_.iv, 1)
                                                         : AddInterval(current_.i, step_.iv, 1);
    } else if (t.IsInteger()) {
      if (__builtin_add_overflow(current_.i, step_.i, &current_.i)) {
        done_ = true;
        break;
      }
    } else {
      current_.d = DecimalAdd(current_.d, step_.d);
    }
  }
  return out.count > 0;
}

}  // namespace yunhe
