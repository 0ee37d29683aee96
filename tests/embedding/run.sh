#!/usr/bin/env bash
# The embedding API as a user gets it: `cmake --install` into a fresh prefix, then the C++ and C
# examples (examples/embedding) built with nothing but pkg-config and run, their output checked;
# the Python package imported from that prefix. Usage: run.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
pc=$(find "$prefix" -name yunhe.pc | head -1)
[ -n "$pc" ] || { echo "FAIL: no yunhe.pc installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir yunhe)
[ -f "$libdir/libyunhe.so" ] || { echo "FAIL: $libdir/libyunhe.so missing"; exit 1; }
[ -f "$(pkg-config --variable=includedir yunhe)/yunhe/yunhe.hpp" ] || { echo "FAIL: headers missing"; exit 1; }

# Only the API leaves the library: no engine symbol (yunhe::Database, Session, ...) is exported.
if nm -D --defined-only "$libdir/libyunhe.so" | c++filt | grep -E ' yunhe::[A-Za-z_]+::?' | grep -v 'yunhe::api::' | head -3 | grep -q .; then
  echo "FAIL: libyunhe.so exports engine symbols:"; nm -D --defined-only "$libdir/libyunhe.so" | c++filt | grep ' yunhe::' | grep -v 'yunhe::api::' | head
  exit 1
fi

g++ -std=c++17 -Wall -Wextra -o "$work/quickstart" "$src/examples/embedding/quickstart.cpp" $(pkg-config --cflags --libs yunhe) -Wl,-rpath,"$libdir"
gcc -std=c99 -Wall -Wextra -o "$work/quickstart_c" "$src/examples/embedding/quickstart.c" $(pkg-config --cflags --libs yunhe) -Wl,-rpath,"$libdir"

check() {  # name, actual, expected
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1"; echo "--- expected"; echo "$3"; echo "--- got"; echo "$2"; exit 1
  fi
  echo "ok: $1"
}

expected_cpp='appended 4 rows
2024-03-01 09:30:00+00 AAPL 179.625
2024-03-01 09:32:00+00 AAPL 179.7
2024-03-01 09:33:00+00 AAPL 179.8
SELECT 3
from 2024-03-01 00:00:00+00: 4 rows, 3 with a mid
from 2024-03-01 09:32:00+00: 2 rows, 2 with a mid
error 42703 at 8: column "nosuch" does not exist'
check "C++ example (in memory)" "$("$work/quickstart")" "$expected_cpp"
# On a data directory: the rows are there after the process ends (the table exists: the second
# run fails at CREATE TABLE, with the SQLSTATE).
"$work/quickstart" "$work/data" > /dev/null
out=$("$work/quickstart" "$work/data" 2>&1 || true)
case "$out" in
  *'relation "quotes" already exists'*) echo "ok: C++ example on a data directory (kept across processes)" ;;
  *) echo "FAIL: second run on the data directory: $out"; exit 1 ;;
esac

expected_c='ts (timestamp with time zone), lon (double precision)
2024-03-01 09:30:00+00 | 116.390
2024-03-01 09:30:01+00 | 116.391
SELECT 2
error 42P01: relation "nosuch" does not exist'
check "C example" "$("$work/quickstart_c")" "$expected_c"

# The Python package from the install prefix, with Debian's python3.
pydir=$(dirname "$(find "$prefix" -name _yunhe*.so | head -1)")/..
out=$(cd "$work" && PYTHONPATH=$pydir /usr/bin/python3 -c 'import yunhe; print(yunhe.connect().execute("SELECT 40 + 2").fetchone()[0])')
check "Python package from the install prefix" "$out" "42"
echo "embedding: all checks passed"
