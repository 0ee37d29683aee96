// COPY table FROM/TO file or STDIN/STDOUT in text and CSV formats (PostgreSQL COPY semantics;
// the formats themselves are ingest/csv/delimited.h), with ON_ERROR ignore to skip and count bad
// rows. Without it the first bad row aborts the
// statement with its line number and nothing is loaded.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <thread>
#include <fstream>
#include <sstream>

#include "common/server_files.h"
#include "common/statement_context.h"
#include "common/status.h"
#include "storage/file_util.h"
#include "common/utf8.h"
#include "common/time_util.h"
#include "common/timezone.h"
#include "engine/statements.h"
#include "exec/expression_eval.h"
#include "exec/parallel_for.h"
#include "functions/cast.h"
#include "ingest/csv/delimited.h"
#include "ingest/lineproto/line_protocol_writer.h"
#include "ingest/nmea/nmea_writer.h"
#include "sql/planner.h"
#include "sql/row_security.h"
#include "sql/privileges.h"
#include "sql/relation_names.h"
#include "engine/database_appender.h"
#include "common/count_lines.h"

namespace yunhe {

namespace {
// COPY's privilege on a relation: the table's, or (a table's) on every column copied.
void CheckCopyPrivilege(const Catalog& cat, PgQuery__CopyStmt* stmt, const std::string& key, uint32_t bit) {
  const std::string& role = CurrentStatement().current_user;
  const auto table = cat.FindTable(key);
  if (table && !HasRelationPrivilege(cat, role, key, bit) && HasSchemaPrivilege(cat, role, cat.Split(key).schema, kPrivUsage)) {
    bool covered = true;
    if (stmt->n_attlist == 0)
      for (const ColumnInfo& c : table->schema.columns) covered = covered && HasColumnPrivilege(cat, role, key, c.name, bit);
    for (size_t k = 0; k < stmt->n_attlist; ++k) covered = covered && HasColumnPrivilege(cat, role, key, StrVal(stmt->attlist[k]), bit);
    if (covered) return;
  }
  CheckRelationPrivilege(cat, key, bit);
}
}  // namespace
namespace {

// The delimited format (text or CSV: ingest/csv/delimited.h) plus COPY's other options.
struct CopyOptions : DelimitedFormat {
  bool header = false;
  bool on_error_ignore = false;
  bool lineprotocol = false;
  bool nmea = false;
  std::string precision = "ns";
  std::string device;  // FORMAT nmea
  std::string date;    // FORMAT nmea: date for epochs before the first RMC/ZDA
};

CopyOptions ParseOptions(PgQuery__CopyStmt* stmt) {
  CopyOptions o;
  bool delimiter_set = false, null_set = false, escape_set = false;
  std::string delim, quote, escape;
  for (size_t k = 0; k < stmt->n_options; ++k) {
    auto* d = stmt->options[k]->def_elem;
    std::string name = d->defname;
    std::string value;
    if (d->arg) {
      if (d->arg->node_case == PG_QUERY__NODE__NODE_STRING) value = d->arg->string->sval;
      else if (d->arg->node_case == PG_QUERY__NODE__NODE_BOOLEAN) value = d->arg->boolean->boolval ? "true" : "false";
      else if (d->arg->node_case == PG_QUERY__NODE__NODE_INTEGER) value = std::to_string(d->arg->integer->ival);
    }
    for (auto& c : value) if (name != "delimiter" && name != "null" && name != "quote" && name != "escape" && name != "device") c = char(tolower((unsigned char)c));
    if (name == "format") {
      if (value == "csv") o.csv = true;
      else if (value == "text") o.csv = false;
      else if (value == "lineprotocol" || value == "line_protocol" || value == "ilp") o.lineprotocol = true;
      else if (value == "nmea") o.nmea = true;
      else throw Error(SqlState::kInvalidParameterValue, fmt::format("COPY format \"{}\" not recognized", value));
    } else if (name == "header") {
      o.header = value.empty() || value == "true" || value == "on" || value == "1" || value == "match";
    } else if (name == "delimiter") {
      if (value.size() != 1) throw Error(SqlState::kFeatureNotSupported, "COPY delimiter must be a single one-byte character");
      delim = value;
      delimiter_set = true;
    } else if (name == "null") {
      o.null_string = value;
      null_set = true;
    } else if (name == "quote") {
      if (value.size() != 1) throw Error(SqlState::kFeatureNotSupported, "COPY quote must be a single one-byte character");
      quote = value;
    } else if (name == "escape") {
      if (value.size() != 1) throw Error(SqlState::kFeatureNotSupported, "COPY escape must be a single one-byte character");
      escape = value;
      escape_set = true;
    } else if (name == "on_error") {
      if (value == "ignore") o.on_error_ignore = true;
      else if (value == "stop") o.on_error_ignore = false;
      else throw Error(SqlState::kInvalidParameterValue, fmt::format("COPY ON_ERROR \"{}\" not recognized", value));
    } else if (name == "encoding") {
      if (value != "utf8" && value != "utf-8") throw Error(SqlState::kFeatureNotSupported, "only UTF8 encoding is supported");
    } else if (name == "device") {
      o.device = value;
    } else if (name == "date") {
      o.date = value;
    } else if (name == "precision") {
      o.precision = value;
    } else if (name == "freeze") {
    } else {
      throw Error(SqlState::kSyntaxError, fmt::format("option \"{}\" not recognized", name));
    }
  }
  if (o.csv) {
    o.delimiter = delimiter_set ? delim[0] : ',';
    if (!null_set) o.null_string = "";
    if (!quote.empty()) o.quote = quote[0];
    o.escape = escape_set ? escape[0] : o.quote;
  } else {
    o.delimiter = delimiter_set ? delim[0] : '\t';
    if (!quote.empty()) throw Error(SqlState::kFeatureNotSupported, "COPY quote available only in CSV mode");
  }
  return o;
}

// Where COPY FROM reads: the file (in blocks) or the session's STDIN.
Database::CopyReader CopySource(Database& db, PgQuery__CopyStmt* stmt) REQUIRES(db.mutex()) {
  if (!(stmt->filename && stmt->filename[0])) return db.TakeCopyInput();
  auto file = std::make_shared<FileBlockReader>(ResolveServerFile(stmt->filename, false));
  return [file](std::string* piece) { return file->Next(piece, 16u << 20); };
}

std::string ReadAll(const Database::CopyReader& source) {
  std::string all, piece;
  while (source(&piece)) all += piece;
  return all;
}

void CopyTo(Database& db, PgQuery__CopyStmt* stmt, const std::string& sql, const CopyOptions& o, QueryResult& result) REQUIRES(db.mutex()) {
  Planner planner(db.catalog(), sql);
  PlannedQuery q;
  if (stmt->query) {
    q = planner.PlanOutput(stmt->query);
  } else {
    Scope scope;
    const std::string key = RangeVarKey(db.catalog(), stmt->relation);
    if (RelationKind(db.catalog(), key)) CheckCopyPrivilege(db.catalog(), stmt, key, kPrivSelect);
    q = planner.PlanTableScan(key, stmt->relation->location, false, &scope);
    // Row-level security: COPY t TO copies the rows a SELECT would see, as PostgreSQL.
    if (ExprPtr filter = planner.RowSecurityFilter(key, 'r', scope)) q.plan = std::make_shared<FilterOperator>(q.plan, filter);
    if (stmt->n_attlist) {
      std::vector<ExprPtr> cols;
      std::vector<std::string> names;
      for (size_t k = 0; k < stmt->n_attlist; ++k) {
        std::string name = StrVal(stmt->attlist[k]);
        int idx = -1;
        for (size_t c = 0; c < q.names.size(); ++c)
          if (q.names[c] == name) idx = int(c);
        if (idx < 0) throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" does not exist", name));
        cols.push_back(MakeColumn(idx, q.types[idx], name));
        names.push_back(name);
      }
      q.plan = std::make_shared<ProjectionOperator>(q.plan, cols, names);
      q.names = names;
      q.types = q.plan->types;
    }
  }
  std::string out;
  if (o.header) {
    for (size_t c = 0; c < q.names.size(); ++c)
      out += (c ? std::string(1, o.delimiter) : "") + (o.csv ? QuoteCsv(q.names[c], o) : q.names[c]);
    out += "\n";
  }
  ExecContext ctx;
  q.plan->Open(ctx);
  size_t rows = 0;
  DataChunk chunk;
  while (q.plan->Pull(ctx, chunk)) {
    for (size_t r = 0; r < chunk.count; ++r) {
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        if (c) out.push_back(o.delimiter);
        Value v = chunk.columns[c].GetValue(r);
        if (v.is_null) out += o.null_string;
        else out += o.csv ? QuoteCsv(v.ToString(), o) : EscapeText(v.ToString(), o.delimiter);
      }
      out.push_back('\n');
    }
    rows += chunk.count;
  }
  if (stmt->filename && stmt->filename[0]) {
    std::ofstream f(ResolveServerFile(stmt->filename, true), std::ios::binary | std::ios::trunc);
    if (!f) throw Error(SqlState::kIoError, fmt::format("could not open file \"{}\" for writing", stmt->filename));
    f << out;
    if (!f.flush()) throw Error(SqlState::kIoError, fmt::format("could not write file \"{}\"", stmt->filename));
  } else {
    result.copy_out = std::move(out);
    result.is_copy_out = true;
  }
  result.tag = fmt::format("COPY {}", rows);
}

// Line protocol: the table is created or widened to fit (schema on write); bad lines are
// reported as notices with their line numbers and skipped, the good ones load.
// The table COPY ... FORMAT lineprotocol / nmea writes: the one the name finds, or where a
// CREATE TABLE of that name would put it (they create a missing one).
std::string IngestTarget(Database& db, const PgQuery__RangeVar* rv) REQUIRES(db.mutex()) {
  const std::string key = RangeVarKey(db.catalog(), rv);
  return db.catalog().NameTaken(key) ? key : NewRangeVarKey(db.catalog(), rv);
}

void CopyLineProtocol(Database& db, PgQuery__CopyStmt* stmt, const CopyOptions& o, QueryResult& result) REQUIRES(db.mutex()) {
  if (stmt->n_attlist) throw Error(SqlState::kFeatureNotSupported, "COPY FORMAT lineprotocol takes no column list");
  lineproto::WriterOptions wo;
  if (!lineproto::ParsePrecision(o.precision, &wo.precision))
    throw Error(SqlState::kInvalidParameterValue,
                fmt::format("COPY precision \"{}\" not recognized (ns, us, ms, s, m, h)", o.precision));
  wo.target_table = IngestTarget(db, stmt->relation);
  wo.max_reported_errors = 20;
  std::string data = ReadAll(CopySource(db, stmt));
  DatabaseAppender appender(db);
  lineproto::Writer writer(appender, wo);
  writer.Write(data);
  writer.Flush();
  const auto& rep = writer.report();
  for (const auto& e : rep.errors) result.notices.push_back(fmt::format("NOTICE:  skipping line {}: {}", e.line, e.reason));
  if (rep.bad_lines)
    result.notices.push_back(fmt::format("NOTICE:  {} line{} skipped", rep.bad_lines, rep.bad_lines == 1 ? " was" : "s were"));
  result.tag = fmt::format("COPY {}", rep.rows);
}

// NMEA: the fixes of the log go into the table (created with the standard fixes schema if
// missing); bad sentences are reported as notices with their line numbers.
void CopyNmea(Database& db, PgQuery__CopyStmt* stmt, const CopyOptions& o, QueryResult& result) REQUIRES(db.mutex()) {
  if (stmt->n_attlist) throw Error(SqlState::kFeatureNotSupported, "COPY FORMAT nmea takes no column list");
  nmea::ReaderOptions ro;
  if (!o.date.empty()) {
    int64_t days;
    if (!ParseDate(o.date, &days)) throw Error(SqlState::kInvalidDatetimeFormat, fmt::format("invalid COPY date \"{}\"", o.date));
    ro.date_days = days;
  }
  nmea::WriteTargets targets;
  targets.fixes = IngestTarget(db, stmt->relation);
  std::string data = ReadAll(CopySource(db, stmt));
  DatabaseAppender appender(db);
  auto rep = nmea::WriteNmea(appender, data, o.device, ro, targets);
  const size_t shown = std::min<size_t>(rep.problems.size(), 20);
  for (size_t k = 0; k < shown; ++k) {
    const auto& p = rep.problems[k];
    result.notices.push_back(p.line ? fmt::format("NOTICE:  skipping line {}: {}", p.line, p.reason) : "NOTICE:  " + p.reason);
  }
  if (rep.problems.size() > shown) result.notices.push_back(fmt::format("NOTICE:  {} more problems not shown", rep.problems.size() - shown));
  result.tag = fmt::format("COPY {}", rep.fixes);
}

}  // namespace

void ExecuteCopy(Database& db, PgQuery__CopyStmt* stmt, const std::string& sql, QueryResult& result) {
  CopyOptions o = ParseOptions(stmt);
  if (stmt->is_program) throw Error(SqlState::kFeatureNotSupported, "COPY ... PROGRAM is not supported");
  if (stmt->filename && stmt->filename[0])
    CheckServerFileAccess(db.catalog(), !stmt->is_from, stmt->is_from ? "COPY from a file" : "COPY to a file");
  if (!stmt->is_from) {
    if (o.lineprotocol || o.nmea) throw Error(SqlState::kFeatureNotSupported, "COPY TO supports only FORMAT text and csv");
    CopyTo(db, stmt, sql, o, result);
    return;
  }
  const std::string name = RangeVarKey(db.catalog(), stmt->relation);
  if (o.lineprotocol) {
    CopyLineProtocol(db, stmt, o, result);
    return;
  }
  if (o.nmea) {
    CopyNmea(db, stmt, o, result);
    return;
  }
  auto table = db.catalog().FindTable(name);
  if (!table) throw Error(SqlState::kUndefinedTable, fmt::format("relation \"{}\" does not exist", name));
  CheckCopyPrivilege(db.catalog(), stmt, name, kPrivInsert);
  if (RowSecurityApplies(db.catalog(), table->schema, CurrentStatement().current_user))
    throw Error(Status::Error(SqlState::kFeatureNotSupported, "COPY FROM not supported with row-level security").WithHint("Use INSERT statements instead."));
  const TableSchema& schema = table->schema;
  std::vector<int> targets;
  if (stmt->n_attlist == 0) {
    for (size_t c = 0; c < schema.columns.size(); ++c) targets.push_back(int(c));
  } else {
    for (size_t k = 0; k < stmt->n_attlist; ++k) {
      std::string col = StrVal(stmt->attlist[k]);
      int idx = schema.ColumnIndex(col);
      if (idx < 0)
        throw Error(SqlState::kUndefinedColumn, fmt::format("column \"{}\" of relation \"{}\" does not exist", col, name));
      targets.push_back(idx);
    }
  }
  // The input is pulled in rounds (a file in blocks, STDIN as the client sends it) and dropped
  // once appended: a load of any size holds about one round in memory.
  const Database::CopyReader source = CopySource(db, stmt);
  std::string data;  // input not yet parsed starts at `pos`
  bool at_end = false;
  // Pulls input until `want` bytes past pos are buffered or the input ends. Text format: the
  // end-of-data marker \. on a line of its own ends the input there (what follows is ignored).
  auto fill = [&](size_t pos, size_t want) {
    std::string piece;
    while (!at_end && data.size() - pos < want) {
      if (!source(&piece)) {
        at_end = true;
        break;
      }
      const size_t from = data.size();
      data += piece;
      if (!o.csv) {
        size_t scan = from >= 3 ? from - 3 : 0;  // a marker may straddle two pieces
        for (size_t at; (at = data.find("\\.\n", scan)) != std::string::npos; scan = at + 1) {
          if (at == 0 || data[at - 1] == '\n') {
            data.resize(at);
            at_end = true;
            break;
          }
        }
      }
    }
  };
  size_t body = 0, body_line = 1;  // where the rows start (after a header)
  if (o.header) {
    fill(0, 1u << 20);  // a header line longer than that is not a header
    RecordReader header(data, o);
    Record rec;
    header.Next(&rec);
    body = header.position();
    body_line = size_t(std::count(data.begin(), data.begin() + long(body), '\n')) + 1;
  }
  // Missing columns take their defaults.
  Planner planner(db.catalog(), sql);
  std::vector<ExprPtr> defaults(schema.columns.size());
  std::vector<bool> given(schema.columns.size(), false);
  for (int t : targets) given[t] = true;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    if (given[c] || schema.columns[c].default_sql.empty()) continue;
    defaults[c] = BindColumnDefault(schema.columns[c].default_sql, schema.columns[c].type, db.catalog());
  }
  // Parses the records of `part` (starting at line `first_line`) into chunks. Without ON_ERROR
  // ignore it stops at the first bad row and keeps the error; with it, skips and counts.
  struct Segment {
    std::vector<DataChunk> chunks;
    size_t skipped = 0;
    std::vector<std::pair<size_t, std::string>> skipped_reports;
    std::optional<Error> error;
  };
  auto parse_segment = [&](std::string_view part, size_t first_line, Segment* seg) {
    RecordReader reader(part, o, first_line);
    Record rec;
    ExecContext ctx;
    DataChunk chunk;
    // Columns are pre-sized to a full chunk; a row is written in place and only counted once
    // every field converted, so a rejected row leaves nothing behind.
    auto fresh_chunk = [&]() {
      chunk.Init(schema.Types());
      for (auto& col : chunk.columns) col.Resize(kChunkRows);
    };
    auto flush = [&]() {
      if (chunk.count == 0) return;
      for (auto& col : chunk.columns) col.Resize(chunk.count);
      seg->chunks.push_back(std::move(chunk));
      chunk = DataChunk();
      fresh_chunk();
    };
    fresh_chunk();
    try {
      while (reader.Next(&rec)) {
        if (rec.count == 1 && rec.fields[0].empty() && !rec.quoted[0] && targets.size() != 1) continue;  // blank line
        const size_t row = chunk.count;
        try {
          for (size_t k = 0; k < rec.count; ++k)
            if (size_t bad = FindInvalidUtf8(rec.fields[k]); bad != std::string_view::npos)
              throw Error(SqlState::kCharacterNotInRepertoire, InvalidUtf8Message(rec.fields[k], bad));
          if (rec.count < targets.size())
            throw Error(SqlState::kBadCopyFileFormat,
                        fmt::format("missing data for column \"{}\"", schema.columns[targets[rec.count]].name));
          if (rec.count > targets.size()) throw Error(SqlState::kBadCopyFileFormat, "extra data after last expected column");
          for (size_t k = 0; k < targets.size(); ++k) {
            const ColumnInfo& col = schema.columns[targets[k]];
            Vector& out = chunk.columns[targets[k]];
            const std::string& f = rec.fields[k];
            if (!rec.quoted[k] && f == o.null_string) {
              if (col.not_null)
                throw Error(Status::Error(SqlState::kNotNullViolation,
                                          fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint", col.name, schema.RelName()))
                                .WithObject(schema.RelName(), col.name, "", schema.nspname));
              out.SetNull(row, true);
              continue;
            }
            if (ParseFieldFast(f, col.type, out, row)) continue;
            try {
              out.SetValue(row, ParseValue(f, col.type));
            } catch (Error& e) {
              e.status().WithDetail(fmt::format("COPY {}, line {}, column {}: \"{}\"", name, rec.line, col.name, f));
              throw;
            }
          }
          for (size_t c = 0; c < schema.columns.size(); ++c) {
            if (given[c]) continue;
            Value v = defaults[c] ? EvaluateConstant(*defaults[c], ctx) : Value::Null(schema.columns[c].type);
            if (v.is_null && schema.columns[c].not_null)
              throw Error(Status::Error(SqlState::kNotNullViolation,
                                        fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                                                    schema.columns[c].name, schema.RelName()))
                              .WithObject(schema.RelName(), schema.columns[c].name, "", schema.nspname));
            chunk.columns[c].SetValue(row, v);
          }
        } catch (Error& e) {
          if (!o.on_error_ignore) {
            if (e.status().detail().empty()) e.status().WithDetail(fmt::format("COPY {}, line {}", name, rec.line));
            throw;
          }
          ++seg->skipped;
          if (seg->skipped_reports.size() < 5) seg->skipped_reports.emplace_back(rec.line, e.status().message());
          continue;
        }
        if (++chunk.count == kChunkRows) flush();
      }
      flush();
    } catch (Error& e) {
      seg->error = e;
    }
  };
  // Input is parsed a round at a time and appended in order; big rounds by all cores. Rounds and
  // segments split at record boundaries: for CSV, at a newline outside quotes (quotes counted
  // from the round's start, so only when ESCAPE is the quote character: otherwise the input is
  // read whole and parsed as one piece), for text, at any newline (the \. marker has ended the
  // input already).
  const size_t threads = DefaultWorkers();
  const bool record_cuts = !o.csv || o.escape == o.quote;
  const size_t round_bytes = record_cuts ? std::max<size_t>(threads, 1) * (16u << 20) : SIZE_MAX;
  size_t loaded = 0, skipped = 0;
  std::vector<std::string> skipped_reports;
  size_t pos = body, line = body_line;
  while (true) {
    fill(pos, round_bytes);
    if (pos >= data.size()) break;
    // The round: up to the last record boundary of what is buffered (all of it at the end).
    size_t avail = data.size();
    if (!at_end) {
      size_t cut = pos;
      RecordBoundaries ends(o);
      for (size_t k = pos; k < data.size(); ++k)
        if (ends.Step(data[k])) cut = k + 1;
      if (cut == pos) {  // not one whole record buffered: a record longer than a round
        fill(pos, data.size() - pos + round_bytes);
        continue;
      }
      avail = cut;
    }
    const std::string_view all = std::string_view(data).substr(0, avail);
    const bool splittable = threads > 1 && record_cuts && avail - pos > (8u << 20);
    // The segments of this round.
    std::vector<std::pair<size_t, size_t>> bounds;  // [begin, end)
    const size_t round_end = all.size();
    if (!splittable) {
      bounds.emplace_back(pos, all.size());
    } else {
      size_t seg_start = pos;
      RecordBoundaries ends(o);
      size_t scan = pos;
      for (size_t t = 1; t <= threads; ++t) {
        size_t target = t == threads ? round_end : pos + (round_end - pos) * t / threads;
        size_t cut = all.size();
        if (target < all.size()) {
          // Walk to the target, then on to the next record end.
          for (; scan < target; ++scan) ends.Step(all[scan]);
          while (scan < all.size() && !ends.Step(all[scan])) ++scan;
          cut = std::min(all.size(), scan + 1);
          scan = cut;
        }
        if (cut > seg_start) bounds.emplace_back(seg_start, cut);
        seg_start = cut;
        if (cut >= all.size()) break;
      }
    }
    std::vector<size_t> first_lines;
    size_t l = line;
    for (auto [b, e] : bounds) {
      first_lines.push_back(l);
      l += CountNewlines(std::string_view(all).substr(b, e - b));
    }
    std::vector<Segment> segs(bounds.size());
    if (bounds.size() == 1) {
      parse_segment(all.substr(bounds[0].first, bounds[0].second - bounds[0].first), first_lines[0], &segs[0]);
    } else {
      std::vector<std::thread> pool;
      StatementContext* statement = &CurrentStatement();  // the session's zone parses timestamptz
      for (size_t k = 0; k < bounds.size(); ++k)
        pool.emplace_back([&, k] {
          UseStatementContext use(statement);
          parse_segment(all.substr(bounds[k].first, bounds[k].second - bounds[k].first), first_lines[k], &segs[k]);
        });
      for (auto& t : pool) t.join();
    }
    for (auto& seg : segs) {
      if (seg.error) throw *seg.error;  // the earliest bad row (segments are in order)
      for (auto& c : seg.chunks) {
        db.RecordAppend(table, c);
        loaded += c.count;
        c = DataChunk();
      }
      skipped += seg.skipped;
      for (auto& [ln, msg] : seg.skipped_reports)
        if (skipped_reports.size() < 5) skipped_reports.push_back(fmt::format("NOTICE:  skipping line {}: {}", ln, msg));
    }
    pos = bounds.back().second;
    line = l;
    // Appended: the parsed input goes (the rows are in the table now).
    data.erase(0, pos);
    pos = 0;
  }
  if (skipped) {
    result.notices = skipped_reports;
    result.notices.push_back(fmt::format("NOTICE:  {} row{} skipped due to data type incompatibility", skipped,
                                         skipped == 1 ? " was" : "s were"));
  }
  result.tag = fmt::format("COPY {}", loaded);
}

}  // namespace yunhe
