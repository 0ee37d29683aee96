// The tables NMEA input lands in, shared by read_nmea(), COPY ... (FORMAT nmea) and
// `yunhe import`:
//   fixes           one row per epoch with a position sentence (columns in docs/nmea.md)
//   satellites      one row per satellite in view per epoch (GSV), `used` from GSA
//   nmea_sentences  proprietary ($P...) and TXT sentences as text (all sentences on request)
#pragma once
#include <string>
#include <vector>

#include "common/vector.h"
#include "ingest/nmea/nmea_reader.h"

namespace yunhe::nmea {

struct ColumnSpec {
  const char* name;
  TypeId type;
};
const std::vector<ColumnSpec>& FixColumns();
const std::vector<ColumnSpec>& SatelliteColumns();
const std::vector<ColumnSpec>& SentenceColumns();
std::vector<LogicalType> TypesOf(const std::vector<ColumnSpec>& cols);
// CREATE TABLE text for one of the schemas, time-partitioned on ts.
std::string CreateTableSql(const std::string& quoted_table, const std::vector<ColumnSpec>& cols, bool ts_not_null = true);

// Rows as chunks of up to kChunkRows (device: NULL when empty).
std::vector<DataChunk> FixChunks(const std::vector<Fix>& fixes, const std::string& device);
std::vector<DataChunk> SatelliteChunks(const std::vector<Satellite>& sats, const std::string& device);
std::vector<DataChunk> SentenceChunks(const std::vector<RawSentence>& raw, const std::string& device);

}  // namespace yunhe::nmea
