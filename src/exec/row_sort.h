// Sorting row indexes by key vectors in SQL order (ASC/DESC, NULLS FIRST/LAST, C-collation
// text), ties broken by row index so equal keys keep input order. Shared by ORDER BY and window
// partitions.
#pragma once
#include <cstdint>
#include <vector>

#include "common/vector.h"
#include "exec/sort.h"

namespace yunhe {

// Strict weak order on rows of `keys` (pointers: the vectors may grow between calls, arrays are
// fetched per comparison). Safe to call from several threads at once.
struct RowLess {
  const std::vector<const Vector*>* keys;
  const std::vector<SortKey>* spec;
  bool operator()(uint32_t a, uint32_t b) const;
};

// Sorts [begin, end) of row indexes. With `parallel`, runs are sorted on all cores and merged.
// Up to two integer/double keys are sorted as normalized fixed-width keys (cache friendly).
void SortRowIndexes(uint32_t* begin, uint32_t* end, const std::vector<const Vector*>& keys,
                    const std::vector<SortKey>& spec, bool parallel);

// The next chunk of `rows` in `order` from position *emitted (advanced); false when done.
// ORDER BY and DISTINCT ON emit their sorted rows through it.
bool EmitInOrder(const DataChunk& rows, const std::vector<uint32_t>& order, size_t* emitted, DataChunk& out);

}  // namespace yunhe
