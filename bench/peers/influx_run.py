#!/usr/bin/python3
"""InfluxDB 1.x peer of bench/peers.sh: a throw-away influxd on 127.0.0.1 (free ports, data in
WORK/influx), cpu.csv and readings.csv loaded as line protocol over HTTP /write in 50,000-line
batches (as Telegraf or a client library would send them), then the cpu and IoT questions in
InfluxQL, RUNS times each.

usage: influx_run.py WORK RUNS
Prints `load_cpu_http<TAB>ms<TAB>-` and `load_readings_http ...` (the HTTP writes; converting the
CSV is not timed) and `query<TAB>ms...<TAB>count|sum` lines like duckdb_run.mjs. InfluxQL has no
ASOF join: that question is not asked. The server is stopped before exiting.
"""
import json
import os
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from http_load import post_all  # noqa: E402
from influxd import start_influxd  # noqa: E402
from lp_batches import CPU_FIELDS as FIELDS, batches  # noqa: E402

WORK, RUNS = sys.argv[1], int(sys.argv[2])


def request(url, data=None):
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=600) as r:
        return r.read()


def window(start, end):
    # The windows of bench/peers.sh's TSBS questions, from 2016-01-01 00:00 UTC.
    t0 = 1451606400
    return f"time >= {(t0 + start) * 10**9} AND time < {(t0 + end) * 10**9}"


def main():
    base = os.path.join(WORK, "influx")
    try:
        server, http = start_influxd(base)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
    url = f"http://127.0.0.1:{http}"
    try:
        request(url + "/query", urllib.parse.urlencode({"q": "CREATE DATABASE bench"}).encode())

        # Line protocol (bench/peers/lp_batches.py, the bytes yunhe serve is sent too); the
        # conversion from CSV is done first and not timed: the load is the HTTP writes.
        parts, first, last = batches(WORK, "cpu")
        print("load_cpu_http\t%.1f\t-" % post_all(http, "/write?db=bench&precision=ns", parts))
        # The trucks in a database of their own, so the bytes on disk below stay the cpu table's.
        request(url + "/query", urllib.parse.urlencode({"q": "CREATE DATABASE iot"}).encode())
        parts, _, _ = batches(WORK, "readings")
        print("load_readings_http\t%.1f\t-" % post_all(http, "/write?db=iot&precision=ns", parts))
        parts = None

        queries = {
            # The hourly buckets of each host, bounded by the data's time range (InfluxQL needs one).
            "groupby_hour": f"SELECT mean(usage_user) FROM cpu WHERE time >= {first} AND time <= {last} GROUP BY time(1h), host fill(none)",
            "lastpoint": "SELECT last(usage_user) FROM cpu GROUP BY host",
            "filtered_sum": "SELECT count(usage_system), sum(usage_system) FROM cpu WHERE usage_user > 90",
            "full_sum": "SELECT count(usage_user), sum(usage_user) FROM cpu",
            # TSBS cpu-only in InfluxQL, as TSBS's influx query generator writes them.
            "single_groupby_1_1_1": f"SELECT max(usage_user) FROM cpu WHERE host = 'host_1' AND {window(3600, 7200)} GROUP BY time(1m) fill(none)",
            "single_groupby_1_1_12": f"SELECT max(usage_user) FROM cpu WHERE host = 'host_1' AND {window(0, 43200)} GROUP BY time(1m) fill(none)",
            "single_groupby_5_8_1": "SELECT " + ", ".join(f"max({f})" for f in FIELDS[:5]) +
                f" FROM cpu WHERE host =~ /^host_[0-7]$/ AND {window(3600, 7200)} GROUP BY time(1m) fill(none)",
            "cpu_max_all_8": "SELECT " + ", ".join(f"max({f})" for f in FIELDS) +
                f" FROM cpu WHERE host =~ /^host_[0-7]$/ AND {window(0, 28800)} GROUP BY time(1h) fill(none)",
            "double_groupby_1": f"SELECT mean(usage_user) FROM cpu WHERE {window(0, 43200)} GROUP BY time(1h), host fill(none)",
            "double_groupby_all": "SELECT " + ", ".join(f"mean({f})" for f in FIELDS) +
                f" FROM cpu WHERE {window(0, 43200)} GROUP BY time(1h), host fill(none)",
            "high_cpu_1": f"SELECT count(usage_user), sum(usage_user) FROM cpu WHERE usage_user > 90 AND host = 'host_1' AND {window(0, 43200)}",
            "high_cpu_all": f"SELECT count(usage_user), sum(usage_user) FROM cpu WHERE usage_user > 90 AND {window(0, 43200)}",
            "groupby_orderby_limit": f"SELECT max(usage_user) FROM cpu WHERE {window(1800, 5400)} GROUP BY time(1m) fill(none) ORDER BY time DESC LIMIT 5",
            # TSBS IoT in InfluxQL (last-loc, low-fuel, avg-load, stationary-trucks).
            "iot_last_loc": "SELECT last(latitude), last(longitude) FROM readings GROUP BY \"name\"",
            "iot_low_fuel": "SELECT count(f), sum(f) FROM (SELECT last(fuel_state) AS f FROM readings WHERE fleet = 'South' GROUP BY \"name\") WHERE f < 0.1",
            "iot_avg_load": "SELECT mean(current_load) FROM readings GROUP BY fleet, model",
            "iot_stationary": f"SELECT count(v), sum(v) FROM (SELECT mean(velocity) AS v FROM readings WHERE fleet = 'West' AND {window(3000, 3600)} GROUP BY \"name\") WHERE v < 1",
            # Window functions per series.
            "window_lag": "SELECT count(d), sum(d) FROM (SELECT difference(usage_user) AS d FROM cpu GROUP BY host)",
            "window_moving_avg": "SELECT count(a), sum(a) FROM (SELECT moving_average(usage_user, 10) AS a FROM cpu GROUP BY host)",
            "window_top3": "SELECT count(t), sum(t) FROM (SELECT top(usage_user, 3) AS t FROM cpu GROUP BY host)",
        }
        only = os.environ.get("QUERIES", "").split()
        for name, q in queries.items():
            if only and name not in only:
                continue
            times, answer = [], ""
            for _ in range(RUNS):
                t0 = time.perf_counter()
                db = "iot" if name.startswith("iot_") else "bench"
                body = request(url + "/query?" + urllib.parse.urlencode({"db": db, "q": q, "epoch": "ns"}))
                times.append((time.perf_counter() - t0) * 1000)
                result = json.loads(body)["results"][0]
                if "error" in result:
                    print(f"{name}: {result['error']}", file=sys.stderr)
                    sys.exit(1)
                series = result.get("series", [])
                if name in ("filtered_sum", "full_sum", "high_cpu_1", "high_cpu_all", "iot_low_fuel", "iot_stationary",
                            "window_lag", "window_moving_avg", "window_top3"):
                    count, total = series[0]["values"][0][1:3] if series else (0, 0)
                    answer = f"{count}|{total}"
                else:
                    # One row per bucket (and host): the count of rows, the sum of every value in them.
                    rows = [v[1:] for s in series for v in s["values"] if any(x is not None for x in v[1:])]
                    answer = "%d|%r" % (len(rows), sum(x for r in rows for x in r if x is not None))
            print(name + "\t" + "\t".join("%.1f" % t for t in times) + "\t" + answer)
        # Bytes on disk: the database's TSM files and WAL (the cpu measurement is all it holds),
        # once the WAL has been snapshotted and compacted (up to 2 minutes).
        def du(sub):  # allocated bytes: the series files are sparse, 4 MB each when new
            return sum(os.stat(os.path.join(root, f)).st_blocks * 512 for root, _, files in os.walk(os.path.join(base, sub)) for f in files)
        for _ in range(240):
            if du("wal/bench") < 1 << 20:
                break
            time.sleep(0.5)
        time.sleep(2)
        print("disk_bytes_cpu\t-\t%d" % (du("data/bench") + du("wal/bench")))
    finally:
        server.terminate()
        server.wait(timeout=60)


main()
