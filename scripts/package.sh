#!/usr/bin/env bash
# Build the zip that QGIS's Plugin Manager installs ("Install from ZIP").
# Usage: scripts/package.sh [OUTPUT_DIR]   (default: dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist}")
mkdir -p "$out"
version=$(sed -n 's/^version=//p' capacitymetro_plugin/metadata.txt)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# -L: copy the styles/ link as real files
cp -RL capacitymetro_plugin "$stage/capacitymetro_plugin"
find "$stage" -name __pycache__ -type d -prune -exec rm -rf {} +
find "$stage" -name '*.pyc' -delete
# Translations are tracked as .ts and compiled here.
if ls capacitymetro_plugin/i18n/*.ts >/dev/null 2>&1; then
  lrelease=$(command -v lrelease || echo /usr/lib/qt5/bin/lrelease)
  for ts in "$stage"/capacitymetro_plugin/i18n/*.ts; do
    "$lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
  done
fi
cp LICENSE "$stage/capacitymetro_plugin/LICENSE" 2>/dev/null || true
zip_path="$out/capacitymetro_plugin-$version.zip"
rm -f "$zip_path"
(cd "$stage" && zip -qr "$zip_path" capacitymetro_plugin)
echo "$zip_path"
