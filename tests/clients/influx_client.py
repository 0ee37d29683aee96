"""influxdb-python (Debian 12's 5.3) against /write and /query: create_database, write_points,
SHOW DATABASES / MEASUREMENTS / TAG KEYS / FIELD KEYS, SELECT of fields with WHERE and LIMIT,
aggregates with GROUP BY time(), epoch=s. Every expected value is what InfluxDB 1.6 answers to
the same calls (run it with an influxd's HTTP port to compare: influx_client.py PORT influxdb).
Usage: influx_client.py HTTP_PORT [influxdb]"""
from influxdb import InfluxDBClient

from client_check import check, port, report

c = InfluxDBClient(host="127.0.0.1", port=port, database="telemetry")
c.create_database("telemetry")
check("databases", {"name": "telemetry"} in c.get_list_database(), True)
points = [{"measurement": "cpu_ic", "tags": {"host": h}, "time": f"2024-01-01T00:0{m}:00Z", "fields": {"usage": float(m * 10 + i)}}
          for i, h in enumerate(["a", "b"]) for m in range(4)]
check("write_points", c.write_points(points), True)
check("measurements", {"name": "cpu_ic"} in list(c.query("SHOW MEASUREMENTS").get_points()), True)
check("select", list(c.query('SELECT * FROM "cpu_ic" WHERE time > now() - 100000d ORDER BY time LIMIT 3').get_points()),
      [{"time": "2024-01-01T00:00:00Z", "host": "a", "usage": 0.0}, {"time": "2024-01-01T00:00:00Z", "host": "b", "usage": 1.0},
       {"time": "2024-01-01T00:01:00Z", "host": "a", "usage": 10.0}])
check("group by time", list(c.query("SELECT mean(\"usage\") FROM \"cpu_ic\" WHERE time >= '2024-01-01T00:00:00Z' "
                                    "AND time < '2024-01-01T00:04:00Z' GROUP BY time(2m) fill(null)").get_points()),
      [{"time": "2024-01-01T00:00:00Z", "mean": 5.5}, {"time": "2024-01-01T00:02:00Z", "mean": 25.5}])
check("aggregates", list(c.query("SELECT max(usage), count(usage) FROM cpu_ic").get_points()),
      [{"time": "1970-01-01T00:00:00Z", "max": 31.0, "count": 8}])
check("epoch and order", list(c.query("SELECT usage FROM cpu_ic WHERE host = 'b' ORDER BY time DESC LIMIT 2", epoch="s").get_points()),
      [{"time": 1704067380, "usage": 31.0}, {"time": 1704067320, "usage": 21.0}])
check("tag keys", list(c.query("SHOW TAG KEYS FROM cpu_ic").get_points()), [{"tagKey": "host"}])
check("field keys", list(c.query("SHOW FIELD KEYS FROM cpu_ic").get_points()), [{"fieldKey": "usage", "fieldType": "float"}])
check("no such measurement", list(c.query("SELECT * FROM nope_ic").get_points()), [])
# GROUP BY tags: one series per tag set (InfluxDB's shape, which Grafana draws as one line each).
by_host = c.query("SELECT max(usage) FROM cpu_ic WHERE time >= '2024-01-01T00:00:00Z' AND time < '2024-01-01T00:04:00Z' "
                  "GROUP BY time(2m), host")
check("series per tag set", sorted(tags["host"] for _, tags in by_host.keys()), ["a", "b"])
check("a series' points", list(by_host.get_points(tags={"host": "b"})),
      [{"time": "2024-01-01T00:00:00Z", "max": 11.0}, {"time": "2024-01-01T00:02:00Z", "max": 31.0}])
# fill(): empty buckets of the WHERE's time range.
window = "WHERE time >= '2024-01-01T00:00:00Z' AND time < '2024-01-01T00:06:00Z' AND host = 'a' GROUP BY time(2m)"
check("fill(null)", [p["mean"] for p in c.query(f"SELECT mean(usage) FROM cpu_ic {window}").get_points()], [5.0, 25.0, None])
check("fill(none)", [p["mean"] for p in c.query(f"SELECT mean(usage) FROM cpu_ic {window} fill(none)").get_points()], [5.0, 25.0])
check("fill(0)", [p["mean"] for p in c.query(f"SELECT mean(usage) FROM cpu_ic {window} fill(0)").get_points()], [5.0, 25.0, 0])
check("fill(previous)", [p["mean"] for p in c.query(f"SELECT mean(usage) FROM cpu_ic {window} fill(previous)").get_points()],
      [5.0, 25.0, 25.0])
# A lone selector answers with its point's time; epoch-nanosecond time literals.
check("selector time", list(c.query("SELECT min(usage) FROM cpu_ic WHERE host = 'b'").get_points()),
      [{"time": "2024-01-01T00:00:00Z", "min": 1.0}])
check("time as a number", len(list(c.query("SELECT usage FROM cpu_ic WHERE time >= 1704067260000000000").get_points())), 6)
report("influx_client")
