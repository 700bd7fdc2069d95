"""Transit isochrones: door-to-door times to every street node, then polygons per threshold.

The times are those of :func:`~.costs.transit_service_times` (walk to a stop, wait, rides, one
walk between rides, walk on), with the street nodes as destinations; the polygons are drawn by
the walking isochrones' own code (:func:`capacitymetro_plugin.core.access.geometry.band_polygons`),
so a transit isochrone and a walking one differ only in the times.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capacitymetro_plugin.core import defaults
from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .gtfs import Timetable
from .raptor import (
    UNREACHED,
    WALK_SPEED_KMH,
    _check_window,
    nearest_rank_percentiles,
    range_arrivals,
)
from .street import _snap_lonlat, stops_on_network, walks


def _stops_to_nodes(network, timetable: Timetable, *, max_walk_s, max_snap_m, walk_speed_kmh):
    """Return (stop, node, seconds) of every walk from a stop to a street node within the limit."""
    from capacitymetro_plugin.core.access.times import od_matrix

    on = stops_on_network(network, timetable, max_snap_m=max_snap_m, walk_speed_kmh=walk_speed_kmh)
    stops = np.flatnonzero(~on.off_network)
    if not stops.size:
        return (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0),)
    m = od_matrix(
        network, on.node[stops], np.arange(network.n_nodes), cutoff_s=max_walk_s, sparse=True
    ).tocoo()
    secs = np.ceil(on.connector_s[stops][m.row] + m.data - 1e-9)
    keep = secs <= max_walk_s
    return stops[m.row[keep]], m.col[keep].astype(np.int64), secs[keep]


def transit_node_times(
    timetable: Timetable,
    origin_lonlat: tuple[float, float],
    *,
    network,
    departure_start_s: float,
    departure_end_s: float,
    step_s: float = defaults.TRANSIT_STEP_MIN * 60.0,
    percentiles: Sequence[float] = (defaults.TRANSIT_PERCENTILE,),
    max_rides: int | None = defaults.TRANSIT_MAX_RIDES,
    max_walk_min: float = defaults.TRANSIT_MAX_WALK_MIN,
    max_direct_walk_min: float = defaults.TRANSIT_MAX_DIRECT_WALK_MIN,
    max_snap_m: float = 250.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
    _egress=None,
) -> np.ndarray:
    """Return door-to-door seconds from one point to every street node, per percentile.

    Returns
    -------
    numpy.ndarray
        ``(len(percentiles), n_nodes)`` seconds over the window's departures (nearest rank,
        waiting at the origin included); inf where not reached.
    """
    from capacitymetro_plugin.core.access.times import od_matrix

    deps = _check_window(departure_start_s, departure_end_s, step_s)
    max_walk_s, max_direct_s = max_walk_min * 60.0, max_direct_walk_min * 60.0
    o_ll = np.asarray([origin_lonlat], dtype=float)
    times = np.full((deps.size, network.n_nodes), np.inf)
    node, dist_m, off = _snap_lonlat(network, o_ll[:, 0], o_ll[:, 1], max_snap_m=max_snap_m)
    if off[0]:
        return np.full((len(percentiles), network.n_nodes), np.inf)
    conn = float(dist_m[0]) / (walk_speed_kmh / 3.6)
    direct = od_matrix(network, node, np.arange(network.n_nodes), cutoff_s=max_direct_s)[0]
    direct = np.ceil(conn + direct - 1e-9)
    times[:] = np.where(direct <= max_direct_s, direct, np.inf)[None, :]
    w = walks(
        timetable, o_ll, o_ll, network=network, max_walk_s=max_walk_s,
        max_direct_walk_s=max_direct_s, max_snap_m=max_snap_m, walk_speed_kmh=walk_speed_kmh,
    )  # fmt: skip
    _, a_stop, a_s = (np.asarray(a) for a in w.access)
    e_stop, e_node, e_s = _egress if _egress is not None else _stops_to_nodes(
        network, timetable, max_walk_s=max_walk_s, max_snap_m=max_snap_m,
        walk_speed_kmh=walk_speed_kmh,
    )  # fmt: skip
    if a_stop.size and e_stop.size:
        res = range_arrivals(
            timetable, origin_stops=a_stop, access_s=a_s, departure_start_s=departure_start_s,
            departure_end_s=departure_end_s, step_s=step_s, max_rides=max_rides,
            footpaths=w.footpaths,
        )  # fmt: skip
        ride = res.ride_arrival_s[:, e_stop].astype(float)
        ride[ride >= UNREACHED] = np.inf
        order = np.argsort(e_node, kind="stable")
        cand = ride[:, order] + e_s[order][None, :]
        seg = np.flatnonzero(np.r_[True, e_node[order][1:] != e_node[order][:-1]])
        best = np.minimum.reduceat(cand, seg, axis=1) - deps[:, None]
        cols = e_node[order][seg]
        times[:, cols] = np.minimum(times[:, cols], best)
    return nearest_rank_percentiles(times, [float(p) for p in percentiles])


def transit_isochrones(
    timetable: Timetable,
    origins,
    *,
    network,
    thresholds_min: Sequence[float] = (15, 30, 45, 60),
    departure_start_s: float,
    departure_end_s: float,
    step_s: float = defaults.TRANSIT_STEP_MIN * 60.0,
    percentile: float = defaults.TRANSIT_PERCENTILE,
    id_field: str | None = None,
    max_rides: int | None = defaults.TRANSIT_MAX_RIDES,
    max_walk_min: float = defaults.TRANSIT_MAX_WALK_MIN,
    max_direct_walk_min: float | None = None,
    max_snap_m: float = 250.0,
    buffer_m: float = 20.0,
    cell_m: float | None = None,
    progress: Progress | None = None,
):
    """Return transit isochrone polygons of each origin (a service, a home) per threshold.

    The door-to-door time to every street node at ``percentile`` of the departure window
    (:func:`transit_node_times`) is drawn as the walking isochrones are
    (:func:`~capacitymetro_plugin.core.access.geometry.band_polygons`: reached streets
    widened by ``buffer_m`` on a grid of ``cell_m``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``origin_id``, ``threshold_min``, ``percentile``, ``area_km2`` and the polygon (nested:
        everything within the threshold), in the network CRS.
    """
    import geopandas as gpd

    from capacitymetro_plugin.core.access.geometry import band_polygons
    from capacitymetro_plugin.core.access.isochrones import check_thresholds, service_ids

    progress = ensure(progress)
    if network is None:
        raise InputError(
            "Transit isochrones need a walking network (polygons are drawn along streets).",
            fix="Give a prepared walking network of the area.",
            it="Le isocrone del trasporto pubblico richiedono una rete pedonale (i poligoni "
            "seguono le strade).",
            fix_it="Indica una rete pedonale preparata dell'area.",
        )
    if not (0 < float(percentile) <= 100):
        raise InputError(
            f"Percentile {percentile!r} is outside 1-100.",
            fix="Use e.g. 50 (the median over the departure window).",
            it=f"Il percentile {percentile!r} è fuori da 1-100.",
            fix_it="Usa ad es. 50 (la mediana sulla finestra di partenza).",
        )
    thresholds = check_thresholds(thresholds_min)
    limits = [t * 60.0 for t in thresholds]
    if max_direct_walk_min is None:  # walking all the way counts up to the largest threshold:
        max_direct_walk_min = max(thresholds)  # no transit isochrone smaller than on foot
    cell = float(cell_m) if cell_m else buffer_m / 2.0
    ids = service_ids(origins, id_field)
    pts = origins.to_crs(4326).geometry
    egress = _stops_to_nodes(
        network, timetable, max_walk_s=max_walk_min * 60.0, max_snap_m=max_snap_m,
        walk_speed_kmh=WALK_SPEED_KMH,
    )  # fmt: skip
    rows: dict[str, list] = {"origin_id": [], "threshold_min": [], "percentile": []}
    geoms: list = []
    for i, (oid, pt) in enumerate(zip(ids, pts)):
        progress.check()
        progress.report(i / max(len(ids), 1), "transit isochrones")
        secs = transit_node_times(
            timetable, (pt.x, pt.y), network=network, departure_start_s=departure_start_s,
            departure_end_s=departure_end_s, step_s=step_s, percentiles=[percentile],
            max_rides=max_rides, max_walk_min=max_walk_min,
            max_direct_walk_min=max_direct_walk_min, max_snap_m=max_snap_m, _egress=egress,
        )[0]  # fmt: skip
        nested, _ = band_polygons(
            network, secs, limits, buffer_m=buffer_m, cell_m=cell, want_rings=False
        )
        for t, shape in zip(thresholds, nested):
            if shape is not None:
                rows["origin_id"].append(oid)
                rows["threshold_min"].append(t)
                rows["percentile"].append(float(percentile))
                geoms.append(shape)
    progress.report(1.0, "transit isochrones")
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=network.crs)
    out["area_km2"] = out.geometry.area / 1e6
    return out


def transit_isochrones_from_feeds(
    feeds: Sequence[str],
    *,
    date: str,
    origins,
    network,
    ferries=None,
    window: tuple[str | float, str | float] = defaults.TRANSIT_WINDOW,
    step_min: float = defaults.TRANSIT_STEP_MIN,
    progress: Progress | None = None,
    **options,
):
    """Read GTFS feeds (and ferries by headway) and return :func:`transit_isochrones`: the one
    call of the doors (Processing "Transit isochrones", the CLI's ``[transit] isochrones``).

    Returns ``(polygons, notes)``; ``options`` go to :func:`transit_isochrones`.
    """
    from .costs import load_timetable, parse_clock

    progress = ensure(progress)
    timetable, notes = load_timetable(feeds, date=date, ferries=ferries, progress=progress)
    polys = transit_isochrones(
        timetable, origins, network=network,
        departure_start_s=parse_clock(window[0], what="window start"),
        departure_end_s=parse_clock(window[1], what="window end"),
        step_s=float(step_min) * 60.0, progress=progress.step(0.1, 1.0), **options,
    )  # fmt: skip
    return polys, notes + [f"GTFS: {w}" for w in timetable.warnings]
