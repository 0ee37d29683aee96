// What the API's pieces share: the Impl structs behind the public classes and the conversions
// between public and engine types.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/vector.h"
#include "engine/database.h"
#include "engine/session.h"
#include "yunhe/yunhe.hpp"

namespace yunhe::api {

Type ToApiType(const LogicalType& t);
LogicalType ToEngineType(Type t);
// An engine status (not OK) as the API's exception.
Error ToApiError(const Status& s);
// An engine value as the API's, and back (converted to `to`).
Value ToApiValue(const yunhe::Value& v);
yunhe::Value ToEngineValue(const Value& v, const LogicalType& to);
// Rows [begin, begin + rows) of a ColumnData in the engine type `to` (throws yunhe::Error when
// they do not convert: out of range, unparsable text, a kind that cannot fill the type).
yunhe::Vector ConvertColumnData(const ColumnData& src, size_t begin, size_t rows, const LogicalType& to);
// A parameter as SQL text in place of $n: a literal, typed unless it is text (which then takes
// the type its place needs, as PostgreSQL's untyped parameters do).
std::string ParameterLiteral(const Value& v);

struct Database::Impl {
  std::unique_ptr<yunhe::Database> db;
};

struct Connection::Impl : std::enable_shared_from_this<Connection::Impl> {
  std::shared_ptr<Database::Impl> db;  // keeps the database open while this connection lives
  std::unique_ptr<Session> session;
  Result::Impl* active = nullptr;  // the streaming result not yet finished
  // Finishes the active result (drops its stream, ends the message): before the next statement.
  void CloseActive();
  // Runs a text (Connection::Query's contract).
  Result Run(const std::string& sql);
  // Runs fn holding the database (after closing the active result); engine errors as Error.
  void Locked(const std::function<void(yunhe::Database&)>& fn);
};

struct Result::Impl {
  std::shared_ptr<Connection::Impl> con;  // set while rows stream
  ResultStream stream;                // rows of a statement that streams (con set) ...
  std::vector<DataChunk> chunks;      // ... or of one already materialized
  size_t next_chunk = 0;
  std::vector<std::string> names;
  std::vector<Type> types;
  bool returns_rows = false;
  std::string tag;
  std::vector<std::string> notices;
  std::string text;  // the statement's text, for the position of an error while streaming
  int statement_begin = 0;
  bool done = false;
  ~Impl() { Finish(); }
  // The stream is done (read to its end, failed or dropped): the session may run the next statement.
  void Finish();
};

struct Chunk::Impl {
  DataChunk data;
};

struct Internal {
  static Column MakeColumn(const yunhe::Vector* v, size_t n) { return Column(v, n); }
  static MutableColumn MakeMutable(yunhe::Vector* v, size_t n) { return MutableColumn(v, n); }
  static DataChunk& Data(Chunk& c) {
    if (!c.impl_) c.impl_ = std::make_unique<Chunk::Impl>();  // moved from: usable again
    return c.impl_->data;
  }
  static Result MakeResult(std::unique_ptr<Result::Impl> impl) {
    Result r;
    r.impl_ = std::move(impl);
    return r;
  }
  static Connection::Impl& Con(Connection& c) { return *c.impl_; }
  static std::shared_ptr<Connection::Impl> SharedCon(Connection& c) { return c.impl_; }
};

}  // namespace yunhe::api
