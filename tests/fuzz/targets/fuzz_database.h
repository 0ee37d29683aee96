// Shared by the fuzz targets: one in-memory database per process with a few small tables (GNSS
// fixes, telemetry, ticks), and a session logged in as a non-superuser role holding every
// privilege on them, with a statement timeout — so an input can neither touch files of the
// machine nor run for long.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/database.h"
#include "engine/session.h"

namespace yunhe::fuzz {

inline Database& FuzzDatabase() {
  static Database* db = [] {
    Status st;
    Database* d = Database::Open(":memory:", &st).release();
    for (const char* sql : {
             "CREATE ROLE fuzzer LOGIN",
             "CREATE TABLE fix (ts timestamptz, device text, lon float8, lat float8, speed float8, geom geometry)",
             "INSERT INTO fix SELECT '2026-01-01'::timestamptz + g * interval '1 second', 'd' || (g % 3), 116 + g * 0.001, 39 + g * 0.001, g % 20, "
             "ST_Point(116 + g * 0.001, 39 + g * 0.001) FROM generate_series(1, 200) g",
             "CREATE TABLE cpu (time timestamptz, host text, usage float8, PRIMARY KEY (host, time))",
             "INSERT INTO cpu SELECT '2026-01-01'::timestamptz + g * interval '1 minute', 'h' || (g % 4), g * 1.5 FROM generate_series(1, 100) g",
             "CREATE TABLE trades (ts timestamptz, sym text, price numeric(12, 4), qty int)",
             "INSERT INTO trades SELECT '2026-01-01'::timestamptz + g * interval '1 second', 's' || (g % 2), 100 + g, g FROM generate_series(1, 50) g",
             "CREATE VIEW fast AS SELECT * FROM fix WHERE speed > 10",
             "GRANT ALL ON ALL TABLES IN SCHEMA public TO fuzzer",
             "GRANT CREATE ON SCHEMA public TO fuzzer",
         })
    {
      // The harness itself must work: a setup that fails would fuzz nothing.
      const QueryResult r = d->ExecuteStatement(sql);
      if (!r.status.ok()) {
        std::fprintf(stderr, "fuzz setup failed: %s: %s\n", sql, r.status.message().c_str());
        std::abort();
      }
    }
    return d;
  }();
  return *db;
}

inline Session& FuzzSession() {
  static Session* s = [] {
    Session* session = new Session(FuzzDatabase());
    session->SetLoginUser("fuzzer");
    (void)session->Execute("SET statement_timeout = 200");
    const QueryResult r = session->Execute("SELECT count(*) FROM fix JOIN fast USING (ts)").back();
    if (!r.status.ok() || r.chunks.empty() || r.chunks[0].columns[0].GetValue(0).ToString() != "90") {
      std::fprintf(stderr, "fuzz setup: the fuzzer role cannot read its tables: %s %s\n", r.status.message().c_str(),
                   r.chunks.empty() ? "" : r.chunks[0].columns[0].GetValue(0).ToString().c_str());
      std::abort();
    }
    return session;
  }();
  return *s;
}

}  // namespace yunhe::fuzz
