// A flat JSON object as one line of line protocol, so MQTT JSON payloads go through the same
// schema-on-write path: {"ts": ..., "device": "robot-1", "temp": 21.5, "ok": true}.
// - table: the "measurement" or "table" key, else the default;
// - time: "ts", "time" or "timestamp": a number of seconds, milliseconds, microseconds or
//   nanoseconds since the epoch (told apart by size), or a timestamp string; none = arrival time;
// - strings become text fields, numbers double precision fields, booleans boolean fields;
//   nested objects are flattened with "_" (one level), arrays and nulls are skipped.
#pragma once
#include <string>
#include <string_view>

namespace yunhe::mqtt {

// "" and *error set when the payload is not a JSON object.
std::string JsonToLineProtocol(std::string_view json, const std::string& default_table, std::string* error);

}  // namespace yunhe::mqtt
