// Fuzz target: JSON text as jsonb/json values (SQL) and as MQTT payloads turned into line protocol.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "functions/json_value.h"
#include "ingest/json/json_to_lineproto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool jsonb : {false, true}) {
    try {
      (void)yunhe::ParseJson(text, jsonb);
    } catch (const yunhe::Error&) {
      // malformed JSON is an error, as it should be
    }
  }
  std::string error;
  (void)yunhe::mqtt::JsonToLineProtocol(text, "mqtt", &error);
  return 0;
}
