// Scalar functions an embedding program registers at run time (the C++ API's CreateFunction,
// Python's create_function): per database, held by its catalog, never written to disk. A set is
// immutable once made; registering makes a new set (engine/user_functions.cpp keeps the old
// ones alive, since bound plans point at their entries).
#pragma once
#include <string>
#include <unordered_map>
#include <vector>

#include "functions/function.h"

namespace yunhe {

struct UserFunctions {
  std::unordered_map<std::string, std::vector<ScalarFunction>> scalars;
  const std::vector<ScalarFunction>* Scalars(const std::string& name) const {
    auto it = scalars.find(name);
    return it == scalars.end() ? nullptr : &it->second;
  }
};

}  // namespace yunhe
