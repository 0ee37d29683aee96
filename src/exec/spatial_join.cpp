#include "exec/spatial_join.h"

#include <fmt/format.h>

#include "common/status.h"
#include "exec/expression_eval.h"
#include "functions/cast.h"

namespace yunhe {

SpatialJoinOperator::SpatialJoinOperator(OperatorPtr left, OperatorPtr right, JoinKind kind, SpatialJoinCondition cond,
                                         ExprPtr residual)
    : kind_(kind), cond_(std::move(cond)), residual_(std::move(residual)) {
  types = left->types;
  names = left->names;
  types.insert(types.end(), right->types.begin(), right->types.end());
  names.insert(names.end(), right->names.begin(), right->names.end());
  children.push_back(std::move(left));
  children.push_back(std::move(right));
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
  shapes_.clear();
  ready_.clear();
  pair_left_.clear();
  pair_right_.clear();
  left_done_ = false;
  probes_ = candidates_ = 0;
  distance_ = 0;
  if (cond_.distance) {
    Value d = CastValue(EvaluateConstant(*cond_.distance, ctx), TypeId::kFloat64);
    if (d.is_null) distance_ = -1;  // ST_DWithin(a, b, NULL) is NULL: nothing matches
    else if (d.f < 0) throw Error(SqlState::kInternalError, "Tolerance cannot be less than zero");
    else distance_ = d.f;
  }
  std::vector<geo::Box> boxes;
  DataChunk in;
  while (children[1]->Pull(ctx, in)) {
    Vector scratch;
    const Vector& g = EvaluateRef(*cond_.right_geom, in, ctx, scratch);
    for (size_t r = 0; r < in.count; ++r) {
      shapes_.emplace_back();
      geo::Box b;
      if (!g.IsNull(r) && distance_ >= 0) {
        shapes_.back().Reset(g.str()[r]);
        b = shapes_.back().box();
        if (!b.Empty()) b.xmin -= distance_, b.ymin -= distance_, b.xmax += distance_, b.ymax += distance_;
      }
      boxes.push_back(b);
    }
    for (size_t c = 0; c < build_.columns.size(); ++c) build_.columns[c].AppendRange(in.columns[c], 0, in.count);
    build_.count += in.count;
  }
  tree_ = std::make_unique<geo::PackedRTree>(boxes);
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
  geo::JoinShape probe_shape;
  while (ready_.empty()) {
    if (left_done_ || !children[0]->Pull(ctx, probe_)) {
      left_done_ = true;
      return false;
    }
    left_matched_.assign(probe_.count, 0);
    Vector scratch;
    const Vector& g = EvaluateRef(*cond_.left_geom, probe_, ctx, scratch);
    for (size_t r = 0; r < probe_.count; ++r) {
      if (g.IsNull(r) || tree_->size() == 0) continue;
      probe_shape.Reset(g.str()[r]);
      ++probes_;
      tree_->Search(probe_shape.box(), [&](uint32_t j) {
        ++candidates_;
        geo::JoinShape& build_shape = shapes_[j];
        const bool hit = cond_.left_is_first ? geo::TestPair(cond_.pred, probe_shape, build_shape, distance_)
                                             : geo::TestPair(cond_.pred, build_shape, probe_shape, distance_);
        if (hit) {
          pair_left_.push_back(uint32_t(r));
          pair_right_.push_back(j);
        }
      });
      if (pair_left_.size() >= kChunkRows) FlushPairs(ctx);
    }
    FlushPairs(ctx);
    if (kind_ == JoinKind::kLeft) {
      std::vector<uint32_t> sel;
      for (size_t r = 0; r < probe_.count; ++r)
        if (!left_matched_[r]) sel.push_back(uint32_t(r));
      if (!sel.empty()) {
        DataChunk extra;
        for (auto& c : probe_.columns) extra.columns.push_back(c.Gather(sel));
        for (auto& c : build_.columns) extra.columns.push_back(Vector::Constant(Value::Null(c.type()), c.type(), sel.size()));
        extra.count = sel.size();
        ready_.push_back(std::move(extra));
      }
    }
  }
  out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace yunhe
