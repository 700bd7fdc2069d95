"""Nearest-service territories: a network Voronoi of street pieces (or polygons).

Every street is given to the service that reaches it first. A street between two services is
cut where the travel times from both sides meet, so territory borders fall mid-street and not
at the nearest junction.
"""

from __future__ import annotations

import math

import numpy as np

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.network.graph import Network
from capacitymetro_plugin.core.progress import Progress, ensure
from capacitymetro_plugin.core.registry.vocabularies import split_codes

from .geometry import substrings
from .isochrones import service_ids, snap_services
from .times import check_cutoff, nearest_times

OUTPUTS = ("edges", "polygons")


def _sector_mask(services_gdf, sector: str, sector_field: str) -> np.ndarray:
    if sector_field not in services_gdf.columns:
        raise InputError(
            f"The services layer has no field {sector_field!r} to select sector {sector!r}.",
            fix="Choose the field that lists each service's sectors.",
            it=f"Il layer dei servizi non ha il campo {sector_field!r} per il settore {sector!r}.",
            fix_it="Scegli il campo che elenca i settori di ogni servizio.",
        )
    return services_gdf[sector_field].map(lambda v: sector in split_codes(v)).to_numpy(bool)


def territories(
    network: Network,
    services_gdf,
    *,
    sector: str | None = None,
    sector_field: str = "sectors",
    delay_field: str | None = None,
    cutoff_s: float | None = None,
    id_field: str | None = None,
    output: str = "edges",
    max_snap_m: float = 250.0,
    buffer_m: float = 25.0,
    progress: Progress | None = None,
):
    """Return each street piece's nearest service and travel time (a network Voronoi).

    Parameters
    ----------
    network
        The prepared network.
    services_gdf
        Service points.
    sector
        Keep only services whose ``sector_field`` (``;``-separated codes) lists this sector.
    delay_field
        Numeric field of extra minutes per service (e.g. waiting time) added to its times.
    cutoff_s
        Streets farther than this many seconds from every service get no territory.
    output
        ``"edges"`` (street pieces) or ``"polygons"``: the area within ``buffer_m`` of each
        service's pieces, split between services by nearest piece (one raster of
        ``buffer_m / 2`` cells for the whole area, so it is fast on a city).

    Returns
    -------
    geopandas.GeoDataFrame
        ``service_id``, ``time_from_s`` and ``time_to_s`` (travel time at the two ends of the
        piece; for polygons the min and max over the territory), ``length_m`` and geometry.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    progress = ensure(progress)
    if output not in OUTPUTS:
        raise InputError(
            f"Unknown output {output!r}.",
            fix="Use 'edges' or 'polygons'.",
            it=f"Uscita sconosciuta {output!r}.",
            fix_it="Usa 'edges' (tratti) o 'polygons' (poligoni).",
        )
    cutoff = check_cutoff(cutoff_s)
    if services_gdf is not None and len(services_gdf) and sector:
        keep = _sector_mask(services_gdf, sector, sector_field)
        if not keep.any():
            raise InputError(
                f"No service lists sector {sector!r} in field {sector_field!r}.",
                fix="Check the sector code (e.g. health, information) or choose no sector.",
                it=f"Nessun servizio ha il settore {sector!r} nel campo {sector_field!r}.",
                fix_it="Controlla il codice del settore (es. health) o non sceglierne nessuno.",
            )
        services_gdf = services_gdf[keep]
    ids_all = service_ids(services_gdf, id_field) if services_gdf is not None else np.array([])
    snapped = snap_services(
        network, services_gdf, max_snap_m=max_snap_m, ids=ids_all, progress=progress
    )
    on = np.flatnonzero(snapped.on_network)
    ids = ids_all[on]
    delay = None
    if delay_field:
        if delay_field not in services_gdf.columns:
            raise InputError(
                f"The services layer has no delay field {delay_field!r}.",
                fix="Choose a numeric field of minutes, or none.",
                it=f"Il layer dei servizi non ha il campo ritardo {delay_field!r}.",
                fix_it="Scegli un campo numerico in minuti, o nessuno.",
            )
        minutes = pd.to_numeric(services_gdf[delay_field], errors="coerce").to_numpy()[on]
        if np.isnan(minutes).any():
            progress.info(
                f"{int(np.isnan(minutes).sum())} services have no {delay_field}: taken as 0 min. / "
                f"Servizi senza {delay_field}: considerati 0 min."
            )
            minutes = np.nan_to_num(minutes, nan=0.0)
        delay = minutes * 60.0
    nt = nearest_times(
        network,
        snapped.node[on],
        cutoff_s=None if math.isinf(cutoff) else cutoff,
        extra_delay_s=delay,
        progress=progress.step(0.0, 0.5),
    )
    progress.report(0.5, "Territories")
    pieces = _split_segments(network, nt.time_s, nt.source, cutoff)
    segs, f0, f1, owner, t_from, t_to = pieces
    lines = substrings(network, segs, f0, f1)
    seg_len = shapely.length(network.segment_lines(segs)) if segs.size else np.array([])
    gdf = gpd.GeoDataFrame(
        {
            "service_id": ids[owner] if owner.size else np.array([], dtype=str),
            "time_from_s": t_from,
            "time_to_s": t_to,
            "length_m": (f1 - f0) * seg_len,
        },
        geometry=lines,
        crs=f"EPSG:{network.crs}",
    )
    progress.report(0.8, "Territories")
    if output == "polygons":
        shapes_by_owner = _territory_polygons(
            gdf.geometry.values, owner, ids.size, buffer_m=buffer_m, cell_m=buffer_m / 2.0
        )
        progress.check()
        stats = gdf.groupby("service_id", sort=True).agg(
            time_from_s=("time_from_s", "min"),
            time_to_s=("time_to_s", "max"),
            length_m=("length_m", "sum"),
        )
        geom_of = {str(ids[i]): g for i, g in enumerate(shapes_by_owner) if g is not None}
        stats = stats[stats.index.isin(list(geom_of))]
        gdf = gpd.GeoDataFrame(
            stats.reset_index(),
            geometry=[geom_of[sid] for sid in stats.index],
            crs=f"EPSG:{network.crs}",
        )
    progress.report(1.0, "Territories")
    return gdf


def _territory_polygons(lines, owner: np.ndarray, n_owners: int, *, buffer_m: float, cell_m: float):
    """Return one polygon per owner: the cells within ``buffer_m`` of its street pieces that
    are nearer to them than to any other service's pieces (one raster for the whole area)."""
    import rasterio
    import shapely
    from affine import Affine
    from rasterio.features import shapes
    from scipy import ndimage

    out: list = [None] * n_owners
    if len(lines) == 0:
        return out
    dense = shapely.segmentize(lines, cell_m / 2.0)
    xy, part = shapely.get_coordinates(dense, return_index=True)
    who = owner[part]
    pad = buffer_m + 2 * cell_m
    x0, y0 = xy.min(axis=0) - pad
    x1, y1 = xy.max(axis=0) + pad
    nx = int(np.ceil((x1 - x0) / cell_m))
    ny = int(np.ceil((y1 - y0) / cell_m))
    grid = np.full((ny, nx), -1, dtype=np.int32)
    grid[
        ((y1 - xy[:, 1]) / cell_m).astype(np.int64), ((xy[:, 0] - x0) / cell_m).astype(np.int64)
    ] = who
    dist, (iy, ix) = ndimage.distance_transform_edt(grid < 0, return_indices=True)
    labels = np.where(dist * cell_m <= buffer_m, grid[iy, ix], -1).astype(np.int32)
    del dist, iy, ix
    transform = Affine(cell_m, 0.0, x0, 0.0, -cell_m, y1)
    polys: list[list] = [[] for _ in range(n_owners)]
    with rasterio.Env():
        for geom, value in shapes(labels, mask=labels >= 0, transform=transform, connectivity=4):
            polys[int(value)].append(shapely.geometry.shape(geom))
    for i, p in enumerate(polys):
        if p:
            out[i] = p[0] if len(p) == 1 else shapely.multipolygons(p)
    return out


def _split_segments(network: Network, dist: np.ndarray, owner: np.ndarray, cutoff: float):
    """Cut every segment between the services reaching its two ends.

    Works on directed edges: the tail's service covers the edge from its start up to where
    the time from the head's side (if that side can enter the edge backwards, i.e. a two-way
    street) becomes smaller, or up to the cut-off.
    """
    seg = network.seg
    t = network.time_s
    d_tail = dist[network.tail]
    d_head = dist[network.head]
    # Two-way segments: the reverse edge exists; one-way: only the tail side enters.
    two_way = np.bincount(seg, minlength=network.n_segments)[seg] >= 2
    with np.errstate(invalid="ignore"):
        reach = np.where(np.isfinite(d_tail), np.minimum(t, cutoff - d_tail), -np.inf)
        meet = np.where(two_way & np.isfinite(d_head), (d_head + t - d_tail) / 2.0, np.inf)
    end = np.clip(np.minimum(reach, meet), 0.0, t)
    keep = np.isfinite(d_tail) & (end > 0) & (t > 0)
    # Each two-way segment is seen from both of its directed edges: each covers its own half.
    e = np.flatnonzero(keep)
    frac = end[e] / t[e]
    rev = network.seg_reversed[e]
    f0 = np.where(rev, 1.0 - frac, 0.0)
    f1 = np.where(rev, 1.0, frac)
    # Merge two halves of one segment when both go to the same service and touch.
    segs = seg[e]
    own = owner[network.tail[e]]
    t_from = d_tail[e]
    t_to = d_tail[e] + end[e]
    order = np.lexsort((f0, own, segs))
    segs, own, f0, f1, t_from, t_to = (a[order] for a in (segs, own, f0, f1, t_from, t_to))
    same = np.r_[
        False, (segs[1:] == segs[:-1]) & (own[1:] == own[:-1]) & (f0[1:] <= f1[:-1] + 1e-9)
    ]
    if same.any():
        prev = np.flatnonzero(same) - 1
        f1[prev] = np.maximum(f1[prev], f1[same])
        t_from[prev] = np.minimum(t_from[prev], t_from[same])
        t_to[prev] = np.maximum(t_to[prev], t_to[same])
        keep2 = ~same
        segs, own, f0, f1, t_from, t_to = (a[keep2] for a in (segs, own, f0, f1, t_from, t_to))
    return segs, f0, f1, own, t_from, t_to
