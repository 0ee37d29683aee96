#!/usr/bin/env bash
# Crash test: a child process commits batches in a loop (each batch = a transaction of two
# INSERTs, with a CHECKPOINT now and then) and prints COMMIT for each acknowledged batch. We
# kill -9 it at random moments, reopen the directory, and check that every acknowledged batch is
# there in full, no batch is partial, and nothing beyond the first unacknowledged batch exists.
set -euo pipefail
YUNHE=${1:?usage: run.sh path/to/yunhe}
ROUNDS=${CRASH_ROUNDS:-6}
dir=$(mktemp -d /tmp/yunhe-crash-XXXXXX)
trap 'rm -rf "$dir"' EXIT
db="$dir/db"
"$YUNHE" "$db" -c "CREATE TABLE t (b int NOT NULL, k int NOT NULL, payload text)" >/dev/null

next=1
for round in $(seq 1 "$ROUNDS"); do
  script="$dir/script.sql"
  : > "$script"
  for b in $(seq "$next" $((next + 3000))); do
    echo "BEGIN; INSERT INTO t SELECT $b, x, repeat('p', x % 17) FROM generate_series(1, 50) x; INSERT INTO t SELECT $b, x, NULL FROM generate_series(51, 100) x; COMMIT;" >> "$script"
    if (( b % 97 == 0 )); then echo "CHECKPOINT;" >> "$script"; fi
  done
  out="$dir/out.$round"
  "$YUNHE" "$db" < "$script" > "$out" 2>"$dir/err.$round" &
  pid=$!
  # Random moment between 0.2 s and 1.2 s.
  sleep "0.$((RANDOM % 10 + 2))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  acked=$(grep -c '^COMMIT$' "$out" || true)
  result=$("$YUNHE" "$db" --format csv --no-header -c \
    "SELECT count(DISTINCT b), coalesce(max(b), 0), count(*) FROM t WHERE b >= $next")
  batches=$(echo "$result" | cut -d, -f1)
  maxb=$(echo "$result" | cut -d, -f2)
  rows=$(echo "$result" | cut -d, -f3)
  partial=$("$YUNHE" "$db" --format csv --no-header -c \
    "SELECT count(*) FROM (SELECT b FROM t GROUP BY b HAVING count(*) <> 100 OR count(DISTINCT k) <> 100) s")
  echo "round $round: acknowledged $acked, found $batches batches ($rows rows), partial $partial"
  if (( batches < acked )); then echo "FAIL: lost acknowledged batches"; exit 1; fi
  if (( batches > acked + 1 )); then echo "FAIL: more batches than were sent before the kill"; exit 1; fi
  if (( rows != batches * 100 )); then echo "FAIL: partial batch visible"; exit 1; fi
  if (( partial != 0 )); then echo "FAIL: torn batch"; exit 1; fi
  if (( batches > 0 && maxb != next + batches - 1 )); then echo "FAIL: batches are not a prefix"; exit 1; fi
  next=$((next + batches))
done
echo "crash test: 1 passed, 0 failed"
