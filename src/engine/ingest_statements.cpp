#include "engine/ingest_statements.h"

#include <fmt/format.h>

#include "engine/database_appender.h"

namespace yunhe {

QueryResult RunIngestStatement(Database& db, const std::string& description,
                               const std::function<void(TableAppender&)>& fn) {
  return db.RunAsStatement(description, [&](QueryResult&) REQUIRES(db.mutex()) {
    DatabaseAppender appender(db);
    fn(appender);
  });
}

namespace {

// `data`: the text, or a PieceParser parsing it (lineproto::Writer::Write takes both).
template <class Lines>
QueryResult WriteLines(Database& db, Lines& data, const lineproto::WriterOptions& options, lineproto::WriteReport* report,
                       size_t first_line) REQUIRES(db.mutex()) {
  return db.RunAsStatement("line protocol write", [&](QueryResult& result) REQUIRES(db.mutex()) {
    DatabaseAppender appender(db);
    lineproto::Writer w(appender, options);
    w.Write(data, first_line);
    w.Flush();
    *report = w.report();
    result.tag = fmt::format("WRITE {}", report->rows);
  });
}

}  // namespace

QueryResult WriteLineProtocol(Database& db, std::string_view data, const lineproto::WriterOptions& options,
                              lineproto::WriteReport* report, size_t first_line) {
  return WriteLines(db, data, options, report, first_line);
}

QueryResult WriteLineProtocol(Database& db, lineproto::PieceParser& parsed, const lineproto::WriterOptions& options,
                              lineproto::WriteReport* report, size_t first_line) {
  return WriteLines(db, parsed, options, report, first_line);
}

}  // namespace yunhe
