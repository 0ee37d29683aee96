// Writes NMEA input into tables inside the caller's statement: fixes (and, for `yunhe import`,
// satellites and kept sentences). A missing table is created with the standard schema
// (nmea_tables.h); an existing one receives the columns it has, by name (others stay NULL or
// take their defaults); a column of an incompatible type is an error.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "ingest/table_appender.h"
#include "ingest/nmea/nmea_reader.h"

namespace yunhe::nmea {

struct WriteTargets {
  std::string fixes = "fixes";
  std::string satellites;  // "" = do not write
  std::string sentences;   // "" = do not write
};

struct NmeaWriteReport {
  size_t fixes = 0, satellites = 0, sentences = 0;
  std::vector<Problem> problems;
};

// Appends fixes and satellites from any source (the NMEA reader, gpsd) to the target tables.
NmeaWriteReport WriteRecords(TableAppender& db, const std::vector<Fix>& fixes, const std::vector<Satellite>& satellites,
                             const std::string& device, const WriteTargets& targets);
// Appends what `reader` has produced so far and clears it (for feeding a large file block by
// block into one reader, committing each block).
NmeaWriteReport WriteReaderResults(TableAppender& db, Reader& reader, const std::string& device, const WriteTargets& targets);

// Parses `text` (whole lines from `first_line` on) and appends the results.
NmeaWriteReport WriteNmea(TableAppender& db, std::string_view text, const std::string& device, const ReaderOptions& options,
                          const WriteTargets& targets, size_t first_line = 1);

}  // namespace yunhe::nmea
