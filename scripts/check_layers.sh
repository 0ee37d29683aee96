#!/usr/bin/env bash
# Layering check: every `#include "<folder>/..."` in src/<component>/ must name the component
# itself or a folder its README allows on its "May use:" line (folder names, up to "Must never
# use" / "Used by" / "Nothing else"). Also: every component has such a line, and no SQLSTATE is
# written as a raw string (SqlState:: constants in common/status.h). Exits non-zero on a
# violation, listing each one. Usage: check_layers.sh [SRC_DIR]
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/.." && pwd)/src}
python3 - "$src" <<'PY'
import os, re, sys
src = sys.argv[1]
components = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
allowed, problems = {}, []
for comp in components:
    readme = os.path.join(src, comp, "README.md")
    if not os.path.exists(readme):
        problems.append(f"src/{comp}: no README.md"); continue
    text = " ".join(open(readme).read().split())
    m = re.search(r"May use:(.*?)(Must never use|Used by|Nothing else|$)", text)
    if not m:
        problems.append(f"src/{comp}/README.md: no 'May use:' line"); continue
    words = set(re.findall(r"[a-z_]+", m.group(1)))
    allowed[comp] = {c for c in components if c in words} | {comp}
include = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')
raw_state = re.compile(r'Error\("[0-9A-Z]{5}"')
checked = 0
for comp in components:
    for root, _, files in os.walk(os.path.join(src, comp)):
        for f in sorted(files):
            if not f.endswith((".h", ".cpp")): continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, os.path.dirname(src))
            for n, line in enumerate(open(path, errors="replace"), 1):
                m = include.match(line)
                if m and m.group(1) in components and m.group(1) not in allowed.get(comp, {comp}):
                    problems.append(f"{rel}:{n}: {comp} includes {m.group(1)}/ (src/{comp}/README.md allows: "
                                    f"{', '.join(sorted(allowed.get(comp, set()) - {comp})) or 'nothing'})")
                if raw_state.search(line):
                    problems.append(f"{rel}:{n}: raw SQLSTATE string; use a SqlState:: constant")
            checked += 1
for p in problems: print(p)
print(f"check_layers: {len(components)} components, {checked} files, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
