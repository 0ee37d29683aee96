#include "common/vector.h"

#include <algorithm>
#include <mutex>

namespace yunhe {

void Vector::Resize(size_t n) {
  if (n == size()) return;  // no write: a shared copy stays shared
  DropDictionary();
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_.mut().resize(n); break;
    case PhysicalType::kF64: f64_.mut().resize(n); break;
    case PhysicalType::kStr: str_.mut().resize(n); break;
    case PhysicalType::kDec: dec_.mut().resize(n); break;
    case PhysicalType::kInterval: iv_.mut().resize(n); break;
  }
  nulls_.mut().resize(n, 1);
}

void Vector::Reserve(size_t n) {
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_.mut().reserve(n); break;
    case PhysicalType::kF64: f64_.mut().reserve(n); break;
    case PhysicalType::kStr: str_.mut().reserve(n); break;
    case PhysicalType::kDec: dec_.mut().reserve(n); break;
    case PhysicalType::kInterval: iv_.mut().reserve(n); break;
  }
  nulls_.mut().reserve(n);
}

bool Vector::HasNulls() const {
  const auto& n = nulls_.get();
  return std::find(n.begin(), n.end(), 1) != n.end();
}

Value Vector::GetValue(size_t row) const {
  Value v;
  v.type = type_;
  if (nulls_.get()[row]) return v;
  v.is_null = false;
  switch (type_.physical()) {
    case PhysicalType::kI64: v.i = i64_.get()[row]; break;
    case PhysicalType::kF64: v.f = f64_.get()[row]; break;
    case PhysicalType::kStr: v.s = str_.get()[row]; break;
    case PhysicalType::kDec: v.d = dec_.get()[row]; break;
    case PhysicalType::kInterval: v.iv = iv_.get()[row]; break;
  }
  return v;
}

void Vector::SetValue(size_t row, const Value& v) {
  DropDictionary();
  all_null_ = all_null_ && v.is_null;
  nulls_.mut()[row] = v.is_null;
  if (v.is_null) return;
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_.mut()[row] = v.i; break;
    case PhysicalType::kF64: f64_.mut()[row] = v.f; break;
    case PhysicalType::kStr: str_.mut()[row] = v.s; break;
    case PhysicalType::kDec: dec_.mut()[row] = v.d; break;
    case PhysicalType::kInterval: iv_.mut()[row] = v.iv; break;
  }
}

void Vector::Append(const Value& v) {
  Resize(size() + 1);
  SetValue(size() - 1, v);
}

void Vector::TrimValues() {
  const size_t n = size();
  auto trim = [n](auto& a) {
    if (a.size() > n) a.mut().resize(n);
  };
  switch (type_.physical()) {
    case PhysicalType::kI64: trim(i64_); break;
    case PhysicalType::kF64: trim(f64_); break;
    case PhysicalType::kStr: trim(str_); break;
    case PhysicalType::kDec: trim(dec_); break;
    case PhysicalType::kInterval: trim(iv_); break;
  }
}

template <class F>
void Vector::ZipArrays(const Vector& src, F&& f) {
  if (&src == this) {
    const Vector copy = src;  // shares the arrays: f's writes through mut() clone them
    ZipArrays(copy, f);
    return;
  }
  all_null_ = all_null_ && src.all_null_;
  DropDictionary();
  TrimValues();
  f(nulls_, src.nulls_);
  switch (type_.physical()) {
    case PhysicalType::kI64: f(i64_, src.i64_); break;
    case PhysicalType::kF64: f(f64_, src.f64_); break;
    case PhysicalType::kStr: f(str_, src.str_); break;
    case PhysicalType::kDec: f(dec_, src.dec_); break;
    case PhysicalType::kInterval: f(iv_, src.iv_); break;
  }
}

// In the appends below dst and src are different vectors (ZipArrays): an array they share is
// cloned by dst.mut(), so src.get() stays the source's and every row is copied once.
void Vector::AppendFrom(const Vector& src, size_t row) {
  ZipArrays(src, [&](auto& dst, const auto& from) { dst.mut().push_back(from.get()[row]); });
}

void Vector::AppendRange(const Vector& src, size_t begin, size_t count) {
  if (count == 0) return;
  ZipArrays(src, [&](auto& dst, const auto& from) {
    auto& d = dst.mut();
    const auto& s = from.get();
    d.insert(d.end(), s.begin() + begin, s.begin() + begin + count);
  });
}

void Vector::AppendSelected(const Vector& src, const uint32_t* rows, size_t n) {
  if (n == 0) return;
  ZipArrays(src, [&](auto& dst, const auto& from) {
    // Sized first, then a plain indexed copy: the loads of scattered rows are independent, so
    // many are in flight at once (push_back's size bookkeeping serialized them).
    auto& d = dst.mut();
    const size_t old = d.size();
    d.resize(old + n);
    auto* out = d.data() + old;
    const auto* in = from.get().data();
    for (size_t i = 0; i < n; ++i) out[i] = in[rows[i]];
  });
}

namespace {
template <typename T>
std::vector<T> GatherOf(const std::vector<T>& v, const std::vector<uint32_t>& sel) {
  std::vector<T> out;
  out.reserve(sel.size());
  for (uint32_t s : sel) out.push_back(v[s]);
  return out;
}
template <typename T>
void SelectOf(CowArray<T>& a, const std::vector<uint32_t>& sel) {
  // sel is ascending for filters: compact in place when the array is ours alone; otherwise
  // (shared with a table's row group, or out of order) gather into a new array.
  if (!a.shared() && std::is_sorted(sel.begin(), sel.end())) {
    auto& v = a.mut();
    for (size_t k = 0; k < sel.size(); ++k) {
      if (k != sel[k]) v[k] = std::move(v[sel[k]]);
    }
    v.resize(sel.size());
  } else {
    a.assign(GatherOf(a.get(), sel));
  }
}
bool IsIdentity(const std::vector<uint32_t>& sel, size_t n) {
  if (sel.size() != n) return false;
  for (size_t k = 0; k < n; ++k)
    if (sel[k] != k) return false;
  return true;
}
}  // namespace

void Vector::Select(const std::vector<uint32_t>& sel) {
  if (IsIdentity(sel, size())) return;
  if (all_null_) {
    *this = Nulls(type_, sel.size());
    return;
  }
  SelectOf(nulls_, sel);
  if (coded_) coded_ = std::make_shared<const DictionaryCodes>(DictionaryCodes{coded_->dictionary, GatherOf(coded_->codes, sel)});
  switch (type_.physical()) {
    case PhysicalType::kI64: SelectOf(i64_, sel); break;
    case PhysicalType::kF64: SelectOf(f64_, sel); break;
    case PhysicalType::kStr: SelectOf(str_, sel); break;
    case PhysicalType::kDec: SelectOf(dec_, sel); break;
    case PhysicalType::kInterval: SelectOf(iv_, sel); break;
  }
}

Vector Vector::Gather(const std::vector<uint32_t>& sel) const {
  if (all_null_) return Nulls(type_, sel.size());
  Vector out(type_);
  out.nulls_.assign(GatherOf(nulls_.get(), sel));
  if (coded_) out.coded_ = std::make_shared<const DictionaryCodes>(DictionaryCodes{coded_->dictionary, GatherOf(coded_->codes, sel)});
  switch (type_.physical()) {
    case PhysicalType::kI64: out.i64_.assign(GatherOf(i64_.get(), sel)); break;
    case PhysicalType::kF64: out.f64_.assign(GatherOf(f64_.get(), sel)); break;
    case PhysicalType::kStr: out.str_.assign(GatherOf(str_.get(), sel)); break;
    case PhysicalType::kDec: out.dec_.assign(GatherOf(dec_.get(), sel)); break;
    case PhysicalType::kInterval: out.iv_.assign(GatherOf(iv_.get(), sel)); break;
  }
  return out;
}

Vector Vector::Slice(size_t begin, size_t count) const {
  Vector out(type_);
  out.AppendRange(*this, begin, count);
  if (coded_) {
    const std::vector<uint32_t>& codes = coded_->codes;
    out.coded_ = std::make_shared<const DictionaryCodes>(
        DictionaryCodes{coded_->dictionary, std::vector<uint32_t>(codes.begin() + begin, codes.begin() + begin + count)});
  }
  return out;
}

Vector Vector::Constant(const Value& v, LogicalType t, size_t n) {
  Vector out(t);
  out.Resize(n);
  if (v.is_null) {  // Resize leaves new slots NULL
    out.all_null_ = true;
    return out;
  }
  auto& nulls = out.nulls_.mut();
  std::fill(nulls.begin(), nulls.end(), 0);
  switch (t.physical()) {
    case PhysicalType::kI64: { auto& a = out.i64_.mut(); std::fill(a.begin(), a.end(), v.i); break; }
    case PhysicalType::kF64: { auto& a = out.f64_.mut(); std::fill(a.begin(), a.end(), v.f); break; }
    case PhysicalType::kStr: {
      auto& a = out.str_.mut();
      std::fill(a.begin(), a.end(), v.s);
      // One value: a one-entry dictionary, so kernels taking a constant text argument (a
      // date_trunc unit, a LIKE pattern) can see it is one.
      out.coded_ = std::make_shared<const DictionaryCodes>(
          DictionaryCodes{std::make_shared<const TextDictionary>(std::vector<std::string>{v.s}), std::vector<uint32_t>(n, 0)});
      break;
    }
    case PhysicalType::kDec: { auto& a = out.dec_.mut(); std::fill(a.begin(), a.end(), v.d); break; }
    case PhysicalType::kInterval: { auto& a = out.iv_.mut(); std::fill(a.begin(), a.end(), v.iv); break; }
  }
  return out;
}

namespace {

// NULL flags (all 1) of n rows, n <= kChunkRows, made once per n and shared.
std::shared_ptr<std::vector<uint8_t>> NullFlags(size_t n) {
  static std::mutex mu;
  static std::vector<std::shared_ptr<std::vector<uint8_t>>> by_size(kChunkRows + 1);
  std::lock_guard<std::mutex> lock(mu);
  auto& flags = by_size[n];
  if (!flags) flags = std::make_shared<std::vector<uint8_t>>(n, uint8_t(1));
  return flags;
}

}  // namespace

Vector Vector::Nulls(LogicalType t, size_t n) {
  if (n > kChunkRows) return Constant(Value::Null(t), t, n);
  Vector v;
  {
    static std::mutex mu;
    static std::vector<Vector> shared;  // one kChunkRows-row placeholder per type asked for
    std::lock_guard<std::mutex> lock(mu);
    for (const Vector& s : shared)
      if (s.type() == t) v = s;
    if (v.size() == 0) {
      v = Constant(Value::Null(t), t, kChunkRows);
      if (shared.size() < 256) shared.push_back(v);  // (types differ by precision and scale too)
    }
  }
  if (n < kChunkRows) v.nulls_.share(NullFlags(n));
  return v;
}

}  // namespace yunhe
