#include "ingest/nmea/nmea_writer.h"

#include <fmt/format.h>

#include "common/status.h"
#include "functions/cast.h"
#include "ingest/nmea/nmea_tables.h"

namespace yunhe::nmea {

namespace {

// Appends `chunks` (columns named by `cols`) to `table`, creating it if missing.
size_t AppendNamed(TableAppender& db, const std::string& table_name, const std::vector<ColumnSpec>& cols,
                   const std::vector<DataChunk>& chunks, bool ts_not_null) {
  if (!db.FindTable(table_name)) {
    if (db.NameTaken(table_name))
      throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a table", table_name));
    db.ExecuteDdl(CreateTableSql(db.QuoteTable(table_name), cols, ts_not_null));
  }
  auto table = db.FindTable(table_name);
  const TableSchema& schema = table->schema;
  // For each table column: the source column with its name, or -1.
  std::vector<int> source(schema.columns.size(), -1);
  for (size_t c = 0; c < schema.columns.size(); ++c)
    for (size_t k = 0; k < cols.size(); ++k)
      if (schema.columns[c].name == cols[k].name) source[c] = int(k);
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    if (source[c] < 0 && schema.columns[c].not_null)
      throw Error(SqlState::kNotNullViolation,
                  fmt::format("column \"{}\" of relation \"{}\" is NOT NULL but NMEA input has no such column", schema.columns[c].name,
                              table_name));
    if (source[c] >= 0 && !CastExists(LogicalType(cols[source[c]].type), schema.columns[c].type))
      throw Error(SqlState::kDatatypeMismatch,
                  fmt::format("column \"{}\" of relation \"{}\" is {}, NMEA gives {}", schema.columns[c].name, table_name,
                              schema.columns[c].type.ToString(), LogicalType(cols[source[c]].type).ToString()));
  }
  size_t rows = 0;
  for (const DataChunk& in : chunks) {
    DataChunk out;
    out.count = in.count;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      const LogicalType& t = schema.columns[c].type;
      if (source[c] < 0) {
        out.columns.push_back(Vector::Constant(Value::Null(t), t, in.count));
        continue;
      }
      const Vector& v = in.columns[source[c]];
      out.columns.push_back(v.type() == t ? v : CastVector(v, t));
      if (schema.columns[c].not_null && out.columns.back().HasNulls())
        throw Error(SqlState::kNotNullViolation,
                    fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint", schema.columns[c].name,
                                table_name));
    }
    db.Append(table, out);
    rows += in.count;
  }
  return rows;
}

}  // namespace

NmeaWriteReport WriteNmea(TableAppender& db, std::string_view text, const std::string& device, const ReaderOptions& options,
                          const WriteTargets& targets, size_t first_line) {
  Reader reader(options);
  reader.Feed(text, first_line);
  reader.Finish();
  return WriteReaderResults(db, reader, device, targets);
}

NmeaWriteReport WriteRecords(TableAppender& db, const std::vector<Fix>& fixes, const std::vector<Satellite>& satellites,
                             const std::string& device, const WriteTargets& targets) {
  NmeaWriteReport rep;
  rep.fixes = AppendNamed(db, targets.fixes, FixColumns(), FixChunks(fixes, device), true);
  if (!targets.satellites.empty())
    rep.satellites = AppendNamed(db, targets.satellites, SatelliteColumns(), SatelliteChunks(satellites, device), true);
  return rep;
}

NmeaWriteReport WriteReaderResults(TableAppender& db, Reader& reader, const std::string& device, const WriteTargets& targets) {
  NmeaWriteReport rep;
  rep.problems = std::move(reader.problems);
  reader.problems.clear();
  NmeaWriteReport recs = WriteRecords(db, reader.fixes, reader.satellites, device, targets);
  rep.fixes = recs.fixes;
  rep.satellites = recs.satellites;
  if (!targets.sentences.empty() && !reader.raw.empty())
    rep.sentences = AppendNamed(db, targets.sentences, SentenceColumns(), SentenceChunks(reader.raw, device), false);
  reader.fixes.clear();
  reader.satellites.clear();
  reader.raw.clear();
  return rep;
}

}  // namespace yunhe::nmea
