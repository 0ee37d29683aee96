// A libpq client against `yunhe serve`: the extended query protocol as libpq drives it
// (PQexecParams with text and binary parameters and results, PQprepare/PQexecPrepared,
// PQdescribePrepared, errors). usage: libpq_client PORT; prints "ok" or what failed.
#include <arpa/inet.h>
#include <libpq-fe.h>

#include <cstdint>
#include <cstring>
#include <iostream>
#include <string>

namespace {
int failures = 0;
void Expect(bool ok, const std::string& what) {
  if (!ok) {
    std::cout << "FAIL: " << what << "\n";
    ++failures;
  }
}
std::string Value(PGresult* r, int row, int col) { return PQgetisnull(r, row, col) ? "NULL" : PQgetvalue(r, row, col); }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string conninfo = std::string("host=127.0.0.1 port=") + argv[1] + " user=yunhe dbname=yunhe connect_timeout=5";
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::cout << "FAIL: connect: " << PQerrorMessage(c);
    return 1;
  }
  PGresult* r = PQexec(c, "CREATE TABLE lp (id int, name text, v double precision, ts timestamptz, n numeric(10,2))");
  Expect(PQresultStatus(r) == PGRES_COMMAND_OK, std::string("create: ") + PQerrorMessage(c));
  PQclear(r);

  // Text parameters with unspecified types, inserted through the extended protocol.
  const char* values[5] = {"1", "it's", "2.5", "2024-01-01 10:00:00+00", "12.34"};
  r = PQexecParams(c, "INSERT INTO lp VALUES ($1, $2, $3, $4, $5)", 5, nullptr, values, nullptr, nullptr, 0);
  Expect(PQresultStatus(r) == PGRES_COMMAND_OK && std::string(PQcmdTuples(r)) == "1", std::string("insert params: ") + PQerrorMessage(c));
  PQclear(r);
  const char* nulls[5] = {"2", nullptr, nullptr, nullptr, nullptr};
  r = PQexecParams(c, "INSERT INTO lp VALUES ($1, $2, $3, $4, $5)", 5, nullptr, nulls, nullptr, nullptr, 0);
  Expect(PQresultStatus(r) == PGRES_COMMAND_OK, std::string("insert nulls: ") + PQerrorMessage(c));
  PQclear(r);

  // Binary parameter (int4, typed) and text results.
  uint32_t id_be = htonl(1);
  const char* bin_values[1] = {reinterpret_cast<const char*>(&id_be)};
  int lengths[1] = {4};
  int formats[1] = {1};
  Oid types[1] = {23};
  r = PQexecParams(c, "SELECT id, name, v, ts, n FROM lp WHERE id = $1", 1, types, bin_values, lengths, formats, 0);
  Expect(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, std::string("select binary param: ") + PQerrorMessage(c));
  if (PQntuples(r) == 1) {
    Expect(Value(r, 0, 1) == "it's", "name was " + Value(r, 0, 1));
    Expect(Value(r, 0, 3) == "2024-01-01 10:00:00+00", "ts was " + Value(r, 0, 3));
    Expect(Value(r, 0, 4) == "12.34", "n was " + Value(r, 0, 4));
    Expect(PQftype(r, 3) == 1184 && PQftype(r, 0) == 23, "column types");
    Expect(std::string(PQfname(r, 2)) == "v", "column name");
  }
  PQclear(r);

  // Binary results.
  r = PQexecParams(c, "SELECT id, v, n FROM lp WHERE id = 1", 0, nullptr, nullptr, nullptr, nullptr, 1);
  Expect(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, std::string("binary results: ") + PQerrorMessage(c));
  if (PQntuples(r) == 1) {
    uint32_t id;
    memcpy(&id, PQgetvalue(r, 0, 0), 4);
    Expect(PQgetlength(r, 0, 0) == 4 && ntohl(id) == 1, "binary int4");
    uint64_t bits = 0;
    for (int k = 0; k < 8; ++k) bits = (bits << 8) | uint8_t(PQgetvalue(r, 0, 1)[k]);
    double v;
    memcpy(&v, &bits, 8);
    Expect(v == 2.5, "binary float8");
    // numeric 12.34: ndigits 2, weight 0, sign 0, dscale 2, digits 12, 3400
    const unsigned char* n = reinterpret_cast<const unsigned char*>(PQgetvalue(r, 0, 2));
    Expect(PQgetlength(r, 0, 2) == 12 && n[1] == 2 && n[3] == 0 && n[7] == 2 && n[9] == 12 && ((n[10] << 8) | n[11]) == 3400,
           "binary numeric");
  }
  PQclear(r);

  // Prepared statement, described, executed twice.
  r = PQprepare(c, "by_id", "SELECT name FROM lp WHERE id = $1", 1, nullptr);
  Expect(PQresultStatus(r) == PGRES_COMMAND_OK, std::string("prepare: ") + PQerrorMessage(c));
  PQclear(r);
  r = PQdescribePrepared(c, "by_id");
  Expect(PQresultStatus(r) == PGRES_COMMAND_OK && PQnparams(r) == 1 && PQnfields(r) == 1 && std::string(PQfname(r, 0)) == "name",
         std::string("describe prepared: ") + PQerrorMessage(c));
  PQclear(r);
  for (const char* id : {"1", "2"}) {
    const char* p[1] = {id};
    r = PQexecPrepared(c, "by_id", 1, p, nullptr, nullptr, 0);
    Expect(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, std::string("exec prepared: ") + PQerrorMessage(c));
    if (PQntuples(r) == 1) Expect(Value(r, 0, 0) == (std::string(id) == "1" ? "it's" : "NULL"), "prepared result");
    PQclear(r);
  }

  // Errors carry the SQLSTATE; the session stays usable.
  r = PQexecParams(c, "SELECT nosuch FROM lp WHERE id = $1", 1, nullptr, values, nullptr, nullptr, 0);
  Expect(PQresultStatus(r) == PGRES_FATAL_ERROR && std::string(PQresultErrorField(r, PG_DIAG_SQLSTATE)) == "42703",
         "error sqlstate");
  PQclear(r);
  r = PQexecParams(c, "SELECT count(*) FROM lp", 0, nullptr, nullptr, nullptr, nullptr, 0);
  Expect(PQresultStatus(r) == PGRES_TUPLES_OK && Value(r, 0, 0) == "2", std::string("after error: ") + PQerrorMessage(c));
  PQclear(r);
  PQfinish(c);
  if (failures == 0) std::cout << "ok\n";
  return failures ? 1 : 0;
}
