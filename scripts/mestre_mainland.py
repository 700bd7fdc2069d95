"""Write the mainland zone of the comune of Venezia (Mestre, Marghera, ...) for config/mestre.toml.

There is no Mestre street network and no sub-comune population of the mainland in the data
folder, so the zone is derived here, honestly and reproducibly, from three files of it:

- **where**: the ISTAT 2023 polygon of comune 027042 (``istat_comuni_target_2023.gpkg``), clipped
  to 600 m around the ACTV bus and tram stops inside it (the feed
  ``gtfs_actv_automobilistico_20251117-20251223.zip``: the comune polygon also holds the lagoon,
  and the stops mark where people live and travel), minus the historic centre and the lagoon
  islands of ``venezia_isole_popolazione_2011_vpc.gpkg`` widened by 300 m (so Piazzale Roma,
  Tronchetto, the Lido and Pellestrina drop out);
- **how many**: the comune's 2023 residents (``istat_popolazione_comuni_italia_2023.csv.gz``)
  minus the islands' 2011 census population of that gpkg. An ESTIMATE: the islands missing from
  the gpkg (Murano, Burano, Mazzorbo, Torcello...) stay in it, and the two years differ.

Usage: ``python scripts/mestre_mainland.py [DATA_DIR] [OUT_FILE]`` (defaults: the data folder and
the ``mestre`` download cache, where ``[population] zones`` is then found). Never writes into the
data folder unless told to.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

ZONE_FILE = "mestre_terraferma_zone.gpkg"
COMUNE = "027042"
FEED = "gtfs_actv_automobilistico_20251117-20251223.zip"
STOP_BUFFER_M = 600.0
ISLAND_BUFFER_M = 300.0
METRIC_CRS = 32633


def mainland_zone(data: Path):
    """Return the one-row GeoDataFrame (EPSG:4326) of the mainland zone with ``pop_total``."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    comune = gpd.read_file(data / "istat_comuni_target_2023.gpkg", layer="comuni")
    comune = comune[comune["com_istat_code"] == COMUNE].to_crs(METRIC_CRS)
    with zipfile.ZipFile(data / FEED) as z, z.open("stops.txt") as f:
        stops = pd.read_csv(f, dtype={"stop_id": str})
    stops = gpd.GeoDataFrame(
        stops, geometry=gpd.points_from_xy(stops["stop_lon"], stops["stop_lat"]), crs=4326
    ).to_crs(METRIC_CRS)
    islands = pd.concat(
        [
            gpd.read_file(data / "venezia_isole_popolazione_2011_vpc.gpkg", layer=layer)
            for layer in ("isole_centro_storico", "isole_laguna")
        ]
    )
    islands = gpd.GeoDataFrame(islands, geometry="geometry", crs=4326).to_crs(METRIC_CRS)
    water_side = shapely.union_all(islands.buffer(ISLAND_BUFFER_M).values)
    area = comune.geometry.iloc[0]
    inside = stops[stops.within(area) & ~stops.within(water_side)]
    zone = area.intersection(shapely.union_all(inside.buffer(STOP_BUFFER_M).values))
    zone = zone.difference(water_side)
    pops = pd.read_csv(data / "istat_popolazione_comuni_italia_2023.csv.gz", dtype=str)
    residents = float(pops.loc[pops["com_istat_code"] == COMUNE, "pop_total"].astype(float).sum())
    islands_2011 = float(pd.to_numeric(islands["sum_pop_11"], errors="coerce").sum())
    out = gpd.GeoDataFrame(
        {
            "name": ["Venezia terraferma (Mestre, Marghera, ...)"],
            "com_istat_code": [COMUNE],
            "pop_total": [round(residents - islands_2011)],
            "comune_pop_2023": [residents],
            "islands_pop_2011": [islands_2011],
            "stops": [len(inside)],
            "is_estimate": [True],
        },
        geometry=[zone],
        crs=METRIC_CRS,
    )
    return out.to_crs(4326)


def write_zone(data: Path, out: Path) -> Path:
    """Write :func:`mainland_zone` to ``out`` (GeoPackage, layer ``zone``); return ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    mainland_zone(data).to_file(out, layer="zone", driver="GPKG")
    return out


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from capacitymetro_plugin.batch.data import cache_dir, data_dir

    data = Path(argv[0]) if argv else data_dir(None)
    if data is None or not (data / FEED).exists():
        print(
            f"mestre_mainland: the data folder with {FEED} was not found ({data}).", file=sys.stderr
        )
        return 2
    out = Path(argv[1]) if len(argv) > 1 else cache_dir("mestre") / ZONE_FILE
    zone = mainland_zone(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    zone.to_file(out, layer="zone", driver="GPKG")
    row = zone.iloc[0]
    km2 = zone.to_crs(METRIC_CRS).area.iloc[0] / 1e6
    print(
        f"mestre_mainland: {out}: {km2:.1f} km², {row['stops']} ACTV stops, "
        f"{row['pop_total']:,.0f} residents (estimate: {row['comune_pop_2023']:,.0f} in 2023 "
        f"minus {row['islands_pop_2011']:,.0f} on the islands in 2011)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
