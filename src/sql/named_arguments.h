// Calls that name their arguments (`make_interval(days => 10)`) or leave out parameters that
// have defaults, for the built-in functions PostgreSQL declares with parameter names. The binder
// turns such a call into the positional one the function registry knows.
#pragma once
#include <string>
#include <vector>

#include "common/value.h"

namespace yunhe {

struct ParameterList {
  std::vector<std::string> names;
  // Defaults of the last defaults.size() parameters.
  std::vector<Value> defaults;
};

// The parameters of a built-in function that takes names or defaults; nullptr for the others.
const ParameterList* BuiltinParameters(const std::string& function);

}  // namespace yunhe
