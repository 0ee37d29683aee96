#include "exec/aggregate_table.h"

#include <cmath>
#include <cstring>
#include <utility>

#include "common/row_key.h"
#include "exec/expression_eval.h"
#include "functions/kernel_util.h"

namespace yunhe {

AggregateTable::AggregateTable(const std::vector<ExprPtr>* groups, const std::vector<BoundAggregate>* aggregates)
    : groups_(groups), aggregates_(aggregates) {
  std::vector<LogicalType> key_types;
  for (auto& g : *groups_) key_types.push_back(g->type);
  group_keys_.Init(key_types);
  states_.assign(aggregates_->size(), {});
  compact_.resize(aggregates_->size());
  if (!groups_->empty())
    for (size_t a = 0; a < aggregates_->size(); ++a)
      if (CompactAggStates::Applies((*aggregates_)[a])) compact_[a] = std::make_unique<CompactAggStates>((*aggregates_)[a]);
  // Integer-like and text keys, one or several, hash in place into flat slots (a node-based map
  // per key cost a cache miss per row, more in a long-lived server's scattered heap).
  composite_ = !groups_->empty();
  for (auto& g : *groups_) {
    const PhysicalType pt = g->type.physical();
    if (pt == PhysicalType::kInterval) composite_ = false;
  }
  if (composite_) {
    text_ids_.resize(groups_->size());
    group_ids_.resize(groups_->size());
    for (auto& g : *groups_) ids_decided_ = ids_decided_ && g->type.physical() != PhysicalType::kStr;
  }
  SetKeyPaths();
  if (groups_->empty()) {
    group_count_ = 1;  // no GROUP BY: one group, even for empty input
    for (auto& s : states_) s.resize(1);
  }
}

void AggregateTable::SetKeyPaths() {
  auto integer = [&](size_t c) {
    const PhysicalType pt = (*groups_)[c]->type.physical();
    return pt == PhysicalType::kI64 || (pt == PhysicalType::kStr && text_ids_[c]);
  };
  all_integer_ = composite_;
  for (size_t c = 0; c < groups_->size() && composite_; ++c) all_integer_ = all_integer_ && integer(c);
  single_int_ = composite_ && groups_->size() == 1 && integer(0);
}

void AggregateTable::DecideTextIds(const std::vector<const Vector*>& values) {
  if (ids_decided_) return;
  ids_decided_ = true;
  // Text keys hash and compare as ids of their values (exec/text_ids.h) when they come with a
  // dictionary: few distinct values, each interned once per chunk. Keys without one (names,
  // addresses, comments: TPC-H Q10's customer columns) would pay an interning probe per row and
  // a second copy of every string, so they hash and compare as strings.
  for (size_t c = 0; c < groups_->size(); ++c)
    if ((*groups_)[c]->type.physical() == PhysicalType::kStr && values[c]->dictionary()) {
      text_ids_[c] = std::make_unique<TextIds>();
      group_ids_[c] = Vector(LogicalType(TypeId::kInt64));
    }
  SetKeyPaths();
}

std::vector<const Vector*> AggregateTable::HashedKeys(const std::vector<const Vector*>& values, const uint32_t* rows, size_t m,
                                                      std::vector<Vector>& scratch) {
  std::vector<const Vector*> hashed = values;
  if (text_ids_.empty()) return hashed;
  scratch.resize(values.size());
  for (size_t c = 0; c < values.size(); ++c) {
    if (!text_ids_[c]) continue;
    text_ids_[c]->Map(*values[c], rows, m, &scratch[c]);
    hashed[c] = &scratch[c];
  }
  return hashed;
}

uint32_t AggregateTable::NewGroup(RowKeys keys, size_t row) {
  for (size_t c = 0; c < groups_->size(); ++c) {
    group_keys_.columns[c].AppendFrom(*keys.values[c], row);
    if (!text_ids_.empty() && text_ids_[c]) group_ids_[c].AppendFrom(*keys.hashed[c], row);
  }
  ++group_keys_.count;
  for (size_t a = 0; a < states_.size(); ++a) {
    if (compact_[a]) compact_[a]->AddGroup();
    else states_[a].emplace_back();
  }
  return uint32_t(group_count_++);
}

uint32_t AggregateTable::FindOrAdd(RowKeys keys, size_t r, std::string& scratch, bool add) {
  constexpr uint32_t kAbsent = UINT32_MAX;
  const size_t nkeys = groups_->size();
  if (composite_) return FindOrAddComposite(keys, r, add);
  scratch.clear();
  for (size_t c = 0; c < nkeys; ++c) AppendKeyCell(*keys.values[c], r, scratch);
  auto it = group_index_.find(scratch);
  if (it != group_index_.end()) return it->second;
  return add ? (group_index_[scratch] = NewGroup(keys, r)) : kAbsent;
}

void AggregateTable::SplitByPresence(ExecContext& ctx, const DataChunk& in, std::vector<uint32_t>* present,
                                     std::vector<std::vector<uint32_t>>* absent) {
  std::vector<Vector> scratch(groups_->size()), id_scratch;
  std::vector<const Vector*> keys;
  for (size_t k = 0; k < groups_->size(); ++k) keys.push_back(&EvaluateRef(*(*groups_)[k], in, ctx, scratch[k]));
  DecideTextIds(keys);
  const std::vector<const Vector*> hashed = HashedKeys(keys, nullptr, in.count, id_scratch);
  std::string key;
  for (size_t r = 0; r < in.count; ++r) {
    if (FindOrAdd(RowKeys{keys.data(), hashed.data()}, r, key, /*add=*/false) != UINT32_MAX) {
      present->push_back(uint32_t(r));
      continue;
    }
    key.clear();
    for (size_t c = 0; c < keys.size(); ++c) AppendKeyCell(*keys[c], r, key);
    // A different hash than the table's own, so a partition's groups spread over its table.
    const size_t p = (std::hash<std::string>()(key) * 0x9E3779B97F4A7C15ull >> 40) % absent->size();
    (*absent)[p].push_back(uint32_t(r));
  }
}

size_t AggregateTable::ApproxBytes() const {
  size_t bytes = slots_.size() * sizeof(Slot) + group_count_ * 48;
  for (auto& c : compact_) bytes += group_count_ * (c ? CompactAggStates::kBytesPerGroup : sizeof(AggState));
  for (const Vector& k : group_keys_.columns) {
    bytes += group_count_ * 9;
    if (k.type().physical() == PhysicalType::kStr) bytes += group_count_ * 40;  // string object + index entry
  }
  for (size_t c = 0; c < text_ids_.size(); ++c)
    if (text_ids_[c]) bytes += text_ids_[c]->ApproxBytes() + group_count_ * 9;
  return bytes;
}

namespace {

inline uint64_t Mix(uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr uint32_t kNoGroup = UINT32_MAX;

// A composite key's hash: each cell's (CellHash; kNullCell for NULL) folded in column order. One
// definition for CompositeHash and IntegerKeys::Hash, which must agree (merged tables hash with
// the first, consumed chunks with either).
constexpr uint64_t kCompositeSeed = 0x9e3779b97f4a7c15ULL, kNullCell = 0x5bd1e995;
inline uint64_t CompositeStep(uint64_t h, uint64_t cell, size_t column) { return Mix(h ^ cell) + column; }

}  // namespace

namespace {

// A GROUP BY cell as the bits that decide its group (common/row_key.h's grouping forms, as
// AppendKeyCell serializes them: -0 and 0, all NaNs, 1.0 and 1.00 each one group).
uint64_t DoubleBits(double d) {
  d = GroupingDouble(d);
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return bits;
}

bool CellsEqual(const Vector& a, size_t ra, const Vector& b, size_t rb) {
  switch (a.type().physical()) {
    case PhysicalType::kI64: return a.i64()[ra] == b.i64()[rb];
    case PhysicalType::kStr: return a.str()[ra] == b.str()[rb];
    case PhysicalType::kF64: return DoubleBits(a.f64()[ra]) == DoubleBits(b.f64()[rb]);
    case PhysicalType::kDec: {
      const Decimal x = GroupingDecimal(a.dec()[ra]), y = GroupingDecimal(b.dec()[rb]);
      return x.v == y.v && x.scale == y.scale;
    }
    case PhysicalType::kInterval: break;  // not composite
  }
  return false;
}

uint64_t CellHash(const Vector& k, size_t r) {
  switch (k.type().physical()) {
    case PhysicalType::kI64: return uint64_t(k.i64()[r]);
    case PhysicalType::kStr: return std::hash<std::string_view>()(k.str()[r]);
    case PhysicalType::kF64: return DoubleBits(k.f64()[r]);
    case PhysicalType::kDec: {
      const Decimal d = GroupingDecimal(k.dec()[r]);
      return uint64_t(d.v) ^ (uint64_t(static_cast<unsigned __int128>(d.v) >> 64) * 0x9e3779b97f4a7c15ULL) ^ (uint64_t(d.scale) << 56);
    }
    case PhysicalType::kInterval: break;
  }
  return 0;
}

}  // namespace

bool AggregateTable::KeysEqual(const Vector* const* keys, size_t r, uint32_t g) const {
  if (all_integer_) {
    // Integer cells (and text ids) compare as numbers: no per-cell type dispatch.
    for (size_t c = 0; c < groups_->size(); ++c) {
      const Vector &k = *keys[c], &stored = text_ids_[c] ? group_ids_[c] : group_keys_.columns[c];
      const uint8_t null = k.nulls()[r];
      if (null != stored.nulls()[g] || (!null && k.i64()[r] != stored.i64()[g])) return false;
    }
    return true;
  }
  for (size_t c = 0; c < groups_->size(); ++c) {
    const Vector &k = *keys[c], &stored = !text_ids_.empty() && text_ids_[c] ? group_ids_[c] : group_keys_.columns[c];
    const bool null = k.IsNull(r);
    if (null != stored.IsNull(g)) return false;
    if (null) continue;  // GROUP BY puts NULLs together
    if (!CellsEqual(k, r, stored, g)) return false;
  }
  return true;
}

void AggregateTable::GrowSlots() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(std::max<size_t>(64, old.size() * 2), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& o : old) {
    if (o.group == kNoGroup) continue;
    size_t i = o.hash & mask;
    while (slots_[i].group != kNoGroup) i = (i + 1) & mask;
    slots_[i] = o;
  }
}

void AggregateTable::PrefetchSlot(const Vector& key, size_t r) const {
  if (slots_.empty() || key.IsNull(r)) return;
  __builtin_prefetch(slots_.data() + (Mix(uint64_t(key.i64()[r])) & (slots_.size() - 1)));
}

uint32_t AggregateTable::FindOrAddComposite(RowKeys keys, size_t r, bool add) {
  if (single_int_) {
    // One integer-like key (or a text key's ids): its hash is a bijection of the value (Mix
    // is), so equal hashes are equal keys and the stored key need not be read; NULL has a group
    // of its own.
    const Vector& k = *keys.hashed[0];
    if (k.IsNull(r)) {
      if (null_group_ == kNoGroup && add) null_group_ = NewGroup(keys, r);
      return null_group_;
    }
    const int64_t v = k.i64()[r];
    if (has_last_ && v == last_key_) return last_group_;
    const uint64_t h = Mix(uint64_t(v));
    if ((group_count_ + 1) * 2 > slots_.size()) GrowSlots();
    const size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    for (; slots_[i].group != kNoGroup; i = (i + 1) & mask)
      if (slots_[i].hash == h) {
        has_last_ = true;
        last_key_ = v;
        return last_group_ = slots_[i].group;
      }
    if (!add) return kNoGroup;
    const uint32_t g = NewGroup(keys, r);
    slots_[i] = Slot{h, g};
    has_last_ = true;
    last_key_ = v;
    return last_group_ = g;
  }
  return FindOrAddHashed(keys, r, CompositeHash(keys.hashed, r), add);
}

uint64_t AggregateTable::CompositeHash(const Vector* const* keys, size_t r) const {
  uint64_t h = kCompositeSeed;
  for (size_t c = 0; c < groups_->size(); ++c) {
    const Vector& k = *keys[c];
    h = CompositeStep(h, k.IsNull(r) ? kNullCell : CellHash(k, r), c);
  }
  return h;
}

AggregateTable::IntegerKeys::IntegerKeys(const Vector* const* hashed, size_t n) : count(n) {
  YH_ASSERT(n <= kMax);
  for (size_t c = 0; c < n; ++c) {
    values[c] = hashed[c]->i64();
    nulls[c] = hashed[c]->nulls();
  }
}

uint64_t AggregateTable::IntegerKeys::Hash(size_t r) const {
  uint64_t h = kCompositeSeed;
  for (size_t c = 0; c < count; ++c) h = CompositeStep(h, nulls[c][r] ? kNullCell : uint64_t(values[c][r]), c);
  return h;
}

uint32_t AggregateTable::FindOrAddHashed(RowKeys keys, size_t r, uint64_t h, bool add) {
  if ((group_count_ + 1) * 2 > slots_.size()) GrowSlots();
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (; slots_[i].group != kNoGroup; i = (i + 1) & mask)
    if (slots_[i].hash == h && KeysEqual(keys.hashed, r, slots_[i].group)) return slots_[i].group;
  if (!add) return kNoGroup;
  const uint32_t g = NewGroup(keys, r);
  slots_[i] = Slot{h, g};
  return g;
}

void AggregateTable::Consume(ExecContext& ctx, const DataChunk& in, const std::vector<uint32_t>* sel) {
  const size_t n = in.count;
  if (groups_->empty() && ConsumeUngrouped(ctx, in, sel)) return;
  std::vector<uint32_t> group_of_row(n, 0);
  if (!groups_->empty()) {
    std::vector<Vector> scratch(groups_->size()), id_scratch;
    std::vector<const Vector*> values;
    for (size_t k = 0; k < groups_->size(); ++k) values.push_back(&EvaluateRef(*(*groups_)[k], in, ctx, scratch[k]));
    std::string key;
    const size_t m = sel ? sel->size() : n;
    DecideTextIds(values);
    const std::vector<const Vector*> hashed = HashedKeys(values, sel ? sel->data() : nullptr, m, id_scratch);
    const RowKeys keys{values.data(), hashed.data()};
    auto row_at = [&](size_t i) { return sel ? (*sel)[i] : uint32_t(i); };
    if (composite_ && !single_int_) {
      // Several keys: each row's hash first, so the slots of rows ahead can be fetched.
      std::vector<uint64_t> hashes(n);
      if (all_integer_ && groups_->size() <= IntegerKeys::kMax) {
        // Every key an integer or a text id: CompositeHash's formula over plain arrays.
        IntegerKeys ints(hashed.data(), groups_->size());
        for (size_t i = 0; i < m; ++i) hashes[row_at(i)] = ints.Hash(row_at(i));
      } else {
        for (size_t i = 0; i < m; ++i) hashes[row_at(i)] = CompositeHash(hashed.data(), row_at(i));
      }
      for (size_t i = 0; i < m; ++i) {
        if (i + kPrefetchAhead < m && !slots_.empty())
          __builtin_prefetch(slots_.data() + (hashes[row_at(i + kPrefetchAhead)] & (slots_.size() - 1)));
        const uint32_t r = row_at(i);
        group_of_row[r] = FindOrAddHashed(keys, r, hashes[r], /*add=*/true);
      }
    } else {
      for (size_t i = 0; i < m; ++i) {
        if (single_int_ && i + kPrefetchAhead < m) PrefetchSlot(*hashed[0], row_at(i + kPrefetchAhead));
        const uint32_t r = row_at(i);
        group_of_row[r] = FindOrAdd(keys, r, key);
      }
    }
  }
  // The rows (and their groups) every aggregate without FILTER reads: built once per chunk.
  std::vector<uint32_t> all_rows, all_groups;
  if (sel) {
    all_rows = *sel;
    all_groups.reserve(sel->size());
    for (uint32_t r : *sel) all_groups.push_back(group_of_row[r]);
  } else {
    all_rows.resize(n);
    for (size_t r = 0; r < n; ++r) all_rows[r] = uint32_t(r);
    all_groups = std::move(group_of_row);
  }
  std::vector<uint32_t> filtered_rows, filtered_groups;
  for (size_t a = 0; a < aggregates_->size(); ++a) {
    const BoundAggregate& agg = (*aggregates_)[a];
    // Plain column arguments are read in place; computed ones live in `scratch`.
    std::vector<Vector> scratch(agg.args.size() + agg.order_by.size());
    std::vector<const Vector*> args, order_keys;
    for (size_t k = 0; k < agg.args.size(); ++k) args.push_back(&EvaluateRef(*agg.args[k], in, ctx, scratch[k]));
    for (size_t k = 0; k < agg.order_by.size(); ++k)
      order_keys.push_back(&EvaluateRef(*agg.order_by[k], in, ctx, scratch[agg.args.size() + k]));
    const std::vector<uint32_t>* rows = &all_rows;
    const std::vector<uint32_t>* groups = &all_groups;
    if (agg.filter) {
      Vector f = Evaluate(*agg.filter, in, ctx);
      filtered_rows.clear();
      filtered_groups.clear();
      for (size_t k = 0; k < all_rows.size(); ++k) {
        const uint32_t r = all_rows[k];
        if (!f.IsNull(r) && f.i64()[r]) {
          filtered_rows.push_back(r);
          filtered_groups.push_back(all_groups[k]);
        }
      }
      rows = &filtered_rows;
      groups = &filtered_groups;
    }
    if (compact_[a]) compact_[a]->Update(rows->data(), groups->data(), rows->size(), args.empty() ? nullptr : args[0]);
    else UpdateAggregate(agg, states_[a], rows->data(), groups->data(), rows->size(), args, order_keys);
  }
}

// No GROUP BY: sum/avg/count/min/max of plain numbers accumulate in locals over the chunk (or
// its selection) without the per-row group bookkeeping; false when an aggregate needs the
// general path (DISTINCT, FILTER, ORDER BY, other kinds), which then handles the whole chunk.
bool AggregateTable::ConsumeUngrouped(ExecContext& ctx, const DataChunk& in, const std::vector<uint32_t>* sel) {
  // Every aggregate must qualify before any is updated: the general path redoes the whole chunk.
  if (states_.size() != aggregates_->size()) return false;
  for (size_t a = 0; a < aggregates_->size(); ++a) {
    const BoundAggregate& agg = (*aggregates_)[a];
    if (agg.filter || !agg.order_by.empty() || !UngroupedFastPathApplies(agg) || states_[a].empty()) return false;
  }
  for (size_t a = 0; a < aggregates_->size(); ++a) {
    const BoundAggregate& agg = (*aggregates_)[a];
    std::vector<Vector> scratch(agg.args.size());
    std::vector<const Vector*> args;
    for (size_t k = 0; k < agg.args.size(); ++k) args.push_back(&EvaluateRef(*agg.args[k], in, ctx, scratch[k]));
    UpdateUngrouped(agg, states_[a], sel ? sel->data() : nullptr, sel ? sel->size() : in.count, args);
  }
  return true;
}

void AggregateTable::MergeFrom(AggregateTable& other) {
  std::vector<const Vector*> values;
  for (auto& c : other.group_keys_.columns) values.push_back(&c);
  DecideTextIds(values);
  std::vector<Vector> id_scratch;
  const std::vector<const Vector*> hashed = HashedKeys(values, nullptr, other.group_count_, id_scratch);
  const RowKeys keys{values.data(), hashed.data()};
  std::string scratch;
  for (size_t g = 0; g < other.group_count_; ++g) {
    if (single_int_ && g + kPrefetchAhead < other.group_count_) PrefetchSlot(*hashed[0], g + kPrefetchAhead);
    uint32_t into = groups_->empty() ? 0 : FindOrAdd(keys, g, scratch);
    for (size_t a = 0; a < aggregates_->size(); ++a) {
      if (compact_[a]) compact_[a]->Combine(into, *other.compact_[a], g);
      else CombineAggState((*aggregates_)[a], states_[a][into], other.states_[a][g]);
    }
  }
}

Value AggregateTable::Finalize(size_t a, size_t g, ExecContext& ctx) {
  if (!compact_[a]) return FinalizeAggregate((*aggregates_)[a], states_[a][g], ctx);
  AggState s = compact_[a]->Materialize(g);
  return FinalizeAggregate((*aggregates_)[a], s, ctx);
}

void CombineAggState(const BoundAggregate& agg, AggState& into, AggState& from) {
  const AggKind kind = agg.function->kind;
  switch (kind) {
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
      if (from.count == 0) return;
      if (into.count == 0) {
        into.count = from.count;
        into.fsum = from.fsum;
        into.fsum_sq = from.fsum_sq;
        into.dsum = from.dsum;
        if (from.has_more()) into.more().dsum_sq = from.more().dsum_sq;
        return;
      }
      if (agg.arg_type.physical() == PhysicalType::kF64) {
        // Chan et al.: Sxx = Sxx1 + Sxx2 + N1 N2 / N (mean1 - mean2)^2
        double n1 = double(into.count), n2 = double(from.count);
        double d = into.fsum / n1 - from.fsum / n2;
        into.fsum_sq += from.fsum_sq + n1 * n2 / (n1 + n2) * d * d;
        into.fsum += from.fsum;
      } else {
        into.dsum = DecimalAdd(into.dsum, from.dsum);
        into.more().dsum_sq = DecimalAdd(std::as_const(into).more().dsum_sq, std::as_const(from).more().dsum_sq);
      }
      into.count += from.count;
      return;
    case AggKind::kCount:
    case AggKind::kCountStar:
      into.count += from.count;
      return;
    case AggKind::kSum:
    case AggKind::kAvg:
      if (from.count == 0) return;
      if (agg.arg_type.id == TypeId::kNumeric) into.dsum = into.count == 0 ? from.dsum : DecimalAdd(into.dsum, from.dsum);
      into.isum += from.isum;
      into.fsum += from.fsum;
      if (from.has_more()) {
        const Interval& f = std::as_const(from).more().ivsum;
        Interval& i = into.more().ivsum;
        i = Interval{i.months + f.months, i.days + f.days, i.ns + f.ns};
      }
      into.count += from.count;
      return;
    case AggKind::kRegression: {
      // Chan et al.: the deviation sums of two parts meet through the difference of their means.
      const RegressionSums& b = std::as_const(from).more().regression;
      if (b.n == 0) return;
      RegressionSums& a = into.more().regression;
      if (a.n == 0) {
        a = b;
        return;
      }
      const double n = a.n + b.n, dx = a.sx / a.n - b.sx / b.n, dy = a.sy / a.n - b.sy / b.n, w = a.n * b.n / n;
      a.sxx += b.sxx + w * dx * dx, a.syy += b.syy + w * dy * dy, a.sxy += b.sxy + w * dx * dy;
      a.n = n, a.sx += b.sx, a.sy += b.sy;
      return;
    }
    default: break;
  }
  if (from.has_more() && !from.more().values.empty()) {
    AggStateMore &f = from.more(), &i = into.more();
    for (size_t k = 0; k < f.values.size(); ++k) {
      i.values.push_back(std::move(f.values[k]));
      if (k < f.sort_keys.size()) i.sort_keys.push_back(std::move(f.sort_keys[k]));
      if (k < f.delimiters.size()) i.delimiters.push_back(std::move(f.delimiters[k]));
    }
    return;
  }
  if (!from.has_value) return;
  if (!into.has_value) {
    into.best = from.best;
    if (from.has_more()) into.more().best_time = from.more().best_time;
    into.has_value = true;
    return;
  }
  switch (kind) {
    case AggKind::kMin:
      if (CompareValues(from.best, into.best) < 0) into.best = from.best;
      break;
    case AggKind::kMax:
      if (CompareValues(from.best, into.best) > 0) into.best = from.best;
      break;
    case AggKind::kFirst:
    case AggKind::kLast: {
      int c = CompareValues(std::as_const(from).more().best_time, std::as_const(into).more().best_time);
      if (kind == AggKind::kFirst ? c < 0 : c > 0) {
        into.best = from.best;
        into.more().best_time = std::as_const(from).more().best_time;
      }
      break;
    }
    case AggKind::kBoolAnd: into.best.i = into.best.i && from.best.i; break;
    case AggKind::kBoolOr: into.best.i = into.best.i || from.best.i; break;
    case AggKind::kBitAnd: into.best.i &= from.best.i; break;
    case AggKind::kBitOr: into.best.i |= from.best.i; break;
    case AggKind::kBitXor: into.best.i ^= from.best.i; break;
    default: break;
  }
}

}  // namespace yunhe
