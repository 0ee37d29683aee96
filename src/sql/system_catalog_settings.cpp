// pg_settings: every run-time parameter SHOW knows, with PostgreSQL's columns (what DBeaver,
// pgAdmin and psql's \dconfig read): the session's values (sql/settings_view.h) and the
// process-wide ones, each with its category, description, type, unit and context.
#include "functions/array_value.h"
#include "sql/settings_view.h"
#include "sql/system_catalog_builder.h"

#include <set>

namespace yunhe::catalog_rows {

struct SettingDoc {
  const char* name;
  const char* vartype;  // bool, integer, string, enum, real
  const char* unit;     // nullptr: none
  const char* context;  // user, internal, postmaster, superuser
  const char* category;
  const char* short_desc;
  const char* boot_val;
};

const SettingDoc kSettings[] = {
    {"application_name", "string", nullptr, "user", "Reporting and Logging / What to Log", "Sets the application name to be reported in statistics and logs.", ""},
    {"client_encoding", "string", nullptr, "user", "Client Connection Defaults / Locale and Formatting", "Sets the client's character set encoding.", "UTF8"},
    {"datestyle", "string", nullptr, "user", "Client Connection Defaults / Locale and Formatting", "Sets the display format for date and time values.", "ISO, MDY"},
    {"default_transaction_isolation", "enum", nullptr, "user", "Client Connection Defaults / Statement Behavior", "Sets the transaction isolation level of each new transaction.", "read committed"},
    {"default_transaction_read_only", "bool", nullptr, "user", "Client Connection Defaults / Statement Behavior", "Sets the default read-only status of new transactions.", "off"},
    {"extra_float_digits", "integer", nullptr, "user", "Client Connection Defaults / Locale and Formatting", "Sets the number of digits displayed for floating-point values.", "1"},
    {"integer_datetimes", "bool", nullptr, "internal", "Preset Options", "Shows whether datetimes are integer based.", "on"},
    {"max_identifier_length", "integer", nullptr, "internal", "Preset Options", "Shows the maximum identifier length.", "63"},
    {"memory_limit", "string", nullptr, "superuser", "Resource Usage / Memory", "Memory for cached blocks of sealed table parts, process-wide (yunhe).", ""},
    {"search_path", "string", nullptr, "user", "Client Connection Defaults / Statement Behavior", "Sets the schema search order for names that are not schema-qualified.", "\"$user\", public"},
    {"server_encoding", "string", nullptr, "internal", "Preset Options", "Shows the server (database) character set encoding.", "UTF8"},
    {"server_version", "string", nullptr, "internal", "Preset Options", "Shows the server version.", "15.0 (yunhe 0.1)"},
    {"server_version_num", "integer", nullptr, "internal", "Preset Options", "Shows the server version as an integer.", "150000"},
    {"standard_conforming_strings", "bool", nullptr, "user", "Version and Platform Compatibility / Previous PostgreSQL Versions", "Causes '...' strings to treat backslashes literally.", "on"},
    {"statement_timeout", "integer", "ms", "user", "Client Connection Defaults / Statement Behavior", "Sets the maximum allowed duration of any statement.", "0"},
    {"temp_directory", "string", nullptr, "superuser", "Resource Usage / Disk", "Where sorts that exceed work_mem spill, process-wide (yunhe).", ""},
    {"timezone", "string", nullptr, "user", "Client Connection Defaults / Locale and Formatting", "Sets the time zone for displaying and interpreting time stamps.", "UTC"},
    {"transaction_isolation", "enum", nullptr, "user", "Client Connection Defaults / Statement Behavior", "Sets the current transaction's isolation level.", "read committed"},
    {"transaction_read_only", "bool", nullptr, "user", "Client Connection Defaults / Statement Behavior", "Sets the current transaction's read-only status.", "off"},
    {"work_mem", "string", nullptr, "user", "Resource Usage / Memory", "Sets the maximum memory one sort uses before it spills to temp_directory.", ""},
};

}  // namespace yunhe::catalog_rows

namespace yunhe {

std::string SettingValuesMap() {
  const SettingsMap* session = PlanningSettings();
  std::string out, value;
  std::set<std::string> listed;
  auto line = [&](const std::string& n) {
    if (listed.insert(n).second && LookupSetting(session, n, &value)) out += n + "\t" + value + "\n";
  };
  for (const auto& d : catalog_rows::kSettings) line(d.name);
  if (session)
    for (auto& [n, v] : *session) line(n);
  return out;
}

}  // namespace yunhe

namespace yunhe::catalog_rows {

bool BuildSettingsRelation(const std::string& name, SystemRelation* out) {
  if (name != "pg_settings") return false;
  Builder b(out, {{"name", T}, {"setting", T}, {"unit", T}, {"category", T}, {"short_desc", T}, {"extra_desc", T}, {"context", T},
                  {"vartype", T}, {"source", T}, {"min_val", T}, {"max_val", T}, {"enumvals", TA}, {"boot_val", T}, {"reset_val", T},
                  {"sourcefile", T}, {"sourceline", I4}, {"pending_restart", B}});
  const SettingsMap* session = PlanningSettings();
  std::set<std::string> listed;
  auto row = [&](const std::string& setting_name, const SettingDoc* doc) {
    std::string value;
    if (!LookupSetting(session, setting_name, &value) || !listed.insert(setting_name).second) return;
    const std::string boot = doc ? doc->boot_val : "";
    std::vector<Value> enums;
    if (setting_name == "default_transaction_isolation" || setting_name == "transaction_isolation")
      for (const char* level : {"serializable", "repeatable read", "read committed", "read uncommitted"}) enums.push_back(Text(level));
    b.Row({Text(setting_name), Text(value), doc && doc->unit ? Text(doc->unit) : Null(), Text(doc ? doc->category : "Customized Options"),
           Text(doc ? doc->short_desc : ""), Null(), Text(doc ? doc->context : "user"), Text(doc ? doc->vartype : "string"),
           Text(session && session->count(setting_name) && value != boot && (!doc || std::string(doc->context) != "internal") ? "session" : "default"),
           Null(), Null(),
           enums.empty() ? Null() : MakeArray(enums, TA), Text(boot), Text(value), Null(), Null(), Bool(false)});
  };
  for (const SettingDoc& d : kSettings) row(d.name, &d);
  if (session)  // anything else the session SET (custom options such as myapp.user_id)
    for (auto& [n, v] : *session) row(n, nullptr);
  b.Finish();
  return true;
}

}  // namespace yunhe::catalog_rows
