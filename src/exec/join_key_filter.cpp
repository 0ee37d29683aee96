#include "exec/join_key_filter.h"

#include "exec/join_util.h"

namespace yunhe {

void JoinKeyFilter::Narrow(const std::vector<const Vector*>& keys, size_t n, bool all, std::vector<uint32_t>* sel) const {
  if (!published()) {
    if (all) {
      sel->resize(n);
      for (size_t r = 0; r < n; ++r) (*sel)[r] = uint32_t(r);
    }
    return;
  }
  auto narrow = [&](const auto& passes) {
    if (all) {
      sel->clear();
      sel->reserve(n);
      for (uint32_t r = 0; r < n; ++r)
        if (passes(r)) sel->push_back(r);
      return;
    }
    size_t out = 0;
    for (uint32_t r : *sel)
      if (passes(r)) (*sel)[out++] = r;
    sel->resize(out);
  };
  const uint8_t* n0 = keys[0]->nulls();
  const int64_t* v0 = keys[0]->i64();
  if (ints_) {
    narrow([&](uint32_t r) {
      if (n0[r]) return false;
      const uint64_t h = FlatKeyMap<int64_t>::HashOf(v0[r]);
      return (!bloom_ || bloom_->MayContain(h)) && ints_->FindHashed(v0[r], h) >= 0;
    });
  } else {
    const uint8_t* n1 = keys[1]->nulls();
    const int64_t* v1 = keys[1]->i64();
    narrow([&](uint32_t r) {
      if (n0[r] || n1[r]) return false;
      const __int128 key = PackedPair(v0[r], v1[r]);
      const uint64_t h = FlatKeyMap<__int128>::HashOf(key);
      return (!bloom_ || bloom_->MayContain(h)) && pairs_->FindHashed(key, h) >= 0;
    });
  }
}

}  // namespace yunhe
