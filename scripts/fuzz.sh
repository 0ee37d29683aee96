#!/usr/bin/env bash
# `make fuzz SECONDS=N`: every fuzz target (tests/fuzz/targets) under libFuzzer with ASan and
# UBSan (clang, build-fuzz/), N seconds each (default 60), corpora kept in build-fuzz/corpus and
# seeded from the tests (tests/fuzz/seeds.py). Prints per target: executions, coverage (edges),
# features and crashes; a crash leaves its input in build-fuzz/artifacts and fails the run.
# usage: fuzz.sh [SECONDS] [TARGET...]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sql parse_shape lineproto nmea json mqtt wal part pgwire http copy segment)
build="$root/build-fuzz"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DYH_FUZZ=ON > /dev/null || exit 1
cmake --build "$build" --target yunhe $(printf 'fuzz_%s ' "${targets[@]}") || exit 1
/usr/bin/python3 "$root/tests/fuzz/seeds.py" "$build/yunhe" "$build/seeds" > /dev/null || exit 1
mkdir -p "$build/artifacts"
failed=0
printf '| target | seconds | executions | edges (cov) | features (ft) | crashes |\n|---|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  log="$build/fuzz_$t.log"
  (cd /tmp && ASAN_OPTIONS=detect_leaks=0 "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
     -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$build/seeds/$t") > "$log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  crashes=0
  if [ $status -ne 0 ]; then crashes=1; failed=1; fi
  printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$seconds" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$crashes"
  [ $status -ne 0 ] && grep -m5 'ERROR\|SUMMARY\|Test unit written' "$log" | sed 's/^/    /'
done
exit $failed
