#!/usr/bin/env bash
# The tools people already use, run for real against `yunhe serve` (issue 21): SQLAlchemy and
# pandas (create_all, reflection, the ORM, to_sql/read_sql), GeoPandas, GDAL's ogr2ogr and
# ogrinfo, psql's describe commands, sqlsmith (no crash), pgbench (-i, then a short run), psycopg2
# with json/jsonb, influxdb-python (/write and /query). Where the answer is data it is compared with
# what PostgreSQL 15 answers for the same commands.
set -uo pipefail
YUNHE=${1:?usage: run.sh path/to/yunhe}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../server/start_server.sh"
start_server "$YUNHE" "$tmp/db" "$tmp/server.out" --ilp-port -1

check "SQLAlchemy and pandas" "sqlalchemy_pandas: ok" "$(timeout 120 /usr/bin/python3 "$here/sqlalchemy_pandas.py" "$port" 2>&1 | tail -20)"
check "psycopg2 json and jsonb" "json_client: ok" "$(timeout 60 /usr/bin/python3 "$here/json_client.py" "$port" 2>&1 | tail -20)"

check "influxdb-python /write and /query" "influx_client: ok" "$(timeout 60 /usr/bin/python3 "$here/influx_client.py" "${http##*:}" 2>&1 | tail -20)"
check "GeoPandas to_postgis / read_postgis" "geopandas_client: ok" "$(timeout 120 /usr/bin/python3 "$here/geopandas_client.py" "$port" 2>&1 | tail -20)"

# GDAL (what QGIS uses): GeoJSON -> yunhe -> GeoJSON gives the same features; ogrinfo lists the
# layer with its SRS and extent.
pg="PG:host=127.0.0.1 port=$port user=yunhe dbname=yunhe"
features() {  # name, properties and coordinates of each feature, one line each, sorted
  /usr/bin/python3 -c "import json, sys; [print(f['properties']['name'], json.dumps(f['properties'], sort_keys=True), f['geometry']) for f in json.load(open(sys.argv[1]))['features']]" "$1" | sort
}
check "ogr2ogr GeoJSON -> yunhe" "" "$(timeout 60 ogr2ogr -f PostgreSQL "$pg" "$here/../data/geojson/landmarks.geojson" -nln landmarks 2>&1)"
check "ogr2ogr yunhe -> GeoJSON" "" "$(timeout 60 ogr2ogr -f GeoJSON "$tmp/back.geojson" "$pg" landmarks 2>&1)"
check "GeoJSON round trip: same features" "$(features "$here/../data/geojson/landmarks.geojson")" "$(features "$tmp/back.geojson" | sed 's/"ogc_fid": [0-9]*, //')"
info=$(timeout 60 ogrinfo -so "$pg" landmarks 2>&1)
check "ogrinfo: no error" "0" "$(echo "$info" | grep -c ERROR)"
check "ogrinfo: layer, type, count, extent" "Layer name: landmarks
Geometry: Point
Feature Count: 3
Extent: (113.324500, 23.106400) - (121.490300, 39.908700)" "$(echo "$info" | grep -E '^(Layer name|Geometry|Feature Count|Extent):')"
check "ogrinfo: SRS is WGS 84" "1" "$(echo "$info" | grep -c 'ID\["EPSG",4326\]')"
# The same into a schema of its own (ogr2ogr -nln schema.layer; QGIS lists layers per schema).
psql -X -q -c "CREATE SCHEMA gis" > /dev/null
check "ogr2ogr GeoJSON -> yunhe schema" "" "$(timeout 60 ogr2ogr -f PostgreSQL "$pg" "$here/../data/geojson/landmarks.geojson" -nln gis.landmarks 2>&1)"
check "ogrinfo lists gis.landmarks" "1" "$(timeout 60 ogrinfo "$pg" 2>&1 | grep -c '^[0-9]*: gis.landmarks (Point)$')"
check "ogr2ogr yunhe schema -> GeoJSON" "" "$(timeout 60 ogr2ogr -f GeoJSON "$tmp/gis.geojson" "$pg" gis.landmarks 2>&1)"
check "schema round trip: same features" "$(features "$here/../data/geojson/landmarks.geojson")" "$(features "$tmp/gis.geojson" | sed 's/"ogc_fid": [0-9]*, //')"

# psql's describe commands: each runs its catalog queries without an error.
psql -X -q -c "CREATE TABLE things (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, doc jsonb, n serial)" > /dev/null
for cmd in '\dt+' '\df' '\df+ st_x' '\da' '\dT' '\l+' '\dp' '\ds' '\di' '\dn' '\du' '\dv' '\dx' '\d things' '\d+ things' '\dconfig' '\dconfig+ *'; do
  check "psql $cmd runs" "0" "$(psql -X -c "$cmd" 2>&1 | grep -c ERROR)"
done
# CHECK and FOREIGN KEY constraints: psql's \d lists the checks; SQLAlchemy reflects both.
psql -X -q -c "CREATE TABLE owners (id int PRIMARY KEY, n int CHECK (n > 0))" -c "CREATE TABLE pets (id int, owner_id int REFERENCES owners ON DELETE CASCADE)" > /dev/null
check "psql \\d with a check constraint, referenced" "Check constraints:
    \"owners_n_check\" CHECK ((n > 0))
Referenced by:
    TABLE \"pets\" CONSTRAINT \"pets_owner_id_fkey\" FOREIGN KEY (owner_id) REFERENCES owners(id) ON DELETE CASCADE" "$(psql -X -c '\d owners' 2>&1 | tail -5 | head -4)"
check "psql \\d with a foreign key" "Foreign-key constraints:
    \"pets_owner_id_fkey\" FOREIGN KEY (owner_id) REFERENCES owners(id) ON DELETE CASCADE" "$(psql -X -c '\d pets' 2>&1 | tail -3 | head -2)"
check "SQLAlchemy reflects foreign keys and checks" "['owners.id'] [{'name': 'owners_n_check', 'sqltext': 'n > 0'}]" "$(timeout 60 /usr/bin/python3 -c "
import sqlalchemy as sa
e = sa.create_engine('postgresql://yunhe@127.0.0.1:$port/yunhe')
t = sa.Table('pets', sa.MetaData(), autoload_with=e)
print([fk.target_fullname for fk in t.foreign_keys], sa.inspect(e).get_check_constraints('owners'))" 2>&1 | tail -3)"
check "psql \\dconfig search_path" "search_path|\"\$user\", public" "$(psql -X -A -t -c '\dconfig search_path' 2>&1)"
check "psql \\df st_x (as with PostGIS)" " Schema | Name | Result data type | Argument data types | Type 
--------+------+------------------+---------------------+------
 public | st_x | double precision | geometry            | func
(1 row)" "$(psql -X -c '\df st_x' | tail -n +2)"
check "psql \\ds things*" " Schema |     Name      |   Type   | Owner 
--------+---------------+----------+-------
 public | things_id_seq | sequence | yunhe
 public | things_n_seq  | sequence | yunhe
(2 rows)" "$(psql -X -c '\ds things*' | tail -n +2)"
check "psql \\d with identity and serial" " Column |  Type   | Collation | Nullable |              Default              
--------+---------+-----------+----------+-----------------------------------
 id     | bigint  |           | not null | generated always as identity
 doc    | jsonb   |           |          | 
 n      | integer |           | not null | nextval('things_n_seq'::regclass)
Indexes:
    \"things_pkey\" PRIMARY KEY, btree (id)" "$(psql -X -c '\d things' | tail -n +2)"

# sqlsmith: random queries over the catalogs it reads (types, tables, operators, routines,
# aggregates); none may take the server down. Its error mix is printed for the log.
check "sqlsmith: 1000 queries, exit 0" "0" "$(timeout 300 sqlsmith --target="host=127.0.0.1 port=$port user=yunhe dbname=yunhe" --max-queries=1000 --seed=1 --verbose 2> "$tmp/sqlsmith.err" > /dev/null; echo $?)"
check "sqlsmith: server still answers" "1" "$(psql -X -At -c 'SELECT 1' 2>&1)"
grep "error rate" "$tmp/sqlsmith.err" | tail -1
grep -E '^[0-9]+\s+ERROR' "$tmp/sqlsmith.err" | sort -rn | head -5

check "psql \\d of an owned sequence" "                    Sequence \"public.things_n_seq\"
  Type   | Start | Minimum |  Maximum   | Increment | Cycles? | Cache 
---------+-------+---------+------------+-----------+---------+-------
 integer |     1 |       1 | 2147483647 |         1 | no      |     1
Owned by: public.things.n" "$(psql -X -c '\d things_n_seq')"

# pgbench: its schema and data (-i), then a short run of the built-in TPC-B-like script.
check "pgbench -i -s 1" "0" "$(timeout 300 pgbench -i -s 1 -q > "$tmp/pgbench_init.log" 2>&1; echo $?)"
[ "$(tail -1 "$tmp/pgbench_init.log")" != "" ] && grep -q "done in" "$tmp/pgbench_init.log" || { echo "pgbench -i said:"; cat "$tmp/pgbench_init.log"; }
check "pgbench_accounts rows" "100000" "$(psql -X -At -c 'SELECT count(*) FROM pgbench_accounts')"
timeout 120 pgbench -c 4 -j 2 -T 5 > "$tmp/pgbench.log" 2>&1
check "pgbench run exits cleanly" "0" "$?"
check "pgbench run failed no transaction" "0" "$(grep -o 'number of failed transactions: [0-9]*' "$tmp/pgbench.log" | grep -o '[0-9]*$' || echo missing)"
check "pgbench balances add up" "t" "$(psql -X -At -c "SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT sum(delta) FROM pgbench_history) AND (SELECT sum(bbalance) FROM pgbench_branches) = (SELECT sum(delta) FROM pgbench_history)")"
grep -E "^(tps|number of transactions actually processed)" "$tmp/pgbench.log"

kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
echo "client tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
