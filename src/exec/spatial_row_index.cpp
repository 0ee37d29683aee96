#include "exec/spatial_row_index.h"

#include <map>
#include <mutex>

#include "functions/geo/geo_util.h"

namespace yunhe {
namespace {

struct CacheEntry {
  std::weak_ptr<Table> owner;
  std::shared_ptr<const SpatialRowIndex> index;
};

std::shared_ptr<const SpatialRowIndex> Build(const Table& table, size_t column, const std::vector<uint32_t>& counts) {
  auto idx = std::make_shared<SpatialRowIndex>();
  const TableData& data = table.data;
  idx->version = data.version();
  idx->counts = counts;
  std::vector<geo::Box> boxes;
  for (size_t g = 0; g < counts.size(); ++g) {
    const Vector& v = data.group(g).columns[column];
    const auto& deleted = data.deleted(g);
    for (size_t r = 0; r < counts[g]; ++r) {
      if (deleted[r] || v.IsNull(r)) continue;
      const std::string& w = v.str()[r];
      geo::Box b;
      double x, y;
      if (geo::ReadPointXY(w, &x, &y)) b.Add({x, y, 0, 0});
      else b = geo::BoundingBox(geo::ReadWKB(w));
      if (b.Empty()) continue;
      boxes.push_back(b);
      idx->row_ids.push_back(uint64_t(g) * kChunkRows + r);
    }
  }
  idx->tree = std::make_unique<geo::PackedRTree>(boxes);
  return idx;
}

}  // namespace

std::shared_ptr<const SpatialRowIndex> GetSpatialRowIndex(const std::shared_ptr<Table>& table, size_t column,
                                                          const std::vector<uint32_t>& counts) {
  static std::mutex mu;
  static std::map<std::pair<const Table*, size_t>, CacheEntry> cache;
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = cache.begin(); it != cache.end();) it = it->second.owner.expired() ? cache.erase(it) : std::next(it);
  CacheEntry& e = cache[{table.get(), column}];
  if (e.index && !e.owner.expired() && e.owner.lock() == table && e.index->version == table->data.version()) {
    // Still valid if few rows came after it (rows past a reader's snapshot are skipped by the scan).
    size_t tail = 0;
    for (size_t g = 0; g < counts.size(); ++g) {
      const uint32_t have = g < e.index->counts.size() ? e.index->counts[g] : 0;
      if (counts[g] > have) tail += counts[g] - have;
    }
    if (tail <= std::max<size_t>(4096, e.index->indexed_rows() / 8)) return e.index;
  }
  e.owner = table;
  e.index = Build(*table, column, counts);
  return e.index;
}

}  // namespace yunhe
