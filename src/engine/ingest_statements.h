// Ingest writes as statements of a Database: line protocol (HTTP, TCP, MQTT, `yunhe import`) and
// NMEA/gpsd records run their ingest writer through a DatabaseAppender inside RunAsStatement, so
// each call commits as one statement (or rolls back whole: line errors are reported and skipped,
// a statement-level error undoes everything the call wrote).
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "engine/database.h"
#include "ingest/lineproto/line_protocol_writer.h"
#include "ingest/table_appender.h"

namespace yunhe {

// Parses and writes `data` (whole lines; the first is line `first_line` of the caller's input).
QueryResult WriteLineProtocol(Database& db, std::string_view data, const lineproto::WriterOptions& options,
                              lineproto::WriteReport* report, size_t first_line = 1) REQUIRES(db.mutex());
// The same for lines a PieceParser (made with lineproto::Writer::kPieceBytes and the options'
// precision) has been parsing since before the caller held the database.
QueryResult WriteLineProtocol(Database& db, lineproto::PieceParser& parsed, const lineproto::WriterOptions& options,
                              lineproto::WriteReport* report, size_t first_line = 1) REQUIRES(db.mutex());

// Runs fn with an appender into db as one statement named `description`.
QueryResult RunIngestStatement(Database& db, const std::string& description,
                               const std::function<void(TableAppender&)>& fn) REQUIRES(db.mutex());

}  // namespace yunhe
