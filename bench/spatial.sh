#!/usr/bin/env bash
# Spatial joins side by side: POINTS points x ZONES polygons (33-vertex circles on a grid),
# containment (ST_Contains), planar proximity (ST_DWithin in degrees) and geodesic proximity
# (ST_DWithin in metres: yunhe's geography-style 4-argument form, PostGIS geography with GiST
# expression indexes) join counts, and the 10 nearest points (kNN), in yunhe and in PostGIS 3
# (throw-away PostgreSQL 15 cluster on 127.0.0.1, GiST indexes on both tables). The same SQL
# generates the same data in both; the answers must agree or the script fails. The geodesic
# join uses the sphere (use_spheroid = false), where yunhe and PostGIS compute the same
# distances; on the spheroid they measure point-to-edge distances differently (< 0.1 %).
#   bench/spatial.sh build/yunhe      POINTS=10000000 ZONES=1000 RUNS=3 [POSTGIS=0: yunhe only]
set -uo pipefail
YUNHE=$(realpath "${1:?usage: spatial.sh path/to/yunhe}")
POINTS=${POINTS:-10000000}
ZONES=${ZONES:-1000}
RUNS=${RUNS:-3}
work=$(mktemp -d /tmp/yunhe-spatial-XXXXXX)
chmod 755 "$work"
source "$(dirname "$0")/pg_peer.sh"
cleanup() {
  pg_stop "$work"
  rm -rf "$work"
}
trap cleanup EXIT

side=$(/usr/bin/python3 -c "import math; print(math.ceil(math.sqrt($ZONES)))")
step=$(/usr/bin/python3 -c "print(1.0 / $side)")
setup="CREATE TABLE pts AS SELECT g AS id, ST_Point(116 + ((g::bigint * 7919) % 1000003) / 1000003.0::float8, 39.5 + ((g::bigint * 104729) % 999983) / 999983.0::float8) AS pos FROM generate_series(1, $POINTS) g;
CREATE TABLE zones AS SELECT g AS zid, ST_Buffer(ST_Point(116 + $step / 2 + (g % $side) * $step, 39.5 + $step / 2 + (g / $side) * $step), $step * 0.4, 8) AS geom FROM generate_series(0, $ZONES - 1) g;"
declare -A SQL
SQL[contains]="SELECT count(*), sum(p.id % 1000 + z.zid) FROM pts p JOIN zones z ON ST_Contains(z.geom, p.pos)"
SQL[dwithin]="SELECT count(*), sum(p.id % 1000 + z.zid) FROM pts p JOIN zones z ON ST_DWithin(z.geom, p.pos, $step * 0.05)"
SQL[dwithin_m]="SELECT count(*), sum(p.id % 1000 + z.zid) FROM pts p JOIN zones z ON ST_DWithin(z.geom, p.pos, 150, false)"
SQL[knn]="SELECT count(*), sum(id) FROM (SELECT id FROM pts ORDER BY pos <-> ST_Point(116.5, 39.9) LIMIT 10) s"
declare -A SQL_PG  # where PostGIS spells a query differently
SQL_PG[dwithin_m]="SELECT count(*), sum(p.id % 1000 + z.zid) FROM pts p JOIN zones z ON ST_DWithin(z.geom::geography, p.pos::geography, 150, false)"
QUERIES="contains dwithin dwithin_m knn"

median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Runs a SQL file, prints "query<TAB>median ms<TAB>answer" per query.
collect() {  # $1 = output of the client (times and answers interleaved), $2 = lines of setup timings
  local out=$1 skip=$2
  local times=($(echo "$out" | grep '^Time:' | awk '{print $2}' | tail -n +$((skip + 1))))
  local answers=($(echo "$out" | grep -E '^[0-9]+[,|][0-9]+$' | tr ',' '|'))
  local k=0 a=0
  for q in $QUERIES; do
    local ts=""
    for _ in $(seq "$RUNS"); do ts+="${times[$k]} "; k=$((k + 1)); done
    echo -e "$q\t$(echo "$ts" | xargs | median)\t${answers[$a]}"
    a=$((a + RUNS))
  done
}

{
  echo '\timing'
  echo "$setup"
  echo "CREATE INDEX ON pts USING gist (pos);"
  for q in $QUERIES; do for _ in $(seq "$RUNS"); do echo "${SQL[$q]};"; done; done
} > "$work/yunhe.sql"
echo "yunhe: $POINTS points x $ZONES zones"
yunhe_out=$("$YUNHE" --format csv --no-header -f "$work/yunhe.sql" 2>&1)
yunhe_res=$(collect "$yunhe_out" 3)
echo "$yunhe_res"

pg_res=""
if [ "${POSTGIS:-1}" = 0 ]; then
  echo "PostGIS: not run (POSTGIS=0)"
elif pg_available && [ -f /usr/share/postgresql/15/extension/postgis.control ]; then
  pg_start "$work" "-c shared_buffers=2GB -c work_mem=256MB -c max_parallel_workers_per_gather=2"
  {
    echo "CREATE EXTENSION postgis;"
    echo "$setup"
    echo "CREATE INDEX ON pts USING gist (pos); CREATE INDEX ON zones USING gist (geom);"
    echo "CREATE INDEX ON pts USING gist ((pos::geography)); CREATE INDEX ON zones USING gist ((geom::geography)); VACUUM ANALYZE;"
    echo '\timing on'
    for q in $QUERIES; do for _ in $(seq "$RUNS"); do echo "${SQL_PG[$q]:-${SQL[$q]}};"; done; done
  } > "$work/pg.sql"
  echo "PostGIS: loading and indexing"
  pg_out=$(psql -X -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -t -A -F ',' -f "$work/pg.sql" 2>&1)
  pg_res=$(collect "$pg_out" 0)
  echo "$pg_res"
else
  echo "PostGIS is not installed (postgresql-15-postgis-3): peer not run"
fi

status=0
echo
echo "| query | yunhe ms | PostGIS ms | PostGIS / yunhe |"
echo "|---|---|---|---|"
for q in $QUERIES; do
  y=$(echo "$yunhe_res" | awk -v q="$q" '$1 == q')
  p=$(echo "$pg_res" | awk -v q="$q" '$1 == q')
  ym=$(echo "$y" | cut -f2) ya=$(echo "$y" | cut -f3)
  pm=$(echo "$p" | cut -f2) pa=$(echo "$p" | cut -f3)
  if [ -z "$ya" ]; then echo "yunhe gave no answer for $q"; status=1; fi
  if [ -n "$pa" ] && [ "$pa" != "$ya" ]; then echo "ANSWERS DIFFER for $q: yunhe $ya, PostGIS $pa"; status=1; fi
  ratio=$([ -n "$pm" ] && echo "scale=2; $pm / $ym" | bc || echo "-")
  echo "| $q ($ya) | $ym | ${pm:--} | $ratio |"
done
exit $status
