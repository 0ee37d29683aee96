// One window function evaluated partition by partition. Several threads may evaluate different
// partitions of the same window at once, each with its own Scratch: they only read the inputs
// and write the result rows of their own partition.
#pragma once
#include <cstdint>
#include <vector>

#include "exec/window.h"

namespace yunhe {

class WindowEvaluator {
 public:
  struct Inputs {
    std::vector<const Vector*> args;        // the function's arguments, per input row
    std::vector<const Vector*> order_keys;  // the window's ORDER BY keys
    std::vector<const Vector*> agg_order;   // ORDER BY inside an aggregate call
    const Vector* filter = nullptr;         // FILTER (WHERE ...) of an aggregate
  };
  // Per-thread buffers, reused from partition to partition.
  struct Scratch {
    std::vector<size_t> peer_start, peer_end, group_of, group_first, group_last;
    std::vector<uint32_t> frame, zeros;
  };

  // result: sized to every input row; frame offsets are evaluated here, once.
  WindowEvaluator(const BoundWindow& w, Inputs inputs, Vector& result, ExecContext& ctx);
  // rows: one partition's row indexes in window order.
  void Partition(const uint32_t* rows, size_t len, Scratch& scratch, ExecContext& ctx);
  // Copies the values lag/lead/first_value/last_value/nth_value picked; after every partition.
  void Finish(ExecContext& ctx);

 private:
  void Peers(const uint32_t* rows, size_t len, Scratch& s) const;
  void Frame(const uint32_t* rows, size_t len, size_t i, const Scratch& s, size_t* fs, size_t* fe) const;
  size_t RangeBound(const uint32_t* rows, size_t len, size_t i, const Scratch& s, const Value& off, bool preceding,
                    bool is_start) const;
  // Rows of frame [fs, fe) after EXCLUDE and FILTER, into s.frame.
  void FrameRows(const uint32_t* rows, size_t i, size_t fs, size_t fe, Scratch& s) const;
  void Aggregate(const uint32_t* rows, size_t len, Scratch& s, ExecContext& ctx);
  void PickValues(const uint32_t* rows, size_t len, Scratch& s);

  const BoundWindow& w_;
  Inputs in_;
  Vector& result_;
  int fo_;
  bool rows_mode_, groups_mode_, excludes_, needs_peers_;
  int64_t start_off_ = 0, end_off_ = 0;  // ROWS / GROUPS offsets
  Value start_off_v_, end_off_v_;        // RANGE offsets
  std::vector<uint8_t> keep_;            // FILTER result per row (empty: every row counts)
  std::vector<int64_t> source_;          // picked row per row; -1 NULL, -2 the default argument
};

}  // namespace yunhe
