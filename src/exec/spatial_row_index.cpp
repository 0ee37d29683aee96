#include "exec/spatial_row_index.h"

#include "exec/row_index_cache.h"
#include "functions/geo/geo_util.h"

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

std::shared_ptr<const SpatialRowIndex> Build(const TableData& data, size_t column, const std::vector<uint32_t>& counts) {
  auto idx = std::make_shared<SpatialRowIndex>();
  idx->version = data.version();
  idx->counts = counts;
  std::vector<geo::Box> boxes;
  for (size_t g = 0; g < counts.size(); ++g) {
    const Vector v = data.column(g, column);
    const auto& deleted = data.deleted(g);
    for (size_t r = 0; r < counts[g]; ++r) {
      geo::Box b;
      if (deleted[r] || !RowBox(v, r, &b)) continue;
      boxes.push_back(b);
      idx->row_ids.push_back(uint64_t(g) * kChunkRows + r);
    }
  }
  idx->tree = std::make_unique<geo::PackedRTree>(boxes);
  return idx;
}

}  // namespace

std::shared_ptr<const SpatialRowIndex> GetSpatialRowIndex(const std::shared_ptr<Table>& table, const TableData& data,
                                                          size_t column, const std::vector<uint32_t>& counts) {
  return CachedRowIndex<SpatialRowIndex>(table, data, column, counts, Build);
}

}  // namespace yunhe
