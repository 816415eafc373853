#!/usr/bin/env bash
# pdot for Python (python/): creates or updates a virtual environment, builds and installs
# the package, runs the single-core tests (pytest + hypothesis), then
# the MPI driver under plain `mpiexec -n P` for P = 1..4 (under `timeout`), checking that
# the Exact digests are the same for every P.
#
#   scripts/python-tests.sh            (PDOT_PY_VENV: the venv, default target/python-venv)
#
# The venv and the build: scripts/python-env.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python-env.sh

# 3. Single core (from target/, so that `import pdot` is the installed package).
(cd target && "$root/$py" -m pytest -q -p no:cacheprovider "$root/python/tests/test_single.py")

# 4. Under mpiexec, P = 1..4: every check passes, and the Exact digest is the same for all P.
out=results/python
mkdir -p "$out"
fail=0
for p in 1 2 3 4; do
    log=$out/mpi-$p.log
    if ! timeout 300 mpiexec -n "$p" "$py" python/tests/mpi_driver.py >"$log" 2>&1; then
        echo "python-tests: FAIL: mpi_driver.py at P = $p (see $log)" >&2
        grep -E '^FAIL|Error' "$log" | head -20 >&2 || true
        fail=1
    fi
    grep '^exact-digest ' "$log" >>"$out/digests" || true
    echo "python-tests: P = $p: $(grep -c '^ok ' "$log") checks passed"
done
if [[ $(sort -u "$out/digests" | wc -l) -ne 1 ]]; then
    echo "python-tests: FAIL: Exact digests differ across P:" >&2
    cat "$out/digests" >&2
    fail=1
fi
rm -f "$out/digests"
[[ $fail -eq 0 ]] && echo "python-tests: all passed"
exit $fail
