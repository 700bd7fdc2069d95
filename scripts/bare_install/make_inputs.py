"""Write the small real inputs of the bare-QGIS install test (run on the host, with the venv).

Bari's street graph clipped to 2 x 2 km around Piazza della Libertà, four real AMTAB bus stops as
service points, and four population zones over the clip (the same area as
tests/realdata/test_coverage_bari_bruteforce.py). Both the host and the chroot read these files,
so any difference in the results comes from the QGIS, GDAL and packages that computed them.
Usage: python make_inputs.py SHARED_DATA OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from capacitymetro_plugin.core import gio


def main(shared: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    centre = gpd.GeoSeries.from_xy([16.8719], [41.1253], crs=4326).to_crs(32633).iloc[0]
    x, y = centre.x, centre.y
    area = box(x - 1000, y - 1000, x + 1000, y + 1000)
    edges = gpd.read_file(shared / "bari_stradario_grafo_2026.gpkg", layer="edges").to_crs(32633)
    streets = edges[edges.intersects(area)][["geometry"]].reset_index(drop=True)
    gio.write_vector(streets, out / "streets.gpkg", layer="streets", replace_file=True)
    stops = gpd.read_file(shared / "amtab_bari_gtfs_stops_lines_2022.gpkg", layer="stops")
    stops = stops.to_crs(32633)
    stops = stops[stops.within(area.buffer(-300))].sort_values("stop_id").iloc[[0, 10, 20, 30]]
    services = gpd.GeoDataFrame(
        {"service_id": stops["stop_id"].astype(str).to_numpy()},
        geometry=stops.geometry.to_numpy(),
        crs=32633,
    )
    gio.write_vector(services, out / "services.gpkg", layer="services", replace_file=True)
    zones = gpd.GeoDataFrame(
        {
            "com_istat_code": ["SW", "SE", "NW", "NE"],
            "pop": [6000.0, 9000.0, 4000.0, 7000.0],
            "foreign": [600.0, 1500.0, 300.0, 900.0],
        },
        geometry=[
            box(x - 1000, y - 1000, x, y),
            box(x, y - 1000, x + 1000, y),
            box(x - 1000, y, x, y + 1000),
            box(x, y, x + 1000, y + 1000),
        ],
        crs=32633,
    )
    gio.write_vector(zones, out / "zones.gpkg", layer="zones", replace_file=True)
    print(f"inputs: {len(streets)} streets, {len(services)} services, {len(zones)} zones -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
