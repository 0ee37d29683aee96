#include "sql/named_arguments.h"

#include <unordered_map>

namespace yunhe {

const ParameterList* BuiltinParameters(const std::string& function) {
  // PostgreSQL's pg_proc.proargnames and proargdefaults of these functions.
  static const std::unordered_map<std::string, ParameterList> kLists = [] {
    std::unordered_map<std::string, ParameterList> m;
    const Value zero = Value::Int(0, TypeId::kInt32);
    m["make_interval"] = {{"years", "months", "weeks", "days", "hours", "mins", "secs"},
                          {zero, zero, zero, zero, zero, zero, Value::Float(0)}};
    m["make_timestamp"] = {{"year", "month", "mday", "hour", "min", "sec"}, {}};
    m["make_timestamptz"] = {{"year", "month", "mday", "hour", "min", "sec", "timezone"}, {}};
    m["make_date"] = {{"year", "month", "day"}, {}};
    m["make_time"] = {{"hour", "min", "sec"}, {}};
    return m;
  }();
  auto it = kLists.find(function);
  return it == kLists.end() ? nullptr : &it->second;
}

}  // namespace yunhe
