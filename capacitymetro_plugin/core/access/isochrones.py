"""Isochrone polygons for every service at several thresholds, following the streets.

A polygon is the reached street pieces (partial streets cut at the remaining time) buffered by
a few metres and merged, so shapes follow streets and do not jump across rivers or canals
that no bridge crosses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from capacitymetro_plugin.core._pycompat import zip_strict
from capacitymetro_plugin.core.errors import InputError, NetworkError
from capacitymetro_plugin.core.network.graph import Network
from capacitymetro_plugin.core.network.snapping import SnapResult, snap
from capacitymetro_plugin.core.progress import Progress, ensure

from . import hulls as hull_mod
from .geometry import band_polygons, band_polygons_many, reached_lines
from .hulls import HullBatcher
from .times import local_times_from_each, nearest_times

MAX_THRESHOLD_MIN = 240.0
BANDS = ("nested", "disjoint")
METHODS = ("raster", "vector", "hull", "node_hull")


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


def _rings(nested: list) -> list:
    """Return each nested polygon minus the previous one (the first, and gaps, kept whole)."""
    import shapely

    return [
        nested[i]
        if i == 0 or nested[i] is None or nested[i - 1] is None
        else shapely.difference(nested[i], nested[i - 1])
        for i in range(len(nested))
    ]


class _FullRows:
    """The rows of a (possibly cropped) time block, each as times over every node.

    ``nodes`` are the block's columns (None: all nodes). One buffer is reused, so a row is only
    valid until the next one is taken.
    """

    def __init__(self, block: np.ndarray, nodes: np.ndarray | None, n: int) -> None:
        self.block, self.nodes, self.n = block, nodes, n

    def __len__(self) -> int:
        return len(self.block)

    def __iter__(self):
        if self.nodes is None:
            yield from self.block
            return
        buf = np.full(self.n, np.inf)
        for row in self.block:
            buf[self.nodes] = row
            yield buf
            buf[self.nodes] = np.inf


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
        the width of the rivers and canals that must not be bridged. The hull methods also
        take 0: the hull itself, unwidened (a point or a line where it holds one or two
        points), as other tools draw it.
    method
        ``"raster"`` (default, fast): reached streets are sampled with their times on a grid of
        ``cell_m`` metres (default ``buffer_m / 2``), spread by ``buffer_m`` and polygonised,
        all thresholds at once; edges are stepped at the cell size. ``"vector"``: the exact
        union of buffered street pieces (smooth, much slower). ``"hull"``: the convex hull of
        the reached street pieces, widened by ``buffer_m`` (a quick look, the classic shape of
        other tools; it does cross rivers). ``"node_hull"``: the convex hull of the reached
        nodes only, widened by ``buffer_m``: the polygon of the osmnx-examples ``ego_graph``
        recipe, for comparison with studies made with it (partly reached streets left out).
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
    if method not in METHODS:
        raise InputError(
            f"Unknown isochrone method {method!r}.",
            fix="Use 'raster', 'vector', 'hull' or 'node_hull'.",
            it=f"Metodo di isocrona sconosciuto {method!r}.",
            fix_it="Usa 'raster', 'vector', 'hull' o 'node_hull'.",
        )
    hull = method in ("hull", "node_hull")
    if not (buffer_m > 0 or (hull and buffer_m == 0)):
        raise InputError(
            f"Buffer {buffer_m} m must be greater than zero"
            + (" (or zero, for the hull unwidened)." if hull else "."),
            fix="Use a few metres, e.g. 25.",
            it=f"Il buffer di {buffer_m} m deve essere maggiore di zero"
            + (" (o zero, per l'inviluppo non allargato)." if hull else "."),
            fix_it="Usa qualche metro, ad es. 25.",
        )
    cell = float(cell_m) if cell_m else buffer_m / 2.0
    if not (cell > 0) and not hull:  # hulls use no grid
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
    # The output's columns, filled row by row (service row, then threshold).
    cols: dict[str, list] = {"service_id": [], "threshold_min": [], "from_min": [], "_row": []}
    geoms: list = []

    def add(r: int, service: str, nested: list, rings: list | None = None) -> None:
        """Record the polygons of service row ``r`` (output follows the services' order)."""
        if rings is None:
            rings = _rings(nested) if bands == "disjoint" else nested
        chosen = nested if bands == "nested" else rings
        prev_t = 0.0
        for t_min, shape, whole in zip_strict(thresholds, chosen, nested):
            if shape is None or whole is None:
                continue
            cols["service_id"].append(service)
            cols["threshold_min"].append(t_min)
            cols["from_min"].append(prev_t if bands == "disjoint" else 0.0)
            cols["_row"].append(r)
            geoms.append(shape)
            prev_t = t_min

    def from_times(r: int, service: str, dist: np.ndarray) -> None:
        if method == "raster":
            nested, rings = band_polygons(
                network,
                dist,
                limits,
                buffer_m=buffer_m,
                cell_m=cell,
                want_rings=bands == "disjoint",
                fill_holes=fill_holes,
            )
            add(r, service, nested, rings)
        else:
            nested = [polygon_from_times(network, dist, lim, buffer_m=buffer_m) for lim in limits]
            add(r, service, nested)

    hull_kw = {"buffer_m": buffer_m, "nodes_only": method == "node_hull"}
    batcher = HullBatcher.for_network(network) if hull else None
    pending: list = []  # (rows, reached row, node, time) of blocks not turned into hulls yet

    def flush_hulls() -> None:
        # The reached nodes of several blocks are turned into hulls at once (fewer, larger
        # numpy steps).
        if not pending:
            return
        sizes = np.cumsum([0] + [p[0].size for p in pending])
        rows_ = np.concatenate([p[1] + sizes[i] for i, p in enumerate(pending)])
        node = np.concatenate([p[2] for p in pending])
        t = np.concatenate([p[3] for p in pending])
        order = np.concatenate([p[0] for p in pending])
        hulls = batcher.polygons_of_reached(
            sizes[-1], rows_, node, t, limits, sources=snapped.node[on[order]], **hull_kw
        )
        for r, row_hulls in zip_strict(order, hulls):
            add(int(r), str(ids[on[r]]), list(row_hulls))
        pending.clear()

    if per_service:
        work = progress.step(0.0, 1.0)
        done = 0
        # Each search runs on the part of the network its cut-off can reach (exact times).
        for rows_idx, nodes, block in local_times_from_each(
            network, snapped.node[on], cutoff_s=cutoff, progress=work
        ):
            work.report(done / on.size, "Isochrones")
            done += rows_idx.size
            if batcher is not None:  # all services of the block at once
                pending.append((rows_idx, *batcher.reached(block, cutoff, nodes=nodes)))
                if sum(p[1].size for p in pending) >= hull_mod.MAX_HULL_VALUES // 4:
                    flush_hulls()
            elif method == "raster":  # the class grids of the whole block polygonised at once
                results = band_polygons_many(
                    network,
                    _FullRows(block, nodes, network.n_nodes),
                    limits,
                    buffer_m=buffer_m,
                    cell_m=cell,
                    want_rings=bands == "disjoint",
                    fill_holes=fill_holes,
                )
                for r, (nested, rings) in zip_strict(rows_idx, results):
                    add(int(r), str(ids[on[r]]), nested, rings)
            else:
                for r, dist in zip_strict(rows_idx, _FullRows(block, nodes, network.n_nodes)):
                    from_times(int(r), str(ids[on[r]]), dist)
        flush_hulls()
    else:
        nt = nearest_times(
            network, snapped.node[on], cutoff_s=cutoff, progress=progress.step(0, 0.3)
        )
        if batcher is not None:
            add(0, "all", list(batcher.polygons(nt.time_s[None, :], limits, **hull_kw)[0]))
        else:
            from_times(0, "all", nt.time_s)
    progress.report(1.0, "Isochrones")
    import shapely

    order = np.argsort(np.asarray(cols.pop("_row"), dtype=np.int64), kind="stable")
    geom = np.empty(len(geoms), dtype=object)
    geom[:] = geoms
    geom = geom[order]
    data = {
        k: (np.asarray(v, dtype=object) if k == "service_id" else np.asarray(v))[order]
        for k, v in cols.items()
    }
    data["area_km2"] = shapely.area(geom) / 1e6 if geom.size else np.empty(0)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geom, crs=f"EPSG:{network.crs}"))
