#!/usr/bin/env bash
# sqlsmith (Debian's) against `yunhe serve`, QUERIES random queries (default 10000) with a 5 s
# statement timeout: the server must answer afterwards (no crash, no OOM kill) and the run must
# end in time (no hang). Prints sqlsmith's error mix. DB=demo uses the demo database (large tables:
# most queries run into the timeout, so a 10,000-query run takes hours); the default is the demo's
# tables cut to 500 rows each. usage: sqlsmith.sh YUNHE [QUERIES] [SEED]
set -uo pipefail
YUNHE=$(realpath "${1:?usage: sqlsmith.sh path/to/yunhe [QUERIES] [SEED]}")
queries=${2:-10000}
seed=${3:-1}
. "$(dirname "$0")/../tests/server/start_server.sh"
"$YUNHE" --make-demo "$tmp/db" > /dev/null
if [ "${DB:-small}" != demo ]; then
  # Every table of the demo, keeping its first 500 rows (the schema, types and indexes stay).
  tables=$("$YUNHE" "$tmp/db" --format csv --no-header -c "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'spatial_ref_sys'")
  for t in $tables; do
    "$YUNHE" "$tmp/db" -c "CREATE TEMP TABLE keep AS SELECT * FROM \"$t\" LIMIT 500; TRUNCATE \"$t\"; INSERT INTO \"$t\" SELECT * FROM keep" > /dev/null
  done
fi
start_server "$YUNHE" "$tmp/db" "$tmp/server.out" --ilp-port -1
t0=$(date +%s)
# Every query under a 5 s statement_timeout (libpq's options, as PostgreSQL takes them); the whole
# run under timeout(1): a hang shows as exit 124.
timeout $((queries / 5 + 600)) sqlsmith --target="host=127.0.0.1 port=$port user=yunhe dbname=yunhe application_name=sqlsmith options='-c statement_timeout=5000'" \
  --max-queries="$queries" --seed="$seed" --verbose 2> "$tmp/sqlsmith.err" > /dev/null
status=$?
elapsed=$(( $(date +%s) - t0 ))
alive=$(timeout 10 psql -X -At -c 'SELECT 1' 2>&1)
echo "sqlsmith: $queries queries (seed $seed) in ${elapsed}s, exit $status; server answers afterwards: $([ "$alive" = 1 ] && echo yes || echo "NO: $alive")"
grep "error rate" "$tmp/sqlsmith.err" | tail -1
grep -E '^[0-9]+\s+ERROR' "$tmp/sqlsmith.err" | sort -rn | head -8
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=""
[ "$status" -eq 0 ] && [ "$alive" = 1 ]
