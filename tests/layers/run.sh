#!/usr/bin/env bash
# The layering check on the real tree (must pass), then on a copy with a forbidden include and a
# raw SQLSTATE planted (must fail, naming both).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bash "$root/scripts/check_layers.sh" "$root/src" || exit 1
tmp=$(mktemp -d /tmp/yunhe-layers-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/src" "$tmp/src"
printf '#include "engine/database.h"\n' >> "$tmp/src/storage/zone_map.h"
printf 'void F() { throw Error("42P01", "x"); }\n' >> "$tmp/src/exec/expr.cpp"
out=$(bash "$root/scripts/check_layers.sh" "$tmp/src" 2>&1)
status=$?
fail=0
[ $status -ne 0 ] || { echo "check_layers passed a tree with a forbidden include"; fail=1; }
grep -q 'src/storage/zone_map.h:[0-9]*: storage includes engine/' <<<"$out" || { echo "forbidden include not named:"; echo "$out"; fail=1; }
grep -q 'src/exec/expr.cpp:[0-9]*: raw SQLSTATE' <<<"$out" || { echo "raw SQLSTATE not named:"; echo "$out"; fail=1; }
[ $fail -eq 0 ] && echo "layers: ok (the check rejects a planted violation)"
exit $fail
