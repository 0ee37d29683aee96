#!/usr/bin/env bash
# The web console end to end: builds it if needed, starts `yunhe serve` on a fresh demo database
# (127.0.0.1, free ports), drives it with headless Chromium, stops the server by PID.
# usage: run.sh path/to/yunhe [artifacts-dir]
set -uo pipefail
YUNHE=${1:?usage: run.sh path/to/yunhe [artifacts-dir]}
here=$(cd "$(dirname "$0")" && pwd)
web=$(cd "$here/../../web" && pwd)
artifacts=${2:-$(dirname "$YUNHE")/test-artifacts/web}
tmp=$(mktemp -d /tmp/yunhe-web-XXXXXX)
server_pid=""
tile_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -n "$tile_pid" ] && kill "$tile_pid" 2>/dev/null && wait "$tile_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
bash "$here/../../scripts/web_build.sh" || { echo "web console build failed"; exit 1; }
"$YUNHE" --make-demo "$tmp/db" > /dev/null || exit 1
"$YUNHE" serve "$tmp/db" --pg-port 0 --http-port 0 --ilp-port -1 --web-dir "$web/dist" > "$tmp/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q 'web console on' "$tmp/server.out" 2>/dev/null && break
  sleep 0.1
done
url=$(grep 'web console on' "$tmp/server.out" | grep -o 'http://127.0.0.1:[0-9]*/')
[ -n "$url" ] || { echo "server did not start:"; cat "$tmp/server.out"; exit 1; }
node "$here/console_test.mjs" "$url" "$web" "$artifacts"
status=$?
kill "$server_pid"; wait "$server_pid" 2>/dev/null; server_pid=""

# The console built into the binary (no --web-dir), with a tile server of its own on loopback.
/usr/bin/python3 "$here/tile_server.py" "$tmp/tiles.log" > "$tmp/tiles.port" &
tile_pid=$!
for _ in $(seq 50); do [ -s "$tmp/tiles.port" ] && break; sleep 0.1; done
tiles="http://127.0.0.1:$(cat "$tmp/tiles.port")"
"$YUNHE" serve "$tmp/db" --pg-port 0 --http-port 0 --ilp-port -1 --basemap-url "$tiles/{z}/{x}/{y}.png" > "$tmp/server2.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q 'web console on' "$tmp/server2.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep 'web console on' "$tmp/server2.out" | grep -o 'http://127.0.0.1:[0-9]*/')
[ -n "$url" ] || { echo "server did not start:"; cat "$tmp/server2.out"; exit 1; }
for f in index.html app.js vendor/maplibre-gl.mjs basemap-countries.json; do
  curl -sf "$url$f" | cmp -s - "$web/dist/$f" || { echo "FAIL: embedded $f differs from web/dist"; status=1; }
done
node "$here/basemap_test.mjs" "$url" "$web" "$tiles" "$artifacts" || status=1
exit $status
