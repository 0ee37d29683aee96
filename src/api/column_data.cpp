// ColumnData (typed arrays of the program) as engine vectors: appends and registered relations.
#include <cstring>

#include "api/api_internal.h"
#include "functions/cast.h"

namespace yunhe::api {

namespace {

// src's NULL mask for rows [begin, begin + rows) into v (none given: no NULLs).
void CopyNulls(const ColumnData& src, size_t begin, size_t rows, yunhe::Vector& v) {
  if (src.nulls) std::memcpy(v.nulls(), src.nulls + begin, rows);
  else std::memset(v.nulls(), 0, rows);
}

}  // namespace

// One column of `rows` rows from `src[begin, begin + rows)` in the column's type.
yunhe::Vector ConvertColumnData(const ColumnData& src, size_t begin, size_t rows, const LogicalType& to) {
  const PhysicalType phys = to.physical();
  if (src.int64s) {
    // Integers: stored as they are where the column keeps int64s with the same meaning (bigint,
    // dates, timestamps, times), cast otherwise (range-checked into smallint/integer, converted
    // into double and numeric).
    const bool direct = phys == PhysicalType::kI64 && to.id != TypeId::kInt16 && to.id != TypeId::kInt32 && to.id != TypeId::kBool;
    yunhe::Vector in(direct ? to : LogicalType(TypeId::kInt64));
    in.Resize(rows);
    std::memcpy(in.i64(), src.int64s + begin, rows * sizeof(int64_t));
    CopyNulls(src, begin, rows, in);
    if (direct) return in;
    if (to.id == TypeId::kBool) {
      int64_t* v = in.i64();
      for (size_t r = 0; r < rows; ++r) v[r] = v[r] != 0;
      in.set_type(to);
      return in;
    }
    if (phys == PhysicalType::kStr && to.id != TypeId::kText) throw yunhe::Error(SqlState::kDatatypeMismatch, "integers cannot fill a column of type " + to.ToString());
    return CastVector(in, to);
  }
  if (src.doubles) {
    if (phys == PhysicalType::kI64)
      throw yunhe::Error(SqlState::kDatatypeMismatch, "doubles cannot fill a column of type " + to.ToString() + " (cast them first)");
    yunhe::Vector in(TypeId::kFloat64);
    in.Resize(rows);
    std::memcpy(in.f64(), src.doubles + begin, rows * sizeof(double));
    CopyNulls(src, begin, rows, in);
    if (to.id == TypeId::kFloat64) return in;
    return CastVector(in, to);
  }
  if (src.texts) {
    yunhe::Vector in(TypeId::kText);
    in.Resize(rows);
    CopyNulls(src, begin, rows, in);
    std::string* s = in.str();
    const uint8_t* n = in.nulls();
    for (size_t r = 0; r < rows; ++r)
      if (!n[r]) s[r].assign(src.texts[begin + r].data(), src.texts[begin + r].size());
    if (to.id == TypeId::kText) return in;
    if (to.id == TypeId::kBytea) {  // raw bytes, as given
      in.set_type(to);
      return in;
    }
    return CastVector(in, to);  // the text form of any other type, parsed as COPY would
  }
  throw yunhe::Error(SqlState::kInvalidParameterValue, "a ColumnData gives no values");
}


}  // namespace yunhe::api
