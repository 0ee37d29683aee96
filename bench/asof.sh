#!/usr/bin/env bash
# ASOF JOIN benchmark: TRADES trades x QUOTES quotes over SYMBOLS symbols (TAQ-like: quotes ten
# times as frequent as trades, symbols interleaved), in memory. Prints load time, the median of
# RUNS hot runs of the join, and the peak RSS of the whole run.
#   bench/asof.sh build/yunhe            (defaults: 10M trades x 100M quotes, 1000 symbols)
#   TRADES=1000000 QUOTES=10000000 bench/asof.sh build/yunhe
set -euo pipefail
YUNHE=${1:?usage: asof.sh path/to/yunhe}
TRADES=${TRADES:-10000000}
QUOTES=${QUOTES:-100000000}
SYMBOLS=${SYMBOLS:-1000}
RUNS=${RUNS:-3}
sql=$(mktemp /tmp/yunhe-asof-XXXXXX.sql)
trap 'rm -f "$sql"' EXIT
{
  echo "CREATE TABLE quotes (sym text, ts timestamp, bid double precision, ask double precision) PARTITION BY RANGE (ts);"
  echo "CREATE TABLE trades (sym text, ts timestamp, px double precision, qty int) PARTITION BY RANGE (ts);"
  echo '\timing'
  # One trading day: quotes every 6.5h/QUOTES, trades every 6.5h/TRADES.
  echo "INSERT INTO quotes SELECT 'S' || (g::bigint * 7919 % $SYMBOLS), timestamp '2024-01-02 09:30' + g * (interval '6 hours 30 minutes' / $QUOTES), 100 + (g % 1000) * 0.01, 100.05 + (g % 1000) * 0.01 FROM generate_series(1, $QUOTES) g;"
  echo "INSERT INTO trades SELECT 'S' || (g::bigint * 104729 % $SYMBOLS), timestamp '2024-01-02 09:30' + g * (interval '6 hours 30 minutes' / $TRADES), 100 + (g % 500) * 0.01, (g % 100)::int FROM generate_series(1, $TRADES) g;"
  for _ in $(seq "$RUNS"); do
    echo "SELECT count(*), sum(q.bid) FROM trades t ASOF JOIN quotes q ON t.sym = q.sym AND t.ts >= q.ts;"
  done
} > "$sql"
out=$( { /usr/bin/time -f 'peak_rss_kb=%M' "$YUNHE" -f "$sql"; } 2>&1 )
echo "$out" | grep -E "ERROR" && exit 1
times=($(echo "$out" | grep '^Time:' | awk '{print $2}'))
echo "asof: $TRADES trades x $QUOTES quotes, $SYMBOLS symbols"
echo "  load quotes: ${times[0]} ms, load trades: ${times[1]} ms"
join=("${times[@]:2}")
median=$(printf '%s\n' "${join[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "  join runs (ms): ${join[*]}  median: $median"
echo "  $(echo "$out" | grep peak_rss_kb)"
echo "  result: $(echo "$out" | grep -A2 'count' | tail -1)"
