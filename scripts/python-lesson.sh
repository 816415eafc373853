#!/usr/bin/env bash
# The lesson's table: python/examples/lesson_dot.py under plain `mpiexec -n P` for
# P = 1..8 (oversubscribed on small machines), and a Markdown table of the bits of each way
# for each P (results/python/lesson.md): NumPy + comm.allreduce changes with P, pdot's
# exact does not.
#
#   scripts/python-lesson.sh [n]     (default n = 1e6)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-env.sh

n=${1:-1e6}
out=results/python
mkdir -p "$out"
: >"$out/lesson.txt"
for p in 1 2 3 4 5 6 7 8; do
    timeout 300 mpiexec -n "$p" "$py" python/examples/lesson_dot.py "$n" >>"$out/lesson.txt"
done
"$py" - "$out/lesson.txt" "$n" >"$out/lesson.md" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if line.startswith("P ")]
n = sys.argv[2]
for case in ("lesson", "ill-conditioned"):
    ways = ["numpy+allreduce", "pdot-fast", "pdot-exact"]
    print(f"\n{case} (n = {n}): value, and its bits in hex\n")
    print("| P | " + " | ".join(ways) + " |")
    print("|---|" + "---|" * len(ways))
    for p in sorted({int(r[1]) for r in rows}):
        cells = []
        for w in ways:
            (r,) = [r for r in rows if int(r[1]) == p and r[2] == case and r[3] == w]
            cells.append(f"{r[4]} `{r[5]}`")
        print(f"| {p} | " + " | ".join(cells) + " |")
    for w in ways:
        distinct = {r[5] for r in rows if r[2] == case and r[3] == w}
        print(f"\n{w}: {len(distinct)} distinct result(s) over P = 1..8", end="")
    print()
PY
cat "$out/lesson.md"
