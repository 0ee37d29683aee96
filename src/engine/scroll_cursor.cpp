#include "engine/scroll_cursor.h"

#include <algorithm>

namespace yunhe {

void ScrollCursor::Ensure(int64_t n) {
  while (kept_ < n && !ended_) {
    DataChunk c;
    if (!pull_(&c)) {
      ended_ = true;
      break;
    }
    if (c.count == 0) continue;
    starts_.push_back(kept_);
    kept_ += int64_t(c.count);
    chunks_.push_back(std::move(c));
  }
}

void ScrollCursor::Emit(const std::vector<int64_t>& rows, std::vector<DataChunk>* out) const {
  if (!out) return;
  // Runs of rows from one kept chunk go out as one selection of it.
  size_t k = SIZE_MAX;
  std::vector<uint32_t> sel;
  auto flush = [&] {
    if (sel.empty()) return;
    DataChunk c = chunks_[k];
    c.Select(sel);
    out->push_back(std::move(c));
    sel.clear();
  };
  for (int64_t row : rows) {
    const size_t chunk = size_t(std::upper_bound(starts_.begin(), starts_.end(), row - 1) - starts_.begin() - 1);
    if (chunk != k) {
      flush();
      k = chunk;
    }
    sel.push_back(uint32_t(row - 1 - starts_[chunk]));
  }
  flush();
}

int64_t ScrollCursor::Fetch(Direction direction, int64_t count, std::vector<DataChunk>* out) {
  constexpr int64_t kAll = INT64_MAX;
  // FORWARD -n is BACKWARD n and the other way round; FORWARD 0 / BACKWARD 0 re-fetch the
  // current row (RELATIVE 0), as PostgreSQL.
  if ((direction == Direction::kForward || direction == Direction::kBackward) && count < 0) {
    direction = direction == Direction::kForward ? Direction::kBackward : Direction::kForward;
    count = -count;
  }
  if ((direction == Direction::kForward || direction == Direction::kBackward) && count == 0) {
    direction = Direction::kRelative;
  }
  std::vector<int64_t> rows;
  switch (direction) {
    case Direction::kForward: {
      const int64_t want = count == kAll ? kAll : pos_ + count;
      Ensure(want);
      const int64_t last = std::min(want, kept_);
      for (int64_t r = pos_ + 1; r <= last; ++r) rows.push_back(r);
      pos_ = want > kept_ ? kept_ + 1 : want;
      Emit(rows, out);
      return int64_t(rows.size());
    }
    case Direction::kBackward: {
      if (pos_ > kept_) Ensure(kAll);  // after the last row: counting back needs the end
      const int64_t from = std::min(pos_ - 1, kept_);
      const int64_t to = count == kAll ? 1 : std::max<int64_t>(1, pos_ - count);
      for (int64_t r = from; r >= to; --r) rows.push_back(r);
      pos_ = (count == kAll || pos_ - count < 1) ? 0 : pos_ - count;
      Emit(rows, out);
      return int64_t(rows.size());
    }
    case Direction::kAbsolute:
    case Direction::kRelative: {
      int64_t target;
      if (direction == Direction::kAbsolute && count >= 0) {
        target = count;
      } else if (direction == Direction::kAbsolute) {
        Ensure(kAll);
        target = kept_ + 1 + count;
      } else {
        if (pos_ > kept_ || count == kAll) Ensure(kAll);
        target = count == kAll ? kAll : pos_ + count;
      }
      if (target <= 0) {
        pos_ = 0;
        return 0;
      }
      Ensure(target);
      if (target > kept_) {
        pos_ = kept_ + 1;
        return 0;
      }
      pos_ = target;
      rows.push_back(target);
      Emit(rows, out);
      return 1;
    }
  }
  return 0;
}

}  // namespace yunhe
