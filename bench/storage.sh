#!/usr/bin/env bash
# Storage beyond memory, side by side with DuckDB on a database file of its own:
#  1. sustained ingest: WINDOWS windows of ROWS GNSS fixes each (1000 BeiDou units at 1 Hz),
#     COPY into `yunhe serve --memory-limit LIMIT` over psql; rows/s and RSS after each window
#     (should stay flat from the first window to the last, RSS under LIMIT plus a slack);
#  1b. sustained line-protocol ingest: LP_WINDOWS (default WINDOWS) windows of the same fixes as
#     line protocol, 50,000-line batches posted to /write of a fresh `yunhe serve --memory-limit
#     LIMIT` and of InfluxDB 1.6; rows/s and RSS after each window;
#  2. checkpoint after 1M new rows, once the table holds 2 windows and once it holds all of them
#     (should not grow with the table);
#  3. cold open + first answer (`yunhe DIR -c ...`, a new process each time): count(*), the
#     latest fix per unit, one hour of fixes;
#  4. questions over data several times QUERY_LIMIT: full sum, a (unit, hour) group-by, latest
#     fix per unit, an ASOF join of the last hour with weather readings; medians of RUNS and
#     peak RSS, DuckDB with SET memory_limit = QUERY_LIMIT.
#   bench/storage.sh build/yunhe     ROWS=5000000 WINDOWS=10 LIMIT=1GB QUERY_LIMIT=256MB RUNS=3
# Writes bench/results/<date>-storage.md (RESULTS_DIR=... elsewhere). Exit 1 when answers differ.
set -uo pipefail
YUNHE=$(realpath "${1:?usage: storage.sh path/to/yunhe}")
ROWS=${ROWS:-5000000}
WINDOWS=${WINDOWS:-10}
LIMIT=${LIMIT:-1GB}
QUERY_LIMIT=${QUERY_LIMIT:-256MB}
RUNS=${RUNS:-3}
DEVICES=1000
here=$(cd "$(dirname "$0")" && pwd)
results_dir=${RESULTS_DIR:-$here/results}
mkdir -p "$results_dir"
work=$(mktemp -d /tmp/yunhe-storage-XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  if [ -n "${KEEP_WORK:-}" ]; then echo "data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now_ms() { date +%s%N | awk '{printf "%.1f", $1 / 1e6}'; }
rss_mb() { awk -v k="$2" '$1 == k":" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
report="$work/report.md"
: > "$report"
say() { echo "$@" | tee -a "$report"; }
mismatch=0

# --- data: CSV windows made by yunhe itself (not timed) ------------------------------------------
base="2026-03-01 00:00:00+00"
gen_window() {  # k -> window_k.csv with rows [k*ROWS, (k+1)*ROWS)
  local k=$1 first=$(( $1 * ROWS )) last=$(( ($1 + 1) * ROWS - 1 ))
  "$YUNHE" -c "COPY (SELECT timestamptz '$base' + (i / $DEVICES) * interval '1 second', 'bd' || lpad((i % $DEVICES)::text, 4, '0'),
      116.0 + (i % $DEVICES) * 0.001 + ((i / $DEVICES) % 600) * 0.00001, 39.5 + (i % 97) * 0.002 + ((i / $DEVICES) % 300) * 0.00002,
      (i * 7) % 120, 10 + (i / $DEVICES / 3600 + i % 13) % 25
    FROM generate_series($first::bigint, $last::bigint) i) TO '$work/window_$k.csv' WITH (FORMAT csv)" > /dev/null
}
span_s=$(( WINDOWS * ROWS / DEVICES ))
echo "generating $WINDOWS windows of $ROWS rows ($span_s s of 1 Hz fixes from $DEVICES units)"
for k in $(seq 0 $((WINDOWS - 1))); do gen_window "$k"; done
gen_window "$WINDOWS"  # the extra 1M rows for the checkpoint measurement come from here
head -n 1000000 "$work/window_$WINDOWS.csv" > "$work/extra_1.csv"
tail -n 1000000 "$work/window_$WINDOWS.csv" > "$work/extra_2.csv"
"$YUNHE" -c "COPY (SELECT timestamptz '$base' + m * interval '1 minute', 'bd' || lpad(d::text, 4, '0'), (m + d) % 40 - 5
    FROM generate_series(0, $(( span_s / 60 + 60 ))) m, generate_series(0, $((DEVICES - 1))) d) TO '$work/weather.csv' WITH (FORMAT csv)" > /dev/null
csv_bytes=$(cat "$work"/window_[0-9]*.csv | head -c 100000000000 | wc -c)

# --- 1 + 2: yunhe ingest ---------------------------------------------------------------------------
port=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"$YUNHE" serve "$work/ydb" --memory-limit "$LIMIT" --pg-port "$port" --http-port -1 --ilp-port -1 > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do psql -h 127.0.0.1 -p "$port" -U yunhe -d yunhe -qAtc "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done
sql() { psql -h 127.0.0.1 -p "$port" -U yunhe -d yunhe -qAt -v ON_ERROR_STOP=1 -c "$1"; }
sql "CREATE TABLE fix (ts timestamptz NOT NULL, device text, lon double precision, lat double precision, speed int, temp int) PARTITION BY RANGE (ts) WITH (partition_interval = '1 hour')"
sql "CREATE TABLE weather (ts timestamptz NOT NULL, device text, temp int) PARTITION BY RANGE (ts) WITH (partition_interval = '1 day')"
sql "COPY weather FROM '$work/weather.csv' WITH (FORMAT csv)"
say "## 1. Sustained ingest (COPY over psql into yunhe serve --memory-limit $LIMIT; DuckDB COPY + CHECKPOINT into its file, memory_limit $LIMIT)"
say ""
say "| window | rows so far | yunhe rows/s | yunhe RSS after (MB) | yunhe peak RSS (MB) | DuckDB rows/s |"
say "|---|---|---|---|---|---|"
declare -a ywin
checkpoint_line() {  # label, csv
  sql "CHECKPOINT"
  sql "COPY fix FROM '$2' WITH (FORMAT csv)"
  local t0 t1
  t0=$(now_ms); sql "CHECKPOINT"; t1=$(now_ms)
  echo "| $1 | $(sql "SELECT count(*) FROM fix") | $(echo "$t1 - $t0" | bc -l) |" >> "$work/checkpoints"
}
: > "$work/checkpoints"
for k in $(seq 0 $((WINDOWS - 1))); do
  t0=$(now_ms)
  sql "COPY fix FROM '$work/window_$k.csv' WITH (FORMAT csv)" > /dev/null
  t1=$(now_ms)
  ywin[$k]=$(echo "$ROWS / (($t1 - $t0) / 1000)" | bc -l)
  rss[$k]="$(rss_mb "$server_pid" VmRSS) | $(rss_mb "$server_pid" VmHWM)"
  [ "$k" -eq 1 ] && checkpoint_line "after 2 windows" "$work/extra_1.csv"
done
checkpoint_line "after $WINDOWS windows" "$work/extra_2.csv"
total_rows=$(sql "SELECT count(*) FROM fix")
kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=""
ydisk=$(du -sb "$work/ydb" | cut -f1)

# --- 1b: sustained line-protocol ingest: the same fixes as InfluxDB line protocol, posted in
# 50,000-line batches to /write of a fresh `yunhe serve --memory-limit LIMIT` and of InfluxDB 1.6
# (bench/peers/lp_windows.py; reading a window into batches is not timed).
LP_WINDOWS=${LP_WINDOWS:-$WINDOWS}
if (( LP_WINDOWS > 0 )); then
  for k in $(seq 0 $((LP_WINDOWS - 1))); do
    first=$(( k * ROWS )); last=$(( (k + 1) * ROWS - 1 ))
    "$YUNHE" -c "COPY (SELECT 'fix,device=bd' || lpad((i % $DEVICES)::text, 4, '0')
        || ' lon=' || (116.0 + (i % $DEVICES) * 0.001 + ((i / $DEVICES) % 600) * 0.00001)
        || ',lat=' || (39.5 + (i % 97) * 0.002 + ((i / $DEVICES) % 300) * 0.00002)
        || ',speed=' || ((i * 7) % 120) || 'i,temp=' || (10 + (i / $DEVICES / 3600 + i % 13) % 25) || 'i '
        || ((extract(epoch from timestamptz '$base')::bigint + i / $DEVICES) * 1000000000)
      FROM generate_series($first::bigint, $last::bigint) i) TO '$work/window_$k.lp'" > /dev/null
  done
  lp_files=()
  for k in $(seq 0 $((LP_WINDOWS - 1))); do lp_files+=("$work/window_$k.lp"); done
  port=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  "$YUNHE" serve "$work/ylp" --memory-limit "$LIMIT" --pg-port 0 --http-port "$port" --ilp-port -1 > "$work/serve_lp.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/ping" > /dev/null && break; sleep 0.1; done
  /usr/bin/python3 "$here/peers/lp_windows.py" "http://127.0.0.1:$port/write?db=bench&precision=ns" "$server_pid" "${lp_files[@]}" > "$work/lp_yunhe"
  lp_count=$(curl -s "http://127.0.0.1:$port/exec?fmt=csv" --data-urlencode "query=SELECT count(*) FROM fix" | tail -1)
  kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=""
  : > "$work/lp_influx"
  if command -v influxd > /dev/null; then
    /usr/bin/python3 "$here/peers/lp_windows.py" "influxd:$work/influx" - "${lp_files[@]}" > "$work/lp_influx" 2> "$work/lp_influx.err" || true
  fi
fi

# DuckDB on the same windows (bench/node_modules, as bench/peers.sh installs it).
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then (cd "$here" && npm install --no-save --silent @duckdb/node-api >/dev/null 2>&1); fi
have_duck=0
[ -d "$here/node_modules/@duckdb/node-api" ] && have_duck=1
declare -a dwin
if (( have_duck )); then
  duck() { (cd "$here" && node peers/duckdb_storage.mjs "$@"); }
  windows=()
  for k in $(seq 0 $((WINDOWS - 1))); do windows+=("$work/window_$k.csv"); done
  while IFS=$'\t' read -r _ k ms; do dwin[$((k - 1))]=$(echo "$ROWS / ($ms / 1000)" | bc -l); done < <(duck load "$work/duck.db" "$LIMIT" "${windows[@]}")
  duck load "$work/duck.db" "$LIMIT" "$work/extra_1.csv" "$work/extra_2.csv" > /dev/null
  (cd "$here" && node -e "
    const { DuckDBInstance } = require('@duckdb/node-api');
    (async () => { const c = await (await DuckDBInstance.create('$work/duck.db')).connect();
      await c.run(\"CREATE TABLE weather (ts TIMESTAMPTZ, device VARCHAR, temp INTEGER)\");
      await c.run(\"COPY weather FROM '$work/weather.csv' (FORMAT csv, HEADER false)\"); await c.run('CHECKPOINT'); })();")
fi
for k in $(seq 0 $((WINDOWS - 1))); do
  printf "| %d | %d | %.0f | %s | %s |\n" $((k + 1)) $(( (k + 1) * ROWS )) "${ywin[$k]}" "${rss[$k]}" \
    "$( [ -n "${dwin[$k]:-}" ] && printf "%.0f" "${dwin[$k]}" || echo "not measured")" | tee -a "$report"
done
say ""
say "CSV loaded: $csv_bytes bytes. On disk after the last checkpoint: yunhe $ydisk bytes; DuckDB $( (( have_duck )) && stat -c %s "$work/duck.db" || echo "not measured") bytes ($total_rows fixes + weather)."
if (( LP_WINDOWS > 0 )); then
  say ""
  say "## 1b. Sustained line-protocol ingest (/write, 50,000-line batches, one connection; yunhe serve --memory-limit $LIMIT, InfluxDB $(influxd version 2>/dev/null | awk '{print $2}' || echo "not installed") with its defaults)"
  say ""
  say "| window | rows so far | yunhe rows/s | yunhe RSS after (MB) | yunhe peak RSS (MB) | InfluxDB rows/s | InfluxDB RSS after (MB) | yunhe / InfluxDB |"
  say "|---|---|---|---|---|---|---|---|"
  so_far=0
  while IFS=$'\t' read -r k rows ms rss hwm; do
    so_far=$(( so_far + rows ))
    yr=$(echo "$rows / ($ms / 1000)" | bc -l)
    irow=$(awk -F'\t' -v k="$k" '$1 == k' "$work/lp_influx")
    if [ -n "$irow" ]; then
      ir=$(echo "$rows / ($(echo "$irow" | cut -f3) / 1000)" | bc -l)
      say "$(printf "| %d | %d | %.0f | %s | %s | %.0f | %s | %.2fx |" "$k" "$so_far" "$yr" "$rss" "$hwm" "$ir" "$(echo "$irow" | cut -f4)" "$(echo "$yr / $ir" | bc -l)")"
    else
      say "$(printf "| %d | %d | %.0f | %s | %s | not measured | - | - |" "$k" "$so_far" "$yr" "$rss" "$hwm")"
    fi
  done < "$work/lp_yunhe"
  say ""
  say "yunhe holds $lp_count rows after the line-protocol windows (sent: $so_far)."
  [ "$lp_count" == "$so_far" ] || mismatch=1
fi
say ""
say "## 2. Checkpoint after 1M new rows (CHECKPOINT, COPY of 1M rows, then the timed CHECKPOINT)"
say ""
say "| when | rows in the table | checkpoint ms |"
say "|---|---|---|"
cat "$work/checkpoints" | tee -a "$report"

# --- 3: cold open + first answer ---------------------------------------------------------------
last_hour=$(( span_s > 3600 ? span_s / 3600 - 1 : 0 ))
hour_start="timestamptz '$base' + interval '$last_hour hours'"
declare -A Q
Q[count]="SELECT count(*) FROM fix"
Q[lastpoint]="SELECT count(*), sum(speed) FROM (SELECT DISTINCT ON (device) device, speed FROM fix ORDER BY device, ts DESC) s"
Q[one_hour]="SELECT count(*), sum(speed) FROM fix WHERE ts >= $hour_start AND ts < $hour_start + interval '1 hour'"
Q[full_sum]="SELECT count(*), sum(speed), sum(temp) FROM fix"
Q[groupby_unit_hour]="SELECT count(*), sum(n) FROM (SELECT device, date_trunc('hour', ts) AS h, count(*) AS n, avg(speed) AS a FROM fix GROUP BY 1, 2) s"
Q[asof_last_hour]="SELECT count(*), sum(w.temp) FROM fix f ASOF JOIN weather w ON f.device = w.device AND f.ts >= w.ts WHERE f.ts >= $hour_start"
# Operators that hold their input past the memory limit (they spill): a window per unit over
# every fix, and a count of distinct minutes (two hash aggregations).
Q[window_per_unit]="SELECT count(d), sum(d) FROM (SELECT speed - lag(speed) OVER (PARTITION BY device ORDER BY ts) AS d FROM fix) s"
Q[distinct_minutes]="SELECT count(DISTINCT date_trunc('minute', ts)) FROM fix"
# The OS page cache is dropped before each cold run (DROP_CACHES=0: kept), then the yunhe binary
# is paged in again by a run without a data directory, so only the data files start cold (DuckDB's
# library is loaded before its clock starts too).
drop_caches() {
  if [ "${DROP_CACHES:-1}" == "1" ] && sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
    "$YUNHE" -c "SELECT 1" > /dev/null
    echo dropped
  else
    echo kept
  fi
}
say ""
say "## 3. Cold open + first answer (a new process each time; OS page cache: $(drop_caches) before each run)"
say ""
say "| question | yunhe ms (median of $RUNS) | yunhe peak RSS MB | DuckDB ms | answers agree |"
say "|---|---|---|---|---|"
for q in count lastpoint one_hour; do
  times=(); ans=""
  for _ in $(seq "$RUNS"); do
    drop_caches > /dev/null
    t0=$(now_ms)
    ans=$(/usr/bin/time -f "%M" -o "$work/rss" "$YUNHE" "$work/ydb" --memory-limit "$QUERY_LIMIT" --format csv --no-header --null null -c "${Q[$q]}" | tr ',' '|')
    t1=$(now_ms)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  yms=$(printf "%s\n" "${times[@]}" | median)
  dms="not measured"; agree="-"
  if (( have_duck )); then
    dtimes=()
    for _ in $(seq "$RUNS"); do
      drop_caches > /dev/null
      out=$(cd "$here" && node peers/duckdb_storage.mjs open "$work/duck.db" "$QUERY_LIMIT" "${Q[$q]}")
      dtimes+=("$(echo "$out" | cut -f2)"); dans=$(echo "$out" | cut -f3)
    done
    dms=$(printf "%s\n" "${dtimes[@]}" | median)
    [ "$dans" == "$ans" ] && agree=yes || { agree="NO ($ans vs $dans)"; mismatch=1; }
  fi
  say "| $q | $yms | $(( $(cat "$work/rss") / 1024 )) | $dms | $agree |"
done
say ""
say "yunhe's time is the whole process (start, open, answer, exit); DuckDB's is measured inside node, from opening the file to the answer (node's start-up and loading DuckDB's library are not counted)."

# --- 4: questions over data several times the memory limit ----------------------------------------
say ""
say "## 4. Data several times the memory limit (memory_limit $QUERY_LIMIT for both; hot runs after one cold)"
say ""
decoded_mb=$(( total_rows * (8 * 5 + 40) / 1048576 ))
say "The fixes decode to about $decoded_mb MB in memory (8 bytes per number, ~40 per text value)."
say ""
say "| question | yunhe ms | yunhe peak RSS MB | DuckDB ms | DuckDB peak RSS MB | DuckDB / yunhe | answers agree |"
say "|---|---|---|---|---|---|---|"
json="{"
for q in full_sum groupby_unit_hour lastpoint asof_last_hour window_per_unit distinct_minutes; do json+="\"$q\": $(/usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "${Q[$q]}"),"; done
json="${json%,}}"
for q in full_sum groupby_unit_hour lastpoint asof_last_hour window_per_unit distinct_minutes; do
  { echo '\timing on'; for _ in $(seq 0 "$RUNS"); do echo "${Q[$q]};"; done; } > "$work/q.sql"
  out=$(/usr/bin/time -f "%M" -o "$work/rss" "$YUNHE" "$work/ydb" --memory-limit "$QUERY_LIMIT" --format csv --no-header --null null -f "$work/q.sql")
  yms=$(echo "$out" | grep '^Time:' | tail -n "$RUNS" | awk '{print $2}' | median)
  yrss=$(( $(cat "$work/rss") / 1024 ))
  ans=$(echo "$out" | grep -v '^Time:\|^Timing' | tail -1 | tr ',' '|')
  dms="not measured"; drss="-"; ratio="-"; agree="-"
  if (( have_duck )); then
    one=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({sys.argv[1]: sys.argv[2]}))' "$q" "${Q[$q]}")
    dout=$(cd "$here" && /usr/bin/time -f "%M" -o "$work/drss" node peers/duckdb_storage.mjs query "$work/duck.db" "$QUERY_LIMIT" $((RUNS + 1)) "$one")
    dms=$(echo "$dout" | cut -f3- | tr '\t' '\n' | head -n "$RUNS" | median)
    drss=$(( $(cat "$work/drss") / 1024 ))
    dans=$(echo "$dout" | awk -F'\t' '{print $NF}')
    ratio=$(printf "%.2fx" "$(echo "$dms / $yms" | bc -l)")
    [ "$dans" == "$ans" ] && agree=yes || { agree="NO ($ans vs $dans)"; mismatch=1; }
  fi
  say "| $q | $yms | $yrss | $dms | $drss | $ratio | $agree |"
done

out="$results_dir/$(date +%Y-%m-%d)-storage.md"
{
  echo "# Storage beyond memory (bench/storage.sh)"
  echo ""
  echo "Machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB. ROWS=$ROWS WINDOWS=$WINDOWS LIMIT=$LIMIT QUERY_LIMIT=$QUERY_LIMIT RUNS=$RUNS."
  echo "yunhe $(cd "$here/.." && git rev-parse --short HEAD 2>/dev/null); DuckDB $( (( have_duck )) && node -p "require('$here/node_modules/@duckdb/node-api/package.json').version" || echo "not installed")."
  echo ""
  cat "$report"
} > "$out"
echo "wrote $out"
exit $mismatch
