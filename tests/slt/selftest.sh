#!/usr/bin/env bash
# Tests the sqllogictest runner itself: every record of must_fail.test has to be reported as a
# failure, every record of must_pass.test as a pass. Usage: selftest.sh path/to/sqllogictest
set -uo pipefail
runner=$1
here=$(cd "$(dirname "$0")" && pwd)
fail_out=$("$runner" "$here/selftest/must_fail.test" 2>&1)
want=$(grep -c '^statement\|^query' "$here/selftest/must_fail.test")
if ! grep -q "^0 passed, $want failed" <<<"$fail_out"; then
  echo "runner self-test: expected all $want records of must_fail.test to fail, got:"
  echo "$fail_out"
  exit 1
fi
pass_out=$("$runner" "$here/selftest/must_pass.test" 2>&1)
want=$(grep -c '^statement\|^query' "$here/selftest/must_pass.test")
if ! grep -q "^$want passed, 0 failed" <<<"$pass_out"; then
  echo "runner self-test: expected all $want records of must_pass.test to pass, got:"
  echo "$pass_out"
  exit 1
fi
echo "runner self-test: ok"
