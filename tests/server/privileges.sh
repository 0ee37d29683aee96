#!/usr/bin/env bash
# Roles that mean something, over the wire (issue: "security holes found"): a role made by the
# superuser is itself in its sessions, reads and writes only what it was granted, cannot read or
# write files of the server nor leak them in notices, cannot drop what it does not own; psql's
# \dp shows the grants; HTTP runs as the role of its credentials; line protocol over TCP writes
# as --ingest-role; --file-dir confines the superuser's server-side files (no .., no symlinks out).
# usage: privileges.sh YUNHE
set -uo pipefail
YUNHE=$1
source "$(dirname "$0")/start_server.sh"
export PGCONNECT_TIMEOUT=5
mkdir -p "$tmp/files"
printf 'a,1\nb,2\n' > "$tmp/files/inside.csv"
ln -s /etc/passwd "$tmp/files/link_out"
# Roles made before the server starts (--ingest-role must name one).
"$YUNHE" "$tmp/db" -c "CREATE ROLE ingest LOGIN PASSWORD 'in'" > /dev/null
start_server "$YUNHE" "$tmp/db" "$tmp/server.out" --password 'super pw' --file-dir "$tmp/files" --ingest-role ingest
su() { PGPASSWORD='super pw' psql -X -q -t -A -U yunhe "$@" 2>&1; }
bob() { PGPASSWORD='b0b' psql -X -q -t -A -U bob "$@" 2>&1; }
su -c "CREATE ROLE bob LOGIN PASSWORD 'b0b'" -c "CREATE TABLE p (a int, b text)" -c "INSERT INTO p VALUES (1, 'x')" \
   -c "CREATE TABLE q (line text)" -c "GRANT SELECT, INSERT ON q TO bob" > /dev/null

check "the session knows it is bob" "bob|bob" "$(bob -c "SELECT session_user, current_user")"
check "psql sees bob is no superuser" "off" "$(bob -c "SHOW is_superuser")"
check "COPY FROM a server file refused" \
  "ERROR:  must be superuser or have privileges of the pg_read_server_files role to COPY from a file" \
  "$(bob -c "COPY q FROM '/etc/shadow'" | head -1)"
out=$(bob -c "SELECT * FROM read_nmea('/etc/shadow')")
check "read_nmea of a server file refused" \
  "ERROR:  must be superuser or have privileges of the pg_read_server_files role to read_nmea from a file" "$out"
check "no bytes of the file in what bob sees" "0" "$(echo "$out" | grep -c 'malformed\|root\|:[0-9]')"
check "COPY TO a server file refused" \
  "ERROR:  must be superuser or have privileges of the pg_write_server_files role to COPY to a file" \
  "$(bob -c "COPY q TO '$tmp/files/out.txt'" | head -1)"
check "nothing written" "no" "$([ -e "$tmp/files/out.txt" ] && echo yes || echo no)"
check "another role's table: no read" "ERROR:  permission denied for table p" "$(bob -c "SELECT * FROM p")"
check "another role's table: no drop" "ERROR:  must be owner of table p" "$(bob -c "DROP TABLE p")"
check "granted table readable" "0" "$(bob -c "SELECT count(*) FROM q")"
check "no CREATE on public in PostgreSQL 15" "ERROR:  permission denied for schema public" "$(bob -c "CREATE TABLE mine (a int)")"
check "COPY FROM STDIN is for everyone with INSERT" "1" "$(printf 'hello\n' | bob -c "COPY q FROM STDIN" && bob -c "SELECT count(*) FROM q")"
check "SET ROLE to a role bob is not in" 'ERROR:  permission denied to set role "yunhe"' "$(bob -c "SET ROLE yunhe")"
check "psql's \\dp shows the grants" "public|q|table|yunhe=arwdDxt/yunhe+bob=ar/yunhe||" \
  "$(su -c '\dp q' | tr '\n' '+' | sed 's/+$//; s/+|/|/g')"

# The superuser's server-side files: inside --file-dir only.
check "superuser: a file inside --file-dir" "2" "$(su -c "CREATE TABLE f (k text, v int)" -c "COPY f FROM 'inside.csv' WITH (FORMAT csv)" -c "SELECT count(*) FROM f" | tail -1)"
check "superuser: a file outside --file-dir" "ERROR:  file \"/etc/passwd\" is outside the server's file directory" "$(su -c "COPY q FROM '/etc/passwd'")"
check "superuser: .. out of --file-dir" "ERROR:  file \"../x.txt\" is outside the server's file directory" "$(su -c "COPY q TO '../x.txt'")"
check "superuser: a symlink out of --file-dir" "ERROR:  file \"link_out\" is outside the server's file directory" "$(su -c "COPY q FROM 'link_out'")"
check "superuser: read_nmea outside --file-dir" "ERROR:  file \"/etc/passwd\" is outside the server's file directory" "$(su -c "SELECT count(*) FROM read_nmea('/etc/passwd')")"

# HTTP runs as the role of its credentials.
code=$(curl -s -o "$tmp/h1" -w '%{http_code}' -u bob:b0b "$http/exec?query=SELECT%20*%20FROM%20p")
check "HTTP as bob: no read of p" "400 permission denied for table p" "$code $(grep -o 'permission denied for table p' "$tmp/h1")"
check "HTTP as bob: current_user" "bob" "$(curl -s -u bob:b0b "$http/exec?query=SELECT%20current_user&fmt=csv" | tail -1)"
check "HTTP /write as bob without CREATE" "permission denied for schema public" \
  "$(curl -s -u bob:b0b -XPOST "$http/write?precision=s" --data-binary 'cpu,host=a usage=1 1700000000' | grep -o 'permission denied for schema public')"
su -c "GRANT CREATE ON SCHEMA public TO bob" > /dev/null
check "HTTP /write as bob with CREATE" "204" "$(curl -s -o /dev/null -w '%{http_code}' -u bob:b0b -XPOST "$http/write?precision=s" --data-binary 'cpu,host=a usage=1 1700000000')"
check "the table bob's write made is bob's" "bob" "$(su -c "SELECT tableowner FROM pg_tables WHERE tablename = 'cpu'")"

# API tokens (engine/api_tokens.h) stand for user and password on HTTP.
tok=$(bob -c "SELECT yunhe_create_token('bob-ci')")
check "a token is made and shown once" "yes" "$([[ "$tok" =~ ^yh_[A-Za-z0-9_-]{43}$ ]] && echo yes || echo "no: $tok")"
check "Bearer token: as bob" "bob" "$(curl -s -H "Authorization: Bearer $tok" "$http/exec?query=SELECT%20current_user&fmt=csv" | tail -1)"
check "Token token (InfluxDB 2.x clients): /api/v2/write as bob" "204" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Token $tok" -XPOST "$http/api/v2/write?bucket=x&precision=s" --data-binary 'cpu,host=b usage=2 1700000000')"
check "p=token (InfluxDB 1.x clients)" "bob" "$(curl -s "$http/exec?u=bob&p=$tok&query=SELECT%20current_user&fmt=csv" | tail -1)"
check "Basic with the token as password" "bob" "$(curl -s -u "bob:$tok" "$http/exec?query=SELECT%20current_user&fmt=csv" | tail -1)"
check "a token with another role's name" "401" "$(curl -s -o /dev/null -w '%{http_code}' -u "yunhe:$tok" "$http/exec?query=SELECT%201")"
check "a token is held to its role's privileges" "permission denied for table p" \
  "$(curl -s -H "Authorization: Bearer $tok" "$http/exec?query=SELECT%20*%20FROM%20p" | grep -o 'permission denied for table p')"
check "a wrong token" "401" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${tok%?}x" "$http/exec?query=SELECT%201")"
check "the token's secret is nowhere in the data directory" "0" "$(grep -rlaF "$tok" "$tmp/db" | wc -l)"
check "yunhe_api_tokens lists it without its secret" "bob-ci|bob" "$(bob -c "SELECT name, role FROM yunhe_api_tokens")"
su -c "ALTER ROLE bob NOLOGIN" > /dev/null
check "the token of a role that may not log in" "401" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$http/exec?query=SELECT%201")"
su -c "ALTER ROLE bob LOGIN" -c "SELECT yunhe_drop_token('bob-ci')" > /dev/null
check "a dropped token" "401" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$http/exec?query=SELECT%201")"

# Line protocol over TCP as --ingest-role: into m (granted), not into a new table.
curl -s -u 'yunhe:super pw' -XPOST "$http/write?precision=s" --data-binary 'm,host=a v=1 1700000000' > /dev/null
su -c "GRANT INSERT, UPDATE ON m TO ingest" > /dev/null
printf 'm,host=b v=2 1700000000000000000\n' > /dev/tcp/127.0.0.1/"$ilp_port"
printf 'newtable,host=a v=1 1700000000000000000\n' > /dev/tcp/127.0.0.1/"$ilp_port"
for _ in $(seq 50); do [ "$(su -c "SELECT count(*) FROM m")" = "2" ] && break; sleep 0.1; done
check "ILP as ingest: granted table written" "2" "$(su -c "SELECT count(*) FROM m")"
check "ILP as ingest: no new table without CREATE" "0" "$(su -c "SELECT count(*) FROM pg_tables WHERE tablename = 'newtable'")"

# CONNECTION LIMIT per role (superusers are exempt).
su -c "CREATE ROLE lim LOGIN PASSWORD 'l1m' CONNECTION LIMIT 1" > /dev/null
PGPASSWORD=l1m psql -X -q -U lim -c "SELECT pg_sleep(3)" > /dev/null 2>&1 &
sleeper=$!
sleep 1
check "a role past its CONNECTION LIMIT" 'FATAL:  too many connections for role "lim"' \
  "$(PGPASSWORD=l1m psql -X -U lim -c "SELECT 1" 2>&1 | grep -o 'FATAL.*')"
wait "$sleeper"
check "its session gone, the role logs in again" "1" "$(PGPASSWORD=l1m psql -X -t -A -U lim -c "SELECT 1" 2>&1)"

kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
# After a restart the grants and owners are what they were.
start_server "$YUNHE" "$tmp/db" "$tmp/server2.out" --file-dir "$tmp/files"
check "after a restart: bob's grants" "bob=ar/yunhe" "$(su -c "SELECT relacl[2] FROM pg_class WHERE relname = 'q'")"
check "after a restart: bob still cannot read p" "ERROR:  permission denied for table p" "$(bob -c "SELECT * FROM p")"
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""

# A client that connects and says nothing (or trickles) loses its connection at the deadline.
start_server "$YUNHE" "$tmp/db" "$tmp/server3.out" --authentication-timeout 1000 --http-header-timeout 1000
exec 3<>/dev/tcp/127.0.0.1/"$port"
t0=$(date +%s%N)
timeout 10 cat <&3 > /dev/null
elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
exec 3<&-
check "a silent connection is closed at --authentication-timeout" "yes" "$([ "$elapsed_ms" -ge 800 ] && [ "$elapsed_ms" -lt 5000 ] && echo yes || echo "no ($elapsed_ms ms)")"
check "logins still work" "bob" "$(bob -c "SELECT current_user")"
# A startup packet whose last string is unterminated (found by fuzz_pgwire: an uncaught
# exception that took the whole server down) is answered, and the server goes on.
/usr/bin/python3 -c "
import socket, struct
s = socket.create_connection(('127.0.0.1', $port))
body = struct.pack('!I', 196608) + b'user\0bob\0application_name'
s.sendall(struct.pack('!I', len(body) + 4) + body)
s.settimeout(5)
try:
    s.recv(1000)
except Exception:
    pass
"
check "the server survives an unterminated startup packet" "bob" "$(bob -c "SELECT current_user")"
# Slow HTTP clients (slowloris) are cut at the head deadline; the API answers beside them.
while read -r line; do
  check "HTTP: ${line% ok}" "${line% ok} ok" "$line"
done < <(/usr/bin/python3 "$(dirname "$0")/http_slow_clients.py" "${http##*:}" "bob:b0b")
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""

echo "privileges: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
