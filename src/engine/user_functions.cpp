// Scalar functions registered by an embedding program (Database::AddUserFunction).
#include <fmt/format.h>

#include "common/status.h"
#include "engine/database.h"
#include "functions/user_functions.h"

namespace yunhe {

namespace {

std::string ArgList(const std::vector<LogicalType>& args) {
  std::string s;
  for (size_t k = 0; k < args.size(); ++k) s += (k ? ", " : "") + args[k].ToString();
  return s;
}

}  // namespace

void Database::AddUserFunction(ScalarFunction f) {
  const auto& current = catalog_->user_functions;
  if (FunctionRegistry::Get().Scalars(f.name) || FunctionRegistry::Get().IsAggregate(f.name) ||
      (current && current->Scalars(f.name)))
    throw Error(SqlState::kDuplicateFunction, fmt::format("function \"{}\" already exists", f.name));
  // A new set: plans bound to the old one keep pointing into it (kept below).
  auto next = std::make_shared<UserFunctions>(current ? *current : UserFunctions());
  if (f.description.empty()) f.description = fmt::format("{}({}) registered by the embedding program", f.name, ArgList(f.arg_types));
  next->scalars[f.name].push_back(std::move(f));
  user_function_sets_.push_back(next);
  catalog_->user_functions = std::move(next);
}

void Database::RemoveUserFunction(const std::string& name) {
  const auto& current = catalog_->user_functions;
  if (!current || !current->Scalars(name))
    throw Error(SqlState::kUndefinedFunction, fmt::format("function {} does not exist", name));
  auto next = std::make_shared<UserFunctions>(*current);
  next->scalars.erase(name);
  user_function_sets_.push_back(next);
  catalog_->user_functions = std::move(next);
}

}  // namespace yunhe
