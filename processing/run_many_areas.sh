#!/usr/bin/env bash
# Run the CapaCityMetro Processing model (capacitymetro_pipeline.model3) for several areas with
# qgis_process: build the registry, estimate foreign residents per comune, then run the model
# (network -> isochrones -> coverage and gaps -> PDF map) for each area.
#
# Usage: processing/run_many_areas.sh [--data DIR] [--out DIR] [AREA ...]
#   AREA: trento, venezia (areas with an OpenStreetMap extract in the data folder); default both.
#   --data  data folder (default $CAPACITYMETRO_DATA, else ../shared/data beside the repository)
#   --out   output folder (default out/many_areas); one subfolder per area.
# Environment: QGIS_PROCESS (default qgis_process; on Debian 12 use /usr/bin/qgis_process.bin),
# with the CapaCityMetro plugin installed and enabled (qgis_process plugins enable capacitymetro_plugin).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
MODEL="$HERE/capacitymetro_pipeline.model3"
QGIS_PROCESS="${QGIS_PROCESS:-qgis_process}"
DATA="${CAPACITYMETRO_DATA:-$REPO/../shared/data}"
OUT="out/many_areas"
AREAS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) AREAS+=("$1"); shift ;;
  esac
done
[ ${#AREAS[@]} -eq 0 ] && AREAS=(trento venezia)
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

area_settings() {  # sets NAME COMUNE PROVINCE OSM
  case "$1" in
    trento) NAME="Comune di Trento"; COMUNE=022205; PROVINCE=022
            OSM=osm_trento_2023-02_tnst.osm.pbf ;;
    venezia) NAME="Comune di Venezia"; COMUNE=027042; PROVINCE=027
             OSM=osm_venezia_centro_storico_2009_synthinel.osm.pbf ;;
    *) echo "run_many_areas.sh: unknown area '$1' (known: trento, venezia)" >&2; return 1 ;;
  esac
}

for area in "${AREAS[@]}"; do
  area_settings "$area"
  for f in "$OSM" servizi_migranti_da_pagine_web.csv istat_stranieri_eta_sesso_province_2022.csv; do
    if [ ! -f "$DATA/$f" ]; then
      echo "run_many_areas.sh: $DATA/$f not found: pass --data DIR (see shared/data/README.md)" >&2
      exit 2
    fi
  done
  dir="$OUT/$area"
  mkdir -p "$dir"
  echo "== $area: registry"
  "$QGIS_PROCESS" run capacitymetro:build_sample_registry -- \
    "DATA_DIR=$DATA" "REGISTRY=$dir/registry.gpkg"
  echo "== $area: residents and foreign residents per comune"
  "$QGIS_PROCESS" run capacitymetro:foreignresidentsestimate -- \
    "PROVINCES=$PROVINCE" "STRASA=$DATA/istat_stranieri_eta_sesso_province_2022.csv" \
    "OUTPUT=$dir/comuni.gpkg"
  echo "== $area: model (network, isochrones, coverage, map)"
  "$QGIS_PROCESS" run "$MODEL" -- \
    "osm_extract=$DATA/$OSM" \
    "services=$dir/registry.gpkg|layername=services|subset=\"comune_istat\" = '$COMUNE' AND \"geom\" IS NOT NULL" \
    "zones=$dir/comuni.gpkg|layername=comuni|subset=\"com_istat_code\" = '$COMUNE'" \
    zone_id_field=com_istat_code residents_field=pop_total foreign_field=foreign \
    thresholds=5,10,15,20,30 standard=15 \
    "title=Services for migrants: walking access — $NAME" \
    "isochrones:Isochrones=$dir/isochrones.gpkg" \
    "coverage:Coverage per zone=$dir/coverage.gpkg" \
    "coverage:Gap areas=$dir/gaps.gpkg" \
    "coverage_map:Coverage map (PDF)=$dir/map.pdf"
  echo "== $area: done -> $dir"
done
