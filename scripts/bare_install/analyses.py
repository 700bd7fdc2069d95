"""Run isochrones, coverage and a map export through qgis_process; print their numbers as JSON.

Runs with the system Python (only the standard library and GDAL's osgeo.ogr, which every QGIS
has), on the host and in the bare chroot alike.
Usage: python3 analyses.py QGIS_PROCESS INPUTS OUT_DIR
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from osgeo import ogr

ogr.UseExceptions()


def run(qgis_process: str, algorithm: str, **params) -> dict:
    args = [qgis_process, "--json", "run", f"capacitymetro:{algorithm}", "--"]
    args += [f"{k}={v}" for k, v in params.items()]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{algorithm} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout[result.stdout.index("{") :])["results"]


def features(path: str) -> list[dict]:
    ds = ogr.Open(path.split("|")[0])
    layer = ds.GetLayer(0)
    out = []
    for f in layer:
        row = {k: f.GetField(k) for k in f.keys()}
        g = f.GetGeometryRef()
        if g is not None:
            row["_area"] = round(g.GetArea(), 1)
        out.append(row)
    return out


def main(qgis_process: str, inputs: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    services = f"{inputs / 'services.gpkg'}|layername=services"
    net = run(
        qgis_process,
        "preparenetwork",
        STREETS=f"{inputs / 'streets.gpkg'}|layername=streets",
        MODE=0,
        OUTPUT=out / "walk.npz",
    )
    iso = run(
        qgis_process,
        "serviceisochrones",
        NETWORK=net["OUTPUT"],
        SERVICES=services,
        ID_FIELD="service_id",
        THRESHOLDS="5,10",
        PER_SERVICE="true",
        OUTPUT=out / "isochrones.gpkg",
    )
    cov = run(
        qgis_process,
        "coveragepercomune",
        NETWORK=net["OUTPUT"],
        STREETS=f"{inputs / 'streets.gpkg'}|layername=streets",
        POPULATION=f"{inputs / 'zones.gpkg'}|layername=zones",
        POP_FIELD="pop",
        FOREIGN_FIELD="foreign",
        CELL_SIZE=100,
        SERVICES=services,
        AREAS=f"{inputs / 'zones.gpkg'}|layername=zones",
        AREA_FIELD="com_istat_code",
        THRESHOLDS="5,10,15",
        THRESHOLD=10,
        OUTPUT=out / "coverage.gpkg",
        GAPS=out / "gaps.gpkg",
    )
    mapped = run(
        qgis_process,
        "exportcoveragemap",
        LAYERS=f"{out / 'isochrones.gpkg'}",
        TITLE="Bari",
        AREA_NAME="Bari centro",
        DATE="2026-12-02",
        DPI=96,
        OUTPUT=out / "map.png",
    )
    numbers = {
        "nodes": net.get("NODES"),
        "isochrones": sorted(
            [{k: v for k, v in r.items() if k != "fid"} for r in features(iso["OUTPUT"])],
            key=lambda r: json.dumps(r, sort_keys=True),
        ),
        "coverage": sorted(
            [{k: v for k, v in r.items() if k != "fid"} for r in features(cov["OUTPUT"])],
            key=lambda r: str(r.get("com_istat_code")),
        ),
        "gaps": len(features(cov["GAPS"])),
        "map_pages": mapped.get("PAGES"),
        "map_bytes": Path(mapped["OUTPUT"]).stat().st_size,
    }
    (out / "numbers.json").write_text(json.dumps(numbers, indent=1, sort_keys=True))
    print(json.dumps({k: numbers[k] for k in ("nodes", "gaps", "map_pages")}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
