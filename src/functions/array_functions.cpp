// Array functions and the internals behind array syntax: ARRAY[...] (__array_construct),
// a[i] (__array_subscript), x op ANY/ALL (array) (__array_any); array_to_string, array_length,
// array_upper, array_lower, cardinality, array_position(s), trim_array, array_append, array_cat.
#include <fmt/format.h>

#include "common/status.h"
#include "functions/array_value.h"
#include "functions/cast.h"
#include "functions/function.h"
#include "functions/kernel_util.h"

namespace yunhe {

namespace {

const LogicalType kAnyArray(TypeId::kArray);

void ArrayConstruct(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  std::vector<Value> elements(args.size());
  for (size_t r = 0; r < count; ++r) {
    for (size_t k = 0; k < args.size(); ++k) elements[k] = args[k]->GetValue(r);
    out.SetValue(r, MakeArray(elements, out.type()));
  }
}

void ArraySubscript(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    if (out.IsNull(r)) continue;
    const int64_t i = args[1]->GetValue(r).i + (IsVectorArray(args[0]->type()) ? 1 : 0);  // int2vector counts from 0
    std::vector<Value> elements = ArrayElements(args[0]->GetValue(r));
    if (i < 1 || i > int64_t(elements.size())) out.SetNull(r, true);  // out of bounds: NULL, as PostgreSQL
    else out.SetValue(r, CastValue(elements[size_t(i - 1)], out.type()));
  }
}

// x op ANY (array) / x op ALL (array), with SQL's NULL rules: ANY is TRUE on a match, else NULL if
// an element (or x) is NULL, else FALSE; ALL is the mirror. An empty array: ANY FALSE, ALL TRUE.
void ArrayAny(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    const Value array = args[1]->GetValue(r);
    const std::string op = args[2]->GetValue(r).s;
    const bool all = args[3]->GetValue(r).i != 0;
    if (array.is_null) {
      out.SetNull(r, true);
      continue;
    }
    const Value x = args[0]->GetValue(r);
    const std::vector<Value> elements = ArrayElements(array);
    if (elements.empty()) {
      out.SetValue(r, Value::Bool(all));
      continue;
    }
    if (x.is_null) {
      out.SetNull(r, true);
      continue;
    }
    bool saw_null = false, decided = false;
    for (const Value& e : elements) {
      if (e.is_null) {
        saw_null = true;
        continue;
      }
      const bool match = SatisfiesComparison(op, CompareValues(x, CastValue(e, x.type)));
      if (match != all) {
        out.SetValue(r, Value::Bool(!all));
        decided = true;
        break;
      }
    }
    if (decided) continue;
    if (saw_null) out.SetNull(r, true);
    else out.SetValue(r, Value::Bool(all));
  }
}

// Dimension 1 is the only one; others give NULL, as PostgreSQL does for a missing dimension.
template <int kWhat>  // 0 length, 1 upper, 2 lower
void ArrayBound(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    if (out.IsNull(r)) continue;
    const size_t n = ArrayElements(args[0]->GetValue(r)).size();
    if (args[1]->GetValue(r).i != 1 || n == 0) {
      out.SetNull(r, true);
      continue;
    }
    const int64_t lower = IsVectorArray(args[0]->type()) ? 0 : 1;  // int2vector counts from 0
    out.SetValue(r, Value::Int(kWhat == 0 ? int64_t(n) : kWhat == 1 ? lower + int64_t(n) - 1 : lower, TypeId::kInt32));
  }
}

void Cardinality(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r)
    if (!out.IsNull(r)) out.SetValue(r, Value::Int(int64_t(ArrayElements(args[0]->GetValue(r)).size()), TypeId::kInt32));
}

// array_to_string(array, delimiter [, null_string]): NULL elements are skipped unless a
// null_string is given.
void ArrayToString(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    if (args[0]->IsNull(r) || args[1]->IsNull(r)) {
      out.SetNull(r, true);
      continue;
    }
    const std::string delimiter = args[1]->GetValue(r).s;
    const bool with_null = args.size() > 2 && !args[2]->IsNull(r);
    const std::string null_string = with_null ? args[2]->GetValue(r).s : "";
    std::string text;
    bool first = true;
    for (const Value& e : ArrayElements(args[0]->GetValue(r))) {
      if (e.is_null && !with_null) continue;
      if (!first) text += delimiter;
      text += e.is_null ? null_string : e.ToString();
      first = false;
    }
    out.SetValue(r, Value::Text(text));
  }
}

// IS NOT DISTINCT FROM, as array_position compares: NULL finds NULL.
bool SameElement(const Value& element, const Value& x) {
  return element.is_null || x.is_null ? element.is_null == x.is_null : CompareValues(CastValue(element, x.type), x) == 0;
}

// Calls emit(r, positions) with the 1-based positions in row r's array of the elements equal to
// the value (the first only with kFirstOnly); a row whose array is NULL is NULL.
template <bool kFirstOnly, class Out>
void ForEachPositionList(const std::vector<const Vector*>& args, size_t count, Vector& out, Out&& emit) {
  for (size_t r = 0; r < count; ++r) {
    if (args[0]->IsNull(r)) {
      out.SetNull(r, true);
      continue;
    }
    const Value x = args[1]->GetValue(r);
    const std::vector<Value> elements = ArrayElements(args[0]->GetValue(r));
    std::vector<Value> positions;
    for (size_t k = 0; k < elements.size() && !(kFirstOnly && !positions.empty()); ++k)
      if (SameElement(elements[k], x)) positions.push_back(Value::Int(int64_t(k + 1), TypeId::kInt32));
    emit(r, positions);
  }
}

void ArrayPosition(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  ForEachPositionList<true>(args, count, out, [&](size_t r, const std::vector<Value>& positions) {
    if (positions.empty()) out.SetNull(r, true);
    else out.SetValue(r, positions[0]);
  });
}

// array_positions(array, value): every position holding the value, as integer[].
void ArrayPositions(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  ForEachPositionList<false>(args, count, out, [&](size_t r, const std::vector<Value>& positions) { out.SetValue(r, MakeArray(positions, out.type())); });
}

// array_remove(array, value): without the elements equal to the value (NULL removes NULLs);
// array_replace(array, from, to): those elements replaced by `to`.
template <bool kReplace>
void ArrayRemoveOrReplace(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    if (args[0]->IsNull(r)) {
      out.SetNull(r, true);
      continue;
    }
    const Value x = args[1]->GetValue(r);
    std::vector<Value> kept;
    for (Value& e : ArrayElements(args[0]->GetValue(r))) {
      if (!SameElement(e, x)) kept.push_back(std::move(e));
      else if (kReplace) kept.push_back(args[2]->GetValue(r));
    }
    out.SetValue(r, MakeArray(kept, out.type()));
  }
}

// array_fill(value, dimensions): a one-dimensional array of dimensions[1] copies of the value.
void ArrayFill(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    if (args[1]->IsNull(r)) throw Error(SqlState::kNullValueNotAllowed, "dimension array or low bound array cannot be null");
    const std::vector<Value> dims = ArrayElements(args[1]->GetValue(r));
    if (dims.size() != 1) throw Error(SqlState::kFeatureNotSupported, "multidimensional arrays are not supported");
    if (dims[0].is_null) throw Error(SqlState::kNullValueNotAllowed, "dimension values cannot be null");
    if (args.size() > 2) throw Error(SqlState::kFeatureNotSupported, "arrays with lower bounds other than 1 are not supported");
    const int64_t length = std::max<int64_t>(0, dims[0].i);
    if (length > 100000000) throw Error(SqlState::kProgramLimitExceeded, "array size exceeds the maximum allowed");
    out.SetValue(r, MakeArray(std::vector<Value>(size_t(length), args[0]->GetValue(r)), out.type()));
  }
}

// array_dims / array_ndims: "[1:n]" and 1 for a non-empty array (arrays here are
// one-dimensional from 1); NULL for an empty one.
template <bool kNdims>
void ArrayDims(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  ForEachValid(out, count, [&](size_t r) {
    const size_t n = ArrayElements(args[0]->GetValue(r)).size();
    if (n == 0) out.SetNull(r, true);
    else if (kNdims) out.SetValue(r, Value::Int(1, TypeId::kInt32));
    else out.SetValue(r, Value::Text(fmt::format("[1:{}]", n)));
  });
}

// trim_array(array, n): without its last n elements.
void TrimArray(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  ForEachValid(out, count, [&](size_t r) {
    std::vector<Value> elements = ArrayElements(args[0]->GetValue(r));
    const int64_t n = args[1]->i64()[r];
    if (n < 0 || n > int64_t(elements.size()))
      throw Error(SqlState::kArraySubscriptError, fmt::format("number of elements to trim must be between 0 and {}", elements.size()));
    elements.resize(elements.size() - size_t(n));
    out.SetValue(r, MakeArray(elements, out.type()));
  });
}

void ArrayAppend(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    std::vector<Value> elements;
    if (!args[0]->IsNull(r)) elements = ArrayElements(args[0]->GetValue(r));
    elements.push_back(args[1]->GetValue(r));
    out.SetValue(r, MakeArray(elements, out.type()));
  }
}

void ArrayPrepend(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    std::vector<Value> elements{args[0]->GetValue(r)};
    if (!args[1]->IsNull(r))
      for (Value& e : ArrayElements(args[1]->GetValue(r))) elements.push_back(e);
    out.SetValue(r, MakeArray(elements, out.type()));
  }
}

void ArrayCat(const std::vector<const Vector*>& args, size_t count, Vector& out) {
  for (size_t r = 0; r < count; ++r) {
    if (args[0]->IsNull(r) && args[1]->IsNull(r)) {
      out.SetNull(r, true);
      continue;
    }
    std::vector<Value> elements;
    for (int k = 0; k < 2; ++k)
      if (!args[k]->IsNull(r))
        for (Value& e : ArrayElements(args[k]->GetValue(r))) elements.push_back(e);
    out.SetValue(r, MakeArray(elements, out.type()));
  }
}

LogicalType ArrayOfFirst(const std::vector<LogicalType>& args) { return ArrayOf(args.empty() || args[0].id == TypeId::kNull ? LogicalType(TypeId::kText) : args[0]); }
LogicalType ElementOfFirst(const std::vector<LogicalType>& args) { return ArrayElementType(args[0]); }
LogicalType SameAsFirst(const std::vector<LogicalType>& args) { return args[0]; }
LogicalType SecondType(const std::vector<LogicalType>& args) { return args[1]; }

void Add(FunctionRegistry& r, const char* name, std::vector<LogicalType> args, LogicalType ret, ScalarKernel kernel,
         LogicalType (*infer)(const std::vector<LogicalType>&), bool strict, bool variadic, const char* description,
         const char* example) {
  ScalarFunction f;
  f.name = name;
  f.arg_types = std::move(args);
  f.return_type = ret;
  f.kernel = kernel;
  f.infer_return = infer;
  f.strict = strict;
  f.variadic = variadic;
  f.description = description;
  f.example = example;
  r.AddScalar(f);
}

}  // namespace

void RegisterArrayFunctions(FunctionRegistry& r) {
  const LogicalType any(TypeId::kNull), i4(TypeId::kInt32), t(TypeId::kText), b(TypeId::kBool);
  // Internals of the syntax (names start with "__": the planner calls them; they are not listed).
  Add(r, "__array_construct", {any}, kAnyArray, ArrayConstruct, ArrayOfFirst, false, true, "", "");
  Add(r, "__array_subscript", {kAnyArray, i4}, any, ArraySubscript, ElementOfFirst, true, false, "", "");
  Add(r, "__array_any", {any, kAnyArray, t, b}, b, ArrayAny, nullptr, false, false, "", "");
  Add(r, "array_to_string", {kAnyArray, t}, t, ArrayToString, nullptr, false, false,
      "the elements joined by a delimiter (NULLs skipped)", "array_to_string(ARRAY[1, NULL, 3], ',') → 1,3");
  Add(r, "array_to_string", {kAnyArray, t, t}, t, ArrayToString, nullptr, false, false,
      "the elements joined by a delimiter, NULLs spelled as the third argument", "array_to_string(ARRAY[1, NULL], ',', '*') → 1,*");
  Add(r, "array_length", {kAnyArray, i4}, i4, ArrayBound<0>, nullptr, true, false, "number of elements in a dimension",
      "array_length(ARRAY[1, 2, 3], 1) → 3");
  Add(r, "array_upper", {kAnyArray, i4}, i4, ArrayBound<1>, nullptr, true, false, "upper bound of a dimension",
      "array_upper(ARRAY[1, 2, 3], 1) → 3");
  Add(r, "array_lower", {kAnyArray, i4}, i4, ArrayBound<2>, nullptr, true, false, "lower bound of a dimension",
      "array_lower(ARRAY[1, 2, 3], 1) → 1");
  Add(r, "cardinality", {kAnyArray}, i4, Cardinality, nullptr, true, false, "number of elements",
      "cardinality(ARRAY['a', 'b']) → 2");
  Add(r, "array_position", {kAnyArray, any}, i4, ArrayPosition, nullptr, false, false,
      "position of the first element equal to the value (NULL: not found)", "array_position(ARRAY['a', 'b'], 'b') → 2");
  Add(r, "array_positions", {kAnyArray, any}, ArrayOf(TypeId::kInt32), ArrayPositions, nullptr, false, false,
      "positions of every element equal to the value", "array_positions(ARRAY['A', 'A', 'B', 'A'], 'A') → {1,2,4}");
  Add(r, "array_remove", {kAnyArray, any}, kAnyArray, ArrayRemoveOrReplace<false>, SameAsFirst, false, false,
      "the array without the elements equal to the value", "array_remove(ARRAY[1, 2, 3, 2], 2) → {1,3}");
  Add(r, "array_replace", {kAnyArray, any, any}, kAnyArray, ArrayRemoveOrReplace<true>, SameAsFirst, false, false,
      "the array with the elements equal to one value replaced by another", "array_replace(ARRAY[1, 2, 5, 4], 5, 3) → {1,2,3,4}");
  Add(r, "array_fill", {any, ArrayOf(TypeId::kInt32)}, kAnyArray, ArrayFill, ArrayOfFirst, false, false,
      "an array of copies of the value (one dimension)", "array_fill(11, ARRAY[3]) → {11,11,11}");
  Add(r, "array_dims", {kAnyArray}, TypeId::kText, ArrayDims<false>, nullptr, true, false, "the array's dimensions as text",
      "array_dims(ARRAY[1, 2, 3]) → [1:3]");
  Add(r, "array_ndims", {kAnyArray}, i4, ArrayDims<true>, nullptr, true, false, "the array's number of dimensions",
      "array_ndims(ARRAY[1, 2]) → 1");
  Add(r, "trim_array", {kAnyArray, i4}, kAnyArray, TrimArray, SameAsFirst, true, false, "the array without its last n elements",
      "trim_array(ARRAY[1, 2, 3, 4, 5, 6], 2) → {1,2,3,4}");
  Add(r, "array_append", {kAnyArray, any}, kAnyArray, ArrayAppend, SameAsFirst, false, false, "the array with one more element",
      "array_append(ARRAY[1, 2], 3) → {1,2,3}");
  // ||: array || array, array || element, element || array (text || text stays text's).
  Add(r, "||", {kAnyArray, kAnyArray}, kAnyArray, ArrayCat, SameAsFirst, false, false, "", "");
  Add(r, "||", {kAnyArray, any}, kAnyArray, ArrayAppend, SameAsFirst, false, false, "", "");
  Add(r, "||", {any, kAnyArray}, kAnyArray, ArrayPrepend, SecondType, false, false, "", "");
  Add(r, "array_prepend", {any, kAnyArray}, kAnyArray, ArrayPrepend, SecondType, false, false, "the array with one more element in front",
      "array_prepend(1, ARRAY[2, 3]) → {1,2,3}");
  Add(r, "array_cat", {kAnyArray, kAnyArray}, kAnyArray, ArrayCat, SameAsFirst, false, false, "two arrays joined",
      "array_cat(ARRAY[1], ARRAY[2, 3]) → {1,2,3}");
}

}  // namespace yunhe
