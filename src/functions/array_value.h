// One-dimensional arrays as values: a Value of type T[] holds the canonical PostgreSQL text form
// ("{1,2,NULL}", strings quoted where needed), so arrays travel through vectors, the WAL and the
// wire like text. These helpers go between that form and element Values.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/types.h"
#include "common/value.h"

namespace yunhe {

// Splits an array literal into its elements (nullopt for NULL); throws 22P02
// `malformed array literal: "..."` for bad syntax, 0A000 for more than one dimension.
std::vector<std::optional<std::string>> SplitArrayLiteral(std::string_view text);

// The elements of an array value, each converted to the element type.
std::vector<Value> ArrayElements(const Value& array);

// The canonical text of an array of `elements` (each printed as PostgreSQL prints it).
std::string FormatArray(const std::vector<Value>& elements);

// An array value of `type` (T[]) from its elements.
Value MakeArray(const std::vector<Value>& elements, const LogicalType& type);

// Text input of T[]: parsed, each element read as T (22P02 naming T if one is bad), canonical.
Value ParseArray(const std::string& text, const LogicalType& type);

// Element-wise comparison, as PostgreSQL orders arrays (a shorter prefix sorts first).
int CompareArrays(const Value& a, const Value& b);

}  // namespace yunhe
