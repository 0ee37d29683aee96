#!/usr/bin/env bash
# make test's short fuzz run: every target (tests/fuzz/targets) over seeds made from the tests and
# deterministic mutations of them, built without libFuzzer (replay_main.cpp). A crash or an abort
# fails the test; `make fuzz SECONDS=N` runs the real fuzzer with sanitizers.
# usage: smoke.sh YUNHE BUILD_DIR
set -euo pipefail
yunhe=$(realpath "$1") build=$(realpath "$2")
seeds="$build/fuzz-seeds"
/usr/bin/python3 "$(dirname "$0")/seeds.py" "$yunhe" "$seeds" --small > /dev/null
fail=0
for target in sql parse_shape lineproto nmea json mqtt wal part pgwire http copy segment; do
  mutations=200
  [ "$target" = sql ] && mutations=20
  if ! out=$(cd /tmp && YH_FUZZ_MUTATIONS=$mutations timeout 600 "$build/fuzz_$target" "$seeds/$target" 2>&1); then
    echo "FAIL: fuzz_$target"; echo "$out" | tail -20; fail=1
  else
    echo "$out" | tail -1
  fi
done
exit $fail
