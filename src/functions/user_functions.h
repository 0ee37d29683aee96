// What an embedding program registers at run time: scalar functions (the C++ API's
// CreateFunction, Python's create_function) and relations over its own memory (RegisterRelation,
// Python's con.register(name, DataFrame)). Per database, held by its catalog, never written to
// disk. A set is immutable once made; registering makes a new set.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "functions/function.h"

namespace yunhe {

// Rows the program holds (a DataFrame's columns), read in chunks by a scan: `fill` puts rows
// [begin, begin + count) into `out` (initialized with `types`). It may be called from any thread
// running the statement; it must not change what it hands out while registered.
struct ExternalRelation {
  std::string name;
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  size_t rows = 0;
  std::function<void(size_t begin, size_t count, DataChunk& out)> fill;
};

struct UserFunctions {
  // Shared between sets: a bound plan points into a signature list, which stays where it is
  // while the database keeps it (engine/user_functions.cpp).
  std::unordered_map<std::string, std::shared_ptr<const std::vector<ScalarFunction>>> scalars;
  std::unordered_map<std::string, std::shared_ptr<const ExternalRelation>> relations;
  std::shared_ptr<const ExternalRelation> Relation(const std::string& name) const {
    auto it = relations.find(name);
    return it == relations.end() ? nullptr : it->second;
  }
  const std::vector<ScalarFunction>* Scalars(const std::string& name) const {
    auto it = scalars.find(name);
    return it == scalars.end() ? nullptr : it->second.get();
  }
};

}  // namespace yunhe
