// yunhe's embedding API (C++): the engine in your process, no server.
//
//   yunhe::api::Database db("var/demo");        // a data directory; ":memory:" or "" = in memory
//   yunhe::api::Connection con(db);
//   con.Query("CREATE TABLE t (ts timestamptz, x double precision)");
//   yunhe::api::Result r = con.Query("SELECT x FROM t WHERE ts > $1", {yunhe::api::Value::Text("2024-01-01")});
//   for (yunhe::api::Chunk c; r.Next(&c);)
//     for (size_t i = 0; i < c.size(); ++i) use(c.column(0).doubles()[i]);
//
// Statements behave as they do over the PostgreSQL protocol (the same engine, the same SQL); a
// Connection is one session: its own settings, prepared statements and transaction block.
// Connections of one Database may run on different threads at once; one Connection is used by
// one thread at a time. Errors are thrown as yunhe::api::Error with PostgreSQL's SQLSTATE.
// docs/embedding.md has the whole story; include/yunhe/yunhe.h is the C API over this one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#define YUNHE_API __attribute__((visibility("default")))

namespace yunhe {
class Vector;  // the engine's column vector and value (opaque here)
struct Value;
}

namespace yunhe::api {

// Column types, with PostgreSQL's names (TypeName). How each is laid out in a Column:
//   kBool, kSmallInt, kInteger, kBigInt   int64s() (bool: 0 or 1)
//   kDate                                 int64s(): days since 1970-01-01
//   kTimestamp, kTimestampTz              int64s(): nanoseconds since 1970-01-01 00:00 (tz: UTC)
//   kTime                                 int64s(): nanoseconds since midnight
//   kReal, kDouble                        doubles()
//   kText, kBytea, kGeometry, kArray      text(row): the characters / raw bytes / EWKB bytes /
//                                         PostgreSQL's array text ("{1,2,NULL}")
//   kInterval                             interval(row): months, days and nanoseconds
//   kNumeric                              ToString(row), ToDouble(row)
enum class Type : uint8_t {
  kNull = 0, kBool, kSmallInt, kInteger, kBigInt, kReal, kDouble, kNumeric, kText, kDate,
  kTimestamp, kTimestampTz, kInterval, kGeometry, kBytea, kArray, kTime,
};
// PostgreSQL's name of a type ("timestamp with time zone").
YUNHE_API const char* TypeName(Type type);
// A type from its SQL name ("DOUBLE", "float8", "timestamptz", "varchar", ...); throws Error
// (42704) for a name it does not know.
YUNHE_API Type TypeFromName(std::string_view name);

// An error of the engine, as PostgreSQL reports it.
class YUNHE_API Error : public std::runtime_error {
 public:
  // PostgreSQL's optional error fields (empty when not given).
  struct Fields {
    std::string detail, hint;
    std::string table, column, constraint;  // the object an integrity error is about
  };
  Error(std::string sqlstate, const std::string& message, int position = 0, Fields fields = Fields());
  const std::string& sqlstate() const { return sqlstate_; }  // "42P01", "23505", ...
  int position() const { return position_; }                 // 1-based character in the text; 0 = none
  const Fields& fields() const { return fields_; }

 private:
  std::string sqlstate_;
  int position_;
  Fields fields_;
};

// One value to bind as a parameter or to append; also what Column::Get answers.
class YUNHE_API Value {
 public:
  Value() = default;  // NULL
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t x);      // bigint
  static Value Double(double x);    // double precision
  static Value Text(std::string s); // text; as a parameter it takes the type its place needs,
                                    // as an untyped literal does ('2024-01-01' for a timestamp)
  static Value Bytes(std::string bytes);  // bytea
  static Value Date(int64_t days);
  static Value Timestamp(int64_t ns);     // without time zone
  static Value TimestampTz(int64_t ns);   // since the epoch, UTC
  // Any type from its text form ("1.25" as kNumeric, "1 day" as kInterval, "POINT(1 2)" or hex
  // EWKB as kGeometry).
  static Value Typed(Type type, std::string text);

  Type type() const { return type_; }
  bool is_null() const { return null_; }
  bool bool_value() const { return i_ != 0; }
  int64_t int_value() const { return i_; }  // integers, dates, timestamps, times
  double double_value() const { return d_; }
  const std::string& text_value() const { return s_; }  // text, bytes, or the text form of the others
  // PostgreSQL's text output ("" for NULL).
  std::string ToString() const;

 private:
  friend Value ToApiValue(const yunhe::Value& v);
  static Value Integral(Type type, int64_t x);  // a non-NULL value kept in i_
  Type type_ = Type::kNull;
  bool null_ = true;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
};

// An interval as PostgreSQL keeps it: months, days and the rest (not normalized into each other).
struct Interval {
  int32_t months = 0;
  int32_t days = 0;
  int64_t ns = 0;
};

// A read-only view of one column of a Chunk (or of a function's argument). Valid while what it
// views lives; raw arrays hold size() entries, NULL rows hold an unspecified value.
class YUNHE_API Column {
 public:
  Type type() const;
  size_t size() const { return size_; }
  bool IsNull(size_t row) const;
  const uint8_t* nulls() const;  // 1 = NULL
  bool HasNulls() const;
  const int64_t* int64s() const;  // see Type for which types
  const double* doubles() const;
  std::string_view text(size_t row) const;
  Interval interval(size_t row) const;
  double ToDouble(size_t row) const;      // any numeric type
  std::string ToString(size_t row) const; // PostgreSQL's text output of any value ("" for NULL)
  Value Get(size_t row) const;

 protected:
  friend class Chunk;
  friend struct Internal;
  Column(const yunhe::Vector* v, size_t size) : v_(const_cast<yunhe::Vector*>(v)), size_(size) {}
  yunhe::Vector* v_;
  size_t size_;
};

// The result column a scalar function fills: every row of size() (rows where a strict function
// has a NULL argument are NULL already and may be left alone).
class YUNHE_API MutableColumn : public Column {
 public:
  int64_t* int64s();
  double* doubles();
  void SetNull(size_t row, bool is_null = true);
  void SetText(size_t row, std::string_view text);  // text, bytea, geometry (EWKB) bytes
  void Set(size_t row, const Value& v);              // any type, converted to the column's

 private:
  friend struct Internal;
  using Column::Column;
};

// Up to 2,048 rows of a result, column by column.
class YUNHE_API Chunk {
 public:
  Chunk();
  ~Chunk();
  Chunk(Chunk&&) noexcept;
  Chunk& operator=(Chunk&&) noexcept;
  size_t size() const;
  size_t column_count() const;
  Column column(size_t i) const;

 public:
  struct Impl;  // opaque

 private:
  friend struct Internal;
  std::unique_ptr<Impl> impl_;
};

// One statement's result. Rows stream: Next hands out chunk after chunk as the engine makes them
// (nothing is materialized first). A Result must be read to its end or dropped before its
// Connection runs the next statement (running one closes it).
class YUNHE_API Result {
 public:
  Result();
  ~Result();
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  bool returns_rows() const;
  const std::vector<std::string>& names() const;
  const std::vector<Type>& types() const;
  size_t column_count() const { return names().size(); }
  // The next chunk; false at the end. Throws Error when the statement fails while its rows are made.
  bool Next(Chunk* chunk);
  // After the last chunk (or for a statement without rows): "SELECT 3", "INSERT 0 5", ...
  const std::string& tag() const;
  // The row count of the tag (INSERT/UPDATE/DELETE/COPY/SELECT...), -1 when it has none.
  int64_t rows_affected() const;
  // NOTICE and WARNING messages, as PostgreSQL prints them.
  const std::vector<std::string>& notices() const;
  // Reads every remaining row (convenience: tests, small results).
  std::vector<std::vector<Value>> FetchAll();

 public:
  struct Impl;  // opaque

 private:
  friend class Connection;
  friend struct Internal;
  std::unique_ptr<Impl> impl_;
};

class Connection;

// A database: a data directory opened for this process (or an in-memory one).
class YUNHE_API Database {
 public:
  struct Config {
    std::string memory_limit;  // as SET memory_limit ("2GB"); "" = the default
  };
  // path: a data directory (made when missing); "" or ":memory:" = in memory. Throws Error.
  explicit Database(const std::string& path = ":memory:", const Config& config = Config());
  ~Database();  // closes the database once its last Connection is gone too
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  // The newest changes written to part files and the WAL truncated (as CHECKPOINT).
  void Checkpoint();

 public:
  struct Impl;  // opaque

 private:
  friend class Connection;
  friend struct Internal;
  std::shared_ptr<Impl> impl_;
};

// A statement parsed once, run with different parameters ($1, $2, ...).
class YUNHE_API PreparedStatement {
 public:
  PreparedStatement();
  ~PreparedStatement();
  PreparedStatement(PreparedStatement&&) noexcept;
  PreparedStatement& operator=(PreparedStatement&&) noexcept;
  int parameter_count() const;
  Result Execute(const std::vector<Value>& params = {});

 public:
  struct Impl;  // opaque

 private:
  friend class Connection;
  std::unique_ptr<Impl> impl_;
};

// Typed arrays of one column for Appender::AppendColumns (no per-value objects): n rows of
//   int64s   for integer, boolean, date (days), timestamp (ns), time (ns) columns
//   doubles  for real, double precision and numeric columns
//   texts    for text, bytea, geometry (EWKB) and any other column (its text form)
// nulls (optional): 1 = NULL. Exactly one of the three arrays is set. An integer array fills a
// double column and a double array a numeric one; other mismatches are errors.
struct ColumnData {
  const int64_t* int64s = nullptr;
  const double* doubles = nullptr;
  const std::string_view* texts = nullptr;
  const uint8_t* nulls = nullptr;
};

// Rows the program holds, queried by name as a read-only table without being copied in
// (Connection::RegisterRelation): `rows` values of each column, as ColumnData (its arrays must
// stay valid and unchanged while registered). keep_alive is released once the relation is
// unregistered (or the Database closes) and no statement reads it any more.
struct RelationSource {
  std::vector<std::string> names;
  std::vector<Type> types;
  size_t rows = 0;
  std::vector<ColumnData> columns;
  std::shared_ptr<void> keep_alive;
};

// Bulk rows into one table, every column in table order, without SQL text per row. Rows are
// buffered and written by Flush (one statement: checked as INSERT would be, then committed and
// durable); Close flushes and ends. The destructor flushes what is left, dropping any error
// (call Close to see it) — unless an exception is leaving the scope: then the unflushed rows
// are dropped, not written half.
class YUNHE_API Appender {
 public:
  Appender(Connection& con, const std::string& table);
  ~Appender();
  Appender(Appender&&) noexcept;
  Appender& operator=(Appender&&) = delete;
  const std::vector<std::string>& names() const;
  const std::vector<Type>& types() const;
  // Row at a time: one value per column, then EndRow.
  Appender& Append(const Value& v);
  Appender& Append(int64_t x) { return Append(Value::Int(x)); }
  Appender& Append(double x) { return Append(Value::Double(x)); }
  Appender& Append(std::string_view s) { return Append(Value::Text(std::string(s))); }
  Appender& AppendNull() { return Append(Value::Null()); }
  void EndRow();
  // Column at a time: columns.size() == the table's column count.
  void AppendColumns(const std::vector<ColumnData>& columns, size_t rows);
  void Flush();
  void Close();
  size_t rows_appended() const;  // rows written by Flush so far

 public:
  struct Impl;  // opaque

 private:
  std::unique_ptr<Impl> impl_;
};

// A scalar function written in C++ (or any language bound to this API), called with up to
// 2,048 rows at a time: args[k] holds argument k (converted to the declared type), out is to be
// filled with `count` results. Throwing Error (or any std::exception) fails the statement with
// that message. It may run on several threads at once (parallel scans).
using ScalarFunctionBody = std::function<void(const std::vector<Column>& args, size_t count, MutableColumn& out)>;
struct FunctionOptions {
  bool strict = true;        // NULL in any argument gives NULL (the body never sees those rows)
  bool is_volatile = false;  // may answer differently for the same arguments: never folded
};

class YUNHE_API Connection {
 public:
  explicit Connection(Database& db);
  ~Connection();  // rolls back an open transaction block
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs every statement of `sql` (several ones as one transaction, as PostgreSQL's simple
  // query does unless the text manages its own) and returns the last one's result; its rows
  // stream. Throws Error on the first failing statement (position within `sql`).
  Result Query(std::string_view sql);
  // One statement with parameters $1, $2, ... bound to `params`.
  Result Query(std::string_view sql, const std::vector<Value>& params);
  PreparedStatement Prepare(std::string_view sql);

  // SQL functions backed by a body above, visible to every connection of this Database until
  // removed or the Database closes (they are not stored in it). A name that a built-in function
  // or another user function has is an error (42723).
  void CreateFunction(const std::string& name, const std::vector<Type>& args, Type returns, ScalarFunctionBody body,
                      FunctionOptions options = FunctionOptions());
  void RemoveFunction(const std::string& name);
  // A relation over the program's memory (RelationSource), visible to every connection of the
  // Database by its name (unqualified; it hides a table of the same name only if one is made
  // later). Refused when a table, view or registered relation has the name (42P07).
  void RegisterRelation(const std::string& name, RelationSource source);
  void UnregisterRelation(const std::string& name);

  bool in_transaction() const;  // a block is open (BEGIN ..., not yet ended)

 public:
  struct Impl;  // opaque

 private:
  friend class Appender;
  friend class PreparedStatement;
  friend struct Internal;
  std::shared_ptr<Impl> impl_;
};

}  // namespace yunhe::api
