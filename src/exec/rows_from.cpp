#include "exec/rows_from.h"

namespace yunhe {

RowsFromOperator::RowsFromOperator(std::vector<OperatorPtr> functions) {
  for (auto& f : functions) {
    types.insert(types.end(), f->types.begin(), f->types.end());
    names.insert(names.end(), f->names.begin(), f->names.end());
    children.push_back(std::move(f));
  }
}

void RowsFromOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  inputs_.assign(children.size(), Input());
}

bool RowsFromOperator::Next(ExecContext& ctx, DataChunk& out) {
  out.Init(types);
  // Each function gives up to a chunk of rows (fewer only when it ends); the longest decides.
  std::vector<DataChunk> parts(children.size());
  size_t rows = 0;
  for (size_t f = 0; f < children.size(); ++f) {
    Input& in = inputs_[f];
    parts[f].Init(children[f]->types);
    while (parts[f].count < kChunkRows && !in.done) {
      if (in.pos == in.chunk.count) {
        in.pos = 0;
        in.chunk = DataChunk();
        if (!children[f]->Pull(ctx, in.chunk)) {
          in.done = true;
          break;
        }
        continue;
      }
      const size_t take = std::min(kChunkRows - parts[f].count, in.chunk.count - in.pos);
      for (size_t c = 0; c < parts[f].columns.size(); ++c) parts[f].columns[c].AppendRange(in.chunk.columns[c], in.pos, take);
      parts[f].count += take;
      in.pos += take;
    }
    rows = std::max(rows, parts[f].count);
  }
  if (rows == 0) return false;
  size_t column = 0;
  for (auto& part : parts) {
    for (auto& v : part.columns) {
      for (size_t r = part.count; r < rows; ++r) v.Append(Value::Null(v.type()));
      out.columns[column++] = std::move(v);
    }
  }
  out.count = rows;
  return true;
}

}  // namespace yunhe
