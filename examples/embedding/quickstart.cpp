// yunhe embedded in a C++ program: build against the installed library with
//   g++ -std=c++17 quickstart.cpp $(pkg-config --cflags --libs yunhe) -o quickstart
// (docs/embedding.md). Run: ./quickstart [DATA_DIR]  (no argument: an in-memory database)
#include <cmath>
#include <iostream>

#include <yunhe/yunhe.hpp>

namespace y = yunhe::api;

int main(int argc, char** argv) {
  y::Database db(argc > 1 ? argv[1] : ":memory:");
  y::Connection con(db);
  con.Query("CREATE TABLE quotes (ts timestamptz NOT NULL, sym text, bid double precision, ask double precision)");

  // Bulk rows: row at a time, then column at a time (arrays, no per-value objects).
  y::Appender app(con, "quotes");
  app.Append(y::Value::Text("2024-03-01 09:30:00+00")).Append("AAPL").Append(179.5).Append(179.75).EndRow();
  app.Append(y::Value::TimestampTz(1709285460000000000)).Append("MSFT").Append(410.0).AppendNull().EndRow();
  app.Close();
  const int64_t ts[] = {1709285520000000000, 1709285580000000000};
  const std::string_view syms[] = {"AAPL", "AAPL"};
  const double bids[] = {179.6, 179.7}, asks[] = {179.8, 179.9};
  y::Appender bulk(con, "quotes");
  bulk.AppendColumns({{ts}, {nullptr, nullptr, syms}, {nullptr, bids}, {nullptr, asks}}, 2);
  bulk.Close();
  std::cout << "appended " << app.rows_appended() + bulk.rows_appended() << " rows\n";

  // A function in C++, called with up to 2,048 rows at a time.
  con.CreateFunction("mid", {y::Type::kDouble, y::Type::kDouble}, y::Type::kDouble,
                     [](const std::vector<y::Column>& args, size_t n, y::MutableColumn& out) {
                       const double* b = args[0].doubles();
                       const double* a = args[1].doubles();
                       double* m = out.doubles();
                       for (size_t i = 0; i < n; ++i) m[i] = (b[i] + a[i]) / 2;
                     });

  // Parameters, and rows streamed chunk by chunk with typed column access.
  y::Result r = con.Query("SELECT ts, sym, mid(bid, ask) AS mid FROM quotes WHERE sym = $1 ORDER BY ts",
                          {y::Value::Text("AAPL")});
  for (y::Chunk c; r.Next(&c);)
    for (size_t i = 0; i < c.size(); ++i)
      std::cout << c.column(0).ToString(i) << " " << c.column(1).text(i) << " " << c.column(2).doubles()[i] << "\n";
  std::cout << r.tag() << "\n";

  // A prepared statement run twice; NULL arguments of a strict function give NULL.
  y::PreparedStatement p = con.Prepare("SELECT count(*), count(mid(bid, ask)) FROM quotes WHERE ts >= $1");
  for (const char* from : {"2024-03-01 00:00:00+00", "2024-03-01 09:32:00+00"}) {
    auto rows = p.Execute({y::Value::Text(from)}).FetchAll();
    std::cout << "from " << from << ": " << rows[0][0].int_value() << " rows, " << rows[0][1].int_value() << " with a mid\n";
  }

  // Errors carry PostgreSQL's SQLSTATE and position.
  try {
    con.Query("SELECT nosuch FROM quotes");
  } catch (const y::Error& e) {
    std::cout << "error " << e.sqlstate() << " at " << e.position() << ": " << e.what() << "\n";
  }
  return 0;
}
