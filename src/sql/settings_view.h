// The run-time settings (SET / SHOW) of the session whose statement this thread plans, for the
// functions that read or change them: current_setting(name [, missing_ok]) and
// set_config(name, value, is_local) are answered when the call is bound (PostgreSQL marks them
// STABLE / VOLATILE; a statement sees one value). Set by engine::Session while it holds the
// database; nullptr elsewhere (then only the process-wide settings are known).
#pragma once
#include <map>
#include <string>

namespace yunhe {

using SettingsMap = std::map<std::string, std::string>;
void SetPlanningSettings(SettingsMap* settings);
SettingsMap* PlanningSettings();
// The value SHOW name gives: the session's setting, or a process-wide one (memory_limit,
// temp_directory, work_mem's default). false when there is no such parameter.
bool LookupSetting(const SettingsMap* settings, const std::string& name, std::string* value);

}  // namespace yunhe
