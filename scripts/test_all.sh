#!/usr/bin/env bash
# Every test tier: the host's own QGIS (the whole of tests/, as `make test` always ran it), then
# each Debian env of scripts/qgis_env.sh (unit + QGIS tiers on QGIS 3.40 and 3.44, the unit tier
# on Python 3.9). Prints one line per tier and, last, the sum: "N passed, N failed, ...".
# Exit status: non-zero if any tier failed (or could not run).
#   scripts/test_all.sh              host tier + envs      (make test)
#   scripts/test_all.sh --envs-only  the envs alone        (make test-versions)
# CAPACITYMETRO_TEST_ENVS="trixie forky bullseye-core bare-install" chooses the envs ("" for none: the envs
# need root), CAPACITYMETRO_HOST_TESTS the host tier's paths (default tests), VENV the host's venv.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
# bullseye-core (Python 3.9) is not a default tier yet: Debian 11's GDAL 3.2.2 and missing test
# tools there fail 23 unit tests for environment reasons (see README, "Tested QGIS versions").
ENVS=${CAPACITYMETRO_TEST_ENVS-trixie forky bare-install}
host=1
[ "${1:-}" = "--envs-only" ] && host=0

lines=()   # "label: counts"
failed=()
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT

# pytest's closing line without the "=" and the time: "306 passed, 5 failed, 4 skipped"
closing() {
  grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' "$1" | tail -1 \
    | sed -E 's/^=+ //; s/ =+$//; s/ in [0-9.]+s.*//'
}

if [ $host = 1 ]; then
  version=$(source scripts/env.sh && "$VENV/bin/python" -c \
    'import sys; from qgis.core import Qgis; print("host QGIS %s (Python %s)" % (Qgis.QGIS_VERSION.split("-")[0], sys.version.split()[0]))' 2>/dev/null | tail -1)
  start=$(date +%s)
  # shellcheck disable=SC2086
  # --durations: the slowest tests in the log, to keep the suite inside CI's time
  (source scripts/env.sh && "$VENV/bin/python" -m pytest --durations=25 ${CAPACITYMETRO_HOST_TESTS:-tests}) 2>&1 | tee "$logdir/host.log"
  rc=${PIPESTATUS[0]}
  counts=$(closing "$logdir/host.log")
  lines+=("${version:-host}: ${counts:-no pytest summary (exit $rc)} [$(( $(date +%s) - start )) s]")
  [ "$rc" = 0 ] || failed+=(host)
fi

for suite in $ENVS; do
  start=$(date +%s)
  if [ "$suite" = bare-install ]; then
    # the plugin zip in Debian 13's bare QGIS: one acceptance test (scripts/bare_qgis_install_test.sh)
    echo "=== tier: bare-install (scripts/bare_qgis_install_test.sh) ==="
    bash scripts/bare_qgis_install_test.sh 2>&1 | tee "$logdir/$suite.log"
    rc=${PIPESTATUS[0]}
    if [ "$rc" = 0 ]; then last="QGIS 3.40 bare install (zip + installer): 1 passed"
    else last="QGIS 3.40 bare install (zip + installer): 1 failed"; fi
  else
  echo "=== tier: $suite (scripts/qgis_env.sh test $suite) ==="
  PYTEST_ARGS=${PYTEST_ARGS---durations=15} scripts/qgis_env.sh test "$suite" 2>&1 | tee "$logdir/$suite.log"
  rc=${PIPESTATUS[0]}
  last=$(grep -E '^(QGIS|Python) .*: ' "$logdir/$suite.log" | tail -1)
  fi
  lines+=("${last:-$suite: did not run (exit $rc)} [$suite, $(( $(date +%s) - start )) s incl. build]")
  [ "$rc" = 0 ] || failed+=("$suite")
done

echo
echo "=== tested versions ==="
total=$(printf '%s\n' "${lines[@]}" | sed -E 's/ \[[^]]*\]$//' | awk '
  { for (i = 1; i <= NF; i++) if ($i ~ /^(passed|failed|skipped|errors?|xfailed|xpassed)[,]?$/) {
      k = $i; sub(/,$/, "", k); if (k == "error") k = "errors"; n[k] += $(i - 1) } }
  END { printf "%d passed, %d failed, %d errors, %d skipped", n["passed"], n["failed"], n["errors"], n["skipped"]
        if (n["xfailed"]) printf ", %d xfailed", n["xfailed"]
        if (n["xpassed"]) printf ", %d xpassed", n["xpassed"] }')
printf '%s\n' "${lines[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "$total in ${#lines[@]} tiers; failing tiers: ${failed[*]}"
  exit 1
fi
echo "$total in ${#lines[@]} tiers"
