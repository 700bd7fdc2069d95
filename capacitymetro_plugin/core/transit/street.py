"""Walking to, from and between transit stops: on the street network, or along straight lines.

With a street :class:`~capacitymetro_plugin.core.network.Network` every walk is a shortest path
on it, plus a straight connector (at the walking speed) from a point or stop to its nearest
node, as in :func:`capacitymetro_plugin.core.coverage.service_times`. Without one, walks are
the straight line × a detour factor, and every result says so (``source="straight_line"``).

Stops farther than ``max_snap_m`` from the network are *off the network*: they are named in a
warning, get no access or egress walk, and their footpaths to other stops fall back to the
straight line (so a feed larger than the network still routes through them).

All walking times are whole seconds, rounded up once at the end (connector + network + connector),
because RAPTOR compares whole seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .gtfs import Timetable
from .raptor import (
    DETOUR_FACTOR,
    WALK_SPEED_KMH,
    Footpaths,
    _walk_params,
    access_times,
    footpaths_from_matrix,
    footpaths_straight_line,
)

Links = tuple[np.ndarray, np.ndarray, np.ndarray]  # (point, stop, seconds)
_STREET_FOOTPATHS: dict[tuple, Footpaths] = {}


@dataclass
class StopsOnNetwork:
    """Where each stop of a timetable joins the street network.

    Attributes
    ----------
    node, connector_s
        Nearest node and straight walk to it (seconds) per stop.
    off_network
        True for stops farther than ``max_snap_m`` from every node (or without coordinates).
    warnings
        A bilingual message naming the off-network stops (empty when there are none).
    """

    node: np.ndarray
    connector_s: np.ndarray
    off_network: np.ndarray
    warnings: list[str] = field(default_factory=list)


def _snap_lonlat(network, lon, lat, *, max_snap_m: float):
    """Return (node, metres, off) for WGS84 points on ``network`` (NaN coordinates: off)."""
    from pyproj import Transformer
    from scipy.spatial import cKDTree

    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    x, y = Transformer.from_crs(4326, network.crs, always_xy=True).transform(lon, lat)
    xy = np.column_stack([x, y])
    ok = np.isfinite(xy).all(axis=1)
    tree = network.__dict__.get("_kdtree")
    if tree is None:
        tree = network.__dict__["_kdtree"] = cKDTree(np.column_stack([network.x, network.y]))
    dist = np.full(lon.size, np.inf)
    node = np.zeros(lon.size, dtype=np.int64)
    if ok.any():
        d, n = tree.query(xy[ok], k=1)
        dist[ok], node[ok] = d, n
    return node, dist, ~(dist <= max_snap_m)


def stops_on_network(
    network,
    timetable: Timetable,
    *,
    max_snap_m: float = 250.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
) -> StopsOnNetwork:
    """Snap every stop to the street network and name the stops that lie off it."""
    node, dist, off = _snap_lonlat(
        network, timetable.stop_lon, timetable.stop_lat, max_snap_m=max_snap_m
    )
    warnings = []
    if off.any():
        idx = np.flatnonzero(off)
        named = ", ".join(
            f"{timetable.stop_id[i]} ({timetable.stop_name[i]})" for i in idx[:10].tolist()
        )
        more = f" and {idx.size - 10} more" if idx.size > 10 else ""
        more_it = f" e altre {idx.size - 10}" if idx.size > 10 else ""
        warnings.append(
            f"{idx.size} of {timetable.n_stops} stops are more than {max_snap_m:g} m from the "
            f"street network: {named}{more}. Nobody walks to or from them; between rides they "
            f"are joined by straight lines. / {idx.size} fermate su {timetable.n_stops} sono a "
            f"più di {max_snap_m:g} m dalla rete stradale: {named}{more_it}. Non vi si arriva a "
            "piedi; tra due corse sono collegate in linea d'aria."
        )
    return StopsOnNetwork(node, np.where(off, np.inf, dist / (walk_speed_kmh / 3.6)), off, warnings)


def _reversed(network):
    """The network with every edge turned round (for walks *towards* given nodes)."""
    found = network.__dict__.get("_reversed")
    if found is None:
        found = network.__dict__["_reversed"] = replace(
            network, tail=network.head, head=network.tail, meta=dict(network.meta)
        )
    return found


def _network_key(network) -> str:
    digest = hashlib.sha1()
    for arr in (network.x, network.y, network.tail, network.head, network.time_s):
        digest.update(np.ascontiguousarray(arr).tobytes())
    return digest.hexdigest()


def _od_seconds(network, origin_nodes, dest_nodes, limit_s: float):
    """Sparse network seconds origin node × destination node within ``limit_s``."""
    from capacitymetro_plugin.core.access.times import od_matrix

    return od_matrix(network, origin_nodes, dest_nodes, cutoff_s=limit_s, sparse=True).tocoo()


def street_links(
    network,
    timetable: Timetable,
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    stops: StopsOnNetwork,
    *,
    max_walk_s: float,
    towards_stops: bool = True,
    max_snap_m: float = 250.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
) -> tuple[Links, np.ndarray]:
    """Return walking links between points (WGS84) and stops on the street network.

    ``towards_stops`` gives access (point → stop); False gives egress (stop → point), searched
    on the reversed network so one-way edges are honoured. Returns the ``(point, stop,
    seconds)`` links and the points' off-network mask.
    """
    speed = walk_speed_kmh / 3.6
    p_node, p_dist, p_off = _snap_lonlat(network, lon, lat, max_snap_m=max_snap_m)
    on = np.flatnonzero(~stops.off_network)
    pts = np.flatnonzero(~p_off)
    empty = (np.zeros(0, np.int64),) * 3
    if on.size == 0 or pts.size == 0:
        return empty, p_off
    graph = network if towards_stops else _reversed(network)
    m = _od_seconds(graph, p_node[pts], stops.node[on], max_walk_s)
    point, stop = pts[m.row], on[m.col]
    total = p_dist[point] / speed + m.data + stops.connector_s[stop]
    secs = np.ceil(total - 1e-9).astype(np.int64)
    keep = secs <= max_walk_s
    order = np.lexsort((stop[keep], point[keep]))
    return (point[keep][order], stop[keep][order], secs[keep][order]), p_off


def street_footpaths(
    network,
    timetable: Timetable,
    stops: StopsOnNetwork,
    *,
    max_walk_s: float = 600.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
    detour: float = DETOUR_FACTOR,
) -> Footpaths:
    """Link stops by walks on the street network, computed once per network and feed (cached).

    Pairs with an off-network stop use the straight line × ``detour``; ``transfers.txt``
    applies as in :func:`footpaths_from_matrix`.
    """
    import scipy.sparse as sp

    key = (
        _network_key(network),
        timetable.stops_key,
        float(max_walk_s),
        float(walk_speed_kmh),
        float(detour),
        stops.off_network.tobytes(),
    )
    if key in _STREET_FOOTPATHS:
        return _STREET_FOOTPATHS[key]
    n = timetable.n_stops
    on = np.flatnonzero(~stops.off_network)
    rows, cols, vals = [], [], []
    if on.size:
        m = _od_seconds(network, stops.node[on], stops.node[on], max_walk_s)
        a, b = on[m.row], on[m.col]
        total = stops.connector_s[a] + m.data + stops.connector_s[b]
        rows, cols, vals = [a], [b], [np.ceil(total - 1e-9)]
    if stops.off_network.any():  # straight lines for the pairs touching an off-network stop
        line = footpaths_straight_line(
            timetable, max_walk_s=max_walk_s, walk_speed_kmh=walk_speed_kmh, detour=detour
        )
        pick = stops.off_network[line.frm] | stops.off_network[line.to]
        rows.append(line.frm[pick])
        cols.append(line.to[pick])
        vals.append(line.walk_s[pick].astype(float))
    if rows:
        r, c, v = (np.concatenate(x) for x in (rows, cols, vals))
    else:
        r = c = np.zeros(0, np.int64)
        v = np.zeros(0)
    # keep explicit zeros (two stops on one node): coo with duplicates summed would merge them
    keep = r != c
    mat = sp.coo_matrix((v[keep] + 0.0, (r[keep], c[keep])), shape=(n, n))
    fp = footpaths_from_matrix(timetable, mat, max_walk_s=max_walk_s)
    fp.source = "street" if not stops.off_network.any() else "street+straight_line"
    fp.params = {"max_walk_s": max_walk_s, "walk_speed_kmh": walk_speed_kmh, "detour": detour}
    _STREET_FOOTPATHS[key] = fp
    return fp


@dataclass
class Walks:
    """Every walk a door-to-door transit journey needs, for one set of origins and services.

    Attributes
    ----------
    access, egress
        ``(point, stop, seconds)`` links from origins to stops and from stops to services.
    direct_s
        (n_origins, n_services) seconds walking all the way (inf beyond the limit).
    footpaths
        Walks between two rides.
    source
        ``"street"`` (on the network) or ``"straight_line"`` (no network: line × detour).
    origin_node, origin_connector_min, origin_off
        Per origin: nearest node, its connector in minutes, True when off the network.
    warnings
        Bilingual messages (off-network stops, origins or services; the straight-line flag).
    """

    access: Links
    egress: Links
    direct_s: np.ndarray
    footpaths: Footpaths
    source: str
    origin_node: np.ndarray
    origin_connector_min: np.ndarray
    origin_off: np.ndarray
    warnings: list[str] = field(default_factory=list)


def walks(
    timetable: Timetable,
    origins_lonlat: np.ndarray,
    services_lonlat: np.ndarray,
    *,
    network=None,
    max_walk_s: float = 600.0,
    max_direct_walk_s: float = 1800.0,
    max_snap_m: float = 250.0,
    walk_speed_kmh: float = WALK_SPEED_KMH,
    detour: float = DETOUR_FACTOR,
    progress: Progress | None = None,
) -> Walks:
    """Compute access, egress, footpaths and direct walks, on the street network if given.

    Parameters
    ----------
    timetable
        The service day.
    origins_lonlat, services_lonlat
        ``(n, 2)`` WGS84 longitude, latitude.
    network
        A walking :class:`~capacitymetro_plugin.core.network.Network`; None for straight lines
        × ``detour`` (flagged in ``source`` and ``warnings``).
    max_walk_s
        Longest walk to a stop, from a stop, and between two rides.
    max_direct_walk_s
        Walking all the way counts up to this.
    """
    progress = ensure(progress)
    _walk_params(max_walk_s, walk_speed_kmh, detour)
    _walk_params(max_direct_walk_s, walk_speed_kmh, detour)
    o, s = np.asarray(origins_lonlat, float), np.asarray(services_lonlat, float)
    if network is None:
        return _straight_walks(
            timetable, o, s, max_walk_s=max_walk_s, max_direct_walk_s=max_direct_walk_s,
            walk_speed_kmh=walk_speed_kmh, detour=detour,
        )  # fmt: skip
    if network.mode != "walk":
        raise InputError(
            f"Transit needs a walking network, not a {network.mode!r} one.",
            fix="Build the network with mode 'walk', or give none (straight lines).",
            it=f"Il trasporto pubblico richiede una rete pedonale, non {network.mode!r}.",
            fix_it="Costruisci la rete in modalità 'walk', o non indicarne (linea d'aria).",
        )
    speed = walk_speed_kmh / 3.6
    progress.report(0.0, "walks to stops")
    stops = stops_on_network(
        network, timetable, max_snap_m=max_snap_m, walk_speed_kmh=walk_speed_kmh
    )
    access, o_off = street_links(
        network, timetable, o[:, 0], o[:, 1], stops, max_walk_s=max_walk_s,
        towards_stops=True, max_snap_m=max_snap_m, walk_speed_kmh=walk_speed_kmh,
    )  # fmt: skip
    egress, s_off = street_links(
        network, timetable, s[:, 0], s[:, 1], stops, max_walk_s=max_walk_s,
        towards_stops=False, max_snap_m=max_snap_m, walk_speed_kmh=walk_speed_kmh,
    )  # fmt: skip
    progress.report(0.4, "walks between stops")
    fp = street_footpaths(
        network, timetable, stops, max_walk_s=max_walk_s, walk_speed_kmh=walk_speed_kmh,
        detour=detour,
    )  # fmt: skip
    o_node, o_dist, _ = _snap_lonlat(network, o[:, 0], o[:, 1], max_snap_m=max_snap_m)
    s_node, s_dist, _ = _snap_lonlat(network, s[:, 0], s[:, 1], max_snap_m=max_snap_m)
    direct = np.full((o.shape[0], s.shape[0]), np.inf)
    po, ps = np.flatnonzero(~o_off), np.flatnonzero(~s_off)
    if po.size and ps.size:
        m = _od_seconds(network, o_node[po], s_node[ps], max_direct_walk_s)
        total = o_dist[po[m.row]] / speed + m.data + s_dist[ps[m.col]] / speed
        secs = np.ceil(total - 1e-9)
        direct[po[m.row], ps[m.col]] = np.where(secs <= max_direct_walk_s, secs, np.inf)
    warnings = list(stops.warnings)
    for what, what_it, off in (
        ("origins", "origini", o_off),
        ("services", "servizi", s_off),
    ):
        if off.any():
            warnings.append(
                f"{int(off.sum())} {what} are more than {max_snap_m:g} m from the street "
                f"network: unreachable. / {int(off.sum())} {what_it} a più di {max_snap_m:g} m "
                "dalla rete stradale: non raggiungibili."
            )
    for w in warnings:
        progress.info(w)
    progress.report(1.0, "walks")
    return Walks(
        access, egress, direct, fp, "street", o_node,
        np.where(o_off, np.inf, o_dist / speed / 60.0), o_off, warnings,
    )  # fmt: skip


def _straight_walks(timetable, o, s, *, max_walk_s, max_direct_walk_s, walk_speed_kmh, detour):
    from .raptor import _direct_walk_s

    speed, _ = _walk_params(max_walk_s, walk_speed_kmh, detour)
    kw = {"max_walk_s": max_walk_s, "walk_speed_kmh": walk_speed_kmh, "detour": detour}
    access = access_times(timetable, o[:, 0], o[:, 1], **kw)
    egress = access_times(timetable, s[:, 0], s[:, 1], **kw)
    direct = _direct_walk_s(o[:, 0], o[:, 1], s[:, 0], s[:, 1], speed, max_direct_walk_s)
    fp = footpaths_straight_line(timetable, **kw)
    note = (
        f"No street network: walks are straight lines × {detour:g} at {walk_speed_kmh:g} km/h "
        f"(flagged as straight_line). / Nessuna rete stradale: percorsi a piedi in linea d'aria "
        f"× {detour:g} a {walk_speed_kmh:g} km/h (segnalati come straight_line)."
    )
    n = o.shape[0]
    return Walks(
        access, egress, direct, fp, "straight_line", np.full(n, -1, np.int64), np.zeros(n),
        np.zeros(n, dtype=bool), [note],
    )  # fmt: skip
