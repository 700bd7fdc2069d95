#!/usr/bin/env bash
# Build the zip that QGIS's Plugin Manager installs ("Install from ZIP") and plugins.qgis.org takes.
# Usage: scripts/package.sh [OUTPUT_DIR]   (default: dist/)
#
# The zip stands alone: one top-level folder capacitymetro_plugin/ holding the code, metadata.txt,
# icon, styles (the styles/ link copied as files), print layouts, compiled translations (.qm), the
# HSDS JSON schemas the validator reads (schemas/, with their CC BY-SA licence), README.md and the
# project's LICENSE. Nothing else: no caches, compiled Python, hidden files, .ts sources or links.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist}")
mkdir -p "$out"
version=$(sed -n 's/^version=//p' capacitymetro_plugin/metadata.txt)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/capacitymetro_plugin"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # What git would commit (tracked and new files, not ignored ones): a developer's caches, build
  # output and editor files in the working tree stay out. -L copies the styles/ link as files.
  git ls-files -z --cached --others --exclude-standard -- capacitymetro_plugin |
    while IFS= read -r -d '' file; do
      [ -e "$file" ] && cp -RL --parents "$file" "$stage"
    done
else  # an unpacked source archive: take the folder as it is and prune below
  cp -RL capacitymetro_plugin "$pkg"
fi

# Translations are tracked as .ts and compiled here; QGIS loads only the .qm.
if ls "$pkg"/i18n/*.ts >/dev/null 2>&1; then
  lrelease=$(command -v lrelease || echo /usr/lib/qt5/bin/lrelease)
  for ts in "$pkg"/i18n/*.ts; do
    "$lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
    rm "$ts"
  done
fi
[ -f LICENSE ] || { echo "package: LICENSE missing at the repository root" >&2; exit 1; }
cp LICENSE "$pkg/LICENSE"

# plugins.qgis.org refuses compiled files, caches and hidden files (see tests/unit/test_package.py)
find "$pkg" -depth \( -name __pycache__ -o -name '.*' \) -exec rm -rf {} +
find "$pkg" \( -name '*.pyc' -o -name '*.pyo' \) -delete
if links=$(find "$pkg" -type l) && [ -n "$links" ]; then
  echo "package: links left in the plugin (the zip would hold them as links): $links" >&2
  exit 1
fi

zip_path="$out/capacitymetro_plugin-$version.zip"
rm -f "$zip_path"
(cd "$stage" && zip -qrX "$zip_path" capacitymetro_plugin)
echo "$zip_path"
