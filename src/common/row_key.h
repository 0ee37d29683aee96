// Serializes cells into a byte string that is equal exactly when the values are equal under
// GROUP BY / DISTINCT semantics (NULLs equal each other; -0.0 equals 0.0; NaN equals NaN; numerics
// 1.0 and 1.00 equal). Used as a hash key for grouping, DISTINCT, set operations and hash joins.
#pragma once
#include <string>

#include "common/vector.h"

namespace yunhe {

void AppendKeyCell(const Vector& v, size_t row, std::string& key);

}  // namespace yunhe
