#!/usr/bin/env bash
# Side by side with real peers on the same data and the same questions, answers checked:
# yunhe, PostgreSQL 15 (throw-away cluster on 127.0.0.1, free port), DuckDB (npm
# @duckdb/node-api in bench/node_modules), SQLite 3 and InfluxDB 1.6 (throw-away influxd on
# 127.0.0.1, bench/peers/influx_run.py). A peer that cannot run is reported as such.
#   bench/peers.sh build/yunhe                 SCALE=smoke|small|default (default: small), RUNS=3
#                                              ONLY="window_lag asof" runs only those workloads
# Writes bench/results/<date>-<scale>.md (medians, peer/yunhe ratios) and .json (every run);
# RESULTS_DIR=... writes them elsewhere (make test's smoke run: build/test-artifacts); KEEP_WORK=1
# keeps the generated data and the PostgreSQL cluster directory (for profiling one workload).
# Exit status 1 when any two systems' answers differ.
set -uo pipefail
YUNHE=$(realpath "${1:?usage: peers.sh path/to/yunhe}")
SCALE=${SCALE:-small}
RUNS=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
case "$SCALE" in
  smoke) TRADES=20000; QUOTES=200000; SYMBOLS=100; HOSTS=50; HOURS=2 ;;
  small) TRADES=200000; QUOTES=2000000; SYMBOLS=500; HOSTS=100; HOURS=24 ;;
  default) TRADES=1000000; QUOTES=10000000; SYMBOLS=1000; HOSTS=1000; HOURS=24 ;;
  *) echo "SCALE must be smoke, small or default"; exit 2 ;;
esac
work=$(mktemp -d /tmp/yunhe-peers-XXXXXX)
source "$(dirname "$0")/pg_peer.sh"
cleanup() {
  pg_stop "$work"
  if [ -n "${KEEP_WORK:-}" ]; then echo "data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
chmod 755 "$work"
echo "generating data ($SCALE: $TRADES trades, $QUOTES quotes, $SYMBOLS symbols, $HOSTS hosts x ${HOURS}h)"
/usr/bin/python3 "$here/peers/gen_data.py" "$work" "$TRADES" "$QUOTES" "$SYMBOLS" "$HOSTS" "$HOURS"
chmod 644 "$work"/*.csv

declare -A SQL_STD SQL_PG SQL_LITE
SQL_STD[asof]="SELECT count(*), sum(q.bid) FROM trades t ASOF JOIN quotes q ON t.sym = q.sym AND t.ts >= q.ts"
SQL_PG[asof]="SELECT count(*), sum(q.bid) FROM trades t CROSS JOIN LATERAL (SELECT bid FROM quotes q WHERE q.sym = t.sym AND q.ts <= t.ts ORDER BY q.ts DESC LIMIT 1) q"
SQL_LITE[asof]="SELECT count(*), sum(bid) FROM (SELECT (SELECT bid FROM quotes q WHERE q.sym = t.sym AND q.ts <= t.ts ORDER BY q.ts DESC LIMIT 1) AS bid FROM trades t) WHERE bid IS NOT NULL"
SQL_STD[groupby_hour]="SELECT count(*), sum(a) FROM (SELECT host, date_trunc('hour', ts) AS h, avg(usage_user) AS a FROM cpu GROUP BY 1, 2) s"
SQL_PG[groupby_hour]=${SQL_STD[groupby_hour]}
SQL_LITE[groupby_hour]="SELECT count(*), sum(a) FROM (SELECT host, strftime('%Y-%m-%d %H', ts) AS h, avg(usage_user) AS a FROM cpu GROUP BY 1, 2) s"
SQL_STD[lastpoint]="SELECT count(*), sum(usage_user) FROM (SELECT DISTINCT ON (host) host, usage_user FROM cpu ORDER BY host, ts DESC) s"
SQL_PG[lastpoint]=${SQL_STD[lastpoint]}
SQL_LITE[lastpoint]="SELECT count(*), sum(c.usage_user) FROM cpu c JOIN (SELECT host, max(ts) AS mts FROM cpu GROUP BY host) m ON c.host = m.host AND c.ts = m.mts"
SQL_STD[filtered_sum]="SELECT count(*), sum(usage_system) FROM cpu WHERE usage_user > 90"
SQL_PG[filtered_sum]=${SQL_STD[filtered_sum]}
SQL_LITE[filtered_sum]=${SQL_STD[filtered_sum]}
# The TSBS cpu-only questions (github.com/timescale/tsbs, devops use case), with fixed hosts and
# windows so every system answers the same question; each reduced to "count|sum" to compare.
# MINUTE/HOUR stand for the bucket expression of each dialect.
add_tsbs() {  # name, SQL with MINUTE/HOUR placeholders
  SQL_STD[$1]=${2//MINUTE/date_trunc(\'minute\', ts)}; SQL_STD[$1]=${SQL_STD[$1]//HOUR/date_trunc(\'hour\', ts)}
  SQL_PG[$1]=${SQL_STD[$1]}
  SQL_LITE[$1]=${2//MINUTE/strftime(\'%Y-%m-%d %H:%M\', ts)}; SQL_LITE[$1]=${SQL_LITE[$1]//HOUR/strftime(\'%Y-%m-%d %H\', ts)}
}
H8="host IN ('host_0', 'host_1', 'host_2', 'host_3', 'host_4', 'host_5', 'host_6', 'host_7')"
ALL10="max(usage_user) + max(usage_system) + max(usage_idle) + max(usage_nice) + max(usage_iowait) + max(usage_irq) + max(usage_softirq) + max(usage_steal) + max(usage_guest) + max(usage_guest_nice)"
AVG10="avg(usage_user) + avg(usage_system) + avg(usage_idle) + avg(usage_nice) + avg(usage_iowait) + avg(usage_irq) + avg(usage_softirq) + avg(usage_steal) + avg(usage_guest) + avg(usage_guest_nice)"
add_tsbs single_groupby_1_1_1 "SELECT count(*), sum(m) FROM (SELECT MINUTE AS b, max(usage_user) AS m FROM cpu WHERE host = 'host_1' AND ts >= '2016-01-01 01:00:00' AND ts < '2016-01-01 02:00:00' GROUP BY 1) s"
add_tsbs single_groupby_1_1_12 "SELECT count(*), sum(m) FROM (SELECT MINUTE AS b, max(usage_user) AS m FROM cpu WHERE host = 'host_1' AND ts >= '2016-01-01 00:00:00' AND ts < '2016-01-01 12:00:00' GROUP BY 1) s"
add_tsbs single_groupby_5_8_1 "SELECT count(*), sum(m) FROM (SELECT MINUTE AS b, max(usage_user) + max(usage_system) + max(usage_idle) + max(usage_nice) + max(usage_iowait) AS m FROM cpu WHERE $H8 AND ts >= '2016-01-01 01:00:00' AND ts < '2016-01-01 02:00:00' GROUP BY 1) s"
add_tsbs cpu_max_all_8 "SELECT count(*), sum(m) FROM (SELECT HOUR AS b, $ALL10 AS m FROM cpu WHERE $H8 AND ts >= '2016-01-01 00:00:00' AND ts < '2016-01-01 08:00:00' GROUP BY 1) s"
add_tsbs double_groupby_1 "SELECT count(*), sum(m) FROM (SELECT host, HOUR AS b, avg(usage_user) AS m FROM cpu WHERE ts >= '2016-01-01 00:00:00' AND ts < '2016-01-01 12:00:00' GROUP BY 1, 2) s"
add_tsbs double_groupby_all "SELECT count(*), sum(m) FROM (SELECT host, HOUR AS b, $AVG10 AS m FROM cpu WHERE ts >= '2016-01-01 00:00:00' AND ts < '2016-01-01 12:00:00' GROUP BY 1, 2) s"
add_tsbs high_cpu_1 "SELECT count(*), sum(usage_user) FROM cpu WHERE usage_user > 90 AND host = 'host_1' AND ts >= '2016-01-01 00:00:00' AND ts < '2016-01-01 12:00:00'"
add_tsbs high_cpu_all "SELECT count(*), sum(usage_user) FROM cpu WHERE usage_user > 90 AND ts >= '2016-01-01 00:00:00' AND ts < '2016-01-01 12:00:00'"
add_tsbs groupby_orderby_limit "SELECT count(*), sum(m) FROM (SELECT MINUTE AS b, max(usage_user) AS m FROM cpu WHERE ts >= '2016-01-01 00:30:00' AND ts < '2016-01-01 01:30:00' GROUP BY 1 ORDER BY 1 DESC LIMIT 5) s"
TSBS="single_groupby_1_1_1 single_groupby_1_1_12 single_groupby_5_8_1 cpu_max_all_8 double_groupby_1 double_groupby_all high_cpu_1 high_cpu_all groupby_orderby_limit"
# A full-column sum: the scan at its simplest, compared below with a memcpy of the same bytes.
SQL_STD[full_sum]="SELECT count(*), sum(usage_user) FROM cpu"
SQL_PG[full_sum]=${SQL_STD[full_sum]}
SQL_LITE[full_sum]=${SQL_STD[full_sum]}
# TSBS IoT questions on the trucks' readings (last-loc, low-fuel, avg-load, stationary-trucks).
SQL_STD[iot_last_loc]="SELECT count(*), sum(latitude) + sum(longitude) FROM (SELECT DISTINCT ON (name) name, latitude, longitude FROM readings ORDER BY name, ts DESC) s"
SQL_LITE[iot_last_loc]="SELECT count(*), sum(r.latitude) + sum(r.longitude) FROM readings r JOIN (SELECT name, max(ts) AS mts FROM readings GROUP BY name) m ON r.name = m.name AND r.ts = m.mts"
SQL_STD[iot_low_fuel]="SELECT count(*), coalesce(sum(fuel_state), 0) FROM (SELECT DISTINCT ON (name) name, fuel_state FROM readings WHERE fleet = 'South' ORDER BY name, ts DESC) s WHERE fuel_state < 0.1"
SQL_LITE[iot_low_fuel]="SELECT count(*), coalesce(sum(r.fuel_state), 0) FROM readings r JOIN (SELECT name, max(ts) AS mts FROM readings WHERE fleet = 'South' GROUP BY name) m ON r.name = m.name AND r.ts = m.mts WHERE r.fuel_state < 0.1"
SQL_STD[iot_avg_load]="SELECT count(*), sum(a) FROM (SELECT fleet, model, avg(current_load) AS a FROM readings GROUP BY 1, 2) s"
SQL_LITE[iot_avg_load]=${SQL_STD[iot_avg_load]}
SQL_STD[iot_stationary]="SELECT count(*), coalesce(sum(v), 0) FROM (SELECT name, avg(velocity) AS v FROM readings WHERE fleet = 'West' AND ts >= '2016-01-01 00:50:00' AND ts < '2016-01-01 01:00:00' GROUP BY name HAVING avg(velocity) < 1) s"
SQL_LITE[iot_stationary]=${SQL_STD[iot_stationary]}
for q in iot_last_loc iot_low_fuel iot_avg_load iot_stationary; do SQL_PG[$q]=${SQL_STD[$q]}; done
# Window functions per host over the whole cpu table: change since the previous reading (lag),
# a 10-reading moving average (from the 10th reading on, where InfluxDB's moving_average starts),
# the 3 highest readings per host (row_number, top-N per group).
SQL_STD[window_lag]="SELECT count(d), sum(d) FROM (SELECT usage_user - lag(usage_user) OVER (PARTITION BY host ORDER BY ts) AS d FROM cpu) s"
SQL_STD[window_moving_avg]="SELECT count(a), sum(a) FROM (SELECT avg(usage_user) OVER (PARTITION BY host ORDER BY ts ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS a, row_number() OVER (PARTITION BY host ORDER BY ts) AS rn FROM cpu) s WHERE rn >= 10"
SQL_STD[window_top3]="SELECT count(*), sum(usage_user) FROM (SELECT usage_user, row_number() OVER (PARTITION BY host ORDER BY usage_user DESC, ts) AS rn FROM cpu) s WHERE rn <= 3"
WINDOWS="window_lag window_moving_avg window_top3"
for q in $WINDOWS; do SQL_PG[$q]=${SQL_STD[$q]}; SQL_LITE[$q]=${SQL_STD[$q]}; done
QUERIES=${ONLY:-"asof groupby_hour lastpoint filtered_sum full_sum $TSBS iot_last_loc iot_low_fuel iot_avg_load iot_stationary $WINDOWS"}
READINGS_COLS="name text, fleet text, model text, ts timestamp NOT NULL, latitude double precision, longitude double precision, velocity double precision, fuel_state double precision, current_load int"
results="$work/results.tsv"   # system query ms... answer

# --- yunhe (in memory) -------------------------------------------------------------------------
{
  echo "CREATE TABLE quotes (sym text, ts timestamp, bid double precision) PARTITION BY RANGE (ts);"
  echo "CREATE TABLE trades (sym text, ts timestamp, px double precision) PARTITION BY RANGE (ts);"
  echo "CREATE TABLE cpu (host text, ts timestamp NOT NULL, usage_user int, usage_system int, usage_idle int, usage_nice int, usage_iowait int, usage_irq int, usage_softirq int, usage_steal int, usage_guest int, usage_guest_nice int, region text, datacenter text, rack text, os text, arch text, team text, service text, service_version text, service_environment text) PARTITION BY RANGE (ts);"
  echo "CREATE TABLE readings ($READINGS_COLS) PARTITION BY RANGE (ts);"
  echo '\timing'
  echo "COPY quotes FROM '$work/quotes.csv' WITH (FORMAT csv);"
  echo "COPY trades FROM '$work/trades.csv' WITH (FORMAT csv);"
  echo "COPY cpu FROM '$work/cpu.csv' WITH (FORMAT csv);"
  echo "COPY readings FROM '$work/readings.csv' WITH (FORMAT csv);"
  echo "CREATE INDEX cpu_host ON cpu (host);"
  for q in $QUERIES; do for _ in $(seq "$RUNS"); do echo "${SQL_STD[$q]};"; done; done
} > "$work/yunhe.sql"
out=$("$YUNHE" --format csv --no-header -f "$work/yunhe.sql" 2>&1)
times=($(echo "$out" | grep '^Time:' | awk '{print $2}'))
answers=($(echo "$out" | grep -v '^Time:\|^Timing\|^CREATE\|^COPY' | tr ',' '|'))
echo -e "yunhe\tload\t$(echo "${times[0]} + ${times[1]} + ${times[2]} + ${times[3]}" | bc)\t-" >> "$results"
echo -e "yunhe\tload_cpu\t${times[2]}\t-" >> "$results"
echo -e "yunhe\tindex_cpu\t${times[4]}\t-" >> "$results"
k=5; a=0
for q in $QUERIES; do
  line="yunhe\t$q"
  for _ in $(seq "$RUNS"); do line+="\t${times[$k]}"; k=$((k + 1)); done
  echo -e "$line\t${answers[$a]}" >> "$results"; a=$((a + RUNS))
done

# Line protocol over HTTP, as InfluxDB is loaded: `yunhe serve` on a fresh data directory is sent
# the same batches (bench/peers/lp_batches.py), each acknowledged after its WAL fsync.
yport=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"$YUNHE" serve "$work/yserve" --pg-port 0 --http-port "$yport" --ilp-port -1 > "$work/yserve.log" 2>&1 &
yserve_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$yport/ping" > /dev/null && break; sleep 0.1; done
for t in cpu readings; do
  ms=$(/usr/bin/python3 "$here/peers/http_load.py" "$work" "$t" "$yport" '/write?db=bench&precision=ns') \
    && echo -e "yunhe\tload_${t}_http\t$ms\t-" >> "$results" \
    || echo "yunhe HTTP load of $t failed: $ms" | tee -a "$work/notes"
done
got=$(curl -s "http://127.0.0.1:$yport/exec?fmt=csv" --data-urlencode "query=SELECT (SELECT count(*) FROM cpu) + (SELECT count(*) FROM readings)" | tail -1)
want=$(cat "$work/cpu.csv" "$work/readings.csv" | wc -l)
[ "$got" == "$want" ] || echo "yunhe HTTP load: $got rows instead of $want" | tee -a "$work/notes"
kill "$yserve_pid"; wait "$yserve_pid" 2>/dev/null; rm -rf "$work/yserve"

# Bytes on disk of the cpu table: yunhe writes it to a data directory (COPY, checkpoint), each
# peer reports its own (PostgreSQL pg_total_relation_size, SQLite dbstat, InfluxDB its data and
# WAL directories, DuckDB a database file); the report divides by rows x 10 fields.
"$YUNHE" "$work/ydisk" -c "CREATE TABLE cpu (host text, ts timestamp NOT NULL, usage_user int, usage_system int, usage_idle int, usage_nice int, usage_iowait int, usage_irq int, usage_softirq int, usage_steal int, usage_guest int, usage_guest_nice int, region text, datacenter text, rack text, os text, arch text, team text, service text, service_version text, service_environment text) PARTITION BY RANGE (ts)" \
  -c "COPY cpu FROM '$work/cpu.csv' WITH (FORMAT csv)" -c "CHECKPOINT" > /dev/null
echo -e "yunhe\tdisk_bytes_cpu\t-\t$(du -sb "$work/ydisk" | cut -f1)" >> "$results"
rm -rf "$work/ydisk"

# memcpy of the bytes a full_sum reads in yunhe (rows x 8: integers are held as 64-bit values),
# buffers allocated and touched first; the fastest of RUNS.
cpu_rows=$(wc -l < "$work/cpu.csv")
memcpy_ms=$(/usr/bin/python3 -c "
import sys, time
n = int(sys.argv[1]) * 8
src, dst = bytearray(b'\x01') * n, bytearray(n)
best = None
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); dst[:] = src; t = (time.perf_counter() - t) * 1000
    best = t if best is None or t < best else best
print('%.1f' % best)" "$cpu_rows" "$RUNS")
echo -e "memcpy\tfull_sum\t$memcpy_ms\t-" >> "$results"

# --- PostgreSQL 15 -------------------------------------------------------------------------------
if pg_available; then
  pg_start "$work" "-c shared_buffers=2GB -c work_mem=256MB -c max_parallel_workers_per_gather=2"
  {
    echo '\timing on'
    echo "CREATE TABLE quotes (sym text, ts timestamp, bid double precision);"
    echo "CREATE TABLE trades (sym text, ts timestamp, px double precision);"
    echo "CREATE TABLE cpu (host text, ts timestamp, usage_user int, usage_system int, usage_idle int, usage_nice int, usage_iowait int, usage_irq int, usage_softirq int, usage_steal int, usage_guest int, usage_guest_nice int, region text, datacenter text, rack text, os text, arch text, team text, service text, service_version text, service_environment text);"
    echo "CREATE TABLE readings ($READINGS_COLS);"
    echo "COPY quotes FROM '$work/quotes.csv' WITH (FORMAT csv);"
    echo "COPY trades FROM '$work/trades.csv' WITH (FORMAT csv);"
    echo "COPY cpu FROM '$work/cpu.csv' WITH (FORMAT csv);"
    echo "COPY readings FROM '$work/readings.csv' WITH (FORMAT csv);"
    echo "CREATE INDEX ON quotes (sym, ts);"
    echo "CREATE INDEX ON cpu (host, ts);"
    echo "VACUUM ANALYZE;"
    for q in $QUERIES; do for _ in $(seq "$RUNS"); do echo "${SQL_PG[$q]};"; done; done
    echo "SELECT 'disk_bytes_cpu', pg_total_relation_size('cpu');"
  } > "$work/pg.sql"
  out=$(psql -X -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -t -A -F '|' -f "$work/pg.sql" 2>&1)
  # grep -q on a here-string: `echo | grep -q` under pipefail fails at random when grep exits
  # before echo has written everything (SIGPIPE).
  if ! grep -q '^Time:' <<< "$out"; then
    echo "PostgreSQL did not run: $(echo "$out" | head -3)" | tee -a "$work/notes"
    out=""
  fi
  times=($(echo "$out" | grep '^Time:' | awk '{print $2}'))
  answers=($(echo "$out" | grep -v '^Time:\|^Timing\|^CREATE\|^COPY\|^VACUUM\|^disk_bytes_cpu'))
  # times: 4 CREATE TABLE, 4 COPY, 2 CREATE INDEX, VACUUM ANALYZE, then the questions.
  [ -n "$out" ] && echo -e "postgresql\tload\t$(echo "${times[4]} + ${times[5]} + ${times[6]} + ${times[7]} + ${times[8]}" | bc)\t-" >> "$results"
  [ -n "$out" ] && echo -e "postgresql\tload_cpu\t${times[6]}\t-" >> "$results"
  [ -n "$out" ] && echo -e "postgresql\tindex_cpu\t${times[9]}\t-" >> "$results"
  pg_disk=$(echo "$out" | grep '^disk_bytes_cpu|' | cut -d'|' -f2)
  [ -n "$pg_disk" ] && echo -e "postgresql\tdisk_bytes_cpu\t-\t$pg_disk" >> "$results"
  k=11; a=0
  [ -n "$out" ] && for q in $QUERIES; do
    line="postgresql\t$q"
    for _ in $(seq "$RUNS"); do line+="\t${times[$k]}"; k=$((k + 1)); done
    echo -e "$line\t${answers[$a]}" >> "$results"; a=$((a + RUNS))
  done
else
  echo "PostgreSQL 15 is not installed: not measured" | tee -a "$work/notes"
fi

# --- DuckDB (npm) ----------------------------------------------------------------------------------
if command -v npm >/dev/null; then
  if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
    (cd "$here" && npm install --no-save --silent @duckdb/node-api >/dev/null 2>&1)
  fi
  if [ -d "$here/node_modules/@duckdb/node-api" ]; then
    std_sql=(); for q in $QUERIES; do std_sql+=("${SQL_STD[$q]}"); done
    json=$(/usr/bin/python3 -c "
import json, sys
names = sys.argv[1].split()
print(json.dumps({n: q for n, q in zip(names, sys.argv[2:])}))" "$QUERIES" "${std_sql[@]}")
    out=$(cd "$here" && QUERIES="$json" node peers/duckdb_run.mjs "$work" "$RUNS" 2>&1)
    grep -q $'^load\t' <<< "$out" && echo "$out" | sed 's/^/duckdb\t/' >> "$results" || echo "DuckDB failed: $out" | tee -a "$work/notes"
  else
    echo "DuckDB (npm @duckdb/node-api) could not be installed: not measured" | tee -a "$work/notes"
  fi
else
  echo "npm is not installed: DuckDB not measured" | tee -a "$work/notes"
fi

# --- SQLite ------------------------------------------------------------------------------------------
if command -v sqlite3 >/dev/null; then
  {
    echo "CREATE TABLE quotes (sym text, ts text, bid real); CREATE TABLE trades (sym text, ts text, px real);"
    echo "CREATE TABLE cpu (host text, ts text, usage_user int, usage_system int, usage_idle int, usage_nice int, usage_iowait int, usage_irq int, usage_softirq int, usage_steal int, usage_guest int, usage_guest_nice int, region text, datacenter text, rack text, os text, arch text, team text, service text, service_version text, service_environment text);"
    echo "CREATE TABLE readings (name text, fleet text, model text, ts text, latitude real, longitude real, velocity real, fuel_state real, current_load int);"
    echo ".mode csv"
    echo ".import $work/quotes.csv quotes"
    echo ".import $work/trades.csv trades"
    echo ".import $work/cpu.csv cpu"
    echo ".import $work/readings.csv readings"
    echo "CREATE INDEX q_sym_ts ON quotes (sym, ts);"
    echo ".mode list"
    echo ".timer on"
    echo "CREATE INDEX cpu_host_ts ON cpu (host, ts);"
    for q in $QUERIES; do for _ in $(seq "$RUNS"); do echo "${SQL_LITE[$q]};"; done; done
    echo ".timer off"
    echo "SELECT 'disk_bytes_cpu', sum(pgsize) FROM dbstat WHERE name = 'cpu';"
  } > "$work/lite.sql"
  start=$(date +%s.%N)
  out=$(sqlite3 "$work/lite.db" < "$work/lite.sql" 2>&1)
  times=($(echo "$out" | grep '^Run Time' | awk '{printf "%.1f\n", $4 * 1000}'))
  answers=($(echo "$out" | grep -v '^Run Time\|^disk_bytes_cpu'))
  lite_disk=$(echo "$out" | grep '^disk_bytes_cpu|' | cut -d'|' -f2)
  [ -n "$lite_disk" ] && echo -e "sqlite\tdisk_bytes_cpu\t-\t$lite_disk" >> "$results"
  echo -e "sqlite\tload\t-\t-" >> "$results"
  echo -e "sqlite\tindex_cpu\t${times[0]:-}\t-" >> "$results"
  k=1; a=0
  for q in $QUERIES; do
    line="sqlite\t$q"
    for _ in $(seq "$RUNS"); do line+="\t${times[$k]:-}"; k=$((k + 1)); done
    echo -e "$line\t${answers[$a]:-}" >> "$results"; a=$((a + RUNS))
  done
else
  echo "sqlite3 is not installed: not measured" | tee -a "$work/notes"
fi

# --- InfluxDB 1.x ------------------------------------------------------------------------------------
if command -v influxd >/dev/null; then
  out=$(QUERIES="$QUERIES" /usr/bin/python3 "$here/peers/influx_run.py" "$work" "$RUNS" 2>&1)
  if grep -q $'^load_cpu_http\t' <<< "$out"; then
    echo "$out" | grep -E $'^[a-z0-9_]+\t' | sed 's/^/influxdb\t/' >> "$results"
  else
    echo "InfluxDB failed: $(echo "$out" | tail -2 | tr '\n' ' ')" | tee -a "$work/notes"
  fi
else
  echo "influxd is not installed (Debian influxdb): not measured" | tee -a "$work/notes"
fi

# --- versions of what ran ------------------------------------------------------------------------------
{
  echo "yunhe $(git -C "$here/.." describe --always --dirty 2>/dev/null || echo unknown)"
  [ -x /usr/lib/postgresql/15/bin/postgres ] && /usr/lib/postgresql/15/bin/postgres --version
  [ -f "$here/node_modules/@duckdb/node-api/package.json" ] && echo "DuckDB (npm @duckdb/node-api $(node -p "require('$here/node_modules/@duckdb/node-api/package.json').version"))"
  command -v sqlite3 > /dev/null && echo "SQLite $(sqlite3 --version | cut -d' ' -f1)"
  command -v influxd > /dev/null && influxd version 2>/dev/null | head -1
} > "$work/versions"

# --- report ------------------------------------------------------------------------------------------
results_dir=${RESULTS_DIR:-$here/results}
mkdir -p "$results_dir"
report="$results_dir/$(date +%Y-%m-%d)-$SCALE.md"
/usr/bin/python3 - "$results" "$report" "$SCALE" "$RUNS" "$work/notes" "$work/versions" <<'PY'
import os, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
data = {}
for r in rows:
    system, query, rest = r[0], r[1], r[2:]
    answer = rest[-1] if rest else ""
    ms = [float(x) for x in rest[:-1] if x not in ("", "-")]
    data.setdefault(query, {})[system] = (ms, answer)
def close(a, b):
    try:
        fa = [float(x) for x in a.replace(";", "|").split("|")]
        fb = [float(x) for x in b.replace(";", "|").split("|")]
    except ValueError:
        return a == b
    return len(fa) == len(fb) and all(abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y)) for x, y in zip(fa, fb))
lines = ["# Side-by-side benchmark (%s, %s hot runs, medians in ms)" % (sys.argv[3], sys.argv[4]), "",
         "Machine: %d cores, %.0f GiB. Command: `SCALE=%s bench/peers.sh build/yunhe`." % (
             os.cpu_count(), os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, sys.argv[3]),
         "Versions: " + "; ".join(l.strip() for l in open(sys.argv[6]) if l.strip()) + ".", "",
         "| workload | yunhe | postgresql | duckdb | sqlite | influxdb | answers agree |", "|---|---|---|---|---|---|---|"]
bad = 0
disk = data.pop("disk_bytes_cpu", {})
memcpy = data.get("full_sum", {}).pop("memcpy", None)
for q, systems in data.items():
    y = systems.get("yunhe")
    ymed = statistics.median(y[0]) if y and y[0] else None
    cells, agree = [], True
    for s in ("yunhe", "postgresql", "duckdb", "sqlite", "influxdb"):
        if s not in systems or not systems[s][0]:
            cells.append("not measured")
            continue
        med = statistics.median(systems[s][0])
        ratio = "" if s == "yunhe" or not ymed else " (%.2fx)" % (med / ymed)
        cells.append("%.1f%s" % (med, ratio))
        if not q.startswith("load") and y and not close(systems[s][1], y[1]):
            agree = False
            print("ANSWERS DIFFER for %s: yunhe %s, %s %s" % (q, y[1], s, systems[s][1]))
    if not agree:
        bad += 1
    lines.append("| %s | %s | %s |" % (q, " | ".join(cells), "yes" if agree else "**NO**"))
lines.append("")
cpu_rows = int(data["full_sum"]["yunhe"][1].split("|")[0]) if "yunhe" in data.get("full_sum", {}) else 0
if memcpy and "yunhe" in data.get("full_sum", {}) and data["full_sum"]["yunhe"][0]:
    ymed = statistics.median(data["full_sum"]["yunhe"][0])
    lines.append("full_sum against memory bandwidth: a memcpy of the %.1f MB yunhe reads (%d rows x 8 bytes) takes %.1f ms,"
                 % (cpu_rows * 8 / 1e6, cpu_rows, memcpy[0][0]))
    lines.append("so yunhe's full-column SUM runs at %.0f%% of one core's memcpy speed (%.1f GB/s)."
                 % (100 * memcpy[0][0] / ymed, cpu_rows * 8 / ymed / 1e6))
    lines.append("")
if disk and cpu_rows:
    lines.append("Bytes on disk of the cpu table (%d rows, 10 tags + timestamp + 10 integer fields), per field value:" % cpu_rows)
    lines.append("")
    lines.append("| system | bytes | bytes per row | bytes per field value |")
    lines.append("|---|---|---|---|")
    for s in ("yunhe", "postgresql", "duckdb", "sqlite", "influxdb"):
        if s in disk:
            b = float(disk[s][1])
            lines.append("| %s | %.0f | %.1f | %.2f |" % (s, b, b / cpu_rows, b / cpu_rows / 10))
    lines.append("")
lines.append("Ratios are peer time / yunhe time (above 1: yunhe is faster). PostgreSQL answers ASOF with")
lines.append("LATERAL ... ORDER BY ts DESC LIMIT 1 on an index on (sym, ts); SQLite with a correlated subquery on the same index.")
lines.append("load: all four tables (COPY, or the engine's own bulk path); load_cpu: the cpu table alone (COPY).")
lines.append("index_cpu: CREATE INDEX on the cpu table's host (yunhe) or (host, ts) (PostgreSQL, SQLite; as TSBS indexes")
lines.append("TimescaleDB), which the single-host questions may use; DuckDB gets none, InfluxDB has its tag index.")
lines.append("load_cpu_http, load_readings_http: the same line protocol batches of 50,000 lines POSTed one after")
lines.append("another to /write of InfluxDB and of `yunhe serve` (each acknowledged once durable).")
lines.append("InfluxDB 1.6 answers in InfluxQL (GROUP BY time(1h), host; last() GROUP BY host; count/sum WHERE;")
lines.append("subqueries for the IoT questions); it has no ASOF join, so that row says not measured for it.")
lines.append("iot_*: TSBS IoT questions on trucks' readings (one row per truck per minute): last-loc, low-fuel,")
lines.append("avg-load, stationary-trucks, each reduced to count|sum.")
lines.append("window_*: window functions per host over the cpu table (lag, 10-row moving average, top 3 by row_number);")
lines.append("InfluxDB answers them with difference(), moving_average() and top() per host in a subquery.")
lines.append("single_groupby_* ... groupby_orderby_limit are TSBS's cpu-only questions (devops use case) with fixed hosts")
lines.append("and windows (see bench/peers.sh), each reduced to count|sum of its result to compare the answers.")
if os.path.exists(sys.argv[5]):
    lines += ["", "Notes:"] + ["- " + l.strip() for l in open(sys.argv[5]) if l.strip()]
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
# The same in JSON: per workload and system, every run's ms, the median, the spread (max - min),
# the ratio to yunhe and the answer.
import json
out = {"scale": sys.argv[3], "runs": int(sys.argv[4]), "cores": os.cpu_count(), "workloads": {}}
for q, systems in data.items():
    y = systems.get("yunhe")
    ymed = statistics.median(y[0]) if y and y[0] else None
    entry = {}
    for s, (ms, answer) in systems.items():
        if not ms:
            continue
        med = statistics.median(ms)
        entry[s] = {"ms": ms, "median_ms": med, "spread_ms": max(ms) - min(ms), "answer": answer,
                    "ratio_to_yunhe": (med / ymed) if ymed and s != "yunhe" else None}
    out["workloads"][q] = entry
open(sys.argv[2][:-3] + ".json", "w").write(json.dumps(out, indent=1) + "\n")
print("\n".join(lines))
sys.exit(1 if bad else 0)
PY
