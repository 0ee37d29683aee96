#include "ingest/lineproto/line_protocol_writer.h"

#include "storage/primary_key.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <limits>

#include "common/status.h"
#include "ingest/lineproto/parse_ahead.h"
#include "storage/catalog.h"

namespace yunhe::lineproto {
namespace {

struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// PostgreSQL truncates longer identifiers, which would silently rename a column.
constexpr size_t kMaxIdentifier = 63;

std::string Quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string ColumnTypeFor(FieldKind k) {
  switch (k) {
    case FieldKind::kFloat: return "DOUBLE PRECISION";
    case FieldKind::kInteger:
    case FieldKind::kUnsigned: return "BIGINT";
    case FieldKind::kBoolean: return "BOOLEAN";
    case FieldKind::kString: return "TEXT";
  }
  return "TEXT";
}

// Empty when the field's value fits the column, else why not.
std::string CheckField(const Field& f, const LogicalType& t) {
  auto conflict = [&] {
    return fmt::format("field \"{}\" is {} but column \"{}\" is {}", f.key, FieldKindName(f.kind), f.key, t.ToString());
  };
  auto range = [&](int64_t lo, int64_t hi, bool is_unsigned) -> std::string {
    if (is_unsigned ? f.u > uint64_t(hi) : (f.i < lo || f.i > hi))
      return fmt::format("value of field \"{}\" is out of range for type {}", f.key, t.ToString());
    return "";
  };
  switch (f.kind) {
    case FieldKind::kFloat:
      return t.id == TypeId::kFloat64 || t.id == TypeId::kFloat32 ? "" : conflict();
    case FieldKind::kInteger:
    case FieldKind::kUnsigned: {
      const bool u = f.kind == FieldKind::kUnsigned;
      if (t.id == TypeId::kInt64) return range(INT64_MIN, INT64_MAX, u);
      if (t.id == TypeId::kInt32) return range(INT32_MIN, INT32_MAX, u);
      if (t.id == TypeId::kInt16) return range(INT16_MIN, INT16_MAX, u);
      return conflict();
    }
    case FieldKind::kBoolean: return t.id == TypeId::kBool ? "" : conflict();
    case FieldKind::kString: return t.id == TypeId::kText && t.precision == 0 ? "" : conflict();
  }
  return conflict();
}

}  // namespace

struct Writer::Sink {
  std::string name;
  std::shared_ptr<Table> table;
  int time_col = -1;
  std::unordered_map<std::string, int, NameHash, std::equal_to<>> columns;
  std::vector<int> required;  // NOT NULL columns other than the timestamp
  DataChunk chunk;
  // Rows the chunk takes before it is flushed: first what the table's open group has room for,
  // then whole groups, so each flush after the first starts a group of its own and is stored
  // without a copy (storage/table.h, OpenGroupRoom).
  size_t capacity = kChunkRows;
  std::vector<int> slots;  // per point: column of each tag, then of each field
  std::vector<size_t> lines;  // per buffered row: its line (to reject it alone)
  // Keys of the last accepted point: most streams repeat one shape, whose slots and type checks
  // then carry over without a lookup.
  bool shape_valid = false;
  // The shape's values go into their columns without a check (no integer into a narrower or
  // unsigned one): runs of points of this shape are taken in bulk (Writer::AddRows).
  bool shape_unchecked = false;
  std::vector<std::string> shape_keys;
  std::vector<FieldKind> shape_kinds;
  size_t shape_tags = 0;

  bool SameShape(const Point& p) const {
    if (!shape_valid || p.tags.size() != shape_tags || p.tags.size() + p.fields.size() != shape_keys.size()) return false;
    for (size_t k = 0; k < p.tags.size(); ++k)
      if (p.tags[k].key != shape_keys[k]) return false;
    for (size_t k = 0; k < p.fields.size(); ++k)
      if (p.fields[k].kind != shape_kinds[k] || p.fields[k].key != shape_keys[shape_tags + k]) return false;
    return true;
  }
  void RememberShape(const Point& p) {
    shape_keys.resize(p.tags.size() + p.fields.size());
    shape_kinds.resize(p.fields.size());
    shape_tags = p.tags.size();
    for (size_t k = 0; k < p.tags.size(); ++k) shape_keys[k].assign(p.tags[k].key);
    for (size_t k = 0; k < p.fields.size(); ++k) {
      shape_keys[shape_tags + k].assign(p.fields[k].key);
      shape_kinds[k] = p.fields[k].kind;
    }
    shape_valid = true;
  }

  void Bind(std::shared_ptr<Table> t) {
    table = std::move(t);
    const TableSchema& s = table->schema;
    columns.clear();
    required.clear();
    for (size_t c = 0; c < s.columns.size(); ++c) {
      columns.emplace(s.columns[c].name, int(c));
      if (s.columns[c].not_null && int(c) != time_col) required.push_back(int(c));
    }
    chunk.Init(s.Types());
    for (auto& col : chunk.columns) col.Resize(kChunkRows);
    chunk.count = 0;
    lines.clear();
  }
  int Find(std::string_view key) const {
    auto it = columns.find(key);
    return it == columns.end() ? -1 : it->second;
  }
};

Writer::Writer(TableAppender& db, WriterOptions options) : db_(db), options_(std::move(options)) {
  now_ns_ = options_.default_timestamp_ns
                ? options_.default_timestamp_ns
                : std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Writer::~Writer() = default;

void Writer::Reject(size_t line, std::string reason) {
  ++report_.bad_lines;
  if (report_.errors.size() < options_.max_reported_errors) report_.errors.push_back({line, std::move(reason)});
}

Writer::Sink& Writer::SinkFor(std::string_view measurement, const Point&) {
  std::string_view name = options_.target_table.empty() ? measurement : std::string_view(options_.target_table);
  if (last_sink_ && last_measurement_ == name) return *last_sink_;
  auto it = sinks_.find(std::string(name));
  if (it == sinks_.end()) {
    auto sink = std::make_unique<Sink>();
    sink->name = std::string(name);
    auto table = db_.FindTable(sink->name);
    if (!table) {
      if (db_.NameTaken(sink->name))
        throw Error(SqlState::kWrongObjectType, fmt::format("\"{}\" is not a table", sink->name));
      // Keyed by series (its tags, added as they appear) and time, NULLs equal: a point written
      // again replaces (merges into) the stored one, as in InfluxDB.
      db_.ExecuteDdl(fmt::format("CREATE TABLE {} (\"time\" TIMESTAMPTZ NOT NULL, UNIQUE NULLS NOT DISTINCT (\"time\")) "
                                 "PARTITION BY RANGE (\"time\")",
                                 db_.QuoteTable(sink->name)));
      ++report_.tables_created;
      table = db_.FindTable(sink->name);
    }
    const TableSchema& s = table->schema;
    sink->time_col = s.time_column;
    if (sink->time_col < 0) {
      int c = s.ColumnIndex("time");
      if (c >= 0 && (s.columns[c].type.id == TypeId::kTimestampTz || s.columns[c].type.id == TypeId::kTimestamp))
        sink->time_col = c;
    }
    if (sink->time_col >= 0 && s.columns[sink->time_col].type.id == TypeId::kDate)
      throw Error(SqlState::kFeatureNotSupported, fmt::format("table \"{}\" has a date as designated timestamp; line protocol needs a timestamp", sink->name));
    if (sink->time_col < 0)
      throw Error(SqlState::kFeatureNotSupported,
                  fmt::format("table \"{}\" has no designated timestamp (PARTITION BY RANGE) and no \"time\" column", sink->name));
    sink->Bind(table);
    it = sinks_.emplace(sink->name, std::move(sink)).first;
  }
  last_sink_ = it->second.get();
  last_measurement_ = std::string(name);
  return *last_sink_;
}

std::string Writer::Prepare(Sink& sink, const Point& p) {
  const TableSchema* s = &sink.table->schema;
  if (sink.SameShape(p)) {
    // Same keys and kinds as the last good point: only value ranges can still differ.
    for (size_t k = 0; k < p.fields.size(); ++k) {
      const Field& f = p.fields[k];
      if (f.kind != FieldKind::kInteger && f.kind != FieldKind::kUnsigned) continue;
      const LogicalType& t = s->columns[sink.slots[sink.shape_tags + k]].type;
      if (t.id == TypeId::kInt64 && f.kind == FieldKind::kInteger) continue;
      if (auto e = CheckField(f, t); !e.empty()) return e;
    }
    return "";
  }
  const std::string& time_name = s->columns[sink.time_col].name;
  std::vector<std::string_view> missing;
  std::vector<std::string> missing_types;
  auto check_name = [&](std::string_view key, const char* what) -> std::string {
    if (key.size() > kMaxIdentifier) return fmt::format("{} key \"{}\" is longer than {} bytes", what, key, kMaxIdentifier);
    if (key == time_name) return fmt::format("{} key \"{}\" names the timestamp column", what, key);
    return "";
  };
  for (size_t k = 0; k < p.tags.size(); ++k) {
    const Tag& t = p.tags[k];
    if (auto e = check_name(t.key, "tag"); !e.empty()) return e;
    int c = sink.Find(t.key);
    if (c < 0) {
      bool dup = false;
      for (auto m : missing) dup = dup || m == t.key;
      if (!dup) {
        missing.push_back(t.key);
        missing_types.push_back("TEXT");
      }
    } else if (s->columns[c].type.id != TypeId::kText || s->columns[c].type.precision) {
      return fmt::format("tag \"{}\" is text but column \"{}\" is {}", t.key, t.key, s->columns[c].type.ToString());
    }
  }
  for (size_t k = 0; k < p.fields.size(); ++k) {
    const Field& f = p.fields[k];
    if (auto e = check_name(f.key, "field"); !e.empty()) return e;
    for (const Tag& t : p.tags)
      if (t.key == f.key) return fmt::format("field \"{}\" has the same name as a tag", f.key);
    int c = sink.Find(f.key);
    if (c < 0) {
      bool dup = false;
      for (size_t m = 0; m < missing.size(); ++m) {
        if (missing[m] != f.key) continue;
        dup = true;
        if (missing_types[m] != ColumnTypeFor(f.kind))
          return fmt::format("field \"{}\" appears twice with different types", f.key);
      }
      if (!dup) {
        missing.push_back(f.key);
        missing_types.push_back(ColumnTypeFor(f.kind));
      }
    } else if (auto e = CheckField(f, s->columns[c].type); !e.empty()) {
      return e;
    }
  }
  for (int c : sink.required) {
    bool given = false;
    for (const Tag& t : p.tags) given = given || t.key == s->columns[c].name;
    for (const Field& f : p.fields) given = given || f.key == s->columns[c].name;
    if (!given)
      return fmt::format("null value in column \"{}\" of relation \"{}\" violates not-null constraint", s->columns[c].name, sink.name);
  }
  if (!missing.empty()) {
    // New columns change the table's shape: write out the rows buffered for the old one first.
    FlushSink(sink);
    std::string ddl = "ALTER TABLE " + db_.QuoteTable(sink.name);
    for (size_t m = 0; m < missing.size(); ++m)
      ddl += (m ? ", ADD COLUMN " : " ADD COLUMN ") + Quoted(missing[m]) + " " + missing_types[m];
    db_.ExecuteDdl(ddl);
    WidenSeriesKey(sink, missing, p);
    report_.columns_added += missing.size();
    sink.Bind(db_.FindTable(sink.name));
  }
  sink.slots.clear();
  for (const Tag& t : p.tags) sink.slots.push_back(sink.Find(t.key));
  for (const Field& f : p.fields) sink.slots.push_back(sink.Find(f.key));
  // Repeated keys (last one wins) make slot positions ambiguous: never reuse such a shape.
  bool repeated = false;
  for (size_t a = 0; a < sink.slots.size() && !repeated; ++a)
    for (size_t b = a + 1; b < sink.slots.size(); ++b) repeated = repeated || sink.slots[a] == sink.slots[b];
  if (repeated) {
    sink.shape_valid = sink.shape_unchecked = false;
    return "";
  }
  sink.RememberShape(p);
  sink.shape_unchecked = true;
  for (size_t k = 0; k < p.fields.size(); ++k) {
    const FieldKind kind = p.fields[k].kind;
    const TypeId column = s->columns[sink.slots[p.tags.size() + k]].type.id;
    if (kind == FieldKind::kUnsigned || (kind == FieldKind::kInteger && column != TypeId::kInt64)) sink.shape_unchecked = false;
  }
  return "";
}

void Writer::AddRow(Sink& sink, const Point& p, size_t line) {
  DataChunk& chunk = sink.chunk;
  const size_t row = chunk.count;
  sink.lines.push_back(line);
  for (auto& col : chunk.columns) col.SetNull(row, true);
  Vector& tcol = chunk.columns[sink.time_col];
  int64_t ts = p.has_timestamp ? p.timestamp_ns : now_ns_;
  tcol.i64()[row] = ts;
  tcol.SetNull(row, false);
  if (row == 0) sink.capacity = std::max<size_t>(1, sink.table->data.OpenGroupRoom(tcol, 0));
  size_t slot = 0;
  for (const Tag& t : p.tags) {
    Vector& out = chunk.columns[sink.slots[slot++]];
    out.str()[row].assign(t.value);
    out.SetNull(row, false);
  }
  for (const Field& f : p.fields) {
    Vector& out = chunk.columns[sink.slots[slot++]];
    switch (f.kind) {
      case FieldKind::kFloat:
        out.f64()[row] = out.type().id == TypeId::kFloat32 ? double(float(f.f)) : f.f;
        break;
      case FieldKind::kInteger: out.i64()[row] = f.i; break;
      case FieldKind::kUnsigned: out.i64()[row] = int64_t(f.u); break;
      case FieldKind::kBoolean: out.i64()[row] = f.b; break;
      case FieldKind::kString: out.str()[row].assign(f.s); break;
    }
    out.SetNull(row, false);
  }
  if (++chunk.count >= sink.capacity) FlushSink(sink);
}

void Writer::WidenSeriesKey(Sink& sink, const std::vector<std::string_view>& added, const Point& p) {
  auto table = db_.FindTable(sink.name);
  const TableSchema& s = table->schema;
  const bool series_key = s.key_is_unique && s.nulls_not_distinct && s.UpsertsOnKey();
  if (!series_key) return;  // a table the user keyed otherwise (or not at all) keeps its key
  std::vector<std::string> key;
  for (int c : s.primary_key)
    if (c != s.time_column) key.push_back(s.columns[size_t(c)].name);
  const size_t before = key.size();
  for (std::string_view name : added)
    for (const Tag& t : p.tags)
      if (t.key == name && std::find(key.begin(), key.end(), name) == key.end()) key.emplace_back(name);
  if (key.size() == before) return;  // only fields were new
  key.push_back(s.columns[size_t(s.time_column)].name);
  std::string cols;
  for (const std::string& k : key) cols += (cols.empty() ? "" : ", ") + Quoted(k);
  db_.ExecuteDdl(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}, ADD UNIQUE NULLS NOT DISTINCT ({})", db_.QuoteTable(sink.name),
                             Quoted(PrimaryKeyConstraintName(*table)), cols));
  sink.Bind(db_.FindTable(sink.name));
}

void Writer::FlushSink(Sink& sink) {
  DataChunk& chunk = sink.chunk;
  if (chunk.count == 0) return;
  for (auto& col : chunk.columns) col.Resize(chunk.count);
  if (!sink.table->schema.checks.empty()) {
    // Points a CHECK constraint rejects are rejected lines; the others are written.
    const auto failures = db_.CheckFailures(sink.table, chunk);
    if (!failures.empty()) {
      std::vector<uint32_t> keep;
      size_t f = 0;
      for (size_t r = 0; r < chunk.count; ++r) {
        if (f < failures.size() && failures[f].first == r) {
          Reject(sink.lines[r], failures[f++].second);
          continue;
        }
        keep.push_back(uint32_t(r));
      }
      chunk.Select(keep);
    }
  }
  if (chunk.count > 0) report_.rows += AppendOrReject(sink, chunk, 0, chunk.count);
  sink.Bind(sink.table);
}

size_t Writer::AppendOrReject(Sink& sink, const DataChunk& chunk, size_t from, size_t to) {
  // The engine checks keys and foreign keys before it appends anything, so a refused batch
  // left the table as it was: its halves are tried until the points a constraint refuses are
  // single lines, rejected with their line numbers (PostgreSQL checks row by row: of two equal
  // keys in one batch the first is written). One bad point costs ~2 log2(n) appends.
  DataChunk part;
  const DataChunk* rows = &chunk;
  if (from != 0 || to != chunk.count) {
    std::vector<uint32_t> keep;
    for (size_t r = from; r < to; ++r) keep.push_back(uint32_t(r));
    part = chunk;
    part.Select(keep);
    rows = &part;
  }
  try {
    db_.AppendPoints(sink.table, *rows);
    return to - from;
  } catch (const Error& e) {
    if (e.status().sqlstate().rfind("23", 0) != 0) throw;  // integrity violations only
    if (to - from == 1) {
      std::string reason = e.status().message();
      if (!e.status().detail().empty()) reason += " (" + e.status().detail() + ")";
      Reject(sink.lines[from], std::move(reason));
      return 0;
    }
  }
  const size_t mid = from + (to - from) / 2;
  const size_t written = AppendOrReject(sink, chunk, from, mid);
  return written + AppendOrReject(sink, chunk, mid, to);
}

void Writer::Flush() {
  for (auto& [name, sink] : sinks_) FlushSink(*sink);
}

void Writer::Write(std::string_view data, size_t first_line) {
  if (data.size() >= kParseAheadBytes) {
    // Large bodies: the next pieces are parsed on a second thread while these points are written.
    PieceParser parsed(data, options_.precision, kPieceBytes);
    Write(parsed, first_line);
    return;
  }
  Parser parser(data, options_.precision);
  Point p;
  while (true) {
    Parser::Result r = parser.Next(&p);
    if (r == Parser::kEnd) break;
    Take(r == Parser::kError ? nullptr : &p, parser.error(), first_line + parser.line() - 1);
  }
}

void Writer::Write(PieceParser& parsed, size_t first_line) {
  Point p;
  std::string error;
  parsed.Consume([&](const ParsedPiece& piece, size_t lines_before) {
    const size_t line_base = first_line + lines_before - 1;
    size_t line;
    for (size_t i = 0; i < piece.size();) {
      const bool ok = piece.Get(i, &p, &error, &line);
      Sink* sink = Take(ok ? &p : nullptr, error, line_base + line);
      size_t next = i + 1;
      if (sink && sink->shape_valid && sink->shape_unchecked) {
        // The points after it of its shape need no lookup or check: their values are copied
        // column by column.
        while (next < piece.size() && piece.SameShapeAsPrevious(next)) ++next;
        AddRows(*sink, piece, i + 1, next, line_base);
      }
      i = next;
    }
  });
}

Writer::Sink* Writer::Take(const Point* p, const std::string& error, size_t line) {
  if (!p) {
    Reject(line, error);
    return nullptr;
  }
  if (p->measurement.size() > kMaxIdentifier) {
    Reject(line, fmt::format("measurement name is longer than {} bytes", kMaxIdentifier));
    return nullptr;
  }
  Sink& sink = SinkFor(p->measurement, *p);
  std::string reason = Prepare(sink, *p);
  if (!reason.empty()) {
    Reject(line, std::move(reason));
    return nullptr;
  }
  AddRow(sink, *p, line);
  return &sink;
}

void Writer::AddRows(Sink& sink, const ParsedPiece& piece, size_t from, size_t to, size_t line_base) {
  const size_t tags = sink.shape_tags, fields = sink.shape_kinds.size();
  while (from < to) {
    DataChunk& chunk = sink.chunk;
    const size_t row0 = chunk.count;
    Vector& tcol = chunk.columns[sink.time_col];
    auto time_of = [&](size_t i) { return piece.has_timestamp(i) ? piece.timestamp_ns(i) : now_ns_; };
    if (row0 == 0) {
      tcol.i64()[0] = time_of(from);
      sink.capacity = std::max<size_t>(1, sink.table->data.OpenGroupRoom(tcol, 0));
    }
    const size_t n = std::min(to - from, sink.capacity - row0);  // AddRow flushed at capacity
    for (auto& col : chunk.columns) memset(col.nulls() + row0, 1, n);
    auto given = [&](Vector& out) { memset(out.nulls() + row0, 0, n); };
    int64_t* times = tcol.i64();
    for (size_t k = 0; k < n; ++k) times[row0 + k] = time_of(from + k);
    given(tcol);
    for (size_t t = 0; t < tags; ++t) {
      Vector& out = chunk.columns[sink.slots[t]];
      std::string* cells = out.str();
      for (size_t k = 0; k < n; ++k) cells[row0 + k].assign(piece.tags(from + k)[t].value);
      given(out);
    }
    for (size_t f = 0; f < fields; ++f) {
      Vector& out = chunk.columns[sink.slots[tags + f]];
      // cells[row0 + k] = value(field f of point from + k), as AddRow converts each kind.
      auto copy = [&](auto* cells, auto value) {
        for (size_t k = 0; k < n; ++k) cells[row0 + k] = value(piece.fields(from + k)[f]);
      };
      switch (sink.shape_kinds[f]) {
        case FieldKind::kFloat:
          if (out.type().id == TypeId::kFloat32) copy(out.f64(), [](const Field& x) { return double(float(x.f)); });
          else copy(out.f64(), [](const Field& x) { return x.f; });
          break;
        case FieldKind::kInteger: copy(out.i64(), [](const Field& x) { return x.i; }); break;
        case FieldKind::kUnsigned: copy(out.i64(), [](const Field& x) { return int64_t(x.u); }); break;
        case FieldKind::kBoolean: copy(out.i64(), [](const Field& x) { return int64_t(x.b); }); break;
        case FieldKind::kString: copy(out.str(), [](const Field& x) { return x.s; }); break;
      }
      given(out);
    }
    for (size_t k = 0; k < n; ++k) sink.lines.push_back(line_base + piece.line(from + k));
    chunk.count += n;
    from += n;
    if (chunk.count >= sink.capacity) FlushSink(sink);
  }
}


}  // namespace yunhe::lineproto
