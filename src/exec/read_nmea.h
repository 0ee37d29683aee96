// read_nmea('file' [, device => 'robot-1'] [, date => '2024-05-01'] [, raw => true]) and its
// siblings read_nmea_satellites / read_nmea_sentences: parse an NMEA 0183 log when the query runs
// and return its fixes, satellites in view or kept sentences (schemas in ingest/nmea/nmea_tables.h).
// Skipped sentences become notices with their line numbers.
#pragma once
#include <optional>
#include <string>

#include "exec/operator.h"

namespace yunhe {

enum class NmeaTable { kFixes, kSatellites, kSentences };

class ReadNmeaOperator : public PhysicalOperator {
 public:
  ReadNmeaOperator(NmeaTable table, std::string path, std::string device, std::optional<int64_t> date_days, bool keep_all_raw);
  void Open(ExecContext& ctx) override;
  std::string Name() const override { return "NMEA Scan"; }
  std::string Details() const override { return "File: " + path_; }

 protected:
  bool Next(ExecContext& ctx, DataChunk& out) override;

 private:
  NmeaTable table_;
  std::string path_, device_;
  std::optional<int64_t> date_days_;
  bool keep_all_raw_;
  std::vector<DataChunk> chunks_;
  size_t next_ = 0;
};

}  // namespace yunhe
