#!/usr/bin/env bash
# Shell tests: flags, output formats, exit status, psql-style errors, stdin scripts with
# COPY FROM STDIN, meta commands, and a data directory reopened by a second invocation.
set -uo pipefail
YUNHE=${1:?usage: run.sh path/to/yunhe}
yunhe_abs=$(realpath "$YUNHE")
pass=0
fail=0
tmp=$(mktemp -d /tmp/yunhe-shell-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

check() {  # name, expected, actual
  if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $1"; echo "--- expected"; echo "$2"; echo "--- got"; echo "$3"; fi
}

check "table format" " a | b 
---+---
 1 | x
(1 row)
" "$("$YUNHE" -c "SELECT 1 AS a, 'x' AS b")
"
check "csv format" 'n,s
1,"a,b"
2,' "$("$YUNHE" --format csv -c "SELECT * FROM (VALUES (1, 'a,b'), (2, NULL)) v(n, s)")"
check "--null and --no-header" '1|NULL' "$("$YUNHE" --format tsv --no-header --null NULL -c "SELECT 1, NULL" | tr '\t' '|')"
check "json format" '[
 {"n": 1, "t": "a\"b", "ok": true, "nothing": null}
]' "$("$YUNHE" --format json -c "SELECT 1 AS n, 'a\"b' AS t, true AS ok, NULL AS nothing")"
check "repeated -c" '1
2' "$("$YUNHE" --format csv --no-header -c "SELECT 1" -c "SELECT 2")"
check "stdin script" '3' "$(printf 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (2);\nSELECT sum(a)\n  FROM t;\n' | "$YUNHE" --format csv --no-header | tail -1)"

err=$("$YUNHE" -c "SELECT * FORM t" 2>&1 >/dev/null); status=$?
check "syntax error text" 'ERROR:  syntax error at or near "FORM"
LINE 1: SELECT * FORM t
                 ^' "$err"
check "exit status on error" "1" "$status"
"$YUNHE" -c "SELECT 1" >/dev/null; check "exit status on success" "0" "$?"
# A statement that does not start with a keyword is still reported (bug: it was skipped silently).
err=$(printf 'SELEC 1;\nSELECT 2;\n' | "$YUNHE" 2>&1 >/dev/null); status=$?
check "misspelled keyword is an error" 'ERROR:  syntax error at or near "SELEC"
LINE 1: SELEC 1
        ^' "$err"
check "exit status after a misspelled keyword" "1" "$status"
err=$("$YUNHE" -c "SELECT 1;
SELECT nosuch
  FROM (SELECT 1) s" 2>&1 >/dev/null)
check "error on second line" 'ERROR:  column "nosuch" does not exist
LINE 1: SELECT nosuch
               ^' "$err"

printf 'CREATE TABLE c (id int, name text);\nCOPY c FROM STDIN WITH (FORMAT csv);\n1,one\n2,"t,wo"\n\\.\nSELECT count(*), max(name) FROM c;\n' > "$tmp/copy.sql"
check "COPY FROM STDIN in a script" '2,"t,wo"' "$("$YUNHE" -f "$tmp/copy.sql" --format csv --no-header | tail -1)"
check "COPY TO STDOUT" '1	x
2	\N' "$("$YUNHE" -c "COPY (SELECT * FROM (VALUES (1, 'x'), (2, NULL)) v) TO STDOUT")"

"$YUNHE" "$tmp/db" -c "CREATE TABLE kept (a int); INSERT INTO kept VALUES (41);" >/dev/null
check "data directory persists" '42' "$("$YUNHE" "$tmp/db" --format csv --no-header -c "SELECT a + 1 FROM kept")"
check "meta \\dt" '       List of relations
 Schema | Name | Type  | Owner 
--------+------+-------+-------
 public | kept | table | yunhe
(1 row)' "$(printf '\\dt\n' | "$YUNHE" "$tmp/db" | head -5)"
check "meta \\d table" ' a      | integer |           |          | ' "$(printf '\\d kept\n' | "$YUNHE" "$tmp/db" | sed -n 4p)"
"$YUNHE" "$tmp/db" --bogus >/dev/null 2>&1; check "unknown flag exits 2" "2" "$?"

# Zone maps: 10 row groups of 2048 ordered timestamps, a ten-minute range touches two of them.
plan=$("$YUNHE" -c "CREATE TABLE z (ts timestamp, v int); INSERT INTO z SELECT timestamp '2024-01-01' + x * interval '1 second', x FROM generate_series(0, 20479) x; EXPLAIN ANALYZE SELECT count(*) FROM z WHERE ts >= '2024-01-01 01:00:00' AND ts < '2024-01-01 01:10:00'")
check "zone map skips row groups" "1" "$(echo "$plan" | grep -c 'row groups skipped: 8 of 10')"

# Sealed parts: after a checkpoint, a new process reads row groups from part files (blocks from
# disk once, then from the buffer pool), and zone maps from the footers skip groups unread.
"$YUNHE" "$tmp/parts" -c "CREATE TABLE sp (ts timestamp, v int) PARTITION BY RANGE (ts) WITH (partition_interval = '1 hour'); INSERT INTO sp SELECT timestamp '2024-01-01' + x * interval '1 second', x FROM generate_series(0, 20479) x" >/dev/null
plan=$("$YUNHE" "$tmp/parts" --memory-limit 16MB -c "EXPLAIN ANALYZE SELECT sum(v) FROM sp WHERE ts >= '2024-01-01 05:00:00'" -c "EXPLAIN ANALYZE SELECT sum(v) FROM sp WHERE ts >= '2024-01-01 05:00:00'")
check "EXPLAIN ANALYZE shows sealed groups read from disk, then from the pool" "1
1" "$(echo "$plan" | grep -cE 'Storage: row groups read 0 in memory, 2 sealed in parts; columns from the buffer pool 2, blocks read from disk 2 \([0-9]+ bytes\)'
echo "$plan" | grep -cE 'Storage: row groups read 0 in memory, 2 sealed in parts; columns from the buffer pool 4, blocks read from disk 0 \(0 bytes\)')"
check "zone maps from part footers skip sealed groups" "2" "$(echo "$plan" | grep -cE 'row groups skipped: 10 of 12\)')"
check "the sum over sealed groups" "47713960" "$("$YUNHE" "$tmp/parts" --format csv --no-header -c "SELECT sum(v) FROM sp WHERE ts >= '2024-01-01 05:00:00'")"
"$YUNHE" "$tmp/parts" -c "DELETE FROM sp WHERE v % 10 = 0" -c "INSERT INTO sp VALUES ('2024-01-02', 1)" >/dev/null
check "yunhe_parts lists parts by partition, deleted rows, and the resident rows" "sp|p1-1-0.part|2024-01-01 00:00:00|2|3600|360
sp|p1-1-5.part|2024-01-01 05:00:00|2|2480|248
sp|NULL|NULL|1|1|0" "$("$YUNHE" "$tmp/parts" --format csv --no-header --null NULL -c "CHECKPOINT" -c "INSERT INTO sp VALUES ('2024-01-03', 2)" -c "SELECT table_name, part, partition_start::timestamp, row_groups, rows, deleted_rows FROM yunhe_parts WHERE part IS NULL OR part IN ('p1-1-0.part', 'p1-1-5.part') ORDER BY part NULLS LAST" | tail -3 | tr ',' '|')"
check ":memory: is an in-memory database, not a directory" "1|no directory" "$(cd "$tmp" && "$yunhe_abs" :memory: --format csv --no-header -c "CREATE TABLE m (a int)" -c "INSERT INTO m VALUES (1)" -c "SELECT count(*) FROM m" | tail -1)|$([ -e "$tmp/:memory:" ] && echo directory || echo no directory)"
check "a bad --memory-limit is refused" "2" "$("$YUNHE" --memory-limit lots -c "SELECT 1" >/dev/null 2>&1; echo $?)"

# Partition pruning also for values fixed per statement and for bucketed columns.
setup="CREATE TABLE zp (ts timestamptz, v int) PARTITION BY RANGE (ts); INSERT INTO zp SELECT now() - g * interval '1 minute', g FROM generate_series(0, 20159) g"
plan=$("$YUNHE" -c "$setup" -c "EXPLAIN ANALYZE SELECT count(*) FROM zp WHERE ts > now() - interval '1 hour'")
check "pruning on now() - interval" "1" "$(echo "$plan" | grep -cE 'row groups skipped: 1[2-6] of 1[4-7])')"
plan=$("$YUNHE" -c "$setup" -c "EXPLAIN ANALYZE SELECT count(*) FROM zp WHERE time_bucket('1 day', ts) = time_bucket('1 day', now() - interval '3 days')")
check "pruning on time_bucket(...) = value" "1" "$(echo "$plan" | grep -cE 'ts >= .* \(from time_bucket.*row groups skipped: 1[2-6] of 1[4-7]\)')"
check "bucketed range gives the same count" "$("$YUNHE" --format csv --no-header -c "$setup" -c "SELECT count(*) FROM zp WHERE ts >= time_bucket('1 day', now() - interval '3 days') AND ts < time_bucket('1 day', now() - interval '2 days')" | tail -1)" "$("$YUNHE" --format csv --no-header -c "$setup" -c "SELECT count(*) FROM zp WHERE date_trunc('day', ts) = date_trunc('day', now() - interval '3 days')" | tail -1)"

# Lastpoint inside one partition: newest row groups first, the rest skipped once every key is seen.
check "lastpoint skips older row groups of a partition" "1" "$("$YUNHE" -c "CREATE TABLE lp (host text, ts timestamp NOT NULL, v int) PARTITION BY RANGE (ts); INSERT INTO lp SELECT 'h' || (g % 50), timestamp '2024-01-01' + (g / 50) * interval '1 second', g FROM generate_series(0, 99999) g" -c "EXPLAIN ANALYZE SELECT DISTINCT ON (host) host, v FROM lp ORDER BY host, ts DESC" | grep -c 'row groups skipped: 48 of 49')"

# Correlated EXISTS / IN by equalities become hash semi joins; NOT IN keeps the per-row subplan.
dsetup="CREATE TABLE o (k int, j text); CREATE TABLE i (k int, j text)"
check "EXISTS decorrelated" "1" "$("$YUNHE" -c "$dsetup" -c "EXPLAIN SELECT * FROM o WHERE EXISTS (SELECT 1 FROM i WHERE i.k = o.k)" | grep -c 'Hash Semi Join')"
check "IN decorrelated" "1" "$("$YUNHE" -c "$dsetup" -c "EXPLAIN SELECT * FROM o WHERE j IN (SELECT j FROM i WHERE i.k = o.k)" | grep -c 'Hash Cond: j = j AND o.k = k')"
check "aggregate subquery in the select list decorrelated" "1" "$("$YUNHE" -c "$dsetup" -c "EXPLAIN SELECT k, (SELECT count(*) FROM i WHERE i.k = o.k) FROM o" | grep -c 'Hash Left Join')"
check "NOT IN not decorrelated" "0" "$("$YUNHE" -c "$dsetup" -c "EXPLAIN SELECT * FROM o WHERE j NOT IN (SELECT j FROM i WHERE i.k = o.k)" | grep -c 'Hash')"

# WHERE filters go below joins (and become zone-map checks on the joined tables' scans).
plan=$("$YUNHE" -c "CREATE TABLE o (k int, ts timestamp); CREATE TABLE i (k int, ts timestamp); INSERT INTO i SELECT g, timestamp '2024-01-01' + g * interval '1 second' FROM generate_series(0, 20479) g" -c "EXPLAIN ANALYZE SELECT * FROM o JOIN i ON o.k = i.k WHERE i.ts < '2024-01-01 00:10:00' AND o.k > 5")
check "filter pushed below the join with zone maps" "1" "$(echo "$plan" | grep -c 'row groups skipped: 9 of 10')"
check "left-side filter pushed below the join" "1" "$(echo "$plan" | grep -A2 'Filter: (o.k > 5)' | grep -c 'Seq Scan on o')"
check "spatial join uses the R-tree" "1" "$("$YUNHE" -c "CREATE TABLE z (g geometry); CREATE TABLE p (g geometry)" -c "EXPLAIN SELECT * FROM p JOIN z ON ST_Contains(z.g, p.g)" | grep -c 'Spatial Inner Join')"
gsetup="CREATE TABLE fx (id int, pos geometry); INSERT INTO fx SELECT g, ST_Point(116 + (g % 1000) * 0.001 + (g / 20000) * 1.0, 39.9 + (g / 1000 % 20) * 0.001) FROM generate_series(0, 99999) g"
check "spatial filter skips row groups by bounding box" "1" "$("$YUNHE" -c "$gsetup" -c "EXPLAIN ANALYZE SELECT id FROM fx WHERE ST_DWithin(pos, ST_Point(118.5, 39.91), 0.005)" | grep -cE 'Zone map filter: pos && BOX.*row groups skipped: (3[0-9]|4[0-9]) of 49')"
check "nearest neighbours read few row groups" "1" "$("$YUNHE" -c "$gsetup" -c "EXPLAIN ANALYZE SELECT id FROM fx ORDER BY pos <-> ST_Point(118.5, 39.91) LIMIT 5" | grep -cE 'Nearest first on pos.*row groups skipped: 4[0-9] of 49')"
check "GiST index serves nearest neighbours" "2" "$("$YUNHE" -c "$gsetup" -c "CREATE INDEX fx_pos ON fx USING gist (pos); EXPLAIN ANALYZE SELECT id FROM fx ORDER BY pos <-> ST_Point(117.3, 39.9) LIMIT 5" | grep -cE 'Index Scan using fx_pos on fx|rows read: 256 of 100000')"
"$YUNHE" "$tmp/dropidx" -c "CREATE TABLE t (a int, g geometry); CREATE INDEX t_a ON t (a); CREATE INDEX t_g ON t USING gist (g); ALTER TABLE t DROP COLUMN a; ALTER TABLE t DROP COLUMN g" >/dev/null
check "dropping an indexed column drops its index and the database reopens" "0" "$("$YUNHE" "$tmp/dropidx" -c "SELECT count(*) FROM t" >/dev/null 2>&1; echo $?)"
check "EXPLAIN says an index is only recorded" "1" "$("$YUNHE" -c "CREATE TABLE ix (a int, f float8); CREATE INDEX ix_f ON ix (f); EXPLAIN SELECT * FROM ix WHERE f = 1" | grep -c 'Indexes recorded only, not used by this plan: ix_f')"
check "EXPLAIN shows a B-tree lookup" "1" "$("$YUNHE" -c "CREATE TABLE ix (a int, f float8); CREATE INDEX ix_a ON ix (a); EXPLAIN SELECT * FROM ix WHERE a = 1" | grep -c 'Index Cond: a = 1')"

# Line protocol: COPY creates and widens the table, reports bad lines by number, keeps the good.
printf 'cpu,host=a,region=us\\ west usage=1.5,idle=98i,ok=t 1700000000000000000\ncpu,host=b usage="high" 1700000001000000000\n\ncpu,host=c usage=2,extra=7i 1700000002000000000\ncpu usage=\n' > "$tmp/a.lp"
out=$("$YUNHE" --format csv -c "COPY cpu FROM '$tmp/a.lp' WITH (FORMAT lineprotocol); SELECT * FROM cpu ORDER BY time" 2>"$tmp/lp.err")
check "COPY FORMAT lineprotocol rows" 'time,host,region,usage,idle,ok,extra
2023-11-14 22:13:20+00,a,us west,1.5,98,t,
2023-11-14 22:13:22+00,c,,2,,,7' "$out"
check "COPY FORMAT lineprotocol bad lines" 'NOTICE:  skipping line 2: field "usage" is string but column "usage" is double precision
NOTICE:  skipping line 5: missing value for field "usage"
NOTICE:  2 lines were skipped' "$(cat "$tmp/lp.err")"
printf 'm,dev=x v=1 1700000000\nm,dev=y v=2 1700000060\nbad line\nn w=3i 1700000000\n' > "$tmp/b.lp"
"$YUNHE" import "$tmp/imp" "$tmp/b.lp" --precision s >"$tmp/imp.out" 2>&1; status=$?
check "import exit status with a rejected line" "1" "$status"
check "import report" "$tmp/b.lp:3: missing \"=\" after field key \"line\"
imported 3 rows, rejected 1 line" "$(cat "$tmp/imp.out")"
check "import created one table per measurement" '2023-11-14 22:14:20+00,3,3' "$("$YUNHE" "$tmp/imp" --format csv --no-header -c "SELECT max(m.time), sum(m.v), max(n.w) FROM m, n")"
"$YUNHE" import "$tmp/imp" "$tmp/nosuch.lp" >/dev/null 2>&1; check "import of a missing file fails" "1" "$?"

# Retention applies when a database opens: old partitions of a table given a retention go.
"$YUNHE" "$tmp/ret" -c "CREATE TABLE r (ts timestamptz, v int) PARTITION BY RANGE (ts); INSERT INTO r VALUES (now() - interval '3 days', 1), (now(), 2); ALTER TABLE r SET (retention = '1 day')" >/dev/null
check "retention at open" "1,2" "$("$YUNHE" "$tmp/ret" --format csv --no-header -c "SELECT count(*), max(v) FROM r")"

# NMEA: read_nmea, COPY FORMAT nmea and yunhe import on receiver logs in tests/data/nmea.
nmea_dir="$(cd "$(dirname "$0")/../data/nmea" && pwd)"
q="$nmea_dir/quectel_beidou_midnight.nmea"
check "read_nmea across a leap second and midnight" '2016-12-31 23:59:58+00,39.91166666666666,116.39166666666667,1,6
2016-12-31 23:59:59.999999999+00,39.9117,116.3917,1,
2017-01-01 00:00:02+00,,,0,
2017-01-01 00:00:03+00,39.91176666666667,116.39176666666665,2,' "$("$YUNHE" --format csv --no-header -c "SELECT ts, lat, lon, quality, sats_beidou FROM read_nmea('$q') WHERE ts IN ('2016-12-31 23:59:58+00', '2016-12-31 23:59:59.999999999+00', '2017-01-01 00:00:02+00', '2017-01-01 00:00:03+00') ORDER BY ts" 2>/dev/null)"
check "read_nmea reports skipped lines" "NOTICE:  $q:1: text outside a sentence skipped
NOTICE:  $q:9: AIS/encapsulated sentence skipped
NOTICE:  $q:10: checksum mismatch (computed 50, sentence says 00)" "$("$YUNHE" -c "SELECT count(*) FROM read_nmea('$q')" 2>&1 >/dev/null)"
u="$nmea_dir/ublox_drive_120s.nmea"
check "COPY FORMAT nmea" "120,120,r9" "$("$YUNHE" --format csv --no-header -c "COPY fixes FROM '$u' WITH (FORMAT nmea, DEVICE 'r9')" -c "SELECT count(*), count(lat), max(device) FROM fixes" 2>/dev/null)"
"$YUNHE" import "$tmp/nm" "$u" --device r1 --quiet 2>"$tmp/nm.err"; status=$?
check "import nmea exit status with problems" "1" "$status"
check "import nmea tables" "120,1200,BeiDou,600" "$("$YUNHE" "$tmp/nm" --format csv --no-header -c "SELECT (SELECT count(*) FROM fixes), (SELECT count(*) FROM satellites), constellation, count(*) FROM satellites GROUP BY constellation ORDER BY constellation LIMIT 1")"
check "import nmea summary" "imported 120 fixes, 1200 satellite rows; 2 problems reported" "$(tail -1 "$tmp/nm.err")"

# The demo database carries GNSS fixes loaded through the NMEA reader.
"$YUNHE" --make-demo "$tmp/demo" 2>/dev/null
check "demo fixes and ASOF" "14400,14290,5" "$("$YUNHE" "$tmp/demo" --format csv --no-header -c "SELECT count(*), count(lat), count(DISTINCT device) FROM fixes")"
check "demo zones and stops (docs/demo.md)" "robot-1,2026-11-01 00:20:00+00,00:12:30,427.23
robot-1,2026-11-01 01:20:00+00,00:12:30,456.72" "$("$YUNHE" "$tmp/demo" --format csv --no-header -c "SELECT s.device, s.start_time, s.duration, p.price_cny_mwh FROM stops('SELECT device, ts, pos FROM positions', 30, interval '10 minutes') s JOIN zones z ON ST_Contains(z.geom, s.centroid) ASOF JOIN (SELECT * FROM prices WHERE market = 'guangdong') p ON s.start_time >= p.ts WHERE z.name = 'B' AND s.start_time >= '2026-11-01' AND s.start_time < '2026-11-02' ORDER BY s.start_time LIMIT 2")"

# statement_timeout stops a long statement with 57014 and leaves the session usable.
check "statement_timeout" "ERROR:  canceling statement due to statement timeout" "$("$YUNHE" -c "SET statement_timeout = '50ms'" -c "SELECT count(*) FROM generate_series(1, 2000000000) g" 2>&1 >/dev/null)"

# COPY of a big CSV runs on all cores: segments split at record boundaries, quoted newlines and
# commas included; an error deep in the file keeps its line number.
seq 1 700000 | awk '{ if ($1 % 1000 == 0) printf "%d,\"multi\nline, %d\"\n", $1, $1; else printf "%d,name%d\n", $1, $1 }' > "$tmp/big.csv"
check "parallel COPY" "700000,245000350000,700" "$("$YUNHE" --format csv --no-header -c "CREATE TABLE pc (id bigint, name text)" -c "COPY pc FROM '$tmp/big.csv' WITH (FORMAT csv)" -c "SELECT count(*), sum(id), count(*) FILTER (WHERE name LIKE 'multi%') FROM pc" 2>&1 | tail -1)"
awk 'NR == 600000 { print "x,broken"; next } { print }' "$tmp/big.csv" > "$tmp/bad.csv"
check "parallel COPY error line" "DETAIL:  COPY pc, line 600000, column id: \"x\"" "$("$YUNHE" -c "CREATE TABLE pc (id bigint, name text)" -c "COPY pc FROM '$tmp/bad.csv' WITH (FORMAT csv)" 2>&1 | grep DETAIL)"

# Geometry columns survive a checkpoint and a reopen; COPY reads WKT, EWKT and hex EWKB.
rm -rf "$tmp/geodb"
"$YUNHE" "$tmp/geodb" -c "CREATE TABLE f (dev text, pos geometry); INSERT INTO f SELECT 'd' || g, ST_Point(116 + g * 0.001, 39.9, 4326) FROM generate_series(1, 3000) g; INSERT INTO f VALUES ('poly', 'POLYGON((0 0,1 0,1 1,0 0))'), ('none', NULL); CHECKPOINT" >/dev/null
printf 'a,POINT(1 2)\nb,SRID=4326;POINT(3 4)\nc,0101000000000000000000F03F0000000000000040\n' > "$tmp/g.csv"
check "geometry after checkpoint and reopen" "3002,3001,4326,POINT(117.5005 39.9)
poly,\"POLYGON((0 0,1 0,1 1,0 0))\"
a,POINT(1 2)
b,SRID=4326;POINT(3 4)
c,POINT(1 2)" "$("$YUNHE" "$tmp/geodb" --format csv --no-header -c "SELECT count(*), count(pos), ST_SRID(ST_Collect(pos) FILTER (WHERE dev LIKE 'd%')), ST_AsText(ST_Centroid(ST_Collect(pos) FILTER (WHERE dev LIKE 'd%')), 6) FROM f" -c "SELECT dev, ST_AsText(pos) FROM f WHERE dev = 'poly'" -c "CREATE TABLE c (k text, g geometry); COPY c FROM '$tmp/g.csv' WITH (FORMAT csv); SELECT k, ST_AsEWKT(g) FROM c ORDER BY k" | grep -v '^COPY\|^CREATE')"

# docs/sql.md carries the registry's function table verbatim.
here=$(cd "$(dirname "$0")/../.." && pwd)
documented=$(sed -n '/<!-- functions:begin -->/,/<!-- functions:end -->/p' "$here/docs/sql.md" | sed '1d;$d')
check "docs/sql.md function table matches the registry" "$("$YUNHE" --function-reference)" "$documented"

echo "shell tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
