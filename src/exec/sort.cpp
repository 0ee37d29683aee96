#include "exec/sort.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

#include "exec/expression_eval.h"
#include "functions/kernel_util.h"

namespace yunhe {

int CompareSortKeys(const std::vector<Vector>& keys, const std::vector<SortKey>& spec, size_t a, size_t b) {
  for (size_t k = 0; k < keys.size(); ++k) {
    const Vector& v = keys[k];
    bool an = v.IsNull(a), bn = v.IsNull(b);
    if (an || bn) {
      if (an && bn) continue;
      // NULL first or last regardless of direction.
      return an == spec[k].nulls_first ? -1 : 1;
    }
    int c = CompareCells(v, a, v, b);
    if (c != 0) return spec[k].desc ? -c : c;
  }
  return 0;
}

SortOperator::SortOperator(OperatorPtr child, std::vector<SortKey> keys) : keys_(std::move(keys)) {
  types = child->types;
  names = child->names;
  children.push_back(std::move(child));
}

std::string SortOperator::Details() const {
  std::string s = limit_ ? "Top-N (" + std::to_string(limit_) + ") Sort Key: " : "Sort Key: ";
  for (size_t k = 0; k < keys_.size(); ++k)
    s += (k ? ", " : "") + keys_[k].expr->ToString() + (keys_[k].desc ? " DESC" : "");
  return s;
}

namespace {

// Sorts `order` on all cores: each worker sorts a contiguous run, then runs are merged pairwise.
// `less` must be safe to call from several threads (it only reads).
template <typename T, typename Less>
void SortParallel(std::vector<T>& order, const Less& less) {
  constexpr size_t kMinRowsPerWorker = 64 * 1024;
  const size_t workers = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 8);
  const size_t n = order.size();
  const size_t runs = std::min(workers, std::max<size_t>(1, n / kMinRowsPerWorker));
  if (runs <= 1) {
    std::sort(order.begin(), order.end(), less);
    return;
  }
  std::vector<size_t> bounds(runs + 1);
  for (size_t k = 0; k <= runs; ++k) bounds[k] = n * k / runs;
  std::vector<std::thread> threads;
  for (size_t k = 1; k < runs; ++k)
    threads.emplace_back([&, k] { std::sort(order.begin() + bounds[k], order.begin() + bounds[k + 1], less); });
  std::sort(order.begin() + bounds[0], order.begin() + bounds[1], less);
  for (auto& t : threads) t.join();
  for (size_t width = 1; width < runs; width *= 2)
    for (size_t k = 0; k + width < runs; k += 2 * width)
      std::inplace_merge(order.begin() + bounds[k], order.begin() + bounds[k + width],
                         order.begin() + bounds[std::min(runs, k + 2 * width)], less);
}

// Normalized keys: up to two integer/double keys turned into unsigned integers whose order is the
// SQL order (sign bit flipped, doubles by IEEE bits, DESC inverted, NULL placement in its own
// rank), stored next to the row index. Sorting these small structs is cache friendly, unlike
// comparing through row indexes into the key vectors.
struct NormalizedKey {
  uint64_t key[2];
  uint8_t null_rank[2];
  uint32_t row;
};

uint64_t Normalize(const Vector& v, size_t row, bool desc) {
  uint64_t u;
  if (v.type().physical() == PhysicalType::kI64) {
    u = uint64_t(v.i64()[row]) ^ (uint64_t(1) << 63);
  } else {
    double d = v.f64()[row];
    if (d == 0) d = 0;               // -0 equals 0
    if (d != d) d = std::nan("");    // one NaN, above every number
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    u = (bits >> 63) ? ~bits : bits | (uint64_t(1) << 63);
  }
  return desc ? ~u : u;
}

bool Normalizable(const std::vector<Vector>& keys) {
  if (keys.empty() || keys.size() > 2) return false;
  for (auto& k : keys)
    if (k.type().physical() != PhysicalType::kI64 && k.type().physical() != PhysicalType::kF64) return false;
  return true;
}

}  // namespace

void SortOperator::Open(ExecContext& ctx) {
  PhysicalOperator::Open(ctx);
  rows_.Init(types);
  std::vector<Vector> key_vectors;
  for (auto& k : keys_) key_vectors.emplace_back(k.expr->type);
  // Ties keep input order (row index breaks them), so top-N and full sorts agree. Integer and
  // double keys are compared inline (raw arrays fetched per comparison: the vectors grow while
  // reading input); other types go through CompareCells.
  auto less = [&](uint32_t a, uint32_t b) {
    for (size_t k = 0; k < key_vectors.size(); ++k) {
      const Vector& v = key_vectors[k];
      const SortKey& spec = keys_[k];
      const uint8_t* nulls = v.nulls();
      bool an = nulls[a], bn = nulls[b];
      if (an || bn) {
        if (an && bn) continue;
        return an == spec.nulls_first;
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
      if (c != 0) return spec.desc ? c > 0 : c < 0;
    }
    return a < b;
  };
  // Top-N: keep at most `limit_` rows, compacting whenever the buffer doubles past it.
  const size_t compact_at = limit_ ? std::max<size_t>(2 * limit_, 8 * kChunkRows) : SIZE_MAX;
  auto keep_best = [&]() {
    std::vector<uint32_t> idx(rows_.count);
    for (size_t r = 0; r < rows_.count; ++r) idx[r] = uint32_t(r);
    std::partial_sort(idx.begin(), idx.begin() + limit_, idx.end(), less);
    idx.resize(limit_);
    std::sort(idx.begin(), idx.end());  // keep input order among the survivors
    rows_.Select(idx);
    for (auto& v : key_vectors) v.Select(idx);
  };
  DataChunk in;
  while (children[0]->Pull(ctx, in)) {
    for (size_t k = 0; k < keys_.size(); ++k) {
      Vector scratch;
      const Vector& v = EvaluateRef(*keys_[k].expr, in, ctx, scratch);
      key_vectors[k].AppendRange(v, 0, in.count);
    }
    for (size_t c = 0; c < types.size(); ++c) rows_.columns[c].AppendRange(in.columns[c], 0, in.count);
    rows_.count += in.count;
    if (rows_.count >= compact_at) keep_best();
    if (kth_bound_ && limit_ && rows_.count >= limit_) {
      // k-th smallest non-NULL first key so far (NULLs sort last ascending: they never lower it).
      const Vector& k0 = key_vectors[0];
      std::vector<double> ks;
      ks.reserve(rows_.count);
      for (size_t r = 0; r < rows_.count; ++r)
        if (!k0.IsNull(r)) ks.push_back(k0.f64()[r]);
      if (ks.size() >= limit_) {
        std::nth_element(ks.begin(), ks.begin() + long(limit_ - 1), ks.end());
        kth_bound_->store(ks[limit_ - 1], std::memory_order_relaxed);
      }
    }
  }
  order_.resize(rows_.count);
  for (size_t r = 0; r < rows_.count; ++r) order_[r] = uint32_t(r);
  if (limit_ && limit_ < order_.size()) {
    std::partial_sort(order_.begin(), order_.begin() + limit_, order_.end(), less);
    order_.resize(limit_);
  } else if (Normalizable(key_vectors)) {
    std::vector<NormalizedKey> norm(rows_.count);
    for (size_t r = 0; r < rows_.count; ++r) {
      NormalizedKey& nk = norm[r];
      nk.row = uint32_t(r);
      for (size_t k = 0; k < 2; ++k) {
        nk.key[k] = 0;
        nk.null_rank[k] = 1;
        if (k >= key_vectors.size()) continue;
        bool is_null = key_vectors[k].IsNull(r);
        nk.null_rank[k] = is_null == keys_[k].nulls_first ? 0 : 2;
        if (!is_null) nk.key[k] = Normalize(key_vectors[k], r, keys_[k].desc);
      }
    }
    SortParallel(norm, [](const NormalizedKey& a, const NormalizedKey& b) {
      if (a.null_rank[0] != b.null_rank[0]) return a.null_rank[0] < b.null_rank[0];
      if (a.key[0] != b.key[0]) return a.key[0] < b.key[0];
      if (a.null_rank[1] != b.null_rank[1]) return a.null_rank[1] < b.null_rank[1];
      if (a.key[1] != b.key[1]) return a.key[1] < b.key[1];
      return a.row < b.row;
    });
    for (size_t r = 0; r < rows_.count; ++r) order_[r] = norm[r].row;
  } else {
    SortParallel(order_, less);
  }
  emitted_ = 0;
}

bool SortOperator::Next(ExecContext&, DataChunk& out) {
  if (emitted_ >= order_.size()) return false;
  size_t end = std::min(order_.size(), emitted_ + kChunkRows);
  std::vector<uint32_t> sel(order_.begin() + emitted_, order_.begin() + end);
  out.columns.clear();
  for (auto& c : rows_.columns) out.columns.push_back(c.Gather(sel));
  out.count = sel.size();
  emitted_ = end;
  return true;
}

}  // namespace yunhe
