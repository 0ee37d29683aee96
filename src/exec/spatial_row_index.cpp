#include "exec/spatial_row_index.h"

#include <algorithm>
#include <map>

#include "exec/row_index_cache.h"
#include "functions/geo/geo_util.h"
#include "storage/part_file.h"

namespace yunhe {

bool RowBox(const Vector& v, size_t r, geo::Box* box) {
  if (v.IsNull(r)) return false;
  const std::string& w = v.str()[r];
  double x, y;
  *box = geo::Box();
  if (geo::ReadPointXY(w, &x, &y)) box->Add({x, y, 0, 0});
  else *box = geo::BoundingBox(geo::ReadWKB(w));
  return !box->Empty();
}

namespace {

std::atomic<uint64_t> part_trees_built{0};

std::shared_ptr<const PartRTree> PartTreeOf(const PartFile& part, size_t part_column) {
  auto made = part.Attachment("rtree:" + std::to_string(part_column), [&]() -> std::shared_ptr<const void> {
    auto t = std::make_shared<PartRTree>();
    std::vector<geo::Box> boxes;
    for (size_t pg = 0; pg < part.groups().size(); ++pg) {
      const Vector v = part.ReadColumn(pg, part_column);
      for (size_t r = 0; r < part.groups()[pg].rows; ++r) {
        geo::Box b;
        if (!RowBox(v, r, &b)) continue;
        boxes.push_back(b);
        t->slots.push_back(uint64_t(pg) * kChunkRows + r);
      }
    }
    t->tree = std::make_unique<geo::PackedRTree>(boxes);
    ++part_trees_built;
    return t;
  });
  return std::static_pointer_cast<const PartRTree>(made);
}

std::shared_ptr<const SpatialRowIndex> Build(const TableData& data, size_t column, const std::vector<uint32_t>& counts) {
  auto idx = std::make_shared<SpatialRowIndex>();
  idx->version = data.version();
  idx->counts = counts;
  std::map<std::pair<const PartFile*, int>, size_t> piece_of;
  std::vector<geo::Box> boxes;
  for (size_t g = 0; g < counts.size(); ++g) {
    const auto& part = data.group_part(g);
    const int pc = data.group_part_column(g, column);
    if (part && pc >= 0 && counts[g] == data.group_rows(g)) {
      auto [it, fresh] = piece_of.try_emplace({part.get(), pc}, idx->parts.size());
      if (fresh) idx->parts.push_back({PartTreeOf(*part, size_t(pc)), std::vector<int64_t>(part->groups().size(), -1)});
      idx->parts[it->second].table_group[data.group_part_index(g)] = int64_t(g);
      idx->rows += counts[g];
      continue;
    }
    const Vector v = data.column(g, column);
    const auto& deleted = data.deleted(g);
    for (size_t r = 0; r < counts[g]; ++r) {
      geo::Box b;
      if (deleted[r] || !RowBox(v, r, &b)) continue;
      boxes.push_back(b);
      idx->rest_ids.push_back(uint64_t(g) * kChunkRows + r);
    }
  }
  idx->rows += idx->rest_ids.size();
  idx->rest = std::make_unique<geo::PackedRTree>(boxes);
  return idx;
}

}  // namespace

SpatialNearestCursor::SpatialNearestCursor(const SpatialRowIndex& index, const geo::Box& q) : index_(index) {
  sources_.reserve(index.parts.size() + 1);
  for (const auto& piece : index.parts) sources_.push_back({geo::PackedRTree::NearestCursor(*piece.tree->tree, q), &piece});
  sources_.push_back({geo::PackedRTree::NearestCursor(*index.rest, q), nullptr});
  for (size_t s = 0; s < sources_.size(); ++s) {
    const double d = sources_[s].cursor.PeekDistance();
    if (d != INFINITY) heap_.emplace_back(d, s);
  }
  std::make_heap(heap_.begin(), heap_.end(), std::greater<>());
}

double SpatialNearestCursor::PeekDistance() { return heap_.empty() ? INFINITY : heap_.front().first; }

bool SpatialNearestCursor::Next(uint64_t* row_id, double* d) {
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
    const size_t s = heap_.back().second;
    heap_.pop_back();
    Source& src = sources_[s];
    uint32_t item;
    const bool got = src.cursor.Next(&item, d);
    const double next = src.cursor.PeekDistance();
    if (next != INFINITY) {
      heap_.emplace_back(next, s);
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    }
    if (!got) continue;
    if (!src.piece) {
      *row_id = index_.rest_ids[item];
      return true;
    }
    const uint64_t slot = src.piece->tree->slots[item];
    const int64_t g = src.piece->table_group[slot / kChunkRows];
    if (g < 0) continue;  // a group of the part this table no longer has
    *row_id = uint64_t(g) * kChunkRows + slot % kChunkRows;
    return true;
  }
  return false;
}

std::shared_ptr<const SpatialRowIndex> GetSpatialRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                          size_t column, const std::vector<uint32_t>& counts) {
  return CachedRowIndex<SpatialRowIndex>(table, data, column, counts, Build);
}

uint64_t SpatialPartTreesBuilt() { return part_trees_built.load(); }

}  // namespace yunhe
