// Serializes cells into a byte string that is equal exactly when the values are equal under
// GROUP BY / DISTINCT semantics (NULLs equal each other; -0.0 equals 0.0; NaN equals NaN; numerics
// 1.0 and 1.00 equal). Used as a hash key for grouping, DISTINCT, set operations and hash joins.
#pragma once
#include <string>
#include <vector>

#include "common/vector.h"

namespace yunhe {

void AppendKeyCell(const Vector& v, size_t row, std::string& key);

// The grouping forms of a double and a numeric, which AppendKeyCell serializes and GROUP BY's
// in-place hashing (exec/aggregate_table.cpp) compares: -0.0 as 0.0 and every NaN as one; the
// numeric without trailing fractional zeros (1.00 -> 1, scale 0).
double GroupingDouble(double d);
Decimal GroupingDecimal(Decimal d);

// A serialized key's 128-bit digest (XXH3 with a seed drawn once per process, so inputs cannot
// be crafted to collide): what primary-key maps hold instead of the key bytes.
struct KeyDigest {
  uint64_t low = 0, high = 0;
  bool operator==(const KeyDigest& o) const { return low == o.low && high == o.high; }
};
KeyDigest DigestKey(const std::string& key);
KeyDigest DigestKey(const char* data, size_t size);

// out[r - from] = the digest of row r's key made of `columns` (AppendKeyCell of each, in order,
// then DigestKey), for rows [from, to): the columns' types are looked at once, and each key is
// built in a buffer on the stack (a long one in a string).
void DigestRowKeys(const std::vector<const Vector*>& columns, size_t from, size_t to, KeyDigest* out);

}  // namespace yunhe
