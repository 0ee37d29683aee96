#!/usr/bin/env bash
# Compiles every source file that uses the lock annotations (common/thread_safety.h) with clang's
# -Wthread-safety and fails on any warning: a Database member marked GUARDED_BY/REQUIRES used
# without its lock is a build failure, not a comment. GCC (the normal build) ignores the
# annotations, so this is the check. Flags come from the build's compile_commands.json.
# Usage: check_thread_safety.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: check_thread_safety.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
clang=$(command -v clang++ || command -v clang++-14 || true)
[ -n "$clang" ] || { echo "check_thread_safety: clang++ not found (scripts/deps.txt installs it)"; exit 1; }
# The folders whose code holds or needs the database's lock (the engine and its front ends).
mapfile -t files < <(cd "$root" && find src/engine src/server src/cli src/ingest -name '*.cpp' | sort)
python3 - "$build/compile_commands.json" "$root" "$clang" "${files[@]}" <<'PY'
import json, shlex, subprocess, sys, os
from concurrent.futures import ThreadPoolExecutor
db, root, clang, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cmds = {os.path.realpath(e["file"]): e for e in json.load(open(db))}
def flags(entry):
    out, args = [], shlex.split(entry["command"])
    for i, a in enumerate(args):
        if a.startswith(("-I", "-D", "-std=")): out.append(a.replace("gnu++", "c++"))
        elif a == "-isystem": out += [a, args[i + 1]]
    return out
def check(f):
    e = cmds.get(os.path.realpath(os.path.join(root, f)))
    if not e: return f, 0, ""
    # Only the lock analysis is wanted here (gcc's -Wall -Wextra build covers the rest).
    p = subprocess.run([clang, "-fsyntax-only", "-Wno-everything", "-Wthread-safety", "-Werror=thread-safety", "-ferror-limit=0",
                        *flags(e), os.path.join(root, f)],
                       capture_output=True, text=True, cwd=e["directory"])
    return f, p.returncode, p.stderr
failed = 0
with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    for f, rc, err in pool.map(check, files):
        if rc != 0:
            failed += 1
            sys.stdout.write(err)
print(f"check_thread_safety: {len(files)} files, {failed} with lock errors")
sys.exit(1 if failed else 0)
PY
