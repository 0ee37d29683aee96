#!/usr/bin/env bash
# sqlsmith (Debian's) against `yunhe serve` on the demo database, QUERIES random queries (default
# 10000) with a statement timeout: the server must answer afterwards (no crash) and no query may
# outlive the timeout (no hang). Prints sqlsmith's error mix. usage: sqlsmith.sh YUNHE [QUERIES] [SEED]
set -uo pipefail
YUNHE=$(realpath "${1:?usage: sqlsmith.sh path/to/yunhe [QUERIES] [SEED]}")
queries=${2:-10000}
seed=${3:-1}
. "$(dirname "$0")/../tests/server/start_server.sh"
"$YUNHE" --make-demo "$tmp/db" > /dev/null
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
