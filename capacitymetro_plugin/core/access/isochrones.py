"""Isochrone polygons for every service at several thresholds, following the streets.

A polygon is the reached street pieces (partial streets cut at the remaining time) buffered by
a few metres and merged, so shapes follow streets and do not jump across rivers or canals
that no bridge crosses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capacitymetro_plugin.core.errors import InputError, NetworkError
from capacitymetro_plugin.core.network.graph import Network
from capacitymetro_plugin.core.network.snapping import SnapResult, snap
from capacitymetro_plugin.core.progress import Progress, ensure

from .geometry import band_polygons, reached_lines
from .times import nearest_times, times_from_each

MAX_THRESHOLD_MIN = 240.0
BANDS = ("nested", "disjoint")
METHODS = ("raster", "vector", "hull")


def check_thresholds(thresholds_min: Sequence[float]) -> list[float]:
    """Return thresholds (minutes) sorted and unique, or raise a bilingual error."""
    try:
        values = sorted({float(t) for t in thresholds_min})
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"Thresholds {thresholds_min!r} are not numbers of minutes.",
            fix="Write them as e.g. 5,10,15,20,30.",
            it=f"Le soglie {thresholds_min!r} non sono numeri di minuti.",
            fix_it="Scrivile ad es. 5,10,15,20,30.",
        ) from exc
    if not values:
        raise InputError(
            "No time threshold given.",
            fix="Give at least one threshold in minutes, e.g. 15.",
            it="Nessuna soglia di tempo indicata.",
            fix_it="Indica almeno una soglia in minuti, ad es. 15.",
        )
    bad = [v for v in values if not (0 < v <= MAX_THRESHOLD_MIN)]
    if bad:
        raise InputError(
            f"Thresholds {bad} minutes are out of range (0–{MAX_THRESHOLD_MIN:g} min).",
            fix=f"Use thresholds above 0 and at most {MAX_THRESHOLD_MIN:g} minutes.",
            it=f"Le soglie {bad} minuti sono fuori intervallo (0–{MAX_THRESHOLD_MIN:g} min).",
            fix_it=f"Usa soglie maggiori di 0 e al massimo {MAX_THRESHOLD_MIN:g} minuti.",
        )
    return values


def service_ids(services_gdf, id_field: str | None) -> np.ndarray:
    """Return the id of each service: ``id_field``, else an ``id``-like column, else the row."""
    if id_field:
        if id_field not in services_gdf.columns:
            raise InputError(
                f"The services layer has no field {id_field!r}.",
                fix=f"Choose one of: {', '.join(map(str, services_gdf.columns[:20]))}.",
                it=f"Il layer dei servizi non ha il campo {id_field!r}.",
                fix_it=f"Scegline uno tra: {', '.join(map(str, services_gdf.columns[:20]))}.",
            )
        return services_gdf[id_field].astype(str).to_numpy()
    for name in ("service_id", "id", "osm_ref", "fid"):
        if name in services_gdf.columns:
            return services_gdf[name].astype(str).to_numpy()
    return np.array([str(i) for i in range(len(services_gdf))])


def snap_services(
    network: Network,
    services_gdf,
    *,
    max_snap_m: float,
    ids: np.ndarray,
    progress: Progress,
) -> SnapResult:
    """Snap the services and fail clearly when none is on the network."""
    snapped = snap(
        network, services_gdf, max_distance_m=max_snap_m, what="services", progress=progress
    )
    if snapped.off_network.all():
        raise NetworkError(
            f"All {len(snapped)} services are more than {max_snap_m:g} m from the network.",
            fix="Check that services and network cover the same area, or raise the snap distance.",
            it=f"Tutti i {len(snapped)} servizi distano più di {max_snap_m:g} m dalla rete.",
            fix_it="Controlla che servizi e rete coprano la stessa area, o aumenta la distanza.",
        )
    if snapped.off_network.any():
        off = ids[snapped.off_network][:10].tolist()
        progress.info(f"Services off the network (no isochrone) / Servizi fuori rete: {off}")
    return snapped


def polygon_from_times(
    network: Network, dist: np.ndarray, limit_s: float, *, buffer_m: float = 20.0
):
    """Return the polygon of the streets reached within ``limit_s`` seconds (None if none)."""
    import shapely

    lines = reached_lines(network, dist, limit_s)
    if lines.size == 0:
        return None
    return shapely.union_all(shapely.buffer(lines, buffer_m, quad_segs=4))


# (service, vertex) values the batched hull handles at once: bounds its temporary memory.
MAX_HULL_VALUES = 4_000_000


class HullBatcher:
    """Convex-hull isochrones for many services at once (no per-service Python work).

    Built once per network: edges grouped by tail node, and the fraction of its segment's
    length at every stored vertex. :meth:`polygons` then takes a block of travel times (one
    row per service) and returns, per service and limit, the convex hull of the reached
    street vertices and of the points where each limit cuts a street, widened by ``buffer_m``.
    """

    def __init__(self, network: Network) -> None:
        self.network = network
        n = network.n_nodes
        self.edge_order = np.argsort(network.tail, kind="stable")
        self.edge_start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(network.tail, minlength=n), out=self.edge_start[1:])
        # The other direction of each edge's street (-1 if one-way); a street is handled once,
        # through its first edge ("primary") unless only its other edge is reached.
        by_seg = np.argsort(network.seg, kind="stable")
        s_sorted = network.seg[by_seg]
        pair = np.flatnonzero(s_sorted[1:] == s_sorted[:-1])
        self.twin = np.full(network.n_edges, -1, dtype=np.int64)
        self.twin[by_seg[pair]] = by_seg[pair + 1]
        self.twin[by_seg[pair + 1]] = by_seg[pair]
        self.primary = (self.twin < 0) | (np.arange(network.n_edges) < self.twin)
        counts = np.diff(network.offsets)
        seg_of = np.repeat(np.arange(counts.size), counts)
        xy = network.coords
        step = np.zeros(xy.shape[0])
        if xy.shape[0] > 1:
            step[1:] = np.hypot(*(xy[1:] - xy[:-1]).T)
        step[network.offsets[:-1][counts > 0]] = 0.0
        cum = np.cumsum(step)
        has = counts > 0
        cum -= np.repeat(cum[network.offsets[:-1][has]], counts[has])
        total = np.zeros(counts.size)
        total[has] = cum[network.offsets[1:][has] - 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            self.frac = np.where(total[seg_of] > 0, cum / total[seg_of], 0.0)
        # Bounding box of each segment (segments always have at least two vertices).
        lo = network.offsets[:-1]
        self.box = [
            fn.reduceat(xy[:, j], lo) if xy.shape[0] else np.empty(0)
            for fn, j in ((np.minimum, 0), (np.minimum, 1), (np.maximum, 0), (np.maximum, 1))
        ]

    def polygons(self, block: np.ndarray, limits_s: list[float], *, buffer_m: float) -> np.ndarray:
        """Return a (services × limits) object array of hull polygons (None: nothing reached)."""
        block = np.atleast_2d(block)
        out = np.full((block.shape[0], len(limits_s)), None, dtype=object)
        # Services reaching many nodes are taken a few at a time (each reached node expands
        # to its streets, a few values each), so temporary memory stays bounded.
        reached = np.count_nonzero(block < limits_s[-1], axis=1)
        for r0, r1 in _row_parts(reached, MAX_HULL_VALUES // 4):
            out[r0:r1] = self._polygons(block[r0:r1], limits_s, buffer_m)
        return out

    def _polygons(self, block: np.ndarray, limits_s: list[float], buffer_m: float) -> np.ndarray:
        net = self.network
        k = len(limits_s)
        out = np.full((block.shape[0], k), None, dtype=object)
        rows, node = np.nonzero(block < limits_s[-1])
        if rows.size == 0:
            return out
        node_t = block[rows, node]
        n_out = self.edge_start[node + 1] - self.edge_start[node]
        pair_row = np.repeat(rows, n_out)
        pair_t = np.repeat(node_t, n_out)
        first = np.repeat(self.edge_start[node] - np.cumsum(np.r_[0, n_out[:-1]]), n_out)
        pair_e = self.edge_order[first + np.arange(pair_row.size)]
        seg = net.seg[pair_e]
        n_vert = net.offsets[seg + 1] - net.offsets[seg]
        # Split the services so that each part expands to at most MAX_HULL_VALUES vertices.
        per_row = np.bincount(pair_row, weights=n_vert, minlength=block.shape[0])
        cuts = [0] + [r1 for _, r1 in _row_parts(per_row, MAX_HULL_VALUES)]
        bounds = np.searchsorted(pair_row, cuts)  # pairs are sorted by row
        nbounds = np.searchsorted(rows, cuts)
        for a, b, na, nb in zip(bounds[:-1], bounds[1:], nbounds[:-1], nbounds[1:], strict=True):
            if b > a:
                nodes = (rows[na:nb], node[na:nb], node_t[na:nb])
                part = (pair_row[a:b], pair_t[a:b], pair_e[a:b])
                self._fill(out, block, part, nodes, limits_s, buffer_m)
        return out

    def _fill(self, out, block, part, nodes, limits_s, buffer_m) -> None:
        import shapely

        pair_row, pair_t, pair_e = part
        net = self.network
        # One entry per (service, street); a street carries at most one edge each way, and
        # each vertex keeps the earlier of the two directions' times.
        twin = self.twin[pair_e]
        t_twin = np.full(pair_e.size, np.inf)
        has = twin >= 0
        t_twin[has] = block[pair_row[has], net.tail[twin[has]]]
        both = t_twin < limits_s[-1]  # the other direction is reached too
        own = self.primary[pair_e] | ~both
        e_a, t_a, row_u = pair_e[own], pair_t[own], pair_row[own]
        both = both[own]
        e_b = np.where(both, twin[own], e_a)
        t_b = np.where(both, t_twin[own], t_a)
        seg_u = net.seg[e_a]
        t_min = np.minimum(t_a, t_b)
        n_row, n_node, n_t = nodes
        n_x, n_y = net.x[n_node], net.y[n_node]
        box = [b[seg_u] for b in self.box]
        pos = np.full(out.shape[0], -1, dtype=np.int64)
        inside_before = np.zeros(seg_u.size, dtype=bool)
        for i, limit in enumerate(limits_s):
            # Reached nodes span an octagon per service (their extreme points in 8 directions);
            # streets whose bounding box lies strictly inside it cannot hold hull corners, at
            # this limit or any larger one (whose hull contains this one), so they are dropped
            # for good.
            sel = n_t <= limit
            if not sel.any():
                continue
            groups, cx, cy = _octagons(n_x[sel], n_y[sel], n_row[sel])
            pos[groups] = np.arange(groups.size)
            act = np.flatnonzero((t_min <= limit) & ~inside_before)
            inner = _box_inside([b[act] for b in box], pos[row_u[act]], cx, cy)
            inside_before[act[inner]] = True
            keep = act[~inner]
            pts, grp = self._points(keep, row_u, e_a, e_b, t_a, t_b, limit)
            if grp.size == 0:
                continue
            order = np.argsort(grp, kind="stable")
            pts, grp = _drop_inner_points(pts[order], grp[order])
            rows_i, first, index = np.unique(grp, return_index=True, return_inverse=True)
            # The hull of a line is the hull of its vertices; lines are built straight from
            # the coordinates (no point objects). Each group's first point is repeated so
            # that every line has at least two.
            index = np.r_[index, np.arange(rows_i.size)]
            order = np.argsort(index, kind="stable")
            lines = shapely.linestrings(np.vstack([pts, pts[first]])[order], indices=index[order])
            hulls = shapely.convex_hull(lines)
            out[rows_i, i] = shapely.buffer(hulls, buffer_m, quad_segs=4)

    def _points(self, keep, row_u, e_a, e_b, t_a, t_b, limit):
        """Return the vertices within ``limit`` and the cut points of the kept streets."""
        net = self.network
        e_a, e_b, t_a, t_b, row_k = e_a[keep], e_b[keep], t_a[keep], t_b[keep], row_u[keep]
        seg = net.seg[e_a]
        start = net.offsets[seg]
        n_vert = net.offsets[seg + 1] - start
        owner = np.repeat(np.arange(seg.size), n_vert)
        vidx = np.repeat(start - np.cumsum(np.r_[0, n_vert[:-1]]), n_vert) + np.arange(owner.size)
        frac = self.frac[vidx]
        row = row_k[owner]
        xy = net.coords[vidx]
        same = owner[1:] == owner[:-1]
        inside = np.zeros(vidx.size, dtype=bool)
        cuts, cut_rows = [], []
        # Each direction of a street is cut where its own time runs out (a street reached
        # from both ends has two cuts); a vertex is in when either direction reaches it.
        two_way = e_b != e_a
        for e, te, use in ((e_a, t_a, None), (e_b, t_b, two_way)):
            f = np.where(net.seg_reversed[e][owner], 1.0 - frac, frac)
            t = te[owner] + f * net.time_s[e][owner]
            if use is not None:
                t[~use[owner]] = np.inf
            ins = t <= limit
            inside |= ins
            cross = np.flatnonzero(same & (ins[1:] != ins[:-1]))
            t0, t1 = t[cross], t[cross + 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                fr = np.where(t1 != t0, (limit - t0) / (t1 - t0), 0.0)
            cuts.append(xy[cross] + (xy[cross + 1] - xy[cross]) * np.clip(fr, 0.0, 1.0)[:, None])
            cut_rows.append(row[cross])
        cut = np.vstack(cuts)
        return np.vstack([xy[inside], cut]), np.concatenate([row[inside], *cut_rows])


def _row_parts(weights: np.ndarray, cap: float) -> list[tuple[int, int]]:
    """Split rows into consecutive ``(start, stop)`` parts whose weights sum to at most ``cap``
    (a part holds at least one row)."""
    cum = np.cumsum(weights, dtype=np.float64)
    parts, start = [], 0
    while start < weights.size:
        base = cum[start - 1] if start > 0 else 0.0
        stop = int(np.searchsorted(cum, base + cap, side="right"))
        stop = min(weights.size, max(stop, start + 1))
        parts.append((start, stop))
        start = stop
    return parts


_DIRECTIONS = ((1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))


def _extremes(px: np.ndarray, py: np.ndarray, grp: np.ndarray) -> tuple[np.ndarray, list]:
    """Return (starts of the groups, per direction the index of each group's extreme point).

    ``grp`` must be sorted; the directions go counter-clockwise, so the extreme points are the
    corners of a convex octagon (some may repeat) inside the group's convex hull.
    """
    starts = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]])
    size = np.diff(np.r_[starts, grp.size])
    firsts = []
    for dx, dy in _DIRECTIONS:
        proj = dx * px + dy * py
        best = np.repeat(np.maximum.reduceat(proj, starts), size)
        hit = np.flatnonzero(proj == best)
        firsts.append(hit[np.r_[True, grp[hit[1:]] != grp[hit[:-1]]]])
    return starts, firsts


def _octagons(px: np.ndarray, py: np.ndarray, grp: np.ndarray) -> tuple[np.ndarray, list, list]:
    """Return (group ids, corner x per direction, corner y per direction) for sorted ``grp``."""
    starts, firsts = _extremes(px, py, grp)
    return grp[starts], [px[f] for f in firsts], [py[f] for f in firsts]


def _box_inside(box: list, g: np.ndarray, cx: list, cy: list) -> np.ndarray:
    """Return where boxes ``(xmin, ymin, xmax, ymax)`` lie strictly inside octagon ``g``."""
    xmin, ymin, xmax, ymax = box
    inside = np.ones(g.size, dtype=bool)
    for i in range(8):
        ax, ay = cx[i][g], cy[i][g]
        dx, dy = cx[(i + 1) % 8][g] - ax, cy[(i + 1) % 8][g] - ay
        # The box corner that minimises dx * (y - ay) - dy * (x - ax).
        y = np.where(dx > 0, ymin, ymax)
        x = np.where(dy > 0, xmax, xmin)
        cross = dx * (y - ay) - dy * (x - ax)
        # A repeated corner (two directions share an extreme point) is no edge: skip it.
        inside &= (cross > 0) | ((dx == 0) & (dy == 0))
    # An octagon of one point (all corners equal) contains nothing.
    return inside & ~((cx[0][g] == cx[4][g]) & (cy[2][g] == cy[6][g]))


def _drop_inner_points(pts: np.ndarray, grp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop points strictly inside the octagon of each group's extreme points (Akl–Toussaint).

    ``grp`` must be sorted. Such points can never be hull corners, so the hulls do not change
    while far fewer points reach GEOS.
    """
    if grp.size < 64:
        return pts, grp
    px, py = pts[:, 0].copy(), pts[:, 1].copy()
    starts, firsts = _extremes(px, py, grp)
    size = np.diff(np.r_[starts, grp.size])
    g = np.repeat(np.arange(starts.size), size)
    cx, cy = [px[f] for f in firsts], [py[f] for f in firsts]
    inner = _box_inside([px, py, px, py], g, cx, cy)
    for f in firsts:  # extreme points stay (a group of one repeated point keeps it)
        inner[f] = False
    return pts[~inner], grp[~inner]


def _rings(nested: list) -> list:
    """Return each nested polygon minus the previous one (the first, and gaps, kept whole)."""
    import shapely

    return [
        nested[i]
        if i == 0 or nested[i] is None or nested[i - 1] is None
        else shapely.difference(nested[i], nested[i - 1])
        for i in range(len(nested))
    ]


def isochrones(
    network: Network,
    services_gdf,
    *,
    thresholds_min: Sequence[float] = (5, 10, 15, 20, 30),
    bands: str = "nested",
    per_service: bool = True,
    id_field: str | None = None,
    max_snap_m: float = 250.0,
    buffer_m: float = 20.0,
    method: str = "raster",
    cell_m: float | None = None,
    fill_holes: bool = False,
    progress: Progress | None = None,
):
    """Return isochrone polygons for the services at each threshold.

    Parameters
    ----------
    network
        The prepared network.
    services_gdf
        Service points (reprojected to the network CRS when needed).
    thresholds_min
        Travel-time thresholds in minutes (0 < t ≤ 240).
    bands
        ``"nested"``: each polygon holds everything within its threshold; ``"disjoint"``: each
        holds only the ring between the previous threshold and its own.
    per_service
        One set of polygons per service (True) or one for all services together (False).
    id_field
        Field naming the services (default ``service_id``/``id``/``osm_ref`` or the row number).
    max_snap_m
        Services farther than this from the network are reported and get no polygon.
    buffer_m
        Half-width of the band drawn around reached streets, in metres. Keep it below half
        the width of the rivers and canals that must not be bridged.
    method
        ``"raster"`` (default, fast): reached streets are sampled with their times on a grid of
        ``cell_m`` metres (default ``buffer_m / 2``), spread by ``buffer_m`` and polygonised,
        all thresholds at once; edges are stepped at the cell size. ``"vector"``: the exact
        union of buffered street pieces (smooth, much slower). ``"hull"``: the convex hull of
        the reached street pieces, widened by ``buffer_m`` (a quick look, the classic shape of
        other tools; it does cross rivers).
    fill_holes
        (raster) Count places enclosed on every side by reached streets (blocks,
        courtyards) as reached. A hole is surrounded by the reached area, so this never joins
        across unbridged water.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``service_id``, ``threshold_min``, ``from_min`` (0 for nested bands),
        ``area_km2`` and the polygon geometry, in the network CRS.
    """
    import geopandas as gpd

    progress = ensure(progress)
    thresholds = check_thresholds(thresholds_min)
    if bands not in BANDS:
        raise InputError(
            f"Unknown band type {bands!r}.",
            fix="Use 'nested' or 'disjoint'.",
            it=f"Tipo di fasce sconosciuto {bands!r}.",
            fix_it="Usa 'nested' (annidate) o 'disjoint' (separate).",
        )
    if not (buffer_m > 0):
        raise InputError(
            f"Buffer {buffer_m} m must be greater than zero.",
            fix="Use a few metres, e.g. 25.",
            it=f"Il buffer di {buffer_m} m deve essere maggiore di zero.",
            fix_it="Usa qualche metro, ad es. 25.",
        )
    if method not in METHODS:
        raise InputError(
            f"Unknown isochrone method {method!r}.",
            fix="Use 'raster', 'vector' or 'hull'.",
            it=f"Metodo di isocrona sconosciuto {method!r}.",
            fix_it="Usa 'raster', 'vector' o 'hull'.",
        )
    cell = float(cell_m) if cell_m else buffer_m / 2.0
    if not (cell > 0):
        raise InputError(
            f"Cell size {cell_m} m must be greater than zero.",
            fix="Use a few metres, e.g. 10.",
            it=f"La dimensione della cella {cell_m} m deve essere maggiore di zero.",
            fix_it="Usa qualche metro, ad es. 10.",
        )
    ids = service_ids(services_gdf, id_field)
    snapped = snap_services(
        network, services_gdf, max_snap_m=max_snap_m, ids=ids, progress=progress
    )
    on = np.flatnonzero(snapped.on_network)
    limits = [t * 60.0 for t in thresholds]
    cutoff = limits[-1]
    rows: list[dict] = []
    geoms: list = []

    def add(service: str, dist: np.ndarray | None, hulls: np.ndarray | None = None) -> None:
        if hulls is not None:
            nested = list(hulls)
            rings = _rings(nested) if bands == "disjoint" else nested
        elif method == "raster":
            nested, rings = band_polygons(
                network,
                dist,
                limits,
                buffer_m=buffer_m,
                cell_m=cell,
                want_rings=bands == "disjoint",
                fill_holes=fill_holes,
            )
        else:
            nested = [polygon_from_times(network, dist, lim, buffer_m=buffer_m) for lim in limits]
            rings = _rings(nested) if bands == "disjoint" else nested
        chosen = nested if bands == "nested" else rings
        prev_t = 0.0
        for t_min, shape, whole in zip(thresholds, chosen, nested, strict=True):
            if shape is None or whole is None:
                continue
            rows.append(
                {
                    "service_id": service,
                    "threshold_min": t_min,
                    "from_min": prev_t if bands == "disjoint" else 0.0,
                }
            )
            geoms.append(shape)
            prev_t = t_min

    batcher = HullBatcher(network) if method == "hull" else None
    if per_service:
        work = progress.step(0.0, 1.0)
        for rows_idx, block in times_from_each(
            network, snapped.node[on], cutoff_s=cutoff, progress=work
        ):
            if batcher is not None:  # all services of the block at once
                work.report(rows_idx[0] / on.size, "Isochrones")
                hulls = batcher.polygons(block, limits, buffer_m=buffer_m)
                for r, row_hulls in zip(rows_idx, hulls, strict=True):
                    add(str(ids[on[r]]), None, row_hulls)
                continue
            for r, dist in zip(rows_idx, block, strict=True):
                work.report(r / on.size, "Isochrones")
                add(str(ids[on[r]]), dist)
    else:
        nt = nearest_times(
            network, snapped.node[on], cutoff_s=cutoff, progress=progress.step(0, 0.3)
        )
        if batcher is not None:
            add("all", None, batcher.polygons(nt.time_s[None, :], limits, buffer_m=buffer_m)[0])
        else:
            add("all", nt.time_s)
    progress.report(1.0, "Isochrones")
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs=f"EPSG:{network.crs}")
    if len(gdf) == 0:
        gdf = gpd.GeoDataFrame(
            {"service_id": [], "threshold_min": [], "from_min": []},
            geometry=[],
            crs=f"EPSG:{network.crs}",
        )
    gdf["area_km2"] = gdf.geometry.area / 1e6
    return gdf[["service_id", "threshold_min", "from_min", "area_km2", "geometry"]]
