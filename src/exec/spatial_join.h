// Spatial join: `JOIN zones z ON ST_Contains(z.geom, f.pos)` and the other indexable predicates
// (ST_Intersects, ST_Within, ST_Covers, ST_CoveredBy, ST_DWithin). The right (build) input is
// held in memory with an R-tree over its geometries' bounding boxes (grown by the distance for
// ST_DWithin); each left row looks up the boxes its own box meets and runs the exact test, with
// every build geometry prepared once (GEOS prepared geometry) and reused for all probes. INNER
// and LEFT joins; other ON conditions are checked on the matching pairs. Probing runs on all
// cores over batches of left chunks; GEOS objects are never shared between threads (each worker
// decodes and prepares the build geometries it touches), so no GEOS object is used concurrently.
#pragma once
#include <deque>
#include <memory>

#include "exec/hash_join.h"
#include "exec/operator.h"
#include "functions/geo/rtree.h"
#include "functions/geo/spatial_join_support.h"
#include "exec/expr.h"

namespace yunhe {

struct SpatialJoinCondition {
  geo::SpatialPred pred;
  ExprPtr left_geom;       // over the left input's columns
  ExprPtr right_geom;      // over the right input's columns
  bool left_is_first = true;  // pred(left, right) or pred(right, left)
  ExprPtr distance;        // ST_DWithin: constant
  ExprPtr use_spheroid;    // ST_DWithin(a, b, metres, use_spheroid): constant
  std::string text;        // for EXPLAIN
};

class SpatialJoinOperator : public PhysicalOperator {
 public:
  SpatialJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, SpatialJoinCondition cond, ExprPtr residual);
  JoinKind kind() const { return kind_; }
  void Open(ExecContext& ctx) override;
  std::string Name() const override;
  std::string Details() const override;

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  void FlushPairs(ExecContext& ctx);
  // Finds the matching build rows of every row of batch_[i] into batch_pairs_[i] (worker w).
  void ProbeChunk(size_t w, size_t i, ExecContext& ctx);
  void ProbeBatch(ExecContext& ctx);

  JoinKind kind_;
  SpatialJoinCondition cond_;
  ExprPtr residual_;
  double distance_ = 0;
  bool spheroid_ = true;

  DataChunk build_;
  Vector build_geom_values_;
  std::unique_ptr<geo::PackedRTree> tree_;
  size_t workers_ = 1;
  // Per worker: its own decoded/prepared build geometries, filled on first touch.
  std::vector<std::vector<geo::JoinShape>> worker_shapes_;
  std::vector<std::vector<uint8_t>> worker_ready_;

  std::vector<DataChunk> batch_;
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> batch_pairs_;
  size_t batch_pos_ = 0;

  DataChunk probe_;
  std::vector<uint8_t> left_matched_;
  std::vector<uint32_t> pair_left_, pair_right_;
  std::deque<DataChunk> ready_;
  bool left_done_ = false;
};

}  // namespace yunhe
