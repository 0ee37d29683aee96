// Pieces shared by the join operators.
#pragma once
#include <string>
#include <vector>

#include "common/row_key.h"
#include "common/vector.h"
#include "exec/operator.h"

namespace yunhe {

// Makes `left` and `right` the join's inputs; its output is the left columns, then the right
// ones (semi and anti joins, right_columns = false, emit the left columns only).
inline void AdoptJoinInputs(PhysicalOperator& join, OperatorPtr left, OperatorPtr right, bool right_columns = true) {
  join.types = left->types;
  join.names = left->names;
  if (right_columns) {
    join.types.insert(join.types.end(), right->types.begin(), right->types.end());
    join.names.insert(join.names.end(), right->names.begin(), right->names.end());
  }
  join.children.push_back(std::move(left));
  join.children.push_back(std::move(right));
}

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

// Two integer-like join keys as one 128-bit key (the hash join's and its key filter's).
inline __int128 PackedPair(int64_t a, int64_t b) {
  return static_cast<__int128>(static_cast<unsigned __int128>(uint64_t(a)) << 64 | uint64_t(b));
}

// Two integer-like join keys of row r as one 128-bit key; false when either is NULL.
inline bool PairKey(const std::vector<Vector>& keys, size_t r, __int128* key) {
  if (keys[0].IsNull(r) || keys[1].IsNull(r)) return false;
  *key = PackedPair(keys[0].i64()[r], keys[1].i64()[r]);
  return true;
}

// Serializes the join key of row r; false when any key column is NULL (NULL never matches).
inline bool JoinKey(const std::vector<Vector>& keys, size_t r, std::string* key) {
  key->clear();
  for (auto& k : keys) {
    if (k.IsNull(r)) return false;
    AppendKeyCell(k, r, *key);
  }
  return true;
}

}  // namespace yunhe
