#include "exec/spatial_join.h"

#include <fmt/format.h>

#include <thread>

#include "common/status.h"
#include "exec/expression_eval.h"
#include "exec/join_util.h"
#include "exec/parallel_for.h"
#include "functions/cast.h"

namespace yunhe {

SpatialJoinOperator::SpatialJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, SpatialJoinCondition cond,
                                         ExprPtr residual)
    : kind_(kind), cond_(std::move(cond)), residual_(std::move(residual)) {
  AdoptJoinInputs(*this, std::move(left), std::move(right));
}

std::string SpatialJoinOperator::Name() const {
  return kind_ == JoinKind::kLeft ? "Spatial Left Join" : "Spatial Inner Join";
}

std::string SpatialJoinOperator::Details() const {
  std::string s = fmt::format("Spatial Cond: {} (R-tree on the inner input's bounding boxes)", cond_.text);
  if (residual_) s += "; Join Filter: " + residual_->ToString();
  return s;
}

void SpatialJoinOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  build_.Init(children[1]->types);
  ready_.clear();
  pair_left_.clear();
  pair_right_.clear();
  batch_.clear();
  batch_pairs_.clear();
  batch_pos_ = 0;
  left_done_ = false;
  distance_ = 0;
  if (cond_.distance) {
    Value d = CastValue(EvaluateConstant(*cond_.distance, ctx), TypeId::kFloat64);
    if (d.is_null) distance_ = -1;  // ST_DWithin(a, b, NULL) is NULL: nothing matches
    else if (d.f < 0) throw Error(SqlState::kInternalError, "Tolerance cannot be less than zero");
    else distance_ = d.f;
  }
  spheroid_ = true;
  if (cond_.use_spheroid) {
    Value s = CastValue(EvaluateConstant(*cond_.use_spheroid, ctx), TypeId::kBool);
    if (s.is_null) distance_ = -1;
    else spheroid_ = s.i != 0;
  }
  build_geom_values_ = Vector(TypeId::kGeometry);
  DataChunk in;
  while (children[1]->Pull(ctx, in)) {
    Vector scratch;
    const Vector& g = EvaluateRef(*cond_.right_geom, in, ctx, scratch);
    build_geom_values_.AppendRange(g, 0, in.count);
    for (size_t c = 0; c < build_.columns.size(); ++c) build_.columns[c].AppendRange(in.columns[c], 0, in.count);
    build_.count += in.count;
  }
  std::vector<geo::Box> boxes(build_.count);
  geo::JoinShape shape;
  for (size_t r = 0; r < build_.count; ++r) {
    if (build_geom_values_.IsNull(r) || distance_ < 0) continue;
    shape.Reset(build_geom_values_.str()[r]);
    if (cond_.pred == geo::SpatialPred::kDWithinGeodesic) geo::CheckGeographicShape(shape, "ST_DWithin");
    boxes[r] = geo::GrowBox(shape.box(), cond_.pred, distance_);
  }
  tree_ = std::make_unique<geo::PackedRTree>(boxes);
  workers_ = DefaultWorkers();
  worker_shapes_.clear();
  worker_shapes_.resize(workers_);
  worker_ready_.assign(workers_, {});
}

void SpatialJoinOperator::ProbeChunk(size_t w, size_t i, ExecContext& ctx) {
  auto& shapes = worker_shapes_[w];
  auto& ready = worker_ready_[w];
  if (shapes.size() != build_.count) {
    shapes.resize(build_.count);
    ready.assign(build_.count, 0);
  }
  const DataChunk& chunk = batch_[i];
  auto& pairs = batch_pairs_[i];
  Vector scratch;
  const Vector& g = EvaluateRef(*cond_.left_geom, chunk, ctx, scratch);
  geo::JoinShape probe;
  for (size_t r = 0; r < chunk.count; ++r) {
    if (g.IsNull(r)) continue;
    probe.Reset(g.str()[r]);
    if (cond_.pred == geo::SpatialPred::kDWithinGeodesic) geo::CheckGeographicShape(probe, "ST_DWithin");
    tree_->Search(probe.box(), [&](uint32_t j) {
      if (!ready[j]) {
        shapes[j].Reset(build_geom_values_.str()[j]);
        ready[j] = 1;
      }
      const bool hit = cond_.left_is_first ? geo::TestPair(cond_.pred, probe, shapes[j], distance_, spheroid_)
                                           : geo::TestPair(cond_.pred, shapes[j], probe, distance_, spheroid_);
      if (hit) pairs.emplace_back(uint32_t(r), j);
    });
  }
}

void SpatialJoinOperator::ProbeBatch(ExecContext& ctx) {
  batch_pairs_.assign(batch_.size(), {});
  ParallelFor(workers_, batch_.size(), ctx, [&](size_t w, size_t i, ExecContext& c) { ProbeChunk(w, i, c); });
}

void SpatialJoinOperator::FlushPairs(ExecContext& ctx) {
  if (pair_left_.empty()) return;
  DataChunk pairs;
  for (auto& c : probe_.columns) pairs.columns.push_back(c.Gather(pair_left_));
  for (auto& c : build_.columns) pairs.columns.push_back(c.Gather(pair_right_));
  pairs.count = pair_left_.size();
  if (residual_) {
    std::vector<uint32_t> sel = EvaluateFilter(*residual_, pairs, ctx);
    for (uint32_t k : sel) left_matched_[pair_left_[k]] = 1;
    if (sel.size() != pairs.count) pairs.Select(sel);
  } else {
    for (uint32_t l : pair_left_) left_matched_[l] = 1;
  }
  if (pairs.count) ready_.push_back(std::move(pairs));
  pair_left_.clear();
  pair_right_.clear();
}

bool SpatialJoinOperator::Next(ExecContext& ctx, DataChunk& out) {
  constexpr size_t kBatchChunks = 32;
  while (ready_.empty()) {
    if (batch_pos_ >= batch_.size()) {
      // Next batch of left chunks, probed in parallel.
      batch_.clear();
      batch_pos_ = 0;
      DataChunk in;
      while (!left_done_ && batch_.size() < kBatchChunks) {
        if (!children[0]->Pull(ctx, in)) left_done_ = true;
        else batch_.push_back(std::move(in));
      }
      if (batch_.empty()) return false;
      if (tree_->size() > 0) ProbeBatch(ctx);
      else batch_pairs_.assign(batch_.size(), {});
    }
    // Emit one probed chunk: its pairs through the residual, then unmatched rows for LEFT.
    probe_ = std::move(batch_[batch_pos_]);
    left_matched_.assign(probe_.count, 0);
    for (auto [l, r] : batch_pairs_[batch_pos_]) {
      pair_left_.push_back(l);
      pair_right_.push_back(r);
      if (pair_left_.size() >= kChunkRows) FlushPairs(ctx);
    }
    FlushPairs(ctx);
    ++batch_pos_;
    if (kind_ == JoinKind::kLeft) {
      std::vector<uint32_t> sel;
      for (size_t r = 0; r < probe_.count; ++r)
        if (!left_matched_[r]) sel.push_back(uint32_t(r));
      if (!sel.empty()) ready_.push_back(LeftRowsWithNullRight(probe_, build_, sel, true));
    }
  }
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace yunhe
