// A static R-tree over bounding boxes, bulk-loaded by Sort-Tile-Recursive packing: built once
// from all boxes (no inserts), nodes of up to 16 children, queried for every box that meets a
// search box (or, through NearestCursor, in order of distance). Searches are const and may run
// concurrently. Used by the spatial join (build side) and GiST indexes (nearest neighbours).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "functions/geo/geo_util.h"

namespace yunhe::geo {

class PackedRTree {
 public:
  static constexpr size_t kFanout = 16;

  // items[k] is the box of item k; empty boxes are never returned.
  explicit PackedRTree(const std::vector<Box>& items) {
    std::vector<uint32_t> ids;
    for (uint32_t k = 0; k < items.size(); ++k)
      if (!items[k].Empty()) ids.push_back(k);
    count_ = ids.size();
    if (ids.empty()) return;
    // Leaves: STR order (x slices, y within each slice), then groups of kFanout.
    const size_t leaves = (ids.size() + kFanout - 1) / kFanout;
    const size_t slices = size_t(std::ceil(std::sqrt(double(leaves))));
    const size_t per_slice = slices * kFanout;
    auto cx = [&](uint32_t k) { return items[k].xmin + items[k].xmax; };
    auto cy = [&](uint32_t k) { return items[k].ymin + items[k].ymax; };
    std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) { return cx(a) < cx(b); });
    for (size_t s = 0; s < ids.size(); s += per_slice) {
      auto e = ids.begin() + std::min(ids.size(), s + per_slice);
      std::sort(ids.begin() + s, e, [&](uint32_t a, uint32_t b) { return cy(a) < cy(b); });
    }
    // Level 0 entries are the items; each higher level groups kFanout entries of the one below.
    level_boxes_.emplace_back();
    level_refs_.emplace_back();
    for (uint32_t id : ids) {
      level_boxes_[0].push_back(items[id]);
      level_refs_[0].push_back(id);
    }
    while (level_boxes_.back().size() > 1) {
      const auto& below = level_boxes_.back();
      std::vector<Box> boxes;
      std::vector<uint32_t> refs;  // index of the first child in the level below
      for (size_t k = 0; k < below.size(); k += kFanout) {
        Box b;
        for (size_t c = k; c < std::min(below.size(), k + kFanout); ++c) Merge(&b, below[c]);
        boxes.push_back(b);
        refs.push_back(uint32_t(k));
      }
      level_boxes_.push_back(std::move(boxes));
      level_refs_.push_back(std::move(refs));
    }
  }

  size_t size() const { return count_; }

  // Calls fn(item) for every item whose box meets q.
  template <typename Fn>
  void Search(const Box& q, Fn&& fn) const {
    if (count_ == 0 || q.Empty()) return;
    const int top = int(level_boxes_.size()) - 1;
    // Depth-first; at most kFanout entries per level are pending (a tree over 2^32 items has
    // 8 levels), so a small uninitialised array suffices.
    struct Pending {
      int level;
      uint32_t index;
    };
    Pending stack[16 * kFanout];
    size_t depth = 0;
    stack[depth++] = {top, 0};
    while (depth > 0) {
      auto [level, index] = stack[--depth];
      const Box& b = level_boxes_[size_t(level)][index];
      if (!Meets(b, q)) continue;
      if (level == 0) {
        fn(level_refs_[0][index]);
        continue;
      }
      const auto& below = level_boxes_[size_t(level - 1)];
      const uint32_t first = level_refs_[size_t(level)][index];
      for (uint32_t c = first; c < std::min<uint32_t>(uint32_t(below.size()), first + uint32_t(kFanout)); ++c)
        stack[depth++] = {level - 1, c};
    }
  }

  // Resumable best-first search from a query box: Next() yields items in order of increasing
  // distance between their box and the query box (0 when they meet).
  class NearestCursor {
   public:
    NearestCursor(const PackedRTree& tree, const Box& q) : tree_(tree), q_(q) {
      if (tree.count_ == 0) return;
      const int top = int(tree.level_boxes_.size()) - 1;
      heap_.push_back({BoxToBox(tree.level_boxes_[size_t(top)][0], q), top, 0});
    }
    // Distance of the next item (INFINITY when none is left), without taking it.
    double PeekDistance() {
      Settle();
      return heap_.empty() ? INFINITY : heap_.front().d;
    }
    bool Next(uint32_t* item, double* d) {
      Settle();
      if (heap_.empty()) return false;
      std::pop_heap(heap_.begin(), heap_.end());
      *item = tree_.level_refs_[0][heap_.back().index];
      *d = heap_.back().d;
      heap_.pop_back();
      return true;
    }

   private:
    struct Entry {
      double d;
      int level;
      uint32_t index;
      bool operator<(const Entry& o) const { return d > o.d; }
    };
    // Expands nodes until the closest pending entry is an item.
    void Settle() {
      while (!heap_.empty() && heap_.front().level > 0) {
        std::pop_heap(heap_.begin(), heap_.end());
        const Entry e = heap_.back();
        heap_.pop_back();
        const auto& below = tree_.level_boxes_[size_t(e.level - 1)];
        const uint32_t first = tree_.level_refs_[size_t(e.level)][e.index];
        for (uint32_t c = first; c < std::min<uint32_t>(uint32_t(below.size()), first + uint32_t(kFanout)); ++c) {
          heap_.push_back({BoxToBox(below[c], q_), e.level - 1, c});
          std::push_heap(heap_.begin(), heap_.end());
        }
      }
    }
    const PackedRTree& tree_;
    Box q_;
    std::vector<Entry> heap_;
  };

  static double BoxToBox(const Box& a, const Box& b) {
    const double dx = std::max({0.0, a.xmin - b.xmax, b.xmin - a.xmax});
    const double dy = std::max({0.0, a.ymin - b.ymax, b.ymin - a.ymax});
    return std::hypot(dx, dy);
  }

 private:
  static bool Meets(const Box& a, const Box& b) {
    return a.xmin <= b.xmax && b.xmin <= a.xmax && a.ymin <= b.ymax && b.ymin <= a.ymax;
  }
  static void Merge(Box* into, const Box& b) {
    into->xmin = std::min(into->xmin, b.xmin);
    into->ymin = std::min(into->ymin, b.ymin);
    into->xmax = std::max(into->xmax, b.xmax);
    into->ymax = std::max(into->ymax, b.ymax);
  }

  size_t count_ = 0;
  std::vector<std::vector<Box>> level_boxes_;
  std::vector<std::vector<uint32_t>> level_refs_;
};

}  // namespace yunhe::geo
