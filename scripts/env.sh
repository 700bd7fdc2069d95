# Environment for running real QGIS headless; sourced by the Makefile recipes.
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/capacitymetro-runtime-$(id -u)}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
[ -d /usr/share/proj ] && export PROJ_DATA=${PROJ_DATA:-/usr/share/proj}
# Real open data beside the repository (../shared/data) unless the user points elsewhere.
if [ -z "${CAPACITYMETRO_DATA:-}" ] && [ -d "$(pwd)/../shared/data" ]; then
  export CAPACITYMETRO_DATA="$(cd "$(pwd)/../shared/data" && pwd)"
fi
