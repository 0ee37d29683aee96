// A client of a running gpsd (its JSON protocol: ?WATCH, then TPV and SKY reports) that streams
// fixes and satellites into the same tables as NMEA input (ingest/nmea/nmea_tables.h). gpsd sends
// several TPV/SKY reports per epoch as sentences arrive; the last one of each epoch is kept.
// Rows are committed about once a second.
#pragma once
#include <atomic>
#include <string>

#include "engine/database.h"

namespace yunhe::gpsd {

struct GpsdOptions {
  std::string host = "127.0.0.1";
  int port = 2947;
  std::string device;     // stored in the device column
  double seconds = 0;     // stop after this long (0: until gpsd closes or *stop)
};

struct GpsdReport {
  size_t fixes = 0, satellites = 0, bad_reports = 0;
};

// Runs until gpsd closes the connection, the time is up, or *stop becomes true.
Status RunGpsdIngest(Database& db, const GpsdOptions& options, const std::atomic<bool>& stop, GpsdReport* report);

}  // namespace yunhe::gpsd
