#include "cli/demo.h"

#include <iostream>

#include "engine/database.h"
#include "storage/file_util.h"

namespace yunhe {

// Everything is computed from generate_series, so every run makes the same rows.
static const char* kDemoSql = R"SQL(
CREATE TABLE devices (
  device text PRIMARY KEY,
  kind text NOT NULL,
  site text NOT NULL,
  installed date
);
INSERT INTO devices VALUES
  ('robot-1', 'inspection robot', 'tunnel-A', '2025-03-01'),
  ('robot-2', 'inspection robot', 'tunnel-A', '2025-03-01'),
  ('robot-3', 'inspection robot', 'tunnel-B', '2025-06-15'),
  ('truck-7', 'vehicle', 'city', '2024-11-20'),
  ('truck-9', 'vehicle', 'city', '2024-11-20');

CREATE TABLE sensor_readings (
  ts timestamptz NOT NULL,
  device text NOT NULL,
  temperature double precision,
  humidity double precision,
  battery real
) PARTITION BY RANGE (ts) WITH (partition_interval = '1 day');
INSERT INTO sensor_readings
SELECT timestamptz '2026-11-01 00:00:00+00' + (i * interval '1 minute'),
       d.device,
       round((22 + 6 * sin(i / 180.0) + d.k * 0.7 + ((i * 7919 + d.k * 104729) % 97) / 97.0)::numeric, 2)::float8,
       round((55 + 15 * cos(i / 240.0) - d.k)::numeric, 1)::float8,
       (100 - (i % 1440) / 20.0 - d.k)::real
FROM generate_series(0, 3 * 1440 - 1) AS g(i),
     (VALUES ('robot-1', 1), ('robot-2', 2), ('robot-3', 3), ('truck-7', 4), ('truck-9', 5)) AS d(device, k)
WHERE (i + d.k) % 211 <> 0;

CREATE TABLE prices (
  ts timestamptz NOT NULL,
  market text NOT NULL,
  price_cny_mwh numeric(10,2) NOT NULL,
  volume_mwh bigint NOT NULL
) PARTITION BY RANGE (ts);
INSERT INTO prices
SELECT timestamptz '2026-11-01 00:00:00+00' + (i * interval '15 minutes'),
       m.market,
       round((m.base + 80 * sin((i % 96) / 96.0 * 2 * pi()) + ((i * 31 + m.k * 17) % 23))::numeric, 2),
       100 + (i * 13 + m.k * 7) % 400
FROM generate_series(0, 3 * 96 - 1) AS g(i),
     (VALUES ('guangdong', 1, 420), ('shandong', 2, 380)) AS m(market, k, base);

CREATE VIEW hourly_temperature AS
SELECT date_trunc('hour', ts) AS hour, device, avg(temperature) AS avg_temp, max(temperature) AS max_temp
FROM sensor_readings GROUP BY 1, 2;
)SQL";

Status CreateDemoDatabase(const std::string& dir) {
  if (FileExists(dir + "/MANIFEST")) return Status::Ok();
  Status st;
  auto db = Database::Open(dir, &st);
  if (!db) return st;
  for (auto& r : db->Execute(kDemoSql)) {
    if (!r.status.ok()) return r.status;
  }
  std::cerr << "created demo database in " << dir << "\n";
  return db->Checkpoint();
}

}  // namespace yunhe
