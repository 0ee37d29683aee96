#include "engine/api_tokens.h"

#include <fmt/format.h>

#include <chrono>

#include "auth/api_token.h"
#include "common/sql_text.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "engine/command_calls.h"
#include "sql/privileges.h"

namespace yunhe {

namespace {

std::string RestoreCall(const std::string& name, const ApiToken& t) {
  return fmt::format("SELECT yunhe_restore_token({}, {}, {}, {})", QuoteLiteral(name), QuoteLiteral(t.role), QuoteLiteral(t.digest), t.created_us);
}

// Who may make or drop a token of `role`: the role itself; superusers; CREATEROLE roles for
// non-superusers (those who could set the role's password).
void CheckTokenAdmin(const Catalog& cat, const std::string& role, const char* action) {
  const std::string& me = CurrentStatement().current_user;
  if (me == role || IsSuperuser(cat, me)) return;
  const RoleInfo* mine = cat.FindRole(me);
  if (mine && mine->createrole && !IsSuperuser(cat, role)) return;
  throw Error(SqlState::kInsufficientPrivilege, fmt::format("permission denied to {} an API token of role \"{}\"", action, role));
}

void CheckTokenName(const std::string& name) {
  if (name.empty()) throw Error(SqlState::kInvalidParameterValue, "API token name must not be empty");
  if (name.size() > 63) throw Error(SqlState::kInvalidParameterValue, fmt::format("API token name \"{}\" is too long (at most 63 bytes)", name));
}

std::string TextArg(const std::vector<Value>& args, size_t k, const char* function, const char* what) {
  if (k >= args.size() || args[k].is_null) throw Error(SqlState::kNullValueNotAllowed, fmt::format("{}: {} must not be null", function, what));
  return args[k].ToString();
}

}  // namespace

bool IsApiTokenCommand(const PgQuery__Node* node) {
  const std::string name = CommandCallName(node);
  return name == "yunhe_create_token" || name == "yunhe_drop_token" || name == "yunhe_restore_token";
}

void ExecuteApiTokenCommand(Database& db, PgQuery__Node* node, const std::string& sql, QueryResult& result) {
  const std::string function = CommandCallName(node);
  const std::vector<Value> args = CommandCallArgs(db, node, sql);
  const Catalog& cat = db.catalog();
  result.tag = "SELECT 1";
  if (function == "yunhe_create_token") {
    if (args.empty() || args.size() > 2) throw Error(SqlState::kUndefinedFunction, "yunhe_create_token(name text [, role name])");
    const std::string name = TextArg(args, 0, "yunhe_create_token", "name");
    const std::string role = args.size() > 1 ? TextArg(args, 1, "yunhe_create_token", "role") : CurrentStatement().current_user;
    CheckTokenName(name);
    if (!RoleExists(cat, role) || IsPredefinedRole(role)) throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", role));
    CheckTokenAdmin(cat, role, "create");
    if (cat.api_tokens.count(name)) throw Error(SqlState::kDuplicateObject, fmt::format("API token \"{}\" already exists", name));
    const std::string token = auth::NewApiToken();
    ApiToken t;
    t.role = role;
    t.digest = auth::ApiTokenDigest(token);
    t.created_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    db.BeginCatalogChange();
    db.mutable_catalog().api_tokens[name] = t;
    db.RecordCatalogChange(RestoreCall(name, t), "");
    result.SetOneText(CommandCallColumn(node), token);
    return;
  }
  if (function == "yunhe_drop_token") {
    if (args.size() != 1) throw Error(SqlState::kUndefinedFunction, "yunhe_drop_token(name text)");
    const std::string name = TextArg(args, 0, "yunhe_drop_token", "name");
    auto it = cat.api_tokens.find(name);
    if (it == cat.api_tokens.end()) throw Error(SqlState::kUndefinedObject, fmt::format("API token \"{}\" does not exist", name));
    CheckTokenAdmin(cat, it->second.role, "drop");
    db.BeginCatalogChange();
    db.mutable_catalog().api_tokens.erase(name);
    db.RecordCatalogChange("SELECT yunhe_drop_token(" + QuoteLiteral(name) + ")", "");
    result.SetOneText(CommandCallColumn(node), name);
    return;
  }
  // yunhe_restore_token: recovery, or a superuser carrying a token over by its digest.
  if (args.size() != 4) throw Error(SqlState::kUndefinedFunction, "yunhe_restore_token(name text, role name, digest text, created_us bigint)");
  if (!db.in_replay() && !CurrentUserIsSuperuser(cat)) throw Error(SqlState::kInsufficientPrivilege, "must be superuser to restore an API token");
  const std::string name = TextArg(args, 0, function.c_str(), "name");
  ApiToken t;
  t.role = TextArg(args, 1, function.c_str(), "role");
  t.digest = TextArg(args, 2, function.c_str(), "digest");
  if (args[3].is_null || !args[3].type.IsInteger()) throw Error(SqlState::kInvalidParameterValue, "yunhe_restore_token: created_us must be an integer");
  t.created_us = args[3].i;
  CheckTokenName(name);
  if (!auth::IsApiTokenDigest(t.digest)) throw Error(SqlState::kInvalidParameterValue, "yunhe_restore_token: digest must be 64 lowercase hex digits (SHA-256)");
  if (!RoleExists(cat, t.role) || IsPredefinedRole(t.role)) throw Error(SqlState::kUndefinedObject, fmt::format("role \"{}\" does not exist", t.role));
  if (cat.api_tokens.count(name)) throw Error(SqlState::kDuplicateObject, fmt::format("API token \"{}\" already exists", name));
  db.BeginCatalogChange();
  db.mutable_catalog().api_tokens[name] = t;
  db.RecordCatalogChange(RestoreCall(name, t), "");
  result.SetOneText(CommandCallColumn(node), name);
}

std::string ApiTokensDdl(const Catalog& catalog) {
  std::string out;
  for (auto& [name, t] : catalog.api_tokens) out += RestoreCall(name, t) + ";\n";
  return out;
}

std::string ApiTokenRole(const Catalog& catalog, const std::string& token) {
  if (!auth::LooksLikeApiToken(token)) return "";
  const std::string digest = auth::ApiTokenDigest(token);
  for (auto& [name, t] : catalog.api_tokens)
    if (auth::SameDigest(t.digest, digest)) return t.role;
  return "";
}

}  // namespace yunhe
