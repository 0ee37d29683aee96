#!/usr/bin/env bash
# PostgreSQL wire protocol with real clients: starts `yunhe serve` on 127.0.0.1 with a free port,
# talks to it with psql and psycopg2, stops it by PID with SIGTERM, and checks the data survived.
set -uo pipefail
YUNHE=${1:?usage: run.sh path/to/yunhe [path/to/libpq_client]}
LIBPQ_CLIENT=${2:-}
. "$(dirname "$0")/start_server.sh"
start_server "$YUNHE" "$tmp/db" "$tmp/server.out" --http-max-body 100000 --ilp-port 0

check "psql DDL and DML" "CREATE TABLE
INSERT 0 3" "$(psql -X -c "CREATE TABLE t (a int, b text, ts timestamptz)" -c "INSERT INTO t VALUES (1, 'x', '2024-01-01'), (2, NULL, NULL), (3, 'z', '2024-01-03 12:00+02')" 2>&1)"
check "psql aligned output" " a | b |           ts           
---+---+------------------------
 1 | x | 2024-01-01 00:00:00+00
 2 |   | 
 3 | z | 2024-01-03 10:00:00+00
(3 rows)" "$(psql -X -c "SELECT * FROM t ORDER BY a")"
check "psql error with position" 'ERROR:  syntax error at or near "FORM"
LINE 1: SELECT * FORM t
                 ^' "$(psql -X -c "SELECT * FORM t" 2>&1)"
check "startup parameters are session settings; DISCARD ALL goes back to them" "myapp
Asia/Shanghai
other
myapp" "$(PGAPPNAME=myapp PGTZ=Asia/Shanghai psql -X -A -t -c "SHOW application_name" -c "SHOW timezone" -c "SET application_name = 'other'" -c "SHOW application_name" -c "DISCARD ALL" -c "SHOW application_name" 2>&1 | grep -v '^SET$\|^DISCARD ALL$')"
check "a bad startup time zone ends the connection, as in PostgreSQL" 'psql: error: connection to server at "127.0.0.1", port '"$port"' failed: FATAL:  invalid value for parameter "TimeZone": "Nowhere/Land"' "$(PGTZ=Nowhere/Land psql -X -c "SELECT 1" 2>&1)"
check "psql error exit status" "1" "$(psql -X -v ON_ERROR_STOP=1 -c "SELECT 1/0" >/dev/null 2>&1; echo $?)"
check "psql \\copy in" "COPY 2" "$(printf '10\tten\t\\N\n11\televen\t2024-02-01 00:00:00+00\n' | psql -X -c "\\copy t FROM STDIN")"
check "psql \\copy out" "10,ten
11,eleven" "$(psql -X -c "\\copy (SELECT a, b FROM t WHERE a >= 10 ORDER BY a) TO STDOUT WITH (FORMAT csv)")"
check "transaction block rolled back" "3" "$(printf 'BEGIN;\nINSERT INTO t VALUES (99, NULL, NULL);\nROLLBACK;\nSELECT count(*) FROM t WHERE a < 10;\n' | psql -X -q -t -A)"
# One simple-query message is parsed whole first: a syntax error in its last statement runs none
# of them (PostgreSQL's behaviour; psql -c sends the text as one message).
check "syntax error anywhere in a message runs nothing" 'ERROR:  syntax error at or near "SELEC"
LINE 1: INSERT INTO t VALUES (98, NULL, NULL); SELEC 1
                                               ^
0' "$(psql -X -c "INSERT INTO t VALUES (98, NULL, NULL); SELEC 1" 2>&1; psql -X -t -A -c "SELECT count(*) FROM t WHERE a = 98")"
# The statements of one message are one transaction (PostgreSQL): a failure in the second
# rolls back the first; a message with its own BEGIN/COMMIT keeps what it committed.
check "one message is one transaction" 'INSERT 0 1
ERROR:  invalid input syntax for type integer: "x"
0' "$(psql -X -c "INSERT INTO t VALUES (97, NULL, NULL); INSERT INTO t VALUES ('x', NULL, NULL)" 2>&1 | grep -v '^LINE\|^ *\^'; psql -X -t -A -c "SELECT count(*) FROM t WHERE a = 97")"
check "a cursor of a one-message transaction closes with it" 'ERROR:  cursor "c" does not exist' "$(psql -X -c "DECLARE c CURSOR FOR SELECT 1; SELECT 2" -c "FETCH 1 FROM c" 2>&1 | grep ERROR)"
check "a message with its own COMMIT keeps it" '1' "$(psql -X -c "CREATE TABLE mt (a int)" >/dev/null; psql -X -c "BEGIN; INSERT INTO mt VALUES (96); COMMIT; INSERT INTO mt VALUES ('x')" >/dev/null 2>&1; psql -X -t -A -c "SELECT count(*) FROM mt WHERE a = 96"; psql -X -q -c "DROP TABLE mt")"
# psql's ON_ERROR_ROLLBACK wraps every statement of a block in SAVEPOINT / RELEASE and rolls back
# to it on an error: the block goes on and commits the good rows.
check "psql ON_ERROR_ROLLBACK" "2" "$(psql -X -q -c "CREATE TABLE oer (a int)"; printf 'BEGIN;\nINSERT INTO oer VALUES (1);\nINSERT INTO oer VALUES (1/0);\nINSERT INTO oer VALUES (2);\nCOMMIT;\n' | psql -X -q -v ON_ERROR_ROLLBACK=on >/dev/null 2>&1; psql -X -t -A -c "SELECT count(*) FROM oer"; psql -X -q -c "DROP TABLE oer")"
# A large result streams: rows go out while the read runs, and the count is right.
check "large result streams over the wire" "300000|45000150000" "$(psql -X -t -A -c "SELECT count(*), sum(x) FROM (SELECT x FROM generate_series(1, 300000) x) s" | head -1)"
check "large result rows" "300000" "$(psql -X -t -A -c "SELECT x FROM generate_series(1, 300000) x" | wc -l)"
check "psql \\dt over the wire" "public|t|table|yunhe" "$(psql -X -t -A -F '|' -c '\dt')"
check "psql \\l over the wire" "yunhe|yunhe|UTF8" "$(psql -X -t -A -F '|' -c '\l' | cut -d'|' -f1-3)"
psql -X -q -c "CREATE TABLE described (a int PRIMARY KEY, b text DEFAULT 'x', g geometry(Point,4326), tags text[])" \
  -c "CREATE INDEX described_b ON described (b)" -c "CREATE INDEX described_g ON described USING gist (g)" > /dev/null
check "psql \\d TABLE over the wire" '                    Table "public.described"
 Column |         Type         | Collation | Nullable | Default 
--------+----------------------+-----------+----------+---------
 a      | integer              |           | not null | 
 b      | text                 |           |          | '"'x'"'
 g      | geometry(Point,4326) |           |          | 
 tags   | text[]               |           |          | 
Indexes:
    "described_pkey" PRIMARY KEY, btree (a)
    "described_b" btree (b)
    "described_g" gist (g)' "$(psql -X -c '\d described' 2>&1)"
check "psql \\d+ TABLE over the wire" "Access method: heap" "$(psql -X -c '\d+ described' 2>&1 | grep 'Access method')"
check "psql \\dx over the wire" "postgis|3.3.0|public" "$(psql -X -t -A -F '|' -c '\dx' | cut -d'|' -f1-3)"
check "psql \\di over the wire" "described_b|index|described
described_g|index|described
described_pkey|index|described" "$(psql -X -t -A -F '|' -c '\di' | cut -d'|' -f2,3,5)"
check "psql \\du over the wire" "yunhe|Superuser, Create role, Create DB, Replication, Bypass RLS|{}" "$(psql -X -t -A -F '|' -c '\du')"
check "regclass both ways" "described|t" "$(psql -X -t -A -F '|' -c "SELECT 'described'::regclass::oid::regclass, 'described'::regclass = (SELECT oid FROM pg_class WHERE relname = 'described')")"
check "information_schema.columns" "a|integer|YES
b|text|YES
ts|timestamp with time zone|YES" "$(psql -X -t -A -F '|' -c "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position")"
# CancelRequest: psql sends one on SIGINT; the statement stops with 57014, the server lives on.
psql -X -c "SELECT count(*) FROM generate_series(1, 2000000000) g" > "$tmp/cancel.out" 2>&1 &
psql_pid=$!
sleep 1
kill -INT "$psql_pid"
wait "$psql_pid"
check "cancel request" "ERROR:  canceling statement due to user request" "$(grep ERROR "$tmp/cancel.out")"
check "SET is per session" "2024-01-01 08:00:00+08
2024-01-01 00:00:00+00" "$(psql -X -q -t -A -c "SET TIME ZONE 'Asia/Shanghai'" -c "SELECT timestamptz '2024-01-01 00:00+00'"; psql -X -t -A -c "SELECT timestamptz '2024-01-01 00:00+00'")"
check "notice reaches the client" "NOTICE:  relation \"t\" already exists, skipping" "$(psql -X -c "CREATE TABLE IF NOT EXISTS t (a int)" 2>&1 >/dev/null)"

# psycopg2's named (server-side) cursors: DECLARE ... WITHOUT HOLD, FETCH FORWARD n, CLOSE.
check "psycopg2 named cursor" "3000 2998 [(1,), (2,)] 4501497" "$(/usr/bin/python3 - <<'PY'
import os, psycopg2
conn = psycopg2.connect(host="127.0.0.1", port=int(os.environ["PGPORT"]), user="yunhe", dbname="yunhe")
named = conn.cursor("big_read")
named.itersize = 500
named.execute("SELECT x FROM generate_series(1, 3000) x ORDER BY x")
first = named.fetchmany(2)
rest = named.fetchall()
named.close()
conn.commit()
print(2 + len(rest), len(rest), first, sum(r[0] for r in rest))
PY
)"
if /usr/bin/python3 -c "import psycopg2" 2>/dev/null; then
  out=$(/usr/bin/python3 - <<'PY'
import os, psycopg2
conn = psycopg2.connect(host="127.0.0.1", port=int(os.environ["PGPORT"]), user="yunhe", dbname="yunhe")
cur = conn.cursor()
cur.execute("SELECT a, b FROM t WHERE a = %s", (1,))
print(cur.fetchall())
cur.execute("INSERT INTO t VALUES (%s, %s, %s)", (20, "it's", None))
conn.commit()
cur.execute("SELECT count(*), 1.5::numeric, 2.5::float8, true, date '2024-01-01' FROM t")
print(cur.fetchone())
try:
    cur.execute("SELECT nosuch FROM t")
except psycopg2.Error as e:
    print(e.pgcode)
conn.rollback()
cur.execute("CREATE TABLE geo (id int, pos geometry, raw bytea)")
cur.execute("INSERT INTO geo VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s)", (1, 116.39, 39.91, psycopg2.Binary(b"\x01\xff")))
cur.execute("INSERT INTO geo VALUES (%s, %s, NULL)", (2, "SRID=4326;POINT(1 2)"))
conn.commit()
cur.execute("SELECT id, ST_AsEWKT(pos), pos, raw FROM geo ORDER BY id")
for row in cur.fetchall():
    print(row[0], row[1], row[2], bytes(row[3]) if row[3] is not None else None)
# Nanosecond values (line protocol's default precision) reach clients at microseconds.
cur.execute("SELECT timestamp '2026-11-28 10:01:32.509846948', interval '21.876857828 seconds'")
print(cur.fetchone())
conn.close()
PY
)
  check "psycopg2" "[(1, 'x')]
(6, Decimal('1.5'), 2.5, True, datetime.date(2024, 1, 1))
42703
1 SRID=4326;POINT(116.39 39.91) 0101000020E6100000295C8FC2F5185D4014AE47E17AF44340 b'\\x01\\xff'
2 SRID=4326;POINT(1 2) 0101000020E6100000000000000000F03F0000000000000040 None
(datetime.datetime(2026, 11, 28, 10, 1, 32, 509846), datetime.timedelta(seconds=21, microseconds=876857))" "$out"
else
  echo "psycopg2 not installed: its test did not run"; fail=$((fail + 1))
fi

if [ -n "$LIBPQ_CLIENT" ]; then
  check "libpq extended protocol" "ok" "$("$LIBPQ_CLIENT" "$port" 2>&1)"
fi

# HTTP: InfluxDB-compatible writes as Telegraf sends them (curl), SQL over HTTP, health.
code=$(curl -s -o "$tmp/w1" -w '%{http_code}' -XPOST "$http/write?db=x&precision=s" --data-binary $'cpu,host=a usage=1.5 1700000000\ncpu,host=b usage=2 1700000001\nbad line here\ncpu,host=c usage="x" 1700000002')
check "HTTP /write partial failure" '400 {"error":"partial write: 2 lines rejected, 2 written: line 3: missing \"=\" after field key \"line\"; line 4: field \"usage\" is string but column \"usage\" is double precision;"}' "$code $(cat "$tmp/w1")"
check "HTTP /api/v2/write with a token" "204" "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$http/api/v2/write?org=o&bucket=b&precision=ms" -H 'Authorization: Token t0k3n' --data-binary 'mem,host=a used=10i 1700000000000')"
check "HTTP /write gzip body" "204" "$(printf 'cpu,host=z usage=9 1700000009\n' | gzip | curl -s -o /dev/null -w '%{http_code}' -XPOST "$http/write?precision=s" -H 'Content-Encoding: gzip' --data-binary @-)"
check "HTTP /write too large" "413" "$(head -c 200000 /dev/zero | tr '\0' 'x' | curl -s -o /dev/null -w '%{http_code}' -XPOST "$http/write" --data-binary @-)"
# curl --data-binary sends application/x-www-form-urlencoded: a body over 8 KiB is still line protocol.
check "HTTP /write of 20 KiB from curl --data-binary" "204 500" "$(for i in $(seq 500); do echo "big,host=h$((i % 7)) value=$i $((1700000000 + i))"; done | curl -s -o /dev/null -w '%{http_code}' -XPOST "$http/write?precision=s" --data-binary @-) $(psql -Atc 'SELECT count(*) FROM big')"
check "HTTP /exec JSON" '{"columns":[{"name":"host","type":"text"},{"name":"usage","type":"double precision"}],"rows":[["a",1.5],["b",2],["z",9]],"tag":"SELECT 3"' "$(curl -s "$http/exec" --data-urlencode 'query=SELECT host, usage FROM cpu ORDER BY host' -G | sed 's/,"timing_ms":[0-9.]*}$//')"
check "HTTP /exec CSV" "host,used
a,10" "$(curl -s "$http/exec?fmt=csv" -G --data-urlencode 'query=SELECT host, used FROM mem')"
check "HTTP /exec error" '{"error":{"sqlstate":"42601","message":"syntax error at or near \"t\"","position":15}}' "$(curl -s "$http/exec" -G --data-urlencode 'query=SELECT 1 FORM t')"
psql -X -q -c "CREATE TABLE imp (id int, name text, ts timestamptz)"
check "HTTP /exec max_rows" '{"columns":[{"name":"g","type":"integer"}],"rows":[[1],[2]],"tag":"SELECT 5","truncated":true,"row_count":5}' "$(curl -s "$http/exec?max_rows=2" -G --data-urlencode 'query=SELECT g FROM generate_series(1, 5) g' | sed 's/,"timing_ms":[0-9.]*//')"
check "HTTP /exec error position in a script" '{"error":{"sqlstate":"42601","message":"syntax error at or near \"FORM\"","position":20}}' "$(curl -s "$http/exec" -G --data-urlencode 'query=SELECT 1; SELECT * FORM t')"
# Rows stream: an error after the first rows went out ends the JSON with an "error" member (and a
# CSV with an ERROR line); one raised before any row still answers 400.
check "HTTP /exec error mid-stream" '],"error":{"sqlstate":"22012","message":"division by zero"},"tag":""' "$(curl -s "$http/exec" -G --data-urlencode 'query=SELECT 1 / (x - 5000) AS v FROM generate_series(1, 10000) x' | tail -c 200 | grep -o '\],"error".*"tag":""')"
check "HTTP /exec CSV error mid-stream" "ERROR: 22012 division by zero" "$(curl -s "$http/exec?fmt=csv" -G --data-urlencode 'query=SELECT 1 / (x - 5000) AS v FROM generate_series(1, 10000) x' | tail -1)"
check "HTTP /exec large result" "300001" "$(curl -s "$http/exec?fmt=csv" -G --data-urlencode 'query=SELECT x FROM generate_series(1, 300000) x' | wc -l)"
check "error position counts characters" 'ERROR:  syntax error at or near "t"
LINE 1: SELECT '"'"'日本'"'"' FORM t
                           ^' "$(psql -X -c "SELECT '日本' FORM t" 2>&1)"
# `yunhe serve --shell` (what `make run` starts on a terminal): the shell and the server share
# one database; a busy port gives way to a free one. `script` gives the shell a terminal; input
# is typed 3 s in, after the line editor has set the terminal up (it flushes earlier typeahead).
shell_out=$( (sleep 3; printf "CREATE TABLE shared (a int);\nINSERT INTO shared VALUES (7);\n"; sleep 1; printf '\\q\n') |
  timeout 30 script -qc "$YUNHE serve $tmp/shelldb --pg-port $port --http-port 0 --ilp-port -1 --shell" /dev/null | tr -d '\r')
check "serve --shell: busy port replaced" "1" "$(echo "$shell_out" | grep -c "port $port is busy, picking a free one")"
check "serve --shell: shell ran" "INSERT 0 1" "$(echo "$shell_out" | grep '^INSERT 0 ')"
check "serve --shell: \\q stops the server" "yunhe: shell closed, stopping" "$(echo "$shell_out" | grep 'shell closed')"
check "serve --shell: data kept" "7" "$("$YUNHE" "$tmp/shelldb" -t -c 'SELECT a FROM shared' --format csv --no-header)"
# Bad input at every front end (raw sockets): a server of its own with a 1 s idle timeout.
"$YUNHE" serve "$tmp/bad" --pg-port 0 --http-port 0 --ilp-port 0 --idle-in-transaction-timeout 1000 > "$tmp/bad.out" 2>&1 &
bad_pid=$!
for _ in $(seq 100); do grep -q 'line protocol over TCP' "$tmp/bad.out" 2>/dev/null && break; sleep 0.1; done
bad_pg=$(grep -o '127.0.0.1:[0-9]*' "$tmp/bad.out" | head -1 | cut -d: -f2)
bad_http=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/bad.out" | head -1 | cut -d: -f3)
bad_ilp=$(grep 'line protocol over TCP' "$tmp/bad.out" | grep -o '127.0.0.1:[0-9]*' | cut -d: -f2)
bad_report=$(timeout 300 /usr/bin/python3 "$(dirname "$0")/bad_input.py" "$bad_pg" "$bad_http" "$bad_ilp" 2>&1)
check "bad input at the front ends" "0 failed" "$(echo "$bad_report" | grep -o '[0-9]* failed' || echo "$bad_report")"
[ "$(echo "$bad_report" | grep -o '[0-9]* failed')" == "0 failed" ] || echo "$bad_report"
kill "$bad_pid"; wait "$bad_pid"
check "server survived the bad input and stopped cleanly" "0" "$?"
check "concurrent sessions keep their settings" "ok" "$(timeout 120 /usr/bin/python3 "$(dirname "$0")/concurrent_sessions.py" "$port" 2>&1)"
check "LISTEN / NOTIFY between clients" "listen_notify: ok" "$(timeout 60 /usr/bin/python3 "$(dirname "$0")/listen_notify.py" "$port" 2>&1)"
# TLS: with --tls-cert/--tls-key an SSLRequest is answered 'S' and libpq talks TLS; without
# them 'N' (sslmode=require then fails the way it does against PostgreSQL without ssl).
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 -keyout "$tmp/tls.key" -out "$tmp/tls.crt" 2> /dev/null
"$YUNHE" serve "$tmp/tlsdb" --pg-port 0 --http-port 0 --ilp-port -1 --tls-cert "$tmp/tls.crt" --tls-key "$tmp/tls.key" > "$tmp/tls.out" 2>&1 &
tls_pid=$!
for _ in $(seq 100); do grep -q 'PostgreSQL protocol on' "$tmp/tls.out" 2>/dev/null && break; sleep 0.1; done
tls_port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/tls.out" | head -1 | cut -d: -f2)
check "TLS: psql with sslmode=require" "SSL connection (protocol: TLSv1.3
42" "$(psql -X -t -A "host=127.0.0.1 port=$tls_port user=yunhe dbname=yunhe sslmode=require" -c '\conninfo' -c 'SELECT 42' 2>&1 | grep -o '^SSL connection (protocol: TLSv1.3\|^42$')"
check "TLS: clear text still allowed" "7" "$(psql -X -t -A "host=127.0.0.1 port=$tls_port user=yunhe dbname=yunhe sslmode=disable" -c 'SELECT 7' 2>&1)"
tls_http=$(grep -o 'https://127.0.0.1:[0-9]*' "$tmp/tls.out" | head -1)
check "HTTPS with the same certificate" "43" "$(curl -s --cacert "$tmp/tls.crt" --resolve "localhost:${tls_http##*:}:127.0.0.1" "https://localhost:${tls_http##*:}/exec?query=SELECT%2043&fmt=csv" | tail -1)"
check "HTTPS: plain HTTP is not answered" "000" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:${tls_http##*:}/ping")"
# Bytes sent after the SSLRequest before the server answered it are refused, not read later as
# part of the TLS session (PostgreSQL's CVE-2021-23214 fix): the connection closes without 'S'.
check "TLS: bytes buffered after SSLRequest refused" "b''" "$(/usr/bin/python3 -c "
import socket, struct
s = socket.create_connection(('127.0.0.1', $tls_port))
s.sendall(struct.pack('!II', 8, 80877103) + b'Q\0\0\0\x0dSELECT 1\0')
s.settimeout(10)
print(s.recv(1))")"
kill "$tls_pid"; wait "$tls_pid"
check "no TLS configured: sslmode=require refused" "1" "$(psql -X "host=127.0.0.1 port=$port user=yunhe dbname=yunhe sslmode=require" -c 'SELECT 1' 2>&1 | grep -c 'server does not support SSL, but SSL was required')"
check "server refuses a key that does not match" "1" "$(openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=x -days 1 -keyout "$tmp/other.key" -out "$tmp/other.crt" 2> /dev/null; "$YUNHE" serve "$tmp/tlsbad" --pg-port 0 --http-port -1 --ilp-port -1 --tls-cert "$tmp/tls.crt" --tls-key "$tmp/other.key" 2>&1 | grep -c -E 'mismatch|does not match the certificate')"
check "HTTP answers browsers with gzip, not brotli" "gzip" "$(curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip, deflate, br' "$http/exec?query=SELECT%20repeat('x',%2010000)" | tr -d '\r' | grep -i '^content-encoding' | cut -d' ' -f2)"
check "web console served" "200 text/html" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$http/" | cut -d';' -f1)"
check "HTTP /import CSV" '{"table":"imp","rows":2,"tag":"COPY 2"}' "$(printf 'id,name,ts\n1,one,2024-01-01 00:00:00+00\n2,"t,wo",\n' | curl -s -XPOST "$http/import?table=imp" --data-binary @-)"
check "HTTP /import error with line" '{"error":{"sqlstate":"22P02","message":"invalid input syntax for type integer: \"x\"","detail":"COPY imp, line 2, column id: \"x\""}}' "$(printf 'id,name,ts\nx,bad,\n' | curl -s -XPOST "$http/import?table=imp" --data-binary @-)"
check "HTTP /ping" "204" "$(curl -s -o /dev/null -w '%{http_code}' "$http/ping")"
check "HTTP /metrics" "yunhe_rows_written_total 504" "$(curl -s "$http/metrics" | grep '^yunhe_rows_written_total')"
check "HTTP /metrics latency histogram" "1" "$(curl -s "$http/metrics" | grep -c '^yunhe_query_duration_seconds_bucket{le="+Inf"}')"
check "HTTP /metrics WAL" "3" "$(curl -s "$http/metrics" | grep -c '^yunhe_wal_bytes [1-9]\|^yunhe_wal_written_bytes_total [1-9]\|^yunhe_wal_fsyncs_total [1-9]')"
check "readers never block writers" "ok" "$(timeout 120 /usr/bin/python3 "$(dirname "$0")/readers_writers.py" "$port" "$http" 2>&1)"
check "readers do not wait for open transaction blocks" "ok" "$(timeout 120 /usr/bin/python3 "$(dirname "$0")/reads_beside_block.py" "$port" "$http" 2>&1)"
check "an idle block keeps nobody waiting" "ok" "$(timeout 150 /usr/bin/python3 "$(dirname "$0")/idle_blocks.py" "$port" "$http" 2>&1)"
check "cursors over the extended protocol" "cursor_extended: ok" "$(timeout 120 /usr/bin/python3 "$(dirname "$0")/cursor_extended.py" "$port" 2>&1)"
check "integrity errors carry schema, table, column and constraint" "error_fields: ok" "$(timeout 60 /usr/bin/python3 "$(dirname "$0")/error_fields.py" "$port" 2>&1)"
check "binary cursors answer in binary" "binary_cursor: ok" "$(timeout 60 /usr/bin/python3 "$(dirname "$0")/binary_cursor.py" "$port" 2>&1)"
got=$(timeout 300 /usr/bin/python3 "$(dirname "$0")/cursor_memory.py" "$port" "$server_pid" 2>&1)
check "a cursor over 10M rows in bounded memory" "cursor_memory: ok" "${got%% (*}"
check "COPY FROM STDIN streams" "copy_stream: ok" "$(timeout 300 /usr/bin/python3 "$(dirname "$0")/copy_stream.py" "$port" 2>&1)"

# Line protocol over TCP (bash's /dev/tcp as the sender): the last line has no newline.
exec 3<>"/dev/tcp/127.0.0.1/$ilp_port"
printf 'tcpm,dev=a v=1i 1700000000000000000\ntcpm,dev=b v=broken\ntcpm,dev=c v=3i 1700000002000000000' >&3
exec 3>&-
for _ in $(seq 50); do
  [ "$(psql -X -t -A -c "SELECT count(*) FROM tcpm" 2>/dev/null)" = "2" ] && break
  sleep 0.1
done
check "line protocol over TCP" "a|1
c|3" "$(psql -X -t -A -c "SELECT dev, v FROM tcpm ORDER BY dev")"

kill -TERM "$server_pid"
wait "$server_pid"
check "SIGTERM exits 0" "0" "$?"
server_pid=""
check "data survives the server" "6" "$("$YUNHE" "$tmp/db" --format csv --no-header -c "SELECT count(*) FROM t")"

# A session idle inside BEGIN is ended after the timeout, so others are not blocked forever.
"$YUNHE" serve "$tmp/idle" --pg-port 0 --http-port -1 --ilp-port -1 --idle-in-transaction-timeout 500 > "$tmp/idle.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q 'PostgreSQL protocol on' "$tmp/idle.out" 2>/dev/null && break; sleep 0.1; done
iport=$(grep -o '127.0.0.1:[0-9]*' "$tmp/idle.out" | head -1 | cut -d: -f2)
{ echo "BEGIN;"; echo "CREATE TABLE idle_t (a int);"; sleep 2; echo "SELECT 1;"; } | psql -X -q -p "$iport" > "$tmp/idle.psql" 2>&1
check "idle in transaction ends the session" "1" "$(grep -c 'terminating connection due to idle-in-transaction timeout' "$tmp/idle.psql")"
check "others go on, the block was rolled back" "f" "$(psql -X -t -A -p "$iport" -c "SELECT count(*) > 0 FROM information_schema.tables WHERE table_name = 'idle_t'")"
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""

# Passwords: once a role has one, SCRAM-SHA-256 for the PostgreSQL protocol and Basic/Token
# credentials for HTTP; the password survives a restart and never lands on disk in clear text.
start_server() {
  "$YUNHE" serve "$tmp/auth" --pg-port 0 --http-port 0 --ilp-port -1 "$@" > "$tmp/auth.out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q 'HTTP API on' "$tmp/auth.out" 2>/dev/null && break
    sleep 0.1
  done
  port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/auth.out" | head -1 | cut -d: -f2)
  http=$(grep -o 'http://127.0.0.1:[0-9]*' "$tmp/auth.out" | head -1)
}
start_server --password 's3cr3t pw'
check "SCRAM with the right password" "yunhe" "$(PGPASSWORD='s3cr3t pw' psql -X -t -A -p "$port" -c "SELECT current_user")"
check "SCRAM with a wrong password" 'psql: error: connection to server at "127.0.0.1", port '"$port"' failed: FATAL:  password authentication failed for user "yunhe"' "$(PGPASSWORD=nope psql -X -p "$port" -c "SELECT 1" 2>&1)"
PGPASSWORD='s3cr3t pw' psql -X -q -p "$port" -c "CREATE USER alice WITH LOGIN PASSWORD 'wonder''land'" >/dev/null
check "a second role" "1" "$(/usr/bin/python3 -c "
import psycopg2
c = psycopg2.connect(host='127.0.0.1', port=$port, user='alice', password=\"wonder'land\", dbname='yunhe')
cur = c.cursor(); cur.execute('SELECT 1'); print(cur.fetchone()[0])")"
check "HTTP without credentials" "401" "$(curl -s -o /dev/null -w '%{http_code}' "$http/exec?query=SELECT%201")"
check "HTTP with Basic credentials" "200" "$(curl -s -o /dev/null -w '%{http_code}' -u "alice:wonder'land" "$http/exec?query=SELECT%201")"
check "HTTP write with a token" "204" "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$http/api/v2/write" -H 'Authorization: Token s3cr3t pw' --data-binary 'm v=1')"
check "HTTP ping needs no credentials" "204" "$(curl -s -o /dev/null -w '%{http_code}' "$http/ping")"
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
check "no clear-text password on disk" "0" "$(grep -rac "wonder'land\|s3cr3t" "$tmp/auth" | awk -F: '{s += $2} END {print s + 0}')"
start_server
check "password survives a restart" "yunhe" "$(PGPASSWORD='s3cr3t pw' psql -X -t -A -p "$port" -c "SELECT current_user")"
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
# --max-connections: the session past the limit is refused as PostgreSQL refuses it.
"$YUNHE" serve "$tmp/limited" --pg-port 0 --http-port -1 --ilp-port -1 --max-connections 1 > "$tmp/limited.out" 2>&1 &
limited_pid=$!
for _ in $(seq 100); do grep -q 'PostgreSQL protocol on' "$tmp/limited.out" 2>/dev/null && break; sleep 0.1; done
lport=$(grep -o '127.0.0.1:[0-9]*' "$tmp/limited.out" | head -1 | cut -d: -f2)
PGPORT=$lport psql -X -q -c "SELECT pg_sleep(4)" > /dev/null 2>&1 &
holder=$!
sleep 1.5  # the holder is connected and sleeping
check "max connections" 'psql: error: connection to server at "127.0.0.1", port '"$lport"' failed: FATAL:  sorry, too many clients already' \
  "$(PGPORT=$lport psql -X -c 'SELECT 1' 2>&1)"
wait "$holder"
check "a freed slot is taken again" "1" "$(PGPORT=$lport psql -X -t -A -c 'SELECT 1' 2>&1)"
kill "$limited_pid"; wait "$limited_pid" 2>/dev/null
check "non-loopback needs a password" "2" "$("$YUNHE" serve "$tmp/open" --listen 0.0.0.0 --pg-port 0 >/dev/null 2>&1; echo $?)"

# MQTT acknowledgements after the commit, QoS 2, reconnects: a scripted broker (no mosquitto needed).
check "MQTT acknowledges only committed messages" "mqtt_acks: ok" "$(timeout 120 /usr/bin/python3 "$(dirname "$0")/mqtt_acks.py" "$YUNHE" "$tmp" 2>&1)"

# MQTT: a real mosquitto broker on a free port; line protocol and JSON payloads, a bad payload,
# a topic not subscribed, and the broker restarting (the subscriber reconnects).
if command -v mosquitto >/dev/null && command -v mosquitto_pub >/dev/null; then
  mport=$(/usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  mosquitto -p "$mport" > "$tmp/mosquitto.log" 2>&1 &
  broker_pid=$!
  sleep 0.5
  "$YUNHE" serve "$tmp/mq" --pg-port 0 --http-port -1 --ilp-port -1 --mqtt "127.0.0.1:$mport" --mqtt-topic 'sensors/#' > "$tmp/mq.out" 2> "$tmp/mq.err" &
  server_pid=$!
  for _ in $(seq 100); do grep -q 'MQTT subscriber' "$tmp/mq.out" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/mq.out" | head -1 | cut -d: -f2)
  wait_rows() {  # table, count
    for _ in $(seq 100); do
      [ "$(psql -X -t -A -p "$port" -c "SELECT count(*) FROM $1" 2>/dev/null)" = "$2" ] && return
      sleep 0.1
    done
  }
  sleep 0.5  # the subscription is made once the connection is up
  mosquitto_pub -p "$mport" -q 1 -t sensors/a -m 'temp,room=a v=21.5 1700000000000000000'
  mosquitto_pub -p "$mport" -q 1 -t sensors/b -m '{"ts": 1700000001, "device": "robot-1", "temp": 22.5, "ok": true}'
  mosquitto_pub -p "$mport" -q 1 -t sensors/c -m '{not json'
  mosquitto_pub -p "$mport" -q 1 -t other/x -m 'temp,room=z v=1 1700000000000000000'
  wait_rows mqtt 1
  check "MQTT line protocol" "a|21.5" "$(psql -X -t -A -p "$port" -c "SELECT room, v FROM temp")"
  check "MQTT JSON" "2023-11-14 22:13:21+00|robot-1|22.5|t" "$(psql -X -t -A -p "$port" -c "SELECT time, device, temp, ok FROM mqtt")"
  check "MQTT bad payload reported" "1" "$(grep -c 'sensors/c: invalid JSON' "$tmp/mq.err")"
  kill "$broker_pid"; wait "$broker_pid" 2>/dev/null
  mosquitto -p "$mport" >> "$tmp/mosquitto.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 150); do
    mosquitto_pub -p "$mport" -q 1 -t sensors/late -m "late v=1 $((1700000000000000000 + RANDOM))" 2>/dev/null
    [ "$(psql -X -t -A -p "$port" -c "SELECT count(*) > 0 FROM late" 2>/dev/null)" = "t" ] && break
    sleep 0.2
  done
  check "MQTT reconnects after the broker restarts" "t" "$(psql -X -t -A -p "$port" -c "SELECT count(*) > 0 FROM late" 2>/dev/null)"
  kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
  # A persistent session (--mqtt-client-id): QoS 1 messages published while the server is down
  # (killed) are queued by the broker and written once it is back.
  start_mq2() {
    "$YUNHE" serve "$tmp/mq2" --pg-port 0 --http-port -1 --ilp-port -1 --mqtt "127.0.0.1:$mport" --mqtt-topic 'sensors/#' \
      --mqtt-client-id yunhe-test-session > "$tmp/mq2.out" 2>> "$tmp/mq2.err" &
    server_pid=$!
    for _ in $(seq 100); do grep -q 'MQTT subscriber' "$tmp/mq2.out" 2>/dev/null && break; sleep 0.1; done
    port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/mq2.out" | head -1 | cut -d: -f2)
    sleep 0.5  # connected and subscribed
  }
  start_mq2
  kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null
  for k in 1 2 3 4 5; do mosquitto_pub -p "$mport" -q 1 -t sensors/queued -m "queued v=$k 170000000${k}000000000"; done
  start_mq2
  wait_rows queued 5
  check "MQTT persistent session: messages sent while the server was down" "15" "$(psql -X -t -A -p "$port" -c "SELECT sum(v) FROM queued" 2>/dev/null)"
  kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
  kill "$broker_pid"; wait "$broker_pid" 2>/dev/null
  # A broker that wants a user name and password (--mqtt-user, YUNHE_MQTT_PASSWORD): a wrong
  # password is refused with the broker's reason, the right one writes.
  mosquitto_passwd -c -b "$tmp/mq.passwd" ingest 's3cret' 2>/dev/null
  # (user: run as root, mosquitto would drop to its own user, which cannot read $tmp)
  printf 'listener %s 127.0.0.1\nallow_anonymous false\npassword_file %s\nuser %s\n' "$mport" "$tmp/mq.passwd" "$(id -un)" > "$tmp/mq.conf"
  mosquitto -c "$tmp/mq.conf" >> "$tmp/mosquitto.log" 2>&1 &
  broker_pid=$!
  # The broker listening before yunhe connects: a refused TCP connect sends the subscriber into
  # its backoff (1 s, 2 s, 4 s, ...), which under a loaded make test outlasted the wait below.
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null && break; sleep 0.1; done
  start_auth() {  # password
    YUNHE_MQTT_PASSWORD="$1" "$YUNHE" serve "$tmp/mq3" --pg-port 0 --http-port -1 --ilp-port -1 --mqtt "127.0.0.1:$mport" \
      --mqtt-topic 'auth/#' --mqtt-user ingest > "$tmp/mq3.out" 2> "$tmp/mq3.err" &
    server_pid=$!
    for _ in $(seq 100); do grep -q 'MQTT subscriber' "$tmp/mq3.out" 2>/dev/null && break; sleep 0.1; done
    port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/mq3.out" | head -1 | cut -d: -f2)
  }
  start_auth wrong
  # (the broker may still be starting: a TCP "Connection refused" first, then, after the 1 s
  # backoff, the broker's answer)
  for _ in $(seq 400); do grep -q 'not authorized\|bad user name or password' "$tmp/mq3.err" && break; sleep 0.1; done
  check "MQTT wrong password refused" "1" "$(grep -c 'connection refused: not authorized\|bad user name or password' "$tmp/mq3.err")"
  kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
  start_auth 's3cret'
  # (published again until it arrives: one sent before the subscription is made is not kept)
  for _ in $(seq 100); do
    mosquitto_pub -p "$mport" -u ingest -P 's3cret' -q 1 -t auth/x -m 'authed v=7 1700000000000000000'
    [ "$(psql -X -t -A -p "$port" -c "SELECT count(*) > 0 FROM authed" 2>/dev/null)" = "t" ] && break
    sleep 0.2
  done
  check "MQTT with a user name and password" "7" "$(psql -X -t -A -p "$port" -c "SELECT max(v) FROM authed" 2>/dev/null)"
  kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
  kill "$broker_pid"; wait "$broker_pid" 2>/dev/null
else
  echo "mosquitto not installed: the MQTT test did not run"; fail=$((fail + 1))
fi

echo "server tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
