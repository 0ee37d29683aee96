// A SCROLL cursor's rows and position, with PostgreSQL's FETCH/MOVE semantics: the position is
// before the first row (0), on row k (1..n) or after the last (n + 1); FORWARD/BACKWARD n move
// row by row returning what they pass, ABSOLUTE/RELATIVE n jump and return the row they land
// on. Rows are pulled from the cursor's query as far as a fetch needs them and kept (PostgreSQL
// keeps them in a tuplestore), so moving back costs no re-execution.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "common/vector.h"

namespace yunhe {

class ScrollCursor {
 public:
  // pull(out): the query's next chunk; false at the end.
  explicit ScrollCursor(std::function<bool(DataChunk*)> pull) : pull_(std::move(pull)) {}
  enum class Direction { kForward, kBackward, kAbsolute, kRelative };
  // FETCH (rows != nullptr) or MOVE: `count` INT64_MAX = ALL. Returns the count of the command
  // tag (rows returned, or moved over; ABSOLUTE/RELATIVE: 1 when on a row after it, else 0).
  int64_t Fetch(Direction direction, int64_t count, std::vector<DataChunk>* rows);

 private:
  // Pulls until `n` rows are kept or the query ends.
  void Ensure(int64_t n);
  // The rows numbered `rows` (1..kept_, in the order given) as chunks.
  void Emit(const std::vector<int64_t>& rows, std::vector<DataChunk>* out) const;
  std::function<bool(DataChunk*)> pull_;
  std::vector<DataChunk> chunks_;
  std::vector<int64_t> starts_;  // row number (0-based) of each chunk's first row
  int64_t kept_ = 0;
  bool ended_ = false;
  int64_t pos_ = 0;
};

}  // namespace yunhe
