#!/usr/bin/env bash
# Foundation figures for yunhe alone (the side-by-side comparison with peers is `make bench`'s
# job once bench/ grows, issue "Side-by-side benchmarks"): COPY rows/s of a CSV, a filtered sum,
# a 1000-group GROUP BY, a 1M x 1M hash join, a time-range query on a partitioned table, and
# bytes per value on disk. Medians of RUNS hot runs (wall time inside the engine, \timing).
#   bench/foundation.sh build/yunhe              # ROWS=10000000 by default
#   ROWS=100000 RUNS=3 bench/foundation.sh build/yunhe
set -euo pipefail
YUNHE=${1:?usage: foundation.sh path/to/yunhe}
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-5}
JOIN_ROWS=${JOIN_ROWS:-$(( ROWS < 1000000 ? ROWS : 1000000 ))}
work=$(mktemp -d /tmp/yunhe-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

# Deterministic data: 1000 devices, one reading per device per second, a slow random walk.
"$YUNHE" -c "COPY (SELECT timestamptz '2026-01-01 00:00:00+00' + (x / 1000) * interval '1 second' + ((x * 7919) % 1000) * interval '1 millisecond',
                    'dev-' || lpad((x % 1000)::text, 4, '0'),
                    round((20 + 5 * sin(x / 100000.0) + ((x * 104729) % 1000) / 1000.0)::numeric, 2)::float8,
                    (x * 31) % 101
             FROM generate_series(0::bigint, $ROWS - 1) x) TO '$work/readings.csv' WITH (FORMAT csv)" >/dev/null
csv_bytes=$(stat -c %s "$work/readings.csv")

"$YUNHE" "$work/db" -c "CREATE TABLE readings (ts timestamptz NOT NULL, dev text NOT NULL, temp double precision, hum int) PARTITION BY RANGE (ts) WITH (partition_interval = '1 hour')" >/dev/null
start=$(date +%s.%N)
"$YUNHE" "$work/db" -c "COPY readings FROM '$work/readings.csv' WITH (FORMAT csv)" >/dev/null
end=$(date +%s.%N)
copy_s=$(echo "$end - $start" | bc -l)
seg_bytes=$(cat "$work"/db/*.part | wc -c)

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
time_query() {  # db, sql -> median ms over RUNS runs (after one warm-up)
  local db=$1 sql=$2 script="$work/q.sql"
  { echo '\timing on'; for _ in $(seq 0 "$RUNS"); do echo "$sql;"; done; } > "$script"
  "$YUNHE" "$db" -f "$script" | grep '^Time:' | tail -n "$RUNS" | awk '{print $2}' | median
}
q_sum=$(time_query "$work/db" "SELECT sum(temp) FROM readings WHERE hum < 50")
q_group=$(time_query "$work/db" "SELECT dev, count(*), avg(temp) FROM readings GROUP BY dev")
q_range=$(time_query "$work/db" "SELECT count(*), max(temp) FROM readings WHERE ts >= '2026-01-01 01:00:00+00' AND ts < '2026-01-01 01:10:00+00'")

"$YUNHE" "$work/jdb" -c "CREATE TABLE a (i int, x double precision); CREATE TABLE b (i int, y double precision);
  INSERT INTO a SELECT g, g * 0.5 FROM generate_series(1, $JOIN_ROWS) g;
  INSERT INTO b SELECT $JOIN_ROWS + 1 - g, g * 0.25 FROM generate_series(1, $JOIN_ROWS) g;" >/dev/null
q_join=$(time_query "$work/jdb" "SELECT count(*), sum(x * y) FROM a JOIN b ON a.i = b.i")

echo "| figure | value |"
echo "|---|---|"
echo "| machine | $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) |"
printf "| COPY %d rows (%.0f MB CSV), end to end incl. WAL fsync and checkpoint | %.2f s = %.0f rows/s |\n" "$ROWS" "$(echo "$csv_bytes / 1000000" | bc -l)" "$copy_s" "$(echo "$ROWS / $copy_s" | bc -l)"
echo "| filtered sum (\`sum(temp) WHERE hum < 50\`), median of $RUNS | $q_sum ms |"
echo "| GROUP BY 1000 devices (count, avg), median of $RUNS | $q_group ms |"
echo "| time range of 10 minutes on 1-hour partitions, median of $RUNS | $q_range ms |"
echo "| hash join ${JOIN_ROWS} x ${JOIN_ROWS} on int keys, median of $RUNS | $q_join ms |"
printf "| bytes per value on disk (part files / (rows x 4 columns)) | %.2f |\n" "$(echo "$seg_bytes / ($ROWS * 4)" | bc -l)"
