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

namespace {

// A copy of the current set to change (plans bound to the old one keep pointing into it).
std::shared_ptr<UserFunctions> NextSet(const std::shared_ptr<const UserFunctions>& current) {
  return std::make_shared<UserFunctions>(current ? *current : UserFunctions());
}

}  // namespace

void Database::AddExternalRelation(std::shared_ptr<const ExternalRelation> r) {
  const auto& current = catalog_->user_functions;
  if (catalog_->NameTaken(r->name) || (current && current->Relation(r->name)))
    throw Error(SqlState::kDuplicateTable, fmt::format("relation \"{}\" already exists", r->name));
  auto next = NextSet(current);
  next->relations[r->name] = std::move(r);
  catalog_->user_functions = std::move(next);
}

void Database::RemoveExternalRelation(const std::string& name) {
  const auto& current = catalog_->user_functions;
  if (!current || !current->Relation(name))
    throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
  auto next = NextSet(current);
  next->relations.erase(name);
  catalog_->user_functions = std::move(next);
}

void Database::AddUserFunction(ScalarFunction f) {
  const auto& current = catalog_->user_functions;
  if (FunctionRegistry::Get().Scalars(f.name) || FunctionRegistry::Get().IsAggregate(f.name) ||
      (current && current->Scalars(f.name)))
    throw Error(SqlState::kDuplicateFunction, fmt::format("function \"{}\" already exists", f.name));
  auto next = NextSet(current);
  if (f.description.empty()) f.description = fmt::format("{}({}) registered by the embedding program", f.name, ArgList(f.arg_types));
  auto signatures = std::make_shared<const std::vector<ScalarFunction>>(std::vector<ScalarFunction>{std::move(f)});
  next->scalars[signatures->front().name] = signatures;
  user_function_history_.push_back(std::move(signatures));
  catalog_->user_functions = std::move(next);
}

void Database::RemoveUserFunction(const std::string& name) {
  const auto& current = catalog_->user_functions;
  if (!current || !current->Scalars(name))
    throw Error(SqlState::kUndefinedFunction, fmt::format("function {} does not exist", name));
  auto next = NextSet(current);
  next->scalars.erase(name);
  catalog_->user_functions = std::move(next);
}

}  // namespace yunhe
