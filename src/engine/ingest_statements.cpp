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

QueryResult WriteLineProtocol(Database& db, std::string_view data, const lineproto::WriterOptions& options,
                              lineproto::WriteReport* report, size_t first_line) {
  return db.RunAsStatement("line protocol write", [&](QueryResult& result) REQUIRES(db.mutex()) {
    DatabaseAppender appender(db);
    lineproto::Writer w(appender, options);
    w.Write(data, first_line);
    w.Flush();
    *report = w.report();
    result.tag = fmt::format("WRITE {}", report->rows);
  });
}

}  // namespace yunhe
