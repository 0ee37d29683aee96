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
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
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
