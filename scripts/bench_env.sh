#!/usr/bin/env bash
# The benchmark's own venv: the peers of bench/transit_bench.py (requirements-bench.txt), layered
# over the toolkit's venv so that it sees the same Debian numpy/pandas/scipy and the same pip
# packages, and pinned to their versions (constraints) so that nothing of .venv is replaced.
# Usage: scripts/bench_env.sh [BENCH_VENV] (default /var/cache/capacitymetro/bench-venv).
# Prints the venv's python. The toolkit's .venv is never changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BENCH_VENV=${1:-${BENCH_VENV:-/var/cache/capacitymetro/bench-venv}}
want=$(cat requirements-bench.txt scripts/bench_env.sh "$VENV/constraints.txt" | sha256sum | cut -c1-16)
stamp="$BENCH_VENV/.capacitymetro-bench-installed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$BENCH_VENV/bin/python"
  exit 0
fi
[ -x "$BENCH_VENV/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$BENCH_VENV"
main_site=$("$VENV/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
bench_site=$("$BENCH_VENV/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
# .venv's packages (and its QGIS .pth) are seen by the bench venv, after its own
printf '%s\n' "$main_site" > "$bench_site/capacitymetro_main_venv.pth"
cons="$BENCH_VENV/constraints.txt"
{ cat "$VENV/constraints.txt"; "$VENV/bin/python" -m pip freeze --disable-pip-version-check --exclude-editable 2>/dev/null \
    | grep -E '^[A-Za-z0-9_.-]+==' ; } | sort -u > "$cons"
"$BENCH_VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements-bench.txt -c "$cons" \
  2>&1 | { grep -v "is neither a file nor a directory" || true; } >&2
echo "$want" > "$stamp"
echo "$BENCH_VENV/bin/python"
