#!/usr/bin/env bash
# Debian chroots with other QGIS / Python versions, to run the test tiers on the QGIS our users have.
#
#   scripts/qgis_env.sh build SUITE            build (or reuse) the env, print its path
#   scripts/qgis_env.sh run SUITE -- CMD...    run CMD inside, the repo at /repo, ../shared at /shared
#   scripts/qgis_env.sh test SUITE             unit + QGIS tiers inside; last line: the counts
#   scripts/qgis_env.sh path SUITE             print the env's path if built (exit 1 if not)
#   scripts/qgis_env.sh list                   the suites and their state
#
# SUITE:
#   trixie         Debian 13: QGIS 3.40 LTR, Python 3.13, full test env (scripts/setup.sh inside)
#   forky          Debian testing: QGIS 3.44, full test env (scripts/setup.sh inside)
#   trixie-bare    Debian 13 with only QGIS as a user installs it (no pip packages, no venv)
#   bullseye-core  Debian 11: Python 3.9 + pip wheels, no QGIS; runs the unit tier only
#
# Envs live outside the repository in $CAPACITYMETRO_ENVS (default /var/cache/capacitymetro/envs),
# one folder per suite and key; the key hashes the build steps of this script and the package
# lists/requirements it installs (suite_key), so editing either builds a new env (the old one is removed once the new one is complete). A build
# happens in a temporary folder renamed at the very end: a killed build never looks finished.
# Needs root (debootstrap, chroot, mount) and the Debian archive (or DEBIAN_MIRROR).
#
# Every `run` happens in its own mount + PID namespace (unshare): the bind mounts and any server a
# test leaves running (PostgreSQL) die with the command, even on kill -9 of this script.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# SRC: this checkout, whose scripts and package lists define the envs. REPO: the checkout whose
# tests run inside (REPO=/other/checkout runs that one's tests in envs defined here).
SRC=$(cd "$HERE/.." && pwd)
REPO=$(cd "${REPO:-$SRC}" && pwd)
CACHE=${CAPACITYMETRO_ENVS:-/var/cache/capacitymetro/envs}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
STAMP=.capacitymetro-env   # written last in a complete env: "key suite date"
VENV_IN=/opt/capacitymetro-venv

die() { echo "qgis_env: $*" >&2; exit 1; }
say() { echo "qgis_env: $*" >&2; }

# --- what each suite is -------------------------------------------------------------------------
# The bare env is what a Debian user gets from `apt install qgis` (without the recommends, which
# pull GRASS and more): QGIS, its Python bindings and providers, a font so layouts show text, and
# Xvfb + xauth so xvfb-run can open the real desktop. ca-certificates is on every Debian install.
# No python3-pip / python3-venv: a default Debian desktop does not have them.
BARE_PACKAGES="qgis python3-qgis qgis-providers xvfb xauth fonts-dejavu-core ca-certificates"
# Python 3.9 from Debian 11; the libraries come from pip wheels (scripts/envs/bullseye-core.txt).
# python3-gdal: `osgeo` has no wheel on PyPI; Debian 11's is built for this very Python 3.9 (its
# GDAL 3.2 sits beside the GDALs bundled in the rasterio/fiona/pyogrio wheels, each in its own
# module scope). PostgreSQL + PostGIS + psycopg2 so the PostGIS unit tests run instead of skipping.
BULLSEYE_PACKAGES="python3 python3-venv python3-gdal python3-psycopg2 ca-certificates
  postgresql postgresql-13-postgis-3 zip"

suite_dist() {
  case $1 in
    trixie|trixie-bare) echo trixie ;;
    forky) echo forky ;;
    bullseye-core) echo bullseye ;;
    *) die "unknown suite '$1' (trixie | forky | trixie-bare | bullseye-core)" ;;
  esac
}

# apt settings per suite. Testing's Release file carries a Valid-Until date a week ahead (stable
# releases carry none); the archive reachable here can be older than that, and apt then refuses
# it ("Release file ... is expired"). For testing only, accept it.
suite_apt_conf() {
  case $1 in
    forky) echo 'Acquire::Check-Valid-Until "false";' ;;
  esac
}

# Files whose content defines the env: a change to any of them gives a new key (a rebuild).
suite_inputs() {
  case $1 in
    trixie|forky)
      echo "$SRC/scripts/setup.sh" "$SRC/requirements.txt"
      ls "$SRC"/scripts/debian-packages*.txt ;;
    bullseye-core) echo "$SRC/scripts/envs/bullseye-core.txt" ;;
  esac
}

# The key: the suite, the package lists above, the code of the build steps (declare -f, so
# editing how an env is built rebuilds it, while editing `run`/`test` does not) and the inputs.
suite_key() {
  local f
  {
    echo "$1 $MIRROR"; echo "$BARE_PACKAGES"; echo "$BULLSEYE_PACKAGES"
    [ -z "$(suite_apt_conf "$1")" ] || suite_apt_conf "$1"
    declare -f bootstrap prepare_chroot host_certs apt_in install_full install_bare install_core
    for f in $(suite_inputs "$1"); do echo "== ${f##*/}"; cat "$f"; done
  } | sha256sum | cut -c1-12
}

env_dir() { echo "$CACHE/$1-$(suite_key "$1")"; }

need_root() { [ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mount)"; }

# --- mounts ---------------------------------------------------------------------------------------
# Runs "$@" inside DIR in new mount + PID namespaces; $MOUNT_REPO=1 binds the repo and shared data.
in_chroot() {
  local dir=$1; shift
  local shared=""
  if [ "${MOUNT_REPO:-0}" = 1 ] && [ -d "$REPO/../shared" ]; then
    shared=$(cd "$REPO/../shared" && pwd -P)
  fi
  unshare --mount --pid --fork --propagation private -- bash -euo pipefail -c '
    dir=$1 repo=$2 shared=$3 mount_repo=$4; shift 4
    # private namespace: these mounts vanish with the command, whatever happens to it
    mount -t proc proc "$dir/proc"
    mount --bind /sys "$dir/sys" && mount -o remount,bind,ro "$dir/sys"
    mount --bind /dev "$dir/dev"
    mount --bind /dev/pts "$dir/dev/pts"
    mount -t tmpfs -o mode=1777 tmpfs "$dir/dev/shm"   # PostgreSQL needs POSIX shared memory
    mount -t tmpfs -o mode=1777 tmpfs "$dir/tmp"       # a clean /tmp for every run
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    if [ "$mount_repo" = 1 ]; then
      mkdir -p "$dir/repo" "$dir/shared"
      mount --bind "$repo" "$dir/repo"
      if [ -n "$shared" ]; then
        mount --bind "$shared" "$dir/shared" && mount -o remount,bind,ro "$dir/shared"
      fi
    fi
    exec chroot "$dir" "$@"
  ' in_chroot "$dir" "$REPO" "$shared" "${MOUNT_REPO:-0}" "$@"
}

# The environment a command sees inside: nothing from the host leaks in but the terminal.
chroot_env() {
  local venv_path=""
  [ -x "$1$VENV_IN/bin/python" ] && venv_path="$VENV_IN/bin:"
  echo env -i TERM="${TERM:-dumb}" LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=/tmp/home \
    PATH="${venv_path}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp/runtime-root \
    CAPACITYMETRO_DATA=/shared/data PYTHONDONTWRITEBYTECODE=1 DEBIAN_FRONTEND=noninteractive
}

# --- build ----------------------------------------------------------------------------------------
bootstrap() {
  local dist=$1 tmp=$2 log=$3
  command -v debootstrap >/dev/null || {
    say "installing debootstrap on the host"
    apt-get install -y -qq debootstrap >>"$log" 2>&1 \
      || { apt-get update -qq >>"$log" 2>&1 && apt-get install -y -qq debootstrap >>"$log" 2>&1; } \
      || die "cannot install debootstrap (see $log)"
  }
  # The host's debootstrap may predate the suite (Debian 12's knows no 'forky'): Debian's
  # recipe for every post-bookworm release is the 'sid' one.
  local recipe=/usr/share/debootstrap/scripts/sid
  [ -e "/usr/share/debootstrap/scripts/$dist" ] && recipe=/usr/share/debootstrap/scripts/$dist
  if ! debootstrap --variant=minbase "$dist" "$tmp" "$MIRROR" "$recipe" >>"$log" 2>&1; then
    if grep -q "Failed getting release file\|Release signed by unknown key\|Couldn't download" "$log"; then
      die "debootstrap failed: no network to the Debian archive $MIRROR for '$dist' (set DEBIAN_MIRROR?); see $log"
    fi
    die "debootstrap of $dist failed; last lines of $log:
$(tail -15 "$log")"
  fi
}

prepare_chroot() {
  local tmp=$1
  # No daemons start during apt-get (there is no init in here); no 'main' cluster is created
  # (the tests start their own throwaway server with scripts/start_postgis.sh).
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d" && chmod +x "$tmp/usr/sbin/policy-rc.d"
  mkdir -p "$tmp/etc/postgresql-common"
  echo "create_main_cluster = false" >"$tmp/etc/postgresql-common/createcluster.conf"
  # pip finds nothing in here without the host's CA bundle and pip.conf (../shared/ENVIRONMENT.md);
  # apt needs neither. The bundle goes where pip/requests look (certifi is not used by Debian pip).
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$tmp/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$tmp/etc/ssl/certs/ca-certificates.crt.host"
  fi
  [ -f /etc/pip.conf ] && cp /etc/pip.conf "$tmp/etc/pip.conf"
  # keep the image small: no docs or manuals (dpkg skips them from now on)
  mkdir -p "$tmp/etc/dpkg/dpkg.cfg.d"
  printf 'path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\npath-exclude=/usr/share/man/*\n' \
    >"$tmp/etc/dpkg/dpkg.cfg.d/01-capacitymetro-nodoc"
  mkdir -p "$tmp/repo" "$tmp/shared"
}

# After ca-certificates is installed its bundle is rebuilt from Debian's CAs: add the host's
# (which may hold the registries' own CA) so pip keeps working.
host_certs() {
  local tmp=$1
  [ -f "$tmp/etc/ssl/certs/ca-certificates.crt.host" ] || return 0
  cat "$tmp/etc/ssl/certs/ca-certificates.crt.host" >>"$tmp/etc/ssl/certs/ca-certificates.crt"
}

apt_in() {
  local tmp=$1 log=$2; shift 2
  # shellcheck disable=SC2046
  in_chroot "$tmp" $(chroot_env "$tmp") bash -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"' apt "$@" >>"$log" 2>&1 \
    || die "apt-get install in the chroot failed; last lines of $log:
$(tail -20 "$log")"
}

install_full() {
  local tmp=$1 log=$2
  # The env is made by the project's own scripts/setup.sh, run inside against a copy of the repo
  # (as a user on Debian 13 / testing would): Debian packages for that release, then the venv.
  # The copy is bound at /repo while setup.sh runs, so its editable install (the `capacitymetro`
  # command) points at /repo: at run time that is the checkout under test.
  local src=$tmp/opt/capacitymetro-src
  mkdir -p "$src"
  tar -C "$REPO" --exclude=./.git --exclude=./.venv --exclude=./out --exclude=./dist \
    --exclude=./build --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$src" -xf -
  # setup.sh needs ca-certificates for pip (and adds the host's CA to it)
  apt_in "$tmp" "$log" ca-certificates
  host_certs "$tmp"
  say "running scripts/setup.sh inside (Debian packages + venv)"
  # shellcheck disable=SC2046
  REPO=$src MOUNT_REPO=1 in_chroot "$tmp" $(chroot_env "$tmp") VENV="$VENV_IN" bash /repo/scripts/setup.sh \
    >>"$log" 2>&1 || die "scripts/setup.sh failed inside the $(suite_dist "$SUITE") chroot; last lines of $log:
$(tail -25 "$log")"
  grep "^setup: QGIS" "$log" | tail -1 >&2 || true
}

install_bare() {
  local tmp=$1 log=$2
  # shellcheck disable=SC2086
  apt_in "$tmp" "$log" $BARE_PACKAGES
  host_certs "$tmp"
}

install_core() {
  local tmp=$1 log=$2
  # shellcheck disable=SC2086
  apt_in "$tmp" "$log" $BULLSEYE_PACKAGES
  host_certs "$tmp"
  cp "$REPO/scripts/envs/bullseye-core.txt" "$tmp/opt/bullseye-core.txt"
  local src=$tmp/opt/capacitymetro-src
  mkdir -p "$src"
  tar -C "$REPO" --exclude=./.git --exclude=./.venv --exclude=./out --exclude=./dist \
    --exclude=./build --exclude='*.egg-info' --exclude=__pycache__ -cf - . | tar -C "$src" -xf -
  # Debian 11's pip (20.3) is too old for some wheels' metadata: upgrade pip inside the venv first.
  # --system-site-packages only for osgeo and psycopg2 (the wheels shadow Debian's numpy 1.19).
  # The toolkit editable from /repo (a copy bound there now, the checkout under test at run time)
  # for its `capacitymetro` command. --ignore-requires-python: pyproject.toml may still say 3.11
  # while the code is being made 3.9-compatible; this tier is what tells whether it is.
  # shellcheck disable=SC2046
  REPO=$src MOUNT_REPO=1 in_chroot "$tmp" $(chroot_env "$tmp") bash -euo pipefail -c "
    /usr/bin/python3 -m venv --system-site-packages $VENV_IN
    $VENV_IN/bin/python -m pip install -q --disable-pip-version-check 'pip==24.3.1' 'setuptools==75.3.0'
    $VENV_IN/bin/python -m pip install -q --disable-pip-version-check --only-binary=:all: \
      -r /opt/bullseye-core.txt
    $VENV_IN/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
      --ignore-requires-python -e /repo
    $VENV_IN/bin/python -c 'import sys, numpy, pandas, geopandas, shapely, rasterio, fiona, pyogrio, osgeo.gdal, psycopg2; print(\"core env: Python\", sys.version.split()[0], \"| numpy\", numpy.__version__, \"| geopandas\", geopandas.__version__, \"| GDAL (osgeo)\", osgeo.gdal.__version__)'
  " >>"$log" 2>&1 || die "pip install in the bullseye chroot failed; last lines of $log:
$(tail -25 "$log")"
  grep "^core env:" "$log" | tail -1 >&2 || true
}

cmd_build() {
  local suite=$1 dist key dir tmp log lock start
  dist=$(suite_dist "$suite"); need_root
  key=$(suite_key "$suite"); dir=$CACHE/$suite-$key
  mkdir -p "$CACHE"
  # one build of a suite at a time; a second caller waits and then reuses the first one's env
  exec 9>"$CACHE/.lock-$suite"
  flock 9
  if [ -f "$dir/$STAMP" ]; then
    say "reusing $suite env ($dir)"
    echo "$dir"; return 0
  fi
  start=$(date +%s)
  tmp=$CACHE/.building-$suite-$key-$$
  log=$CACHE/$suite-$key.build.log
  : >"$log"
  # a killed or failed build leaves nothing that looks like an env (and nothing mounted: the
  # mounts live in namespaces that died with their commands)
  # (CAPACITYMETRO_KEEP_FAILED=1 keeps a failed build's folder to look into)
  if [ "${CAPACITYMETRO_KEEP_FAILED:-0}" = 1 ]; then
    trap '[ -d "$tmp" ] && say "kept the failed build in $tmp"' EXIT
  else
    trap 'rm -rf --one-file-system "$tmp"' EXIT
  fi
  trap 'exit 130' INT TERM
  rm -rf --one-file-system "$CACHE"/.building-"$suite"-* 2>/dev/null || true  # killed earlier
  say "building $suite env (Debian $dist from $MIRROR) in $tmp; log: $log"
  bootstrap "$dist" "$tmp" "$log"
  say "debootstrap done in $(( $(date +%s) - start )) s"
  prepare_chroot "$tmp"
  [ -z "$(suite_apt_conf "$suite")" ] || suite_apt_conf "$suite" >"$tmp/etc/apt/apt.conf.d/99capacitymetro"
  SUITE=$suite
  # the build reads this checkout (SRC), whatever REPO the tests come from
  case $suite in
    trixie|forky) REPO=$SRC install_full "$tmp" "$log" ;;
    trixie-bare) REPO=$SRC install_bare "$tmp" "$log" ;;
    bullseye-core) REPO=$SRC install_core "$tmp" "$log" ;;
  esac
  rm -f "$tmp"/var/cache/apt/archives/*.deb   # downloaded packages: installed, not needed
  echo "$key $suite $(date -u +%FT%TZ) built in $(( $(date +%s) - start )) s" >"$tmp/$STAMP"
  mv "$tmp" "$dir"
  trap - EXIT
  # older envs of this suite (other keys) are superseded
  local old
  for old in "$CACHE/$suite"-*; do
    # only this suite's (trixie-<key>, not trixie-bare-<key>)
    [[ ${old#"$CACHE/$suite"-} =~ ^[0-9a-f]{12}(\.build\.log)?$ ]] || continue
    [ "$old" = "$dir" ] || [ "$old" = "$log" ] || rm -rf --one-file-system "$old"
  done
  say "$suite env built in $(( $(date +%s) - start )) s: $dir"
  echo "$dir"
}

cmd_path() {
  local dir; dir=$(env_dir "$1")
  [ -f "$dir/$STAMP" ] || { echo "qgis_env: $1 env is not built (scripts/qgis_env.sh build $1)" >&2; return 1; }
  echo "$dir"
}

cmd_run() {
  local suite=$1; shift
  [ "${1:-}" = "--" ] && shift
  [ $# -gt 0 ] || die "usage: scripts/qgis_env.sh run SUITE -- CMD..."
  need_root
  local dir; dir=$(cmd_build "$suite")
  # Files the command creates in the repo belong to the repo's owner, as after a host run by them.
  local owner marker rc=0
  owner=$(stat -c %u:%g "$REPO")
  marker=$(mktemp)
  # shellcheck disable=SC2046
  MOUNT_REPO=1 in_chroot "$dir" $(chroot_env "$dir") bash -c \
    'mkdir -p "$HOME" && install -d -m 700 "$XDG_RUNTIME_DIR" && cd /repo && exec "$@"' run "$@" \
    || rc=$?
  if [ "$owner" != 0:0 ]; then
    find "$REPO" -xdev -newer "$marker" -user 0 -exec chown -h "$owner" {} + 2>/dev/null || true
  fi
  rm -f "$marker"
  return $rc
}

# `test SUITE`: the tiers an env can run; prints "<versions>: N passed, N failed, ..." last.
cmd_test() {
  local suite=$1 dir version args log rc=0 counts
  dir=$(cmd_build "$suite")
  case $suite in
    trixie|forky)
      version=$(MOUNT_REPO=0 in_chroot "$dir" $(chroot_env "$dir") python -c \
        'import sys; from qgis.core import Qgis; print("QGIS %s (Python %s)" % (Qgis.QGIS_VERSION.split("-")[0], sys.version.split()[0]))' 2>/dev/null | tail -1)
      args=(tests/unit tests/qgis) ;;
    bullseye-core)
      version=$(MOUNT_REPO=0 in_chroot "$dir" $(chroot_env "$dir") python -c \
        'import sys; print("Python %s (core, no QGIS)" % sys.version.split()[0])' | tail -1)
      args=(-p no:pytest_qgis -W ignore::pytest.PytestConfigWarning tests/unit) ;;
    trixie-bare) die "trixie-bare has no test tools (a bare QGIS); use: run trixie-bare -- CMD" ;;
    *) suite_dist "$suite" >/dev/null ;;
  esac
  log=$(mktemp --suffix=.qgis_env-test.log)
  say "$version: pytest ${args[*]} (in $dir, repo $REPO)"
  # -p no:cacheprovider: .pytest_cache in the repo belongs to the host's runs
  set +e
  # shellcheck disable=SC2086
  cmd_run "$suite" -- python -m pytest -p no:cacheprovider "${args[@]}" ${PYTEST_ARGS:-} 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  # pytest's closing line, e.g. "==== 306 passed, 5 failed, 4 skipped in 312.0s ===="
  counts=$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' "$log" | tail -1 \
    | sed -E 's/^=+ //; s/ =+$//; s/ in [0-9.]+s.*//')
  rm -f "$log"
  [ -n "$counts" ] || counts="no pytest summary (exit $rc)"
  [ "$rc" = 0 ] || [[ $counts == *failed* || $counts == *error* ]] || counts="$counts, exit $rc"
  echo "$version: $counts"
  return "$rc"
}

cmd_list() {
  local s dir
  for s in trixie forky trixie-bare bullseye-core; do
    dir=$(env_dir "$s")
    if [ -f "$dir/$STAMP" ]; then echo "$s: built $(cut -d' ' -f3- "$dir/$STAMP") -> $dir"
    else echo "$s: not built (key $(suite_key "$s"))"; fi
  done
}

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

main() {
  [ $# -ge 1 ] || usage
  local sub=$1; shift
  case $sub in
    build) [ $# = 1 ] || usage; suite_dist "$1" >/dev/null; cmd_build "$1" ;;
    run) [ $# -ge 2 ] || usage; suite_dist "$1" >/dev/null; cmd_run "$@" ;;
    test) [ $# = 1 ] || usage; suite_dist "$1" >/dev/null; cmd_test "$1" ;;
    path) [ $# = 1 ] || usage; cmd_path "$1" ;;
    list) cmd_list ;;
    *) usage ;;
  esac
}
# one line, so editing this file while a build runs cannot feed the running shell new lines
main "$@"; exit
