#include "exec/read_nmea.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "common/notices.h"
#include "common/status.h"
#include "storage/file_util.h"
#include "ingest/nmea/nmea_tables.h"

namespace yunhe {

ReadNmeaOperator::ReadNmeaOperator(NmeaTable table, std::string path, std::string device, std::optional<int64_t> date_days,
                                   bool keep_all_raw)
    : table_(table), path_(std::move(path)), device_(std::move(device)), date_days_(date_days), keep_all_raw_(keep_all_raw) {
  const auto& cols = table == NmeaTable::kFixes ? nmea::FixColumns()
                     : table == NmeaTable::kSatellites ? nmea::SatelliteColumns() : nmea::SentenceColumns();
  for (auto& c : cols) {
    names.push_back(c.name);
    types.emplace_back(c.type);
  }
}

void ReadNmeaOperator::Open(ExecContext&) {
  const std::string text = ReadWholeFile(path_);
  nmea::ReaderOptions o;
  o.date_days = date_days_;
  o.keep_all_raw = keep_all_raw_;
  nmea::Reader reader(o);
  reader.Feed(text);
  reader.Finish();
  constexpr size_t kShown = 20;
  for (size_t k = 0; k < reader.problems.size() && k < kShown; ++k) {
    const auto& p = reader.problems[k];
    RaiseNotice(p.line ? fmt::format("{}:{}: {}", path_, p.line, p.reason) : fmt::format("{}: {}", path_, p.reason));
  }
  if (reader.problems.size() > kShown) RaiseNotice(fmt::format("{}: {} more problems not shown", path_, reader.problems.size() - kShown));
  switch (table_) {
    case NmeaTable::kFixes: chunks_ = nmea::FixChunks(reader.fixes, device_); break;
    case NmeaTable::kSatellites: chunks_ = nmea::SatelliteChunks(reader.satellites, device_); break;
    case NmeaTable::kSentences: chunks_ = nmea::SentenceChunks(reader.raw, device_); break;
  }
  next_ = 0;
}

bool ReadNmeaOperator::Next(ExecContext&, DataChunk& out) {
  if (next_ >= chunks_.size()) return false;
  out = chunks_[next_++];
  return true;
}

}  // namespace yunhe
