#include "exec/basic_operators.h"

#include "common/status.h"
#include "exec/expression_eval.h"
#include "functions/cast.h"

namespace yunhe {

FilterOperator::FilterOperator(OperatorPtr child, ExprPtr predicate) : predicate_(std::move(predicate)) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
}

bool FilterOperator::Next(ExecContext& ctx, DataChunk& out) {
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    std::vector<uint32_t> sel = EvaluateFilter(*predicate_, in, ctx);
    if (sel.empty()) continue;
    if (sel.size() != in.count) in.Select(sel);
    out = std::move(in);
    return true;
  }
  return false;
}

ProjectionOperator::ProjectionOperator(OperatorPtr child, std::vector<ExprPtr> exprs, std::vector<std::string> nms)
    : exprs_(std::move(exprs)) {
  for (auto& e : exprs_) types.push_back(e->type);
  names = std::move(nms);
  children.push_back(std::move(child));
}

bool ProjectionOperator::Next(ExecContext& ctx, DataChunk& out) {
  DataChunk in;
  if (!children[0]->Pull(ctx, in)) return false;
  out.columns.clear();
  for (auto& e : exprs_) out.columns.push_back(Evaluate(*e, in, ctx));
  out.count = in.count;
  return true;
}

LimitOperator::LimitOperator(OperatorPtr child, ExprPtr limit, ExprPtr offset)
    : limit_expr_(std::move(limit)), offset_expr_(std::move(offset)) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
}

void LimitOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  limit_ = -1;
  offset_ = 0;
  seen_ = emitted_ = 0;
  if (limit_expr_) {
    Value v = EvaluateConstant(*limit_expr_, ctx);
    if (!v.is_null) {
      v = CastValue(v, TypeId::kInt64);
      if (v.i < 0) throw Error(SqlState::kInvalidRowCountInLimitClause, "LIMIT must not be negative");
      limit_ = v.i;
    }
  }
  if (offset_expr_) {
    Value v = EvaluateConstant(*offset_expr_, ctx);
    if (!v.is_null) {
      v = CastValue(v, TypeId::kInt64);
      if (v.i < 0) throw Error(SqlState::kInvalidRowCountInResultOffsetClause, "OFFSET must not be negative");
      offset_ = v.i;
    }
  }
}

bool LimitOperator::Next(ExecContext& ctx, DataChunk& out) {
  if (limit_ >= 0 && emitted_ >= limit_) return false;
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    int64_t begin = std::max<int64_t>(0, offset_ - seen_);
    seen_ += int64_t(in.count);
    if (begin >= int64_t(in.count)) continue;
    int64_t end = int64_t(in.count);
    if (limit_ >= 0) end = std::min(end, begin + (limit_ - emitted_));
    if (begin != 0 || end != int64_t(in.count)) {
      std::vector<uint32_t> sel;
      for (int64_t r = begin; r < end; ++r) sel.push_back(uint32_t(r));
      in.Select(sel);
    }
    emitted_ += int64_t(in.count);
    out = std::move(in);
    return true;
  }
  return false;
}

ValuesOperator::ValuesOperator(std::vector<std::vector<ExprPtr>> rows, std::vector<LogicalType> t,
                               std::vector<std::string> n)
    : rows_(std::move(rows)) {
  types = std::move(t);
  names = std::move(n);
}

bool ValuesOperator::Next(ExecContext& ctx, DataChunk& out) {
  if (next_row_ >= rows_.size()) return false;
  out.Init(types);
  DataChunk one;
  one.count = 1;
  while (next_row_ < rows_.size() && out.count < kChunkRows) {
    const auto& row = rows_[next_row_++];
    for (size_t c = 0; c < row.size(); ++c) {
      Vector v = Evaluate(*row[c], one, ctx);
      out.columns[c].AppendFrom(v.type() == types[c] ? v : CastVector(v, types[c]), 0);
    }
    ++out.count;
  }
  return true;
}

void MaterializedResult::Ensure(ExecContext& ctx) {
  if (done) return;
  source->Open(ctx);
  chunks = CollectAll(*source, ctx);
  done = true;
}

MaterializedScanOperator::MaterializedScanOperator(std::shared_ptr<MaterializedResult> result,
                                                   std::vector<LogicalType> t, std::vector<std::string> n,
                                                   std::string label)
    : result_(std::move(result)), label_(std::move(label)) {
  types = std::move(t);
  names = std::move(n);
}

bool MaterializedScanOperator::Next(ExecContext& ctx, DataChunk& out) {
  result_->Ensure(ctx);
  while (next_ < result_->chunks.size()) {
    const DataChunk& c = result_->chunks[next_++];
    if (c.count == 0) continue;
    out = c;
    return true;
  }
  return false;
}

}  // namespace yunhe
