#!/bin/bash
# Rewrites the function table in docs/sql.md from the registry (build/yunhe --function-reference).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
yunhe=${1:-$here/build/yunhe}
table=$("$yunhe" --function-reference)
python3 - "$here/docs/sql.md" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
s = open(path).read()
b = s.index('<!-- functions:begin -->') + len('<!-- functions:begin -->')
e = s.index('<!-- functions:end -->')
open(path, 'w').write(s[:b] + '\n' + table + '\n' + s[e:])
PY
