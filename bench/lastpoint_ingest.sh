#!/usr/bin/env bash
# Lastpoint while ingest goes on: a live dashboard asks for each truck's latest reading (and the
# latest one of the trucks of one fleet) between writes of new readings. TRUCKS trucks x MINUTES
# readings (in time order, as they arrive), then WRITES rounds of (one new reading for every
# tenth truck; the two questions).
# yunhe runs on a data directory (shell, -f); PostgreSQL 15, when installed, gets the same SQL on
# its own cluster with an index on (name, ts), in the same run. Prints the first answer's time
# and the median over the rounds after it, for both systems, and the ratios.
#   bench/lastpoint_ingest.sh build/yunhe          (defaults: 1000 trucks x 1440 minutes, 20 rounds)
#   TRUCKS=100 MINUTES=60 WRITES=3 bench/lastpoint_ingest.sh build/yunhe     (smoke)
set -euo pipefail
YUNHE=${1:?usage: lastpoint_ingest.sh path/to/yunhe}
TRUCKS=${TRUCKS:-1000}
MINUTES=${MINUTES:-1440}
WRITES=${WRITES:-20}
work=$(mktemp -d /tmp/yunhe-lastpoint-ingest-XXXXXX)
chmod 755 "$work"
source "$(dirname "$0")/pg_peer.sh"
cleanup() {
  pg_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT

last_all="SELECT count(*), sum(fuel) FROM (SELECT DISTINCT ON (name) name, fuel FROM readings ORDER BY name, ts DESC) s;"
last_south="SELECT count(*), sum(fuel) FROM (SELECT DISTINCT ON (name) name, fuel FROM readings WHERE fleet = 'South' ORDER BY name, ts DESC) s;"
body() {  # $1 = CREATE TABLE statement
  echo "$1"
  echo "INSERT INTO readings SELECT 'truck_' || t, (ARRAY['North', 'South', 'East', 'West'])[t % 4 + 1], timestamp '2024-01-01' + m * interval '1 minute', ((t * 7 + m) % 1000) / 1000.0 FROM generate_series(0, $MINUTES - 1) m, generate_series(0, $TRUCKS - 1) t;"
  [ -n "${2:-}" ] && echo "$2"
  echo '\timing on'
  for w in $(seq "$WRITES"); do
    echo "INSERT INTO readings SELECT 'truck_' || t, (ARRAY['North', 'South', 'East', 'West'])[t % 4 + 1], timestamp '2024-01-01' + ($MINUTES - 1) * interval '1 minute' + $w * interval '1 second', ($w % 10) / 10.0 FROM generate_series(0, $TRUCKS - 1, 10) t;"
    echo "$last_all"
    echo "$last_south"
  done
}
body "CREATE TABLE readings (name text, fleet text, ts timestamp NOT NULL, fuel double precision) PARTITION BY RANGE (ts);" > "$work/yunhe.sql"
body "CREATE TABLE readings (name text, fleet text, ts timestamp NOT NULL, fuel double precision);" \
  "CREATE INDEX ON readings (name, ts); ANALYZE readings;" > "$work/pg.sql"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# Times of the k-th statement of every round (k = 0 insert, 1 all trucks, 2 one fleet).
report() {  # name, output of the run
  local times answers
  times=($(echo "$2" | grep '^Time:' | awk '{print $2}'))
  # The last round's two answers, as count|sum rounded to 6 places, to compare the systems.
  echo "$2" | grep -E '^[0-9]+[|,]' | tail -2 | tr ',' '|' | awk -F'|' '{printf "%s|%.6f\n", $1, $2}' > "$work/answers.$1"
  for k in 1 2; do
    local first="${times[$k]}" rest=()
    for ((i = k + 3; i < ${#times[@]}; i += 3)); do rest+=("${times[$i]}"); done
    echo -e "$1\t$k\t$first\t$(printf '%s\n' "${rest[@]}" | median)"
  done
}

out=$("$YUNHE" "$work/ydir" --format csv --no-header -f "$work/yunhe.sql" 2>&1)
if echo "$out" | grep -q ERROR; then echo "$out" | grep ERROR; exit 1; fi
results=$(report yunhe "$out")

if pg_available; then
  pg_start "$work" "-c shared_buffers=1GB -c work_mem=256MB"
  out=$(psql -X -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -t -A -F '|' -f "$work/pg.sql" 2>&1)
  results+=$'\n'$(report postgresql "$out")
fi

echo "lastpoint between writes: $TRUCKS trucks x $MINUTES readings, $WRITES rounds of $(( (TRUCKS + 9) / 10 )) new readings"
echo -e "system\tquestion\tfirst ms\tmedian ms after"
names=([1]="latest per truck" [2]="latest per truck, fleet = 'South'")
while IFS=$'\t' read -r sys k first med; do echo -e "$sys\t${names[$k]}\t$first\t$med"; done <<< "$results"
if [ -f "$work/answers.postgresql" ]; then
  if cmp -s "$work/answers.yunhe" "$work/answers.postgresql"; then echo "answers agree: $(tr '\n' ' ' < "$work/answers.yunhe")"
  else echo "ANSWERS DIFFER: yunhe $(tr '\n' ' ' < "$work/answers.yunhe") postgresql $(tr '\n' ' ' < "$work/answers.postgresql")"; exit 1; fi
fi
for k in 1 2; do
  y=$(awk -F'\t' -v k=$k '$1 == "yunhe" && $2 == k {print $4}' <<< "$results")
  p=$(awk -F'\t' -v k=$k '$1 == "postgresql" && $2 == k {print $4}' <<< "$results")
  [ -n "$p" ] && echo "ratio PostgreSQL / yunhe (${names[$k]}): $(echo "scale=1; $p / $y" | bc)"
done
exit 0
