# Sourced by the test scripts that talk to a real `yunhe serve`. Sourcing it sets up their
# scratch directory $tmp (removed at exit, with the server killed if still running), the pass /
# fail counters and check NAME EXPECTED ACTUAL. start_server YUNHE DATADIR
# OUTFILE [extra serve flags] starts it on 127.0.0.1 with free ports (the OS picks them), waits
# for it, and sets server_pid, port (pgwire), http (base URL), ilp_port and the PG* variables
# for psql and libpq. Exits the script when the server does not come up.
start_server() {
  local yunhe=$1 dir=$2 out=$3
  shift 3
  "$yunhe" serve "$dir" --pg-port 0 --http-port 0 "$@" > "$out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q 'PostgreSQL protocol on' "$out" 2>/dev/null && break
    sleep 0.1
  done
  port=$(grep -o '127.0.0.1:[0-9]*' "$out" | head -1 | cut -d: -f2)
  http=$(grep -o 'http://127.0.0.1:[0-9]*' "$out" | head -1)
  ilp_port=$(grep 'line protocol over TCP' "$out" | grep -o '127.0.0.1:[0-9]*' | cut -d: -f2)
  [ -n "$port" ] || { echo "server did not start:"; cat "$out"; exit 1; }
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=yunhe PGDATABASE=yunhe PGCONNECT_TIMEOUT=5
}

pass=0
fail=0
tmp=$(mktemp -d /tmp/yunhe-test-XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
check() {  # name, expected, actual
  if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $1"; echo "--- expected"; echo "$2"; echo "--- got"; echo "$3"; fi
}
