#include "exec/spatial_row_index.h"

#include <map>
#include <mutex>

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


std::shared_ptr<const SpatialRowIndex> GetSpatialRowIndex(const std::shared_ptr<Table>& table, size_t column,
                                                          const std::vector<uint32_t>& counts) {
  static std::mutex mu;
  static std::map<std::pair<const Table*, size_t>, CacheEntry> cache;
  std::lock_guard<std::mutex> lock(mu);
  // Entries of dropped tables go (a new table may reuse the address).
  for (auto it = cache.begin(); it != cache.end();) it = it->second.owner.expired() ? cache.erase(it) : std::next(it);
  CacheEntry& e = cache[{table.get(), column}];
  if (e.index && e.index->version == table->data.version()) {
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
