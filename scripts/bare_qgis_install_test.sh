#!/usr/bin/env bash
# The acceptance test of issue 12: the plugin zip in a QGIS with nothing of ours.
#
# In a Debian 13 chroot with Debian's bare QGIS (qgis + python3-qgis, no pip, no geopandas;
# scripts/qgis_env.sh's "trixie-bare"), install the zip as the Plugin Manager does, let the
# plugin install its dependencies unattended from the package index, apply the one fix it prints
# for what it must not install itself (GDAL/GEOS-linked packages: `apt install ...`), then run
# isochrones, coverage and a map export with qgis_process. The same zip and inputs run on the
# host's QGIS (the dev venv) and the numbers must be equal.
#
# Usage: scripts/bare_qgis_install_test.sh        (root; `make test-bare-install`)
#   QGIS_ENV=path/to/qgis_env.sh   the chroot tool (default scripts/qgis_env.sh)
# The cached env stays bare: the run happens on an overlay of it, thrown away at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
QGIS_ENV=${QGIS_ENV:-$REPO/scripts/qgis_env.sh}
[ -x "$QGIS_ENV" ] || { echo "bare_install: $QGIS_ENV missing (it comes with the qtversions branch)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bare_install: needs root (chroot)" >&2; exit 1; }
OUT=$REPO/out/bare-install
rm -rf "$OUT" && mkdir -p "$OUT"
say() { echo "bare_install: $*" >&2; }

bash scripts/setup.sh
source scripts/env.sh
zip=$(bash scripts/package.sh "$OUT/dist" | tail -1)
say "zip: $zip"
"$REPO/.venv/bin/python" scripts/bare_install/make_inputs.py "$CAPACITYMETRO_DATA" "$OUT/inputs"

# --- the host: the same zip in a throwaway profile, QGIS with the dev venv's packages -----------
say "host run (QGIS $(/usr/bin/qgis_process.bin --version 2>/dev/null | sed -n 's/^QGIS //p'))"
host_home=$(mktemp -d)
overlay=""
cleanup() {
  rm -rf "$host_home"
  if [ -n "$overlay" ]; then
    umount "$overlay/merged" 2>/dev/null || true
    rm -rf --one-file-system "$overlay"
  fi
}
trap cleanup EXIT
site=$("$REPO/.venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
HOME=$host_home PYTHONPATH=$site BARE=0 bash scripts/bare_install/inside.sh "$zip" "$OUT/inputs" "$OUT/host"

# --- the chroot: bare QGIS, on an overlay so the cached env stays bare ------------------------
env_dir=$("$QGIS_ENV" build trixie-bare | tail -1)
overlay=$(mktemp -d /var/tmp/bare-install-overlay.XXXXXX)
mkdir -p "$overlay/upper" "$overlay/work" "$overlay/envs"
merged="$overlay/envs/$(basename "$env_dir")"
mkdir -p "$merged"
mount -t overlay overlay -o "lowerdir=$env_dir,upperdir=$overlay/upper,workdir=$overlay/work" "$merged"
ln -s "$merged" "$overlay/merged"
say "chroot run (bare trixie QGIS, overlay of $env_dir)"
CAPACITYMETRO_ENVS=$overlay/envs REPO=$REPO "$QGIS_ENV" run trixie-bare -- \
  env BARE=1 bash /repo/scripts/bare_install/inside.sh "/repo/${zip#"$REPO"/}" /repo/out/bare-install/inputs \
  /repo/out/bare-install/chroot
umount "$merged"

# --- the numbers must be equal ------------------------------------------------------------------
"$REPO/.venv/bin/python" - "$OUT/host/numbers.json" "$OUT/chroot/numbers.json" <<'PY'
import json, math, sys

host, chroot = (json.load(open(p)) for p in sys.argv[1:3])


def same(a, b, path="numbers"):
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{path}: fields differ {sorted(a.keys() ^ b.keys())}"
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: {len(a)} vs {len(b)} rows"
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), f"{path}: host {a} vs chroot {b}"
    else:
        assert a == b, f"{path}: host {a!r} vs chroot {b!r}"


host.pop("map_bytes"); chroot_bytes = chroot.pop("map_bytes")  # PNG encoders differ
same(host, chroot)
assert chroot_bytes > 20_000, "the chroot's map is (nearly) empty"
iso = {(r["service_id"], r["threshold_min"]): r["area_km2"] for r in host["isochrones"]}
print("bare_install: host == chroot:", len(host["isochrones"]), "isochrones,",
      len(host["coverage"]), "zones,", host["gaps"], "gap areas, map pages", host["map_pages"])
for r in host["coverage"]:
    print(f"  {r['com_istat_code']}: foreign within 10 min {r['foreign_within_10']:.3f}, "
          f"served {r['foreign_served_pct']:.3f} %")
PY
say "OK"
