#!/usr/bin/env bash
# Install everything the toolkit needs on Debian 12: QGIS 3.22 and the GDAL/PROJ/numpy stack
# from Debian, then a venv (with Debian's site-packages visible) holding the pinned pip packages.
# Idempotent: a second run only checks. Called by `make setup` (and so by `make test`/`make demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

missing=()
while read -r pkg; do
  [ -z "$pkg" ] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < scripts/debian-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null || { echo "setup: run as root or install: ${missing[*]}" >&2; exit 1; }
  else
    SUDO=
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp="$VENV/.capacitymetro-installed"
want=$(cat requirements.txt scripts/setup.sh pyproject.toml | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

[ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV"
# Pin pip's view of the Debian-built libraries so no wheel replaces them (one GDAL/PROJ/numpy
# per process).
/usr/bin/python3 - > "$VENV/constraints.txt" <<'PY'
import importlib.metadata as md
for dist in ["numpy", "pandas", "scipy", "networkx", "pyproj", "rasterio", "fiona", "GDAL",
             "matplotlib", "PyYAML", "affine", "attrs"]:
    try:
        print(f"{dist}=={md.version(dist)}")
    except md.PackageNotFoundError:
        pass
PY
# (grep drops pip's warnings about index folders absent on this machine; pip's status is kept)
quiet() { { grep -v "is neither a file nor a directory" || true; }; }
"$VENV/bin/python" -m pip install -q --disable-pip-version-check \
  -r requirements.txt -c "$VENV/constraints.txt" 2>&1 | quiet
# The toolkit itself, editable: gives the `capacitymetro` command and `python -m capacitymetro_plugin`.
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1 | quiet
site=$("$VENV/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
# QGIS's own Python plugins (Processing) are not on sys.path by default.
echo "/usr/share/qgis/python/plugins" > "$site/qgis_plugins.pth"
"$VENV/bin/python" -c "import qgis.core, processing, geopandas, osmnx, networkx, scipy, rasterio; print('setup: QGIS', qgis.core.Qgis.QGIS_VERSION, '| geopandas', geopandas.__version__, '| osmnx', osmnx.__version__)"
echo "$want" > "$stamp"
