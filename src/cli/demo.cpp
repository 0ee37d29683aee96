#include "cli/demo.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>

#include "engine/session.h"
#include "common/time_util.h"
#include "engine/database.h"
#include "ingest/nmea/nmea_writer.h"
#include "storage/file_util.h"
#include "engine/ingest_statements.h"

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

// After the fixes are loaded: inspection zones around the robots' stopping points in the
// tunnel (30 m circles, WGS 84) and the fixes as geometry points.
const char* kDemoSpatialSql = R"SQL(
CREATE TABLE zones (name text PRIMARY KEY, kind text, geom geometry);
INSERT INTO zones VALUES
  ('A', 'inspection point', ST_Buffer(ST_Point(121.470958, 31.232052, 4326), 0.0003)),
  ('B', 'inspection point', ST_Buffer(ST_Point(121.478485, 31.237942, 4326), 0.0003)),
  ('C', 'inspection point', ST_Buffer(ST_Point(121.474926, 31.235178, 4326), 0.0003)),
  ('depot', 'yard', ST_MakeEnvelope(121.4450, 31.2100, 121.4500, 31.2150, 4326));
CREATE VIEW positions AS
SELECT device, ts, ST_Point(lon, lat, 4326) AS pos, speed FROM fixes WHERE lat IS NOT NULL AND lon IS NOT NULL;
)SQL";

namespace {

// NMEA 0183 as the devices' receivers would send it (BeiDou-capable, NMEA 4.10, GN/GB talkers),
// one epoch every 30 s for the first demo day: robots patrol a 1.2 km tunnel and stop 12 minutes
// at an inspection point every hour; trucks drive loops through the city. Some epochs are
// drop-outs (no fix) and every 997th sentence has a broken checksum, as real logs do.
std::string Sentence(const std::string& body) {
  unsigned sum = 0;
  for (size_t k = 1; k < body.size(); ++k) sum ^= (unsigned char)body[k];
  char buf[8];
  snprintf(buf, sizeof buf, "*%02X", sum);
  return body + buf;
}

std::string DegMin(double v, bool lat) {
  double a = std::fabs(v);
  int d = int(a);
  char buf[32];
  snprintf(buf, sizeof buf, lat ? "%02d%08.5f,%c" : "%03d%08.5f,%c", d, (a - d) * 60, lat ? (v >= 0 ? 'N' : 'S') : (v >= 0 ? 'E' : 'W'));
  return buf;
}

std::string DemoNmea(int k, bool robot) {
  std::string out;
  int counter = 0;
  double prev_lat = 0, prev_lon = 0;
  for (int e = 0; e < 2880; ++e) {
    const int tod = e * 30;
    char t[16];
    snprintf(t, sizeof t, "%02d%02d%02d.00", tod / 3600, tod / 60 % 60, tod % 60);
    double lat, lon;
    if (robot) {
      // Along the tunnel (a straight line heading north-east), parked 12 min at minute 20 of each hour.
      const int minute = tod / 60 % 60;
      double phase = minute >= 20 && minute < 32 ? 20.0 / 60 : (minute < 20 ? minute / 60.0 : (minute - 12) / 60.0);
      double f = 0.5 - 0.5 * std::cos(phase * 2 * M_PI * 1.25 + k);
      lat = 31.2300 + 0.0080 * f + 0.0004 * k;
      lon = 121.4700 + 0.0090 * f;
    } else {
      double a = tod / 1800.0 * 2 * M_PI + k;
      lat = 31.2300 + 0.020 * std::sin(a);
      lon = 121.4700 + 0.025 * std::cos(a * (k == 4 ? 1 : 2));
    }
    const bool dropout = (e + 7 * k) % 131 == 0;
    const double dlat = (lat - prev_lat) * 111320, dlon = (lon - prev_lon) * 111320 * std::cos(lat * M_PI / 180);
    const double speed_kn = e == 0 ? 0 : std::sqrt(dlat * dlat + dlon * dlon) / 30 / 0.514444;
    const double course = std::fmod(std::atan2(dlon, dlat) * 180 / M_PI + 360, 360);
    prev_lat = lat;
    prev_lon = lon;
    std::vector<std::string> lines;
    char b[256];
    if (dropout) {
      snprintf(b, sizeof b, "$GNRMC,%s,V,,,,,,,011126,,,N,V", t);
      lines.push_back(b);
      snprintf(b, sizeof b, "$GNGGA,%s,,,,,0,00,99.99,,,,,,", t);
      lines.push_back(b);
    } else {
      snprintf(b, sizeof b, "$GNRMC,%s,A,%s,%s,%.3f,%.1f,011126,,,A,V", t, DegMin(lat, true).c_str(), DegMin(lon, false).c_str(),
               speed_kn, course);
      lines.push_back(b);
      snprintf(b, sizeof b, "$GNGGA,%s,%s,%s,%d,%d,%.2f,%.1f,M,9.8,M,,", t, DegMin(lat, true).c_str(), DegMin(lon, false).c_str(),
               robot ? 1 : 2, 10 + (e + k) % 6, 0.6 + ((e * 7 + k) % 10) / 20.0, robot ? -12.5 : 4.0 + (e % 10) / 10.0);
      lines.push_back(b);
      lines.push_back("$GNGSA,A,3,10,12,25,32,,,,,,,,,1.20,0.70,0.97,1");
      lines.push_back("$GNGSA,A,3,19,20,21,22,23,,,,,,,,1.20,0.70,0.97,4");
      snprintf(b, sizeof b, "$GBGSV,1,1,04,19,70,010,%d,20,55,100,%d,21,40,200,%d,22,35,300,%d,1", 30 + e % 15, 32 + k, 35, 28 + e % 9);
      lines.push_back(b);
    }
    for (auto& body : lines) {
      std::string line = Sentence(body);
      if (++counter % 997 == 0) line[line.size() - 1] = line.back() == '0' ? '1' : '0';
      out += line + "\r\n";
    }
  }
  return out;
}

}  // namespace

Status CreateDemoDatabase(const std::string& dir) {
  if (FileExists(dir + "/MANIFEST")) return Status::Ok();
  Status st;
  auto db = Database::Open(dir, &st);
  if (!db) return st;
  for (auto& r : db->Execute(kDemoSql)) {
    if (!r.status.ok()) return r.status;
  }
  // GNSS fixes and satellites of every device, loaded through the NMEA reader.
  const char* devices[] = {"robot-1", "robot-2", "robot-3", "truck-7", "truck-9"};
  for (int k = 0; k < 5; ++k) {
    const std::string nmea = DemoNmea(k + 1, k < 3);
    QueryResult r = db->DefaultSession().Locked([&](Database& d) {
      d.AssertHeld();
      return RunIngestStatement(d, "demo nmea", [&](TableAppender& appender) {
        nmea::WriteTargets targets;
        targets.satellites = "satellites";
        nmea::WriteNmea(appender, nmea, devices[k], nmea::ReaderOptions{}, targets);
      });
    });
    if (!r.status.ok()) return r.status;
  }
  for (auto& r : db->Execute(kDemoSpatialSql)) {
    if (!r.status.ok()) return r.status;
  }
  std::cerr << "created demo database in " << dir << "\n";
  return db->Checkpoint();
}

}  // namespace yunhe
