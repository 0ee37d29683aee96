#!/usr/bin/env bash
# kill -9 inside a background checkpoint (engine/durability.cpp), at each of its steps
# (YUNHE_CRASH_AT, some at a later checkpoint of the run): after switching to a new WAL, after
# the first new part, after all parts, after a compaction's re-logged changes, right after the
# MANIFEST swap, at the end; and inside a statement sealing its own rows into parts before its
# commit (statement-part-written). A small memory limit makes the shell's inserts due for background
# checkpoints (sealing in place, and compacting once deletes and partly filled groups pile up)
# while it goes on writing (inserts, deletes and updates of rows in groups being sealed or
# compacted). After each kill the directory must reopen with every acknowledged statement and
# nothing half-done: the answer equals the in-memory answer after the last acknowledged
# statement or the one after it (committed, not yet acknowledged); reopening again gives the
# same; and no file is left that the MANIFEST does not name.
set -euo pipefail
source "$(dirname "$0")/manifest_files.sh"
YUNHE=${1:?usage: bg_checkpoint_crash.sh path/to/yunhe}
dir=$(mktemp -d /tmp/yunhe-bgckpt-crash-XXXXXX)
trap 'rm -rf "$dir"' EXIT

check="SELECT count(*), sum(k), sum(v), count(DISTINCT k) FROM t"
args=(-c "CREATE TABLE t (ts timestamptz NOT NULL, k int, v double precision) PARTITION BY RANGE (ts) WITH (partition_interval = '1 hour')" -c "$check")
for i in $(seq 1 40); do
  args+=(-c "INSERT INTO t SELECT timestamptz '2026-03-01 00:00:00+00' + (x + $i * 20000) * interval '100 ms', $i, x FROM generate_series(1, 20000) x" -c "$check")
  if (( i % 2 == 0 )); then args+=(-c "DELETE FROM t WHERE k = $((i - 1)) AND v < 5000" -c "$check"); fi
  if (( i % 5 == 0 )); then args+=(-c "UPDATE t SET v = v + 1 WHERE k = $((i - 3)) AND v < 100" -c "$check"); fi
  # A statement larger than an eighth of the limit seals its own rows before it commits.
  if (( i % 12 == 0 )); then args+=(-c "INSERT INTO t SELECT timestamptz '2026-04-01 00:00:00+00' + (x + $i * 150000) * interval '100 ms', 1000 + $i, x FROM generate_series(1, 150000) x" -c "$check"); fi
done

# The answer after each statement, without a crash.
mapfile -t reference < <("$YUNHE" :memory: --format csv --no-header "${args[@]}")

passed=0
for point in bgcheckpoint-wal-switched:2 bgcheckpoint-part-written:5 bgcheckpoint-parts-written:3 \
             bgcheckpoint-manifest-swapped:4 bgcheckpoint-done:2 bgcheckpoint-part-written:1 \
             bgcheckpoint-relog-written:1 bgcheckpoint-relog-written:3 statement-part-written:1 statement-part-written:5; do
  db="$dir/${point/:/-}"
  set +e
  YUNHE_CRASH_AT=$point "$YUNHE" "$db" --memory-limit 8MB --format csv --no-header "${args[@]}" >"$dir/out" 2>"$dir/err"
  status=$?
  set -e
  if (( status != 137 )); then echo "FAIL $point: expected the process to be killed, exit $status"; cat "$dir/err"; exit 1; fi
  mapfile -t acked <"$dir/out"
  n=${#acked[@]}
  for ((k = 0; k < n; k++)); do
    if [[ "${acked[$k]}" != "${reference[$k]}" ]]; then echo "FAIL $point: answer $k before the crash differs"; exit 1; fi
  done
  got=$("$YUNHE" "$db" --format csv --no-header -c "$check")
  if [[ "$got" != "${reference[$((n - 1))]}" && "$got" != "${reference[$n]:-none}" ]]; then
    echo "FAIL $point: after the crash $got; acknowledged ${reference[$((n - 1))]}"
    exit 1
  fi
  again=$("$YUNHE" "$db" --format csv --no-header -c "$check")
  if [[ "$again" != "$got" ]]; then echo "FAIL $point: answers differ after a second reopen"; exit 1; fi
  check_manifest_files "$db" "$point"
  echo "background checkpoint crash at $point after $n acknowledged statements: recovered, no stray files"
  passed=$((passed + 1))
done
echo "background checkpoint crash test: $passed passed, 0 failed"
