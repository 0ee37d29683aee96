#include "sql/settings_view.h"

#include "common/statement_context.h"

#include "common/memory_limit.h"

namespace yunhe {
namespace {
thread_local SettingsMap* t_settings = nullptr;
}  // namespace

void SetPlanningSettings(SettingsMap* settings) { t_settings = settings; }
SettingsMap* PlanningSettings() { return t_settings; }

bool LookupSetting(const SettingsMap* settings, const std::string& name, std::string* value) {
  if (name == "memory_limit") {  // process-wide, not per session
    *value = FormatMemorySize(MemoryLimitBytes());
    return true;
  }
  if (name == "temp_directory") {
    *value = TempDirectory();
    return true;
  }
  if (settings) {
    auto it = settings->find(name);
    if (it != settings->end()) {
      *value = it->second;
      return true;
    }
  }
  if (name == "work_mem") {
    *value = FormatMemorySize(DefaultWorkMemBytes());
    return true;
  }
  // The statement's roles (SET ROLE, SET SESSION AUTHORIZATION; sql/privileges.h).
  if (name == "role") {
    *value = CurrentStatement().current_user == CurrentStatement().session_user ? "none" : CurrentStatement().current_user;
    return true;
  }
  if (name == "session_authorization") {
    *value = CurrentStatement().session_user;
    return true;
  }
  return false;
}

}  // namespace yunhe
