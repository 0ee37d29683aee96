// Dense ids (0, 1, 2, ...) for the distinct values of one or more key columns, as GROUP BY,
// PARTITION BY and DISTINCT ON compare them: NULLs equal each other, doubles -0 = 0 and
// NaN = NaN, text byte-wise. Shared by windows (partitions) and DISTINCT ON (groups).
#pragma once
#include <cstdint>
#include <vector>

#include "common/vector.h"

namespace yunhe {

// keys[k][c] is key k over input chunk c (every key cut into the same chunks, `rows` in all).
// Fills ids (one per row, in input order) and *count (distinct ids). False when a key's type is
// not hashed by value here (NUMERIC, INTERVAL, ...: equal values may differ in representation).
bool DenseKeyIds(const std::vector<std::vector<Vector>>& keys, size_t rows, std::vector<uint32_t>* ids, size_t* count);

// Rows a and b hold equal values in every key (NULL equal to NULL), for keys of any type.
bool SameKeyValues(const std::vector<const Vector*>& keys, uint32_t a, uint32_t b);

}  // namespace yunhe
