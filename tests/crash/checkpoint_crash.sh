#!/usr/bin/env bash
# kill -9 inside a checkpoint, at each of its steps (YUNHE_CRASH_AT, src/storage/file_faults.h):
# after the first new part, after all parts and delete vectors, before the MANIFEST swap, right
# after it, and at the end. Each time the directory must reopen with every acknowledged row
# (sealed rows, deletes of sealed rows, rows only in the WAL), the same answers as the same
# statements give in memory, no part counted twice, and no file the MANIFEST does not name.
set -euo pipefail
source "$(dirname "$0")/manifest_files.sh"
YUNHE=${1:?usage: checkpoint_crash.sh path/to/yunhe}
dir=$(mktemp -d /tmp/yunhe-ckpt-crash-XXXXXX)
trap 'rm -rf "$dir"' EXIT

setup=(
  "CREATE TABLE t (ts timestamptz NOT NULL, k int NOT NULL, dev text, v double precision) PARTITION BY RANGE (ts) WITH (partition_interval = '1 hour')"
  "INSERT INTO t SELECT timestamptz '2026-03-01 00:00:00+00' + x * interval '1 second', x, 'd' || (x % 7), x * 0.5 FROM generate_series(1, 20000) x"
  "CREATE TABLE p (id int PRIMARY KEY, name text)"
  "INSERT INTO p SELECT x, 'n' || x FROM generate_series(1, 3000) x"
)
# Run by the process that is killed: deletes of sealed rows, new rows in old and new partitions,
# an update, then the checkpoint that dies.
work=(
  "DELETE FROM t WHERE k % 10 = 0"
  "INSERT INTO t SELECT timestamptz '2026-03-01 00:00:00+00' + x * interval '1 second', x, 'late', -x FROM generate_series(30000, 31000) x"
  "INSERT INTO t SELECT timestamptz '2026-03-01 00:30:00+00' + x * interval '1 millisecond', -x, 'ooo', 1 FROM generate_series(1, 500) x"
  "UPDATE p SET name = 'changed' WHERE id % 100 = 0"
  "DELETE FROM p WHERE id > 2900"
)
check="SELECT count(*), sum(k), sum(v), count(DISTINCT dev), min(ts), max(ts) FROM t;
SELECT date_trunc('hour', ts) AS h, count(*) FROM t GROUP BY 1 ORDER BY 1;
SELECT count(*), sum(id), count(*) FILTER (WHERE name = 'changed') FROM p;"

# The answers without a crash.
args=()
for s in "${setup[@]}" "${work[@]}"; do args+=(-c "$s"); done
"$YUNHE" "$dir/reference" "${args[@]}" >/dev/null
expected=$("$YUNHE" "$dir/reference" --format csv -c "$check")

passed=0
for point in checkpoint-part-written checkpoint-parts-written checkpoint-before-manifest checkpoint-manifest-swapped checkpoint-done; do
  db="$dir/$point"
  setup_args=()
  for s in "${setup[@]}"; do setup_args+=(-c "$s"); done
  "$YUNHE" "$db" "${setup_args[@]}" >/dev/null  # closes with a checkpoint: the rows are sealed in parts
  work_args=()
  for s in "${work[@]}"; do work_args+=(-c "$s"); done
  set +e
  YUNHE_CRASH_AT=$point "$YUNHE" "$db" "${work_args[@]}" -c "CHECKPOINT" >"$dir/out" 2>&1
  status=$?
  set -e
  if (( status != 137 )); then echo "FAIL $point: expected the process to be killed, exit $status"; cat "$dir/out"; exit 1; fi
  got=$("$YUNHE" "$db" --format csv -c "$check")
  if [[ "$got" != "$expected" ]]; then
    echo "FAIL $point: answers differ after the crash"
    diff <(echo "$expected") <(echo "$got") || true
    exit 1
  fi
  # Every file is named by the MANIFEST (the reopen removed leftovers), and reopening again
  # (after the checkpoint that closing made) gives the same answers.
  check_manifest_files "$db" "$point"
  again=$("$YUNHE" "$db" --format csv -c "$check")
  if [[ "$again" != "$expected" ]]; then echo "FAIL $point: answers differ after a second reopen"; exit 1; fi
  echo "checkpoint crash at $point: recovered, same answers, no stray files"
  passed=$((passed + 1))
done
echo "checkpoint crash test: $passed passed, 0 failed"
