#!/usr/bin/env bash
# A format-1 data directory (tests/data/v1_dir, made by the engine before parts) is upgraded on
# open: the answers are those that engine gave (v1_dir_expected.csv), the MANIFEST is version 2,
# no segment file is left; a kill -9 inside the upgrade's checkpoint loses nothing either.
set -euo pipefail
YUNHE=${1:?usage: upgrade_v1.sh path/to/yunhe}
here=$(cd "$(dirname "$0")/../data" && pwd)
dir=$(mktemp -d /tmp/yunhe-upgrade-XXXXXX)
trap 'rm -rf "$dir"' EXIT
passed=0
check() {  # db, label
  local got
  got=$("$YUNHE" "$1" --format csv -f "$here/v1_dir_queries.sql")
  if [[ "$got" != "$(cat "$here/v1_dir_expected.csv")" ]]; then
    echo "FAIL $2: answers differ from format 1's"
    diff "$here/v1_dir_expected.csv" <(echo "$got") || true
    exit 1
  fi
  if [[ "$(head -1 "$1/MANIFEST")" != "yunhe-manifest 2" ]]; then echo "FAIL $2: MANIFEST not upgraded"; exit 1; fi
  if ls "$1"/*.seg >/dev/null 2>&1; then echo "FAIL $2: segment files left behind"; exit 1; fi
  echo "$2: same answers as format 1, MANIFEST version 2, no segment files"
  passed=$((passed + 1))
}
cp -r "$here/v1_dir" "$dir/plain"
check "$dir/plain" "upgrade"
check "$dir/plain" "reopen after upgrade"
for point in checkpoint-part-written checkpoint-before-manifest checkpoint-manifest-swapped; do
  cp -r "$here/v1_dir" "$dir/$point"
  set +e
  YUNHE_CRASH_AT=$point "$YUNHE" "$dir/$point" -c "SELECT 1" >/dev/null 2>&1
  status=$?
  set -e
  if (( status != 137 )); then echo "FAIL: upgrade with a crash at $point was not killed (exit $status)"; exit 1; fi
  check "$dir/$point" "upgrade killed at $point, reopened"
done
echo "format 1 upgrade test: $passed passed, 0 failed"
