// Fuzz target: NMEA 0183 text (any talker, GGA/RMC/GSA/GSV/GST/...) through the sentence parser
// and the epoch reader that turns sentences into fixes and satellites.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/nmea/nmea_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  yunhe::nmea::Reader reader;
  reader.Feed(std::string_view(reinterpret_cast<const char*>(data), size));
  reader.Finish();
  return 0;
}
