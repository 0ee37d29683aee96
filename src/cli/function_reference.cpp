#include "cli/function_reference.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "functions/function.h"

namespace yunhe {
namespace {
std::string Signature(const std::string& name, const std::vector<LogicalType>& args, bool variadic) {
  std::string s = name + "(";
  for (size_t k = 0; k < args.size(); ++k)
    s += (k ? ", " : "") + (args[k].id == TypeId::kNull ? std::string("any") : args[k].ToString());
  if (variadic) s += ", ...";
  return s + ")";
}
bool IsOperator(const std::string& name) { return !name.empty() && !isalpha((unsigned char)name[0]); }
}  // namespace

std::string FunctionReferenceMarkdown() {
  auto& reg = FunctionRegistry::Get();
  std::string out = "| function | signatures | description | example |\n|---|---|---|---|\n";
  for (const auto& name : reg.ScalarNames()) {
    if (IsOperator(name) || name.rfind("__", 0) == 0) continue;  // operators; internals of the syntax
    const auto* fs = reg.Scalars(name);
    std::set<std::string> sigs;
    for (auto& f : *fs) sigs.insert(Signature(name, f.arg_types, f.variadic) + " → " + f.return_type.ToString());
    std::string joined;
    for (auto& s : sigs) joined += (joined.empty() ? "" : "<br>") + s;
    out += fmt::format("| `{}` | {} | {} | `{}` |\n", name, joined, fs->front().description, fs->front().example);
  }
  out += "\n| aggregate | signatures | description | example |\n|---|---|---|---|\n";
  for (const auto& name : reg.AggregateNames()) {
    const auto* fs = reg.Aggregates(name);
    std::set<std::string> sigs;
    for (auto& f : *fs) {
      std::string ret = f.return_type.id == TypeId::kNull ? "same as input" : f.return_type.ToString();
      sigs.insert((f.kind == AggKind::kCountStar ? name + "(*)" : Signature(name, f.arg_types, false)) +
                  (f.ordered_set ? " WITHIN GROUP (ORDER BY …)" : "") + " → " + ret);
    }
    std::string joined;
    for (auto& s : sigs) joined += (joined.empty() ? "" : "<br>") + s;
    out += fmt::format("| `{}` | {} | {} | `{}` |\n", name, joined, fs->front().description, fs->front().example);
  }
  return out;
}

}  // namespace yunhe
