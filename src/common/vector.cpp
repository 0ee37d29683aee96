#include "common/vector.h"

#include <algorithm>

namespace yunhe {

void Vector::Resize(size_t n) {
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_.resize(n); break;
    case PhysicalType::kF64: f64_.resize(n); break;
    case PhysicalType::kStr: MutableStr().resize(n); break;
    case PhysicalType::kDec: dec_.resize(n); break;
    case PhysicalType::kInterval: iv_.resize(n); break;
  }
  nulls_.resize(n, 1);
}

void Vector::Reserve(size_t n) {
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_.reserve(n); break;
    case PhysicalType::kF64: f64_.reserve(n); break;
    case PhysicalType::kStr: MutableStr().reserve(n); break;
    case PhysicalType::kDec: dec_.reserve(n); break;
    case PhysicalType::kInterval: iv_.reserve(n); break;
  }
  nulls_.reserve(n);
}

bool Vector::HasNulls() const {
  return std::find(nulls_.begin(), nulls_.end(), 1) != nulls_.end();
}

Value Vector::GetValue(size_t row) const {
  Value v;
  v.type = type_;
  if (nulls_[row]) return v;
  v.is_null = false;
  switch (type_.physical()) {
    case PhysicalType::kI64: v.i = i64_[row]; break;
    case PhysicalType::kF64: v.f = f64_[row]; break;
    case PhysicalType::kStr: v.s = (*str_)[row]; break;
    case PhysicalType::kDec: v.d = dec_[row]; break;
    case PhysicalType::kInterval: v.iv = iv_[row]; break;
  }
  return v;
}

void Vector::SetValue(size_t row, const Value& v) {
  nulls_[row] = v.is_null;
  if (v.is_null) return;
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_[row] = v.i; break;
    case PhysicalType::kF64: f64_[row] = v.f; break;
    case PhysicalType::kStr: MutableStr()[row] = v.s; break;
    case PhysicalType::kDec: dec_[row] = v.d; break;
    case PhysicalType::kInterval: iv_[row] = v.iv; break;
  }
}

void Vector::Append(const Value& v) {
  Resize(size() + 1);
  SetValue(size() - 1, v);
}

void Vector::AppendFrom(const Vector& src, size_t row) {
  nulls_.push_back(src.nulls_[row]);
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_.push_back(src.i64_[row]); break;
    case PhysicalType::kF64: f64_.push_back(src.f64_[row]); break;
    case PhysicalType::kStr: MutableStr().push_back((*src.str_)[row]); break;
    case PhysicalType::kDec: dec_.push_back(src.dec_[row]); break;
    case PhysicalType::kInterval: iv_.push_back(src.iv_[row]); break;
  }
}

void Vector::AppendRange(const Vector& src, size_t begin, size_t count) {
  nulls_.insert(nulls_.end(), src.nulls_.begin() + begin, src.nulls_.begin() + begin + count);
  switch (type_.physical()) {
    case PhysicalType::kI64: i64_.insert(i64_.end(), src.i64_.begin() + begin, src.i64_.begin() + begin + count); break;
    case PhysicalType::kF64: f64_.insert(f64_.end(), src.f64_.begin() + begin, src.f64_.begin() + begin + count); break;
    case PhysicalType::kStr: {
      auto& dst = MutableStr();
      dst.insert(dst.end(), src.str_->begin() + begin, src.str_->begin() + begin + count);
      break;
    }
    case PhysicalType::kDec: dec_.insert(dec_.end(), src.dec_.begin() + begin, src.dec_.begin() + begin + count); break;
    case PhysicalType::kInterval: iv_.insert(iv_.end(), src.iv_.begin() + begin, src.iv_.begin() + begin + count); break;
  }
}

namespace {
template <typename T>
void SelectInPlace(std::vector<T>& v, const std::vector<uint32_t>& sel) {
  // sel is ascending for filters, so in-place compaction is safe; otherwise copy.
  bool ascending = std::is_sorted(sel.begin(), sel.end());
  if (ascending) {
    for (size_t k = 0; k < sel.size(); ++k) {
      if (k != sel[k]) v[k] = std::move(v[sel[k]]);
    }
    v.resize(sel.size());
  } else {
    std::vector<T> out;
    out.reserve(sel.size());
    for (uint32_t s : sel) out.push_back(v[s]);
    v.swap(out);
  }
}
template <typename T>
std::vector<T> GatherOf(const std::vector<T>& v, const std::vector<uint32_t>& sel) {
  std::vector<T> out;
  out.reserve(sel.size());
  for (uint32_t s : sel) out.push_back(v[s]);
  return out;
}
}  // namespace

void Vector::Select(const std::vector<uint32_t>& sel) {
  SelectInPlace(nulls_, sel);
  switch (type_.physical()) {
    case PhysicalType::kI64: SelectInPlace(i64_, sel); break;
    case PhysicalType::kF64: SelectInPlace(f64_, sel); break;
    case PhysicalType::kStr: SelectInPlace(MutableStr(), sel); break;
    case PhysicalType::kDec: SelectInPlace(dec_, sel); break;
    case PhysicalType::kInterval: SelectInPlace(iv_, sel); break;
  }
}

Vector Vector::Gather(const std::vector<uint32_t>& sel) const {
  Vector out(type_);
  out.nulls_ = GatherOf(nulls_, sel);
  switch (type_.physical()) {
    case PhysicalType::kI64: out.i64_ = GatherOf(i64_, sel); break;
    case PhysicalType::kF64: out.f64_ = GatherOf(f64_, sel); break;
    case PhysicalType::kStr: out.str_ = std::make_shared<std::vector<std::string>>(GatherOf(*str_, sel)); break;
    case PhysicalType::kDec: out.dec_ = GatherOf(dec_, sel); break;
    case PhysicalType::kInterval: out.iv_ = GatherOf(iv_, sel); break;
  }
  return out;
}

Vector Vector::Constant(const Value& v, LogicalType t, size_t n) {
  Vector out(t);
  out.Resize(n);
  if (v.is_null) return out;  // Resize leaves new slots NULL
  std::fill(out.nulls_.begin(), out.nulls_.end(), 0);
  switch (t.physical()) {
    case PhysicalType::kI64: std::fill(out.i64_.begin(), out.i64_.end(), v.i); break;
    case PhysicalType::kF64: std::fill(out.f64_.begin(), out.f64_.end(), v.f); break;
    case PhysicalType::kStr: std::fill(out.MutableStr().begin(), out.MutableStr().end(), v.s); break;
    case PhysicalType::kDec: std::fill(out.dec_.begin(), out.dec_.end(), v.d); break;
    case PhysicalType::kInterval: std::fill(out.iv_.begin(), out.iv_.end(), v.iv); break;
  }
  return out;
}

}  // namespace yunhe
