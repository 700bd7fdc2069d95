#!/usr/bin/env bash
# Inside a QGIS machine: install the plugin zip as QGIS's Plugin Manager does, then (BARE=1) let
# the plugin install its own dependencies unattended from the package index, apply the fix it
# prints for the GDAL/GEOS-linked ones, and run the analyses with qgis_process.
# Usage: BARE=0|1 inside.sh ZIP INPUTS OUT      (called by scripts/bare_qgis_install_test.sh)
set -euo pipefail
zip=$1 inputs=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen
profile=$HOME/.local/share/QGIS/QGIS3/profiles/default
# Debian's /usr/bin/qgis_process wrapper passes a flag QGIS 3.22 rejects: call the binary
qp=/usr/bin/qgis_process.bin
py=/usr/bin/python3  # the Python QGIS embeds (not a pyenv/venv python3 first on PATH)
say() { echo "inside: $*" >&2; }
fail() { echo "inside: FAIL: $*" >&2; exit 1; }

# "Install from ZIP": unzip into the profile's python/plugins (a bare system has no unzip)
mkdir -p "$profile/python/plugins"
"$py" -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" \
  "$zip" "$profile/python/plugins"
"$qp" plugins enable capacitymetro_plugin >/dev/null 2>&1 || true   # exit 1: already enabled
"$qp" plugins 2>/dev/null | grep -q "capacitymetro_plugin" || fail "plugin not listed as installed"

if [ "${BARE:-0}" = 1 ]; then
  "$py" -c "import geopandas" 2>/dev/null && fail "this QGIS is not bare: geopandas imports"
  if "$py" -m pip --version >/dev/null 2>&1; then pip_state="has pip"; else pip_state="no pip"; fi
  say "bare QGIS: $("$qp" --version 2>/dev/null | grep -E '^(QGIS|Python)' | tr '\n' ' ')($pip_state)"
  # before: every algorithm listed, running one names what to install
  "$qp" list 2>/dev/null | grep -c "capacitymetro:" >"$out/listed_before.txt"
  if "$qp" run capacitymetro:preparenetwork -- "STREETS=$inputs/streets.gpkg|layername=streets" \
      "OUTPUT=$out/x.npz" >"$out/before.txt" 2>&1; then
    fail "an algorithm ran without its dependencies"
  fi
  grep -q "geopandas: not installed, needed >= 1.0" "$out/before.txt" \
    || fail "the failure does not name geopandas: $(cat "$out/before.txt")"
  # the unattended installer, against the package index (the machine's pip.conf)
  say "installing the dependencies unattended (CAPACITYMETRO_INSTALL_DEPS=1)"
  CAPACITYMETRO_INSTALL_DEPS=1 "$qp" list >"$out/install_list.txt" 2>"$out/install.log" || true
  grep -E "^CapaCityMetro:|^\[|^Not installed|^Kept|pip wheel|^DONE|^ERROR|^  - |^Fix" "$out/install.log" >&2 || true
  [ "$pip_state" = "has pip" ] || grep -q "QGIS's Python has no pip: using a pip wheel." "$out/install.log" \
    || fail "pip was not bootstrapped"
  grep -q "^DONE" "$out/install.log" || fail "the installer did not finish: $(tail -20 "$out/install.log")"
  # what it cannot install it explains: apply exactly that fix (Debian: apt)
  fix=$(grep -o "sudo apt install [a-z0-9 .+-]*, then restart QGIS" "$out/install.log" | head -1 \
    | sed 's/^sudo apt install //; s/, then restart QGIS$//' || true)
  if [ -n "$fix" ]; then
    say "applying the plugin's advice: apt install $fix"
    echo "$fix" >"$out/apt_fix.txt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $fix >/dev/null
  fi
  "$qp" list >"$out/listed_after.txt" 2>"$out/after.log" || true
  if grep -q "cannot work yet" "$out/after.log"; then fail "still missing: $(cat "$out/after.log")"; fi
  ls "$profile/python/capacitymetro_deps/"* >"$out/deps_folder.txt"
fi
say "running isochrones, coverage and a map export"
"$py" "$here/analyses.py" "$qp" "$inputs" "$out"
