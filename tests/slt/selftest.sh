#!/usr/bin/env bash
# Tests the sqllogictest runner itself: every record of must_fail.test has to be reported as a
# failure, every record of must_pass.test as a pass. Usage: selftest.sh path/to/sqllogictest
set -uo pipefail
runner=$1
here=$(cd "$(dirname "$0")" && pwd)
expect() {  # file, "fail" or "pass": every record of the file must come out that way
  local out n summary
  out=$("$runner" "$here/selftest/$1" 2>&1)
  n=$(grep -c '^statement\|^query' "$here/selftest/$1")
  summary=$([ "$2" = fail ] && echo "0 passed, $n failed" || echo "$n passed, 0 failed")
  if ! grep -q "^$summary" <<<"$out"; then
    echo "runner self-test: expected all $n records of $1 to $2, got:"
    echo "$out"
    exit 1
  fi
}
expect must_fail.test fail
expect must_pass.test pass
echo "runner self-test: ok"
