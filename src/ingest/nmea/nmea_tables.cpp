#include "ingest/nmea/nmea_tables.h"

namespace yunhe::nmea {

namespace {
constexpr TypeId TZ = TypeId::kTimestampTz, T = TypeId::kText, F = TypeId::kFloat64, I = TypeId::kInt32,
                 B = TypeId::kBool, L = TypeId::kInt64;

template <class Row, class Fill>
std::vector<DataChunk> Chunks(const std::vector<Row>& rows, const std::vector<ColumnSpec>& cols, Fill fill) {
  std::vector<DataChunk> out;
  const auto types = TypesOf(cols);
  for (size_t start = 0; start < rows.size(); start += kChunkRows) {
    DataChunk c;
    c.Init(types);
    const size_t n = std::min(kChunkRows, rows.size() - start);
    for (auto& col : c.columns) col.Resize(n);
    for (size_t r = 0; r < n; ++r) fill(rows[start + r], c, r);
    c.count = n;
    out.push_back(std::move(c));
  }
  return out;
}

void SetText(Vector& v, size_t r, const std::string& s) {
  if (s.empty()) {
    v.SetNull(r, true);
    return;
  }
  v.str()[r] = s;
  v.SetNull(r, false);
}
template <class T>
void SetOpt(Vector& v, size_t r, const std::optional<T>& x) {
  if (!x) {
    v.SetNull(r, true);
    return;
  }
  if constexpr (std::is_same_v<T, double>) v.f64()[r] = *x;
  else v.i64()[r] = *x;
  v.SetNull(r, false);
}
void SetInt(Vector& v, size_t r, int64_t x) {
  v.i64()[r] = x;
  v.SetNull(r, false);
}
}  // namespace

const std::vector<ColumnSpec>& FixColumns() {
  static const std::vector<ColumnSpec> cols = {
      {"ts", TZ},          {"device", T},       {"lon", F},          {"lat", F},          {"alt", F},
      {"geoid_sep", F},    {"quality", I},      {"fix_type", I},     {"mode", T},         {"status", T},
      {"sats_used", I},    {"sats_gps", I},     {"sats_glonass", I}, {"sats_galileo", I}, {"sats_beidou", I},
      {"sats_qzss", I},    {"sats_navic", I},   {"hdop", F},         {"vdop", F},         {"pdop", F},
      {"speed", F},        {"course", F},       {"std_lat", F},      {"std_lon", F},      {"std_alt", F},
      {"diff_age", F},     {"station", I},      {"talker", T}};
  return cols;
}

const std::vector<ColumnSpec>& SatelliteColumns() {
  static const std::vector<ColumnSpec> cols = {{"ts", TZ},        {"device", T},    {"constellation", T},
                                               {"svid", I},       {"signal_id", I}, {"elevation", I},
                                               {"azimuth", I},    {"snr", I},       {"used", B}};
  return cols;
}

const std::vector<ColumnSpec>& SentenceColumns() {
  static const std::vector<ColumnSpec> cols = {{"ts", TZ}, {"device", T}, {"line", L}, {"talker", T}, {"type", T}, {"sentence", T}};
  return cols;
}

std::vector<LogicalType> TypesOf(const std::vector<ColumnSpec>& cols) {
  std::vector<LogicalType> t;
  for (auto& c : cols) t.emplace_back(c.type);
  return t;
}

std::string CreateTableSql(const std::string& quoted_table, const std::vector<ColumnSpec>& cols, bool ts_not_null) {
  std::string sql = "CREATE TABLE " + quoted_table + " (";
  for (size_t k = 0; k < cols.size(); ++k) {
    sql += (k ? ", " : "") + std::string(cols[k].name) + " " + LogicalType(cols[k].type).ToString();
    if (k == 0 && ts_not_null) sql += " NOT NULL";
  }
  return sql + ") PARTITION BY RANGE (ts)";
}

std::vector<DataChunk> FixChunks(const std::vector<Fix>& fixes, const std::string& device) {
  return Chunks(fixes, FixColumns(), [&](const Fix& f, DataChunk& c, size_t r) {
    auto& col = c.columns;
    SetInt(col[0], r, f.ts_ns);
    SetText(col[1], r, device);
    SetOpt(col[2], r, f.lon);
    SetOpt(col[3], r, f.lat);
    SetOpt(col[4], r, f.alt);
    SetOpt(col[5], r, f.geoid_sep);
    SetOpt(col[6], r, f.quality);
    SetOpt(col[7], r, f.fix_type);
    SetText(col[8], r, f.mode);
    SetText(col[9], r, f.status);
    SetOpt(col[10], r, f.sats_used);
    for (int s = 0; s < 6; ++s) {
      if (f.have_gsa) SetInt(col[11 + s], r, f.used_by_system[s]);
      else col[11 + s].SetNull(r, true);
    }
    SetOpt(col[17], r, f.hdop);
    SetOpt(col[18], r, f.vdop);
    SetOpt(col[19], r, f.pdop);
    SetOpt(col[20], r, f.speed_mps);
    SetOpt(col[21], r, f.course);
    SetOpt(col[22], r, f.std_lat);
    SetOpt(col[23], r, f.std_lon);
    SetOpt(col[24], r, f.std_alt);
    SetOpt(col[25], r, f.diff_age);
    SetOpt(col[26], r, f.station);
    SetText(col[27], r, f.talker);
  });
}

std::vector<DataChunk> SatelliteChunks(const std::vector<Satellite>& sats, const std::string& device) {
  return Chunks(sats, SatelliteColumns(), [&](const Satellite& s, DataChunk& c, size_t r) {
    auto& col = c.columns;
    SetInt(col[0], r, s.ts_ns);
    SetText(col[1], r, device);
    SetText(col[2], r, ConstellationName(s.constellation));
    SetInt(col[3], r, s.svid);
    SetOpt(col[4], r, s.signal_id);
    SetOpt(col[5], r, s.elevation);
    SetOpt(col[6], r, s.azimuth);
    SetOpt(col[7], r, s.snr);
    SetInt(col[8], r, s.used);
  });
}

std::vector<DataChunk> SentenceChunks(const std::vector<RawSentence>& raw, const std::string& device) {
  return Chunks(raw, SentenceColumns(), [&](const RawSentence& s, DataChunk& c, size_t r) {
    auto& col = c.columns;
    SetOpt(col[0], r, s.ts_ns);
    SetText(col[1], r, device);
    SetInt(col[2], r, int64_t(s.line));
    SetText(col[3], r, s.talker);
    SetText(col[4], r, s.type);
    SetText(col[5], r, s.text);
  });
}

}  // namespace yunhe::nmea
