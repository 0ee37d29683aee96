// Pieces shared by the join operators.
#pragma once
#include <vector>

#include "common/vector.h"

namespace yunhe {

// Rows `sel` of the left input, each followed by NULLs for every right column (LEFT/FULL
// joins' unmatched rows; semi/anti joins pass an empty `right`).
inline DataChunk LeftRowsWithNullRight(const DataChunk& left, const DataChunk& right, const std::vector<uint32_t>& sel,
                                       bool pad_right) {
  DataChunk out;
  for (auto& c : left.columns) out.columns.push_back(c.Gather(sel));
  if (pad_right)
    for (auto& c : right.columns) out.columns.push_back(Vector::Constant(Value::Null(c.type()), c.type(), sel.size()));
  out.count = sel.size();
  return out;
}

}  // namespace yunhe
