#!/usr/bin/env bash
# gpsd end to end: a real gpsd fed NMEA over UDP (the recipe from DESIGN.md: gpsfake is unreliable
# here), `yunhe ingest gpsd` streaming its TPV/SKY reports into fixes and satellites.
set -uo pipefail
YUNHE=${1:?usage: run.sh path/to/yunhe}
here=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
tmp=$(mktemp -d /tmp/yunhe-gpsd-XXXXXX)
gpsd_pid=""
trap '[ -n "$gpsd_pid" ] && kill "$gpsd_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
check() {
  if [ "$2" == "$3" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: $1"; echo "--- expected"; echo "$2"; echo "--- got"; echo "$3"; fi
}
if ! command -v gpsd >/dev/null; then
  echo "gpsd not installed: the gpsd test did not run"
  exit 1
fi
free_port() { /usr/bin/python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
gport=$(free_port)
uport=$(free_port)
gpsd -N -n -S "$gport" "udp://127.0.0.1:$uport" > "$tmp/gpsd.log" 2>&1 &
gpsd_pid=$!
sleep 1
"$YUNHE" ingest gpsd "127.0.0.1:$gport" "$tmp/db" --device robot-9 --seconds 6 2> "$tmp/ingest.err" &
ingest_pid=$!
sleep 0.5
# The receiver's pace, sped up: 1200 sentences (120 epochs) in about 3 seconds.
/usr/bin/python3 - "$uport" "$here/tests/data/nmea/ublox_drive_120s.nmea" <<'PY'
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for line in open(sys.argv[2]):
    u.sendto(line.encode(), ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.002)
PY
wait "$ingest_pid"
check "ingest exit status" "0" "$?"
out=$("$YUNHE" "$tmp/db" --format csv --no-header -c "SELECT count(*) BETWEEN 110 AND 120, min(ts), max(device), round(avg(speed)::numeric, 3), count(*) = count(lat) FROM fixes")
check "fixes from gpsd" "t,2024-02-29 09:30:00+00,robot-9,11.624,t" "$out"
check "satellites from gpsd" "t" "$("$YUNHE" "$tmp/db" --format csv --no-header -c "SELECT count(*) >= 1000 AND bool_or(used) FROM satellites")"
echo "gpsd tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
