#!/usr/bin/env bash
# NMEA parsing speed: a u-blox-style log of SECONDS epochs (bench/gen_nmea.py, ~560 bytes per
# epoch) read by read_nmea(); prints MB/s from the median of RUNS runs (time inside the engine).
#   bench/nmea.sh build/yunhe          (default 72000 epochs, about 40 MB)
set -euo pipefail
YUNHE=${1:?usage: nmea.sh path/to/yunhe}
SECONDS_OF_LOG=${SECONDS_OF_LOG:-72000}
RUNS=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/yunhe-nmea-XXXXXX)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/gen_nmea.py" "$SECONDS_OF_LOG" 5 > "$work/log.nmea"
bytes=$(stat -c %s "$work/log.nmea")
times=()
for _ in $(seq "$RUNS"); do
  out=$("$YUNHE" -c '\timing' -c "SELECT count(*) FROM read_nmea('$work/log.nmea')" 2>/dev/null)
  n=$(echo "$out" | grep -E '^ +[0-9]+$' | tr -d ' ')
  [ "$n" = "$SECONDS_OF_LOG" ] || { echo "nmea: got $n fixes, expected $SECONDS_OF_LOG" >&2; exit 1; }
  times+=("$(echo "$out" | grep '^Time:' | awk '{print $2}')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'nmea read_nmea: %.1f MB, runs (ms): %s, median %s ms = %.1f MB/s\n' "$(echo "$bytes / 1000000" | bc -l)" \
  "${times[*]}" "$median" "$(echo "$bytes / 1000 / $median" | bc -l)"
