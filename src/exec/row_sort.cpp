#include "exec/row_sort.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

#include "exec/parallel_for.h"
#include "functions/kernel_util.h"

namespace yunhe {

bool RowLess::operator()(uint32_t a, uint32_t b) const {
  for (size_t k = 0; k < keys->size(); ++k) {
    const Vector& v = *(*keys)[k];
    const SortKey& s = (*spec)[k];
    const uint8_t* nulls = v.nulls();
    bool an = nulls[a], bn = nulls[b];
    if (an || bn) {
      if (an && bn) continue;
      return an == s.nulls_first;  // NULL first or last regardless of direction
    }
    int c;
    switch (v.type().physical()) {
      case PhysicalType::kI64: {
        int64_t x = v.i64()[a], y = v.i64()[b];
        c = x < y ? -1 : x > y ? 1 : 0;
        break;
      }
      case PhysicalType::kF64: {
        double x = v.f64()[a], y = v.f64()[b];
        c = (x < y) ? -1 : (x > y) ? 1 : CompareCells(v, a, v, b);  // NaN handling only on ties
        break;
      }
      default: c = CompareCells(v, a, v, b); break;
    }
    if (c != 0) return s.desc ? c > 0 : c < 0;
  }
  return a < b;
}

namespace {

// Sorts [begin, end) on all cores: each worker sorts a contiguous run, then runs are merged
// pairwise. `less` must only read.
template <typename T, typename Less>
void SortRuns(T* begin, T* end, const Less& less, bool parallel) {
  constexpr size_t kMinRowsPerWorker = 64 * 1024;
  const size_t n = size_t(end - begin);
  const size_t runs = parallel ? std::min(DefaultWorkers(), std::max<size_t>(1, n / kMinRowsPerWorker)) : 1;
  if (runs <= 1) {
    std::sort(begin, end, less);
    return;
  }
  std::vector<size_t> bounds(runs + 1);
  for (size_t k = 0; k <= runs; ++k) bounds[k] = n * k / runs;
  std::vector<std::thread> threads;
  for (size_t k = 1; k < runs; ++k)
    threads.emplace_back([&, k] { std::sort(begin + bounds[k], begin + bounds[k + 1], less); });
  std::sort(begin + bounds[0], begin + bounds[1], less);
  for (auto& t : threads) t.join();
  for (size_t width = 1; width < runs; width *= 2)
    for (size_t k = 0; k + width < runs; k += 2 * width)
      std::inplace_merge(begin + bounds[k], begin + bounds[k + width], begin + bounds[std::min(runs, k + 2 * width)], less);
}

// Normalized keys: up to two integer/double keys turned into unsigned integers whose order is the
// SQL order (sign bit flipped, doubles by IEEE bits, DESC inverted, NULL placement in its own
// rank), stored next to the row index. Sorting these small structs is cache friendly, unlike
// comparing through row indexes into the key vectors.
struct NormalizedKey {
  uint64_t key[2];
  uint8_t null_rank[2];
  uint32_t row;
  bool operator<(const NormalizedKey& b) const {
    if (null_rank[0] != b.null_rank[0]) return null_rank[0] < b.null_rank[0];
    if (key[0] != b.key[0]) return key[0] < b.key[0];
    if (null_rank[1] != b.null_rank[1]) return null_rank[1] < b.null_rank[1];
    if (key[1] != b.key[1]) return key[1] < b.key[1];
    return row < b.row;
  }
};

uint64_t Normalize(const Vector& v, size_t row, bool desc) {
  uint64_t u;
  if (v.type().physical() == PhysicalType::kI64) {
    u = uint64_t(v.i64()[row]) ^ (uint64_t(1) << 63);
  } else {
    double d = v.f64()[row];
    if (d == 0) d = 0;             // -0 equals 0
    if (d != d) d = std::nan("");  // one NaN, above every number
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    u = (bits >> 63) ? ~bits : bits | (uint64_t(1) << 63);
  }
  return desc ? ~u : u;
}

bool Normalizable(const std::vector<const Vector*>& keys) {
  if (keys.empty() || keys.size() > 2) return false;
  for (auto* k : keys)
    if (k->type().physical() != PhysicalType::kI64 && k->type().physical() != PhysicalType::kF64) return false;
  return true;
}

}  // namespace

void SortRowIndexes(uint32_t* begin, uint32_t* end, const std::vector<const Vector*>& keys,
                    const std::vector<SortKey>& spec, bool parallel) {
  const size_t n = size_t(end - begin);
  if (n < 2 || keys.empty()) {
    std::sort(begin, end);
    return;
  }
  // Time series mostly arrive in time order: one pass finds out (and stops at the first row
  // out of order otherwise).
  const RowLess less{&keys, &spec};
  if (std::is_sorted(begin, end, less)) return;
  if (!Normalizable(keys)) {
    SortRuns(begin, end, less, parallel);
    return;
  }
  std::vector<NormalizedKey> norm(n);
  for (size_t i = 0; i < n; ++i) {
    NormalizedKey& nk = norm[i];
    const uint32_t r = begin[i];
    nk.row = r;
    for (size_t k = 0; k < 2; ++k) {
      nk.key[k] = 0;
      nk.null_rank[k] = 1;
      if (k >= keys.size()) continue;
      const bool is_null = keys[k]->IsNull(r);
      nk.null_rank[k] = is_null == spec[k].nulls_first ? 0 : 2;
      if (!is_null) nk.key[k] = Normalize(*keys[k], r, spec[k].desc);
    }
  }
  SortRuns(norm.data(), norm.data() + n, std::less<NormalizedKey>(), parallel);
  for (size_t i = 0; i < n; ++i) begin[i] = norm[i].row;
}

bool EmitInOrder(const DataChunk& rows, const std::vector<uint32_t>& order, size_t* emitted, DataChunk& out) {
  if (*emitted >= order.size()) return false;
  const size_t end = std::min(order.size(), *emitted + kChunkRows);
  std::vector<uint32_t> sel(order.begin() + long(*emitted), order.begin() + long(end));
  out.columns.clear();
  for (auto& c : rows.columns) out.columns.push_back(c.Gather(sel));
  out.count = sel.size();
  *emitted = end;
  return true;
}

}  // namespace yunhe
