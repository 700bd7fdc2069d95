"""Walking minutes for the bussola's "near me", precomputed with the engine (no server needed).

A regular lon/lat grid (cells of about :data:`CELL_M` metres) covers the published services plus
a margin; for each cell centre the engine's walking time (``coverage.service_times`` on the
area's network: snapping, network Dijkstra, walking connectors) to every placed public service is
stored in tenths of a minute (``-1`` beyond the cut-off or off the network). The browser finds the cell
of the device's (or typed) position with two divisions and ranks by those minutes.

Protected places: approximate services are timed to the centre of their public hexagon, never to
the exact point (the minutes would give the place away); hidden ones have no times at all.

:func:`walking_network` is how every door (command line, Processing, dock) turns the area's
OpenStreetMap extract into that network, so the three write the same site.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from capacitymetro_plugin.core.errors import InputError

if TYPE_CHECKING:
    from capacitymetro_plugin.core.network import Network
    from capacitymetro_plugin.core.progress import Progress

CELL_M = 200.0
MARGIN_M = 1500.0
CUTOFF_MIN = 60.0
OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm")


def walking_network(osm_file: str | os.PathLike, *, progress: Progress | None = None) -> Network:
    """Build the bussola's walking network from the area's OpenStreetMap extract.

    Parameters
    ----------
    osm_file
        An ``.osm.pbf`` (or ``.osm`` XML) extract of the area.
    progress
        Progress and cancel of the build (reading the streets is the long part).

    Returns
    -------
    Network
        The walking network, as the pipeline's network step builds it, to pass to
        :func:`~capacitymetro_plugin.core.bussola.publish` with ``osm_file``.
    """
    from capacitymetro_plugin.core.network import network_from_osm

    path = Path(osm_file)
    if not path.name.lower().endswith(OSM_SUFFIXES):
        raise InputError(
            f"{path.name} is not an OpenStreetMap extract (.osm.pbf or .osm).",
            fix="Give the area's .osm.pbf extract (e.g. from download.geofabrik.de), "
            "or leave the extract out for 'near me' by straight-line distance.",
            it=f"{path.name} non è un estratto OpenStreetMap (.osm.pbf o .osm).",
            fix_it="Indica l'estratto .osm.pbf dell'area (es. da download.geofabrik.de), "
            "oppure omettilo per 'vicino a me' in linea d'aria.",
        )
    return network_from_osm(path, mode="walk", progress=progress)


def grid_for(
    points: list[tuple[float, float]], *, cell_m: float = CELL_M, margin_m: float = MARGIN_M
):
    """Return the grid spec ``{lon0, lat0, dlon, dlat, nx, ny}`` around ``points`` (lon, lat)."""
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lat_mid = (min(lats) + max(lats)) / 2
    dlat = cell_m / 111_320.0
    dlon = cell_m / (111_320.0 * math.cos(math.radians(lat_mid)))
    mlat, mlon = margin_m / 111_320.0, margin_m / (111_320.0 * math.cos(math.radians(lat_mid)))
    lon0, lat0 = min(lons) - mlon, min(lats) - mlat
    nx = int(math.ceil((max(lons) + mlon - lon0) / dlon))
    ny = int(math.ceil((max(lats) + mlat - lat0) / dlat))
    # rounded once here, so that Python and app.js use the very same numbers
    lon0, lat0, dlon, dlat = (round(v, 7) for v in (lon0, lat0, dlon, dlat))
    return {"lon0": lon0, "lat0": lat0, "dlon": dlon, "dlat": dlat, "nx": nx, "ny": ny}


def cell_centres(grid: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return the lon, lat of every cell centre, row-major (index = j * nx + i)."""
    i = np.arange(grid["nx"])
    j = np.arange(grid["ny"])
    lon = grid["lon0"] + (i + 0.5) * grid["dlon"]
    lat = grid["lat0"] + (j + 0.5) * grid["dlat"]
    glon, glat = np.meshgrid(lon, lat)
    return glon.ravel(), glat.ravel()


def cell_of(grid: dict, lon: float, lat: float) -> int | None:
    """Return the index of the cell holding (lon, lat), None outside the grid (as app.js)."""
    i = math.floor((lon - grid["lon0"]) / grid["dlon"])
    j = math.floor((lat - grid["lat0"]) / grid["dlat"])
    if not (0 <= i < grid["nx"] and 0 <= j < grid["ny"]):
        return None
    return j * grid["nx"] + i


def placed_services(services: list[dict], *, network=None, cell_m: float = CELL_M):
    """Return ``(grid, origins, destinations)`` for the site's ``services`` (dicts with ``id``,
    ``lon``, ``lat`` as published: an approximate one at its hexagon's centre; hidden ones
    never): the grid of :func:`grid_for`, its cell centres and the placed services as WGS84
    GeoDataFrames (``id`` column). None when no service is placed. With the walking
    ``network``, only the services within its reach (:func:`_within_network`). Walking and
    transit minutes both start here, so their cells are the same."""
    import geopandas as gpd
    from shapely.geometry import Point

    placed = [s for s in services if "lon" in s and s.get("privacy") != "hidden"]
    # only the services within the network's reach: a registry of several cities published
    # with one city's streets gets that city's grid, not one across the country (the others
    # rank by straight-line distance, as without a network)
    if network is not None:
        placed = _within_network(network, placed)
    if not placed:
        return None
    grid = grid_for([(s["lon"], s["lat"]) for s in placed], cell_m=cell_m)
    lon, lat = cell_centres(grid)
    origins = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    dest = gpd.GeoDataFrame(
        {"id": [s["id"] for s in placed]},
        geometry=[Point(s["lon"], s["lat"]) for s in placed],
        crs=4326,
    )
    return grid, origins, dest


def tenths(minutes) -> list[list[int]]:
    """Minutes (inf: none) as tenths of a minute, ``-1`` for none, per service, per cell."""
    m = np.asarray(minutes, dtype=float)
    return np.where(np.isfinite(m), np.round(m * 10), -1).astype(int).tolist()


def walking_minutes(network, services: list[dict], *, cell_m: float = CELL_M) -> dict | None:
    """Return ``{"grid": ..., "ids": [...], "tenths_min": [[...per cell] per service]}`` for the
    site's ``services`` (dicts with ``id``, ``lon``, ``lat`` as published), or None if none is
    placed."""
    from capacitymetro_plugin.core.coverage import service_times

    placed = placed_services(services, network=network, cell_m=cell_m)
    if placed is None:
        return None
    grid, origins, dest = placed
    times = service_times(network, origins, dest, id_field="id", cutoff_min=CUTOFF_MIN)
    rows = tenths(times.minutes)
    reached = [any(v >= 0 for v in row) for row in rows]  # no cell reaches it: by distance
    if not any(reached):
        return None
    return {
        "grid": grid,
        "ids": [str(x) for x, keep in zip(times.service_ids, reached) if keep],
        "tenths_min": [row for row, keep in zip(rows, reached) if keep],  # -1: none
        "cutoff_min": CUTOFF_MIN,
    }


def _within_network(network, placed: list[dict], *, margin_m: float = MARGIN_M) -> list[dict]:
    """The services of ``placed`` inside the network's bounding box plus ``margin_m``."""
    from pyproj import Transformer

    if not placed or len(network.x) == 0:
        return []
    to_net = Transformer.from_crs(4326, network.crs, always_xy=True)
    x, y = to_net.transform([s["lon"] for s in placed], [s["lat"] for s in placed])
    x, y = np.asarray(x), np.asarray(y)
    inside = (
        (x >= network.x.min() - margin_m)
        & (x <= network.x.max() + margin_m)
        & (y >= network.y.min() - margin_m)
        & (y <= network.y.max() + margin_m)
    )
    return [s for s, keep in zip(placed, inside) if keep]
