// Column views over the engine's Vectors, and chunks of result rows.
#include "api/api_internal.h"
#include "common/decimal.h"

namespace yunhe::api {

Type Column::type() const { return ToApiType(v_->type()); }
bool Column::IsNull(size_t row) const { return v_->IsNull(row); }
const uint8_t* Column::nulls() const { return static_cast<const yunhe::Vector*>(v_)->nulls(); }
bool Column::HasNulls() const { return v_->HasNulls(); }

const int64_t* Column::int64s() const {
  if (v_->type().physical() != PhysicalType::kI64)
    throw Error(SqlState::kDatatypeMismatch, std::string("a column of type ") + TypeName(type()) + " has no int64 values");
  return static_cast<const yunhe::Vector*>(v_)->i64();
}

const double* Column::doubles() const {
  if (v_->type().physical() != PhysicalType::kF64)
    throw Error(SqlState::kDatatypeMismatch, std::string("a column of type ") + TypeName(type()) + " has no double values");
  return static_cast<const yunhe::Vector*>(v_)->f64();
}

std::string_view Column::text(size_t row) const {
  if (v_->type().physical() != PhysicalType::kStr)
    throw Error(SqlState::kDatatypeMismatch, std::string("a column of type ") + TypeName(type()) + " has no text values");
  return static_cast<const yunhe::Vector*>(v_)->str()[row];
}

Interval Column::interval(size_t row) const {
  if (v_->type().physical() != PhysicalType::kInterval)
    throw Error(SqlState::kDatatypeMismatch, std::string("a column of type ") + TypeName(type()) + " has no intervals");
  const yunhe::Interval& iv = static_cast<const yunhe::Vector*>(v_)->iv()[row];
  return {iv.months, iv.days, iv.ns};
}

double Column::ToDouble(size_t row) const {
  const yunhe::Vector& v = *v_;
  switch (v.type().physical()) {
    case PhysicalType::kI64: return double(v.i64()[row]);
    case PhysicalType::kF64: return v.f64()[row];
    case PhysicalType::kDec: return DecimalToDouble(v.dec()[row]);
    default: throw Error(SqlState::kDatatypeMismatch, std::string("a column of type ") + TypeName(type()) + " is not numeric");
  }
}

std::string Column::ToString(size_t row) const {
  if (v_->IsNull(row)) return "";
  return v_->GetValue(row).ToString();
}

Value Column::Get(size_t row) const { return ToApiValue(v_->GetValue(row)); }

int64_t* MutableColumn::int64s() {
  (void)Column::int64s();  // the type check
  return v_->i64();
}
double* MutableColumn::doubles() {
  (void)Column::doubles();
  return v_->f64();
}
void MutableColumn::SetNull(size_t row, bool is_null) { v_->SetNull(row, is_null); }
void MutableColumn::SetText(size_t row, std::string_view text) {
  (void)Column::text(row);
  v_->str()[row].assign(text.data(), text.size());
  v_->SetNull(row, false);
}
void MutableColumn::Set(size_t row, const Value& v) { v_->SetValue(row, ToEngineValue(v, v_->type())); }

Chunk::Chunk() : impl_(std::make_unique<Impl>()) {}
Chunk::~Chunk() = default;
Chunk::Chunk(Chunk&&) noexcept = default;
Chunk& Chunk::operator=(Chunk&&) noexcept = default;
size_t Chunk::size() const { return impl_ ? impl_->data.count : 0; }
size_t Chunk::column_count() const { return impl_ ? impl_->data.columns.size() : 0; }
Column Chunk::column(size_t i) const {
  if (i >= column_count()) throw Error(SqlState::kInvalidParameterValue, "column index out of range");
  return Column(&impl_->data.columns[i], impl_->data.count);
}

}  // namespace yunhe::api
