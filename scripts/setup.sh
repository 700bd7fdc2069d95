#!/usr/bin/env bash
# Install everything the toolkit needs on Debian 12, 13 or testing: QGIS and the GDAL/PROJ/numpy
# stack from Debian, then a venv (with Debian's site-packages visible) holding the pinned pip
# packages. Idempotent: a second run only checks. Called by `make setup` (and so by `make test`/
# `make demo`); scripts/qgis_env.sh runs it inside Debian 13 / testing chroots.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

# The Debian package list of this release: scripts/debian-packages.txt is Debian 12's,
# scripts/debian-packages-N.txt Debian N's (testing reports "forky/sid": its number comes from
# the codename; an unknown newer release takes the newest list).
debian_major() {
  local v codename
  v=$(cut -d. -f1 /etc/debian_version 2>/dev/null || true)
  if [[ $v =~ ^[0-9]+$ ]]; then echo "$v"; return; fi
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  case $codename in
    bookworm) echo 12 ;; trixie) echo 13 ;; forky) echo 14 ;; duke) echo 15 ;;
    *) echo 99 ;;
  esac
}
major=$(debian_major)
pkglist=scripts/debian-packages.txt
if [ "$major" -gt 12 ]; then
  pkglist=$(ls scripts/debian-packages-[0-9]*.txt | sort -V | awk -v m="$major" '
    { n = $0; sub(/.*-/, "", n); sub(/\.txt$/, "", n); if (n + 0 <= m) best = $0 } END { print best }')
fi
[ -f "$pkglist" ] || { echo "setup: no Debian package list for Debian $major" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
# "postgresql-*-postgis-3" in a list: the PostGIS of the release's default PostgreSQL (17 on
# Debian 13, newer on testing), read from the dependency of the "postgresql" metapackage.
pg_major() {
  local v
  v=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1)
  if [ -z "$v" ]; then   # no package lists yet (a fresh system): fetch them once
    $SUDO apt-get update -qq >&2
    v=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1)
  fi
  [ -n "$v" ] || { echo "setup: cannot tell which PostgreSQL this Debian ships (apt-cache depends postgresql)" >&2; exit 1; }
  echo "$v"
}
packages=()
while read -r pkg; do
  [ -z "$pkg" ] && continue
  [[ $pkg == *'*'* ]] && pkg=${pkg/\*/$(pg_major)}
  packages+=("$pkg")
done < "$pkglist"

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian $major packages ($pkglist): ${missing[*]}"
  if [ -n "$SUDO" ]; then
    command -v sudo >/dev/null || { echo "setup: run as root or install: ${missing[*]}" >&2; exit 1; }
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# axe-core for the accessibility tests of the bussola (tests/browser): from the npm registry at
# the version and integrity hash of tests/browser/package-lock.json, into a cache folder outside
# the repository (never into the published site). npm comes from Debian when absent, as chromium.
install_axe() {
  local dir=${CAPACITYMETRO_AXE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/capacitymetro/axe-core}
  if [ -f "$dir/node_modules/axe-core/axe.min.js" ] \
    && cmp -s tests/browser/package-lock.json "$dir/package-lock.json"; then
    return
  fi
  if ! command -v npm >/dev/null; then
    echo "setup: installing Debian's npm (for axe-core, the accessibility checker of tests/browser)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
  fi
  mkdir -p "$dir"
  cp tests/browser/package.json tests/browser/package-lock.json "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "setup: axe-core $(cd "$dir" && node -p 'require("axe-core/package.json").version') in $dir"
}
install_axe

stamp="$VENV/.capacitymetro-installed"
want=$(cat requirements.txt scripts/setup.sh pyproject.toml "$pkglist" | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

[ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV"
site=$("$VENV/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
# A Debian build without its version (testing's python3-shapely 2.2.0-1+b1 says "0+unknown")
# makes pip refuse everything needing shapely>=2. Give pip the Debian package's version in a
# metadata-only dist-info in the venv, found before Debian's; the module stays Debian's.
/usr/bin/python3 - "$site" <<'PY'
import importlib.metadata as md, pathlib, re, subprocess, sys
site = pathlib.Path(sys.argv[1])
for dist in md.distributions():
    if not dist.version.startswith("0+unknown") or site in pathlib.Path(str(dist._path)).parents:
        continue
    name = dist.metadata["Name"]
    deb = subprocess.run(["dpkg-query", "-W", "-f=${Version}", f"python3-{name.lower()}"],
                         capture_output=True, text=True).stdout
    version = re.sub(r"^[0-9]+:", "", deb).split("-")[0].split("+")[0]
    if not re.match(r"^[0-9][0-9.]*$", version):
        continue
    shim = site / f"{name}-{version}.dist-info"
    shim.mkdir(exist_ok=True)
    requires = "".join(f"Requires-Dist: {r}\n" for r in dist.requires or [])
    (shim / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires}")
    (shim / "INSTALLER").write_text("capacitymetro-setup (Debian's version of a 0+unknown build)\n")
    print(f"setup: {name} {dist.version} (Debian python3-{name.lower()} {deb}) seen by pip as {version}")
PY
# Pin pip's view of the Debian-built libraries so no wheel replaces them (one GDAL/PROJ/numpy
# per process).
# A requirement the release's list takes from Debian (python3-geopandas on Debian 13, ...) is
# not pip-installed: Debian's build, compiled against Debian's GDAL/numpy, is kept and pinned.
from_debian=()
: > "$VENV/requirements-pip.txt"
while IFS= read -r line; do
  name=${line%%[=<>;! ]*}
  if [ -n "$name" ] && [[ $name != \#* ]] && printf '%s\n' "${packages[@]}" | grep -qix "python3-$name"; then
    from_debian+=("$name")
  else
    printf '%s\n' "$line" >> "$VENV/requirements-pip.txt"
  fi
done < requirements.txt
# (the venv's Python: it sees the version shims above; pip never installs these names)
"$VENV/bin/python" - "${from_debian[@]}" > "$VENV/constraints.txt" <<'PY'
import importlib.metadata as md
import sys
for dist in ["numpy", "pandas", "scipy", "networkx", "pyproj", "rasterio", "fiona", "GDAL",
             "matplotlib", "PyYAML", "affine", "attrs", *sys.argv[1:]]:
    try:
        print(f"{dist}=={md.version(dist)}")
    except md.PackageNotFoundError:
        pass
PY
# (grep drops pip's warnings about index folders absent on this machine; pip's status is kept)
quiet() { { grep -v "is neither a file nor a directory" || true; }; }
pip_reqs=(-r "$VENV/requirements-pip.txt" -c "$VENV/constraints.txt")
if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${pip_reqs[@]}" 2>&1 | quiet; then
  # -q hides why pip could not resolve ("The conflict is caused by ..."): ask again, verbosely
  echo "setup: pip install failed; its reasons:" >&2
  "$VENV/bin/python" -m pip install --disable-pip-version-check "${pip_reqs[@]}" 2>&1 | quiet \
    | grep -v "^Requirement already satisfied" >&2 || true
  exit 1
fi
# The toolkit itself, editable: gives the `capacitymetro` command and `python -m capacitymetro_plugin`.
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1 | quiet
# QGIS's own Python plugins (Processing) are not on sys.path by default.
echo "/usr/share/qgis/python/plugins" > "$site/qgis_plugins.pth"
"$VENV/bin/python" -c "import qgis.core, processing, geopandas, osmnx, networkx, scipy, rasterio; print('setup: QGIS', qgis.core.Qgis.QGIS_VERSION, '| geopandas', geopandas.__version__, '| osmnx', osmnx.__version__)"
echo "$want" > "$stamp"
