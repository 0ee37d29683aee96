// The C++ embedding API (include/yunhe/yunhe.hpp) through libyunhe.so only, as a user links it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "yunhe/yunhe.hpp"

namespace y = yunhe::api;

namespace {

int64_t One(y::Connection& con, const std::string& sql) {
  auto rows = con.Query(sql).FetchAll();
  EXPECT_EQ(rows.size(), 1u);
  return rows.empty() ? -1 : std::stoll(rows[0][0].ToString());  // integers and numeric alike
}

}  // namespace

TEST(Api, StreamsChunksAndTags) {
  y::Database db;
  y::Connection con(db);
  y::Result r = con.Query("SELECT g, g * 0.5 AS half, 'n' || g AS name FROM generate_series(1, 5000) g");
  ASSERT_TRUE(r.returns_rows());
  EXPECT_EQ(r.names(), (std::vector<std::string>{"g", "half", "name"}));
  EXPECT_EQ(r.types()[0], y::Type::kInteger);
  EXPECT_EQ(r.types()[1], y::Type::kNumeric);
  size_t rows = 0, chunks = 0;
  int64_t sum = 0;
  for (y::Chunk c; r.Next(&c);) {
    ++chunks;
    EXPECT_LE(c.size(), 2048u);
    for (size_t i = 0; i < c.size(); ++i) sum += c.column(0).int64s()[i];
    EXPECT_EQ(c.column(2).text(0), "n" + std::to_string(c.column(0).int64s()[0]));
    EXPECT_DOUBLE_EQ(c.column(1).ToDouble(0), c.column(0).int64s()[0] * 0.5);
    rows += c.size();
  }
  EXPECT_EQ(rows, 5000u);
  EXPECT_GE(chunks, 3u);
  EXPECT_EQ(sum, 5000 * 5001 / 2);
  EXPECT_EQ(r.tag(), "SELECT 5000");
  EXPECT_EQ(r.rows_affected(), 5000);
}

TEST(Api, DroppedResultLetsTheNextStatementRun) {
  y::Database db;
  y::Connection con(db);
  con.Query("CREATE TABLE t AS SELECT g FROM generate_series(1, 100000) g");
  {
    y::Result r = con.Query("SELECT g FROM t");
    y::Chunk c;
    ASSERT_TRUE(r.Next(&c));
    // A new statement on the connection closes r.
    EXPECT_EQ(One(con, "SELECT count(*) FROM t"), 100000);
    EXPECT_FALSE(r.Next(&c));
  }
  EXPECT_EQ(One(con, "SELECT max(g) FROM t"), 100000);
}

TEST(Api, ErrorsCarrySqlstatePositionAndFields) {
  y::Database db;
  y::Connection con(db);
  con.Query("CREATE TABLE k (id integer PRIMARY KEY, v text NOT NULL)");
  con.Query("INSERT INTO k VALUES (1, 'a')");
  try {
    con.Query("INSERT INTO k VALUES (1, 'b')");
    FAIL();
  } catch (const y::Error& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
    EXPECT_FALSE(e.fields().detail.empty());
  }
  try {
    con.Query("SELECT 1;\nSELECT nosuch");
    FAIL();
  } catch (const y::Error& e) {
    EXPECT_EQ(e.sqlstate(), "42703");
    EXPECT_EQ(e.position(), 18);  // in the whole text
  }
  try {
    y::Value v = y::Value::Text("x");
    con.Query("SELECT $1::integer", {v});
    FAIL();
  } catch (const y::Error& e) {
    EXPECT_EQ(e.sqlstate(), "22P02");
  }
  EXPECT_EQ(One(con, "SELECT count(*) FROM k"), 1);
}

TEST(Api, MultiStatementTextIsOneTransaction) {
  y::Database db;
  y::Connection con(db);
  con.Query("CREATE TABLE t (x integer PRIMARY KEY)");
  EXPECT_THROW(con.Query("INSERT INTO t VALUES (1); INSERT INTO t VALUES (1)"), y::Error);
  EXPECT_EQ(One(con, "SELECT count(*) FROM t"), 0);
  con.Query("BEGIN");
  EXPECT_TRUE(con.in_transaction());
  con.Query("INSERT INTO t VALUES (2)");
  y::Connection other(db);
  EXPECT_EQ(One(other, "SELECT count(*) FROM t"), 0);  // not committed yet
  con.Query("COMMIT");
  EXPECT_EQ(One(other, "SELECT count(*) FROM t"), 1);
}

TEST(Api, ParametersAndPreparedStatements) {
  y::Database db;
  y::Connection con(db);
  con.Query("CREATE TABLE p (ts timestamptz, s text, b bytea, n numeric, d date)");
  y::PreparedStatement ins = con.Prepare("INSERT INTO p VALUES ($1, $2, $3, $4, $5)");
  EXPECT_EQ(ins.parameter_count(), 5);
  ins.Execute({y::Value::TimestampTz(1'700'000'000'000'000'000), y::Value::Text("it's; DROP TABLE p"),
               y::Value::Bytes(std::string("\0\xff", 2)), y::Value::Typed(y::Type::kNumeric, "12.50"), y::Value::Date(19000)});
  ins.Execute({y::Value::Null(), y::Value::Null(), y::Value::Null(), y::Value::Null(), y::Value::Null()});
  EXPECT_THROW(ins.Execute({y::Value::Int(1)}), y::Error);  // 5 parameters needed
  auto rows = con.Query("SELECT ts, s, b, n, d FROM p ORDER BY ts NULLS LAST").FetchAll();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].int_value(), 1'700'000'000'000'000'000);
  EXPECT_EQ(rows[0][1].text_value(), "it's; DROP TABLE p");
  EXPECT_EQ(rows[0][2].text_value(), std::string("\0\xff", 2));
  EXPECT_EQ(rows[0][3].ToString(), "12.50");
  EXPECT_EQ(rows[0][4].ToString(), "2022-01-08");
  EXPECT_TRUE(rows[1][0].is_null());
  EXPECT_EQ(One(con, "SELECT count(*) FROM p WHERE s = 'it''s; DROP TABLE p'"), 1);
  EXPECT_THROW(con.Prepare("SELEC 1"), y::Error);
}

TEST(Api, AppenderChecksAndIsAtomicPerFlush) {
  y::Database db;
  y::Connection con(db);
  con.Query("CREATE TABLE a (id integer PRIMARY KEY, small smallint, x double precision NOT NULL)");
  {
    y::Appender app(con, "a");
    app.Append(int64_t(1)).Append(int64_t(2)).Append(1.5).EndRow();
    EXPECT_THROW(app.Append(int64_t(1)).Append(int64_t(1)).AppendNull(), y::Error);  // NOT NULL
    EXPECT_THROW(app.EndRow(), y::Error);  // the row is incomplete
  }
  EXPECT_EQ(One(con, "SELECT count(*) FROM a"), 1);
  y::Appender cols(con, "A");  // names fold as unquoted SQL names do
  const int64_t ids[] = {10, 11, 12};
  const int64_t smalls[] = {1, 100000, 3};  // 100000 does not fit a smallint
  const double xs[] = {1, 2, 3};
  try {
    cols.AppendColumns({{ids}, {smalls}, {nullptr, xs}}, 3);
    FAIL();
  } catch (const y::Error& e) {
    EXPECT_EQ(e.sqlstate(), "22003");
  }
  EXPECT_EQ(One(con, "SELECT count(*) FROM a"), 1);  // nothing of the failed call
  const int64_t ok_smalls[] = {1, 2, 3};
  const uint8_t null_x[] = {0, 0, 0};
  cols.AppendColumns({{ids}, {ok_smalls}, {nullptr, xs, nullptr, null_x}}, 3);
  EXPECT_EQ(One(con, "SELECT sum(id) FROM a"), 1 + 33);
  const int64_t dup[] = {10};
  EXPECT_THROW(cols.AppendColumns({{dup}, {ok_smalls}, {nullptr, xs}}, 1), y::Error);  // primary key
  EXPECT_THROW(y::Appender(con, "nosuch"), y::Error);
}

TEST(Api, UserFunctionsRunOnWorkerThreadsAndFail) {
  y::Database db;
  y::Connection con(db);
  std::atomic<int> calls{0};
  con.CreateFunction("plus_one", {y::Type::kBigInt}, y::Type::kBigInt,
                     [&](const std::vector<y::Column>& args, size_t n, y::MutableColumn& out) {
                       ++calls;
                       const int64_t* in = args[0].int64s();
                       int64_t* o = out.int64s();
                       for (size_t i = 0; i < n; ++i) o[i] = in[i] + 1;
                     });
  con.Query("CREATE TABLE big AS SELECT g::bigint AS x FROM generate_series(1, 300000) g");
  EXPECT_EQ(One(con, "SELECT sum(plus_one(x)) FROM big"), 300000LL * 300001 / 2 + 300000);
  EXPECT_GE(calls.load(), 300000 / 2048);
  EXPECT_TRUE(con.Query("SELECT plus_one(NULL::bigint)").FetchAll()[0][0].is_null());
  con.CreateFunction("boom", {y::Type::kDouble}, y::Type::kDouble,
                     [](const std::vector<y::Column>&, size_t, y::MutableColumn&) { throw std::runtime_error("no model"); });
  try {
    con.Query("SELECT boom(1.0)").FetchAll();
    FAIL();
  } catch (const y::Error& e) {
    EXPECT_EQ(e.sqlstate(), "38000");
    EXPECT_STREQ(e.what(), "no model");
  }
  EXPECT_THROW(con.CreateFunction("abs", {y::Type::kBigInt}, y::Type::kBigInt,
                                  [](const std::vector<y::Column>&, size_t, y::MutableColumn&) {}),
               y::Error);
  // Another connection sees it; removed, it is gone.
  y::Connection other(db);
  EXPECT_EQ(One(other, "SELECT plus_one(41)"), 42);
  con.RemoveFunction("plus_one");
  EXPECT_THROW(other.Query("SELECT plus_one(41)"), y::Error);
}

TEST(Api, ConnectionsOnThreads) {
  y::Database db;
  {
    y::Connection con(db);
    con.Query("CREATE TABLE c (t integer, v integer)");
  }
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      try {
        y::Connection con(db);
        y::Appender app(con, "c");
        for (int i = 0; i < 1000; ++i) app.Append(int64_t(t)).Append(int64_t(i)).EndRow();
        app.Close();
        for (int i = 0; i < 20; ++i) con.Query("SELECT count(*) FROM c WHERE t = " + std::to_string(t)).FetchAll();
      } catch (const std::exception&) {
        ++errors;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  y::Connection con(db);
  EXPECT_EQ(One(con, "SELECT count(*) FROM c"), 4000);
}

TEST(Api, DataDirectoryOutlivesTheProcessObjects) {
  const std::string dir = testing::TempDir() + "/yunhe_api_dir";
  std::system(("rm -rf " + dir).c_str());
  {
    y::Database db(dir);
    y::Connection con(db);
    con.Query("CREATE TABLE d (x integer)");
    y::Appender app(con, "d");
    for (int i = 0; i < 10; ++i) app.Append(int64_t(i)).EndRow();
    app.Close();
  }
  {
    y::Database db(dir);
    y::Connection con(db);
    EXPECT_EQ(One(con, "SELECT sum(x) FROM d"), 45);
    db.Checkpoint();
  }
  EXPECT_EQ(y::TypeFromName("DOUBLE PRECISION"), y::Type::kDouble);
  EXPECT_EQ(y::TypeFromName("timestamptz"), y::Type::kTimestampTz);
  EXPECT_STREQ(y::TypeName(y::Type::kTimestampTz), "timestamp with time zone");
  EXPECT_THROW(y::TypeFromName("nosuch"), y::Error);
  std::system(("rm -rf " + dir).c_str());
}

TEST(Api, AppenderLeftByAnExceptionWritesNothingOfItsRows) {
  y::Database db;
  y::Connection con(db);
  con.Query("CREATE TABLE e (x integer)");
  try {
    y::Appender app(con, "e");
    app.Append(int64_t(1)).EndRow();
    app.Append(int64_t(2)).EndRow();
    app.Append(y::Value::Text("not a number"));  // 22P02: leaves the scope with the exception
    FAIL();
  } catch (const y::Error& e) {
    EXPECT_EQ(e.sqlstate(), "22P02");
  }
  EXPECT_EQ(One(con, "SELECT count(*) FROM e"), 0);
  {
    y::Appender app(con, "e");
    app.Append(int64_t(3)).EndRow();
  }  // left normally: flushed
  EXPECT_EQ(One(con, "SELECT count(*) FROM e"), 1);
}
