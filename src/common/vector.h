// Column chunks: a Vector holds up to kChunkRows values of one type plus a null mask; a DataChunk
// is a row-aligned set of Vectors. Operators exchange DataChunks.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/types.h"
#include "common/value.h"

namespace yunhe {

inline constexpr size_t kChunkRows = 2048;

class Vector {
 public:
  Vector() = default;
  explicit Vector(LogicalType t) : type_(t) {}

  const LogicalType& type() const { return type_; }
  void set_type(LogicalType t) { type_ = t; }
  size_t size() const { return nulls_.size(); }

  // Resizes every backing array for the physical type; new slots are NULL.
  void Resize(size_t n);
  void Reserve(size_t n);
  void Clear() { Resize(0); }

  bool IsNull(size_t row) const { return nulls_[row] != 0; }
  void SetNull(size_t row, bool is_null) { nulls_[row] = is_null; }
  bool HasNulls() const;

  // Typed access; the caller picks by physical type once per chunk.
  int64_t* i64() { return i64_.data(); }
  const int64_t* i64() const { return i64_.data(); }
  double* f64() { return f64_.data(); }
  const double* f64() const { return f64_.data(); }
  std::string* str() { return MutableStr().data(); }
  const std::string* str() const { return str_ ? str_->data() : nullptr; }
  Decimal* dec() { return dec_.data(); }
  const Decimal* dec() const { return dec_.data(); }
  Interval* iv() { return iv_.data(); }
  const Interval* iv() const { return iv_.data(); }
  uint8_t* nulls() { return nulls_.data(); }
  const uint8_t* nulls() const { return nulls_.data(); }

  Value GetValue(size_t row) const;
  void SetValue(size_t row, const Value& v);  // v must already have this vector's type (or be NULL)
  void Append(const Value& v);
  void AppendFrom(const Vector& src, size_t row);
  void AppendRange(const Vector& src, size_t begin, size_t count);
  // Keeps the rows whose index is listed in sel (in that order).
  void Select(const std::vector<uint32_t>& sel);
  Vector Gather(const std::vector<uint32_t>& sel) const;
  // A vector of n copies of v.
  static Vector Constant(const Value& v, LogicalType t, size_t n);

 private:
  LogicalType type_;
  std::vector<int64_t> i64_;
  std::vector<double> f64_;
  // Strings are shared copy-on-write: copying a text Vector (scans, column references) is a
  // pointer copy; the first write through a non-const accessor clones the array if shared.
  std::shared_ptr<std::vector<std::string>> str_;
  std::vector<std::string>& MutableStr() {
    if (!str_) str_ = std::make_shared<std::vector<std::string>>();
    else if (str_.use_count() > 1) str_ = std::make_shared<std::vector<std::string>>(*str_);
    return *str_;
  }
  std::vector<Decimal> dec_;
  std::vector<Interval> iv_;
  std::vector<uint8_t> nulls_;
};

struct DataChunk {
  std::vector<Vector> columns;
  size_t count = 0;

  void Init(const std::vector<LogicalType>& types) {
    columns.clear();
    for (auto& t : types) columns.emplace_back(t);
    count = 0;
  }
  void Reset() {
    for (auto& c : columns) c.Clear();
    count = 0;
  }
  void AppendRow(const DataChunk& src, size_t row) {
    for (size_t c = 0; c < columns.size(); ++c) columns[c].AppendFrom(src.columns[c], row);
    ++count;
  }
  void Select(const std::vector<uint32_t>& sel) {
    for (auto& c : columns) c.Select(sel);
    count = sel.size();
  }
  std::vector<LogicalType> Types() const {
    std::vector<LogicalType> t;
    for (auto& c : columns) t.push_back(c.type());
    return t;
  }
};

}  // namespace yunhe
