"""Snap points (services, population) to a network node, within a maximum distance.

A point joins its nearest node, unless that node lies on a small part of the network and a
much larger part is only slightly farther (the rule is in :func:`snap`). Points farther than
the maximum are flagged ``off_network`` and reported, never dropped: the result keeps one row
per input point, in input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capacitymetro_plugin.core.defaults import (
    SNAP_LARGER_PART_FACTOR,
    SNAP_LARGER_PART_M,
    SNAP_LARGER_PART_RATIO,
)
from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .graph import Network


@dataclass
class SnapResult:
    """Where each input point joins the network.

    Attributes
    ----------
    node
        Node index per point (also filled for off-network points): the nearest node, or the
        nearest node of a much larger part (see :func:`snap`).
    distance_m
        Straight-line distance to that node, in metres.
    off_network
        True where ``distance_m`` exceeds the maximum snap distance.
    max_distance_m
        The maximum used.
    to_larger_part
        True where the point passed over its nearest node (on a small part) for a node of a
        much larger part.
    """

    node: np.ndarray
    distance_m: np.ndarray
    off_network: np.ndarray
    max_distance_m: float
    to_larger_part: np.ndarray | None = None

    @property
    def on_network(self) -> np.ndarray:
        """True where the point snapped within the maximum distance."""
        return ~self.off_network

    def __len__(self) -> int:
        return int(self.node.shape[0])


def to_network_crs(gdf, network: Network, *, what: str, progress: Progress | None = None):
    """Return ``gdf`` in the network's CRS, reprojecting (and saying so) when needed."""
    progress = ensure(progress)
    if gdf.crs is None:
        raise CrsError(
            f"The {what} layer has no CRS.",
            fix="Set the layer's CRS (e.g. EPSG:4326) and run again.",
            it=f"Il layer {what} non ha un sistema di riferimento.",
            fix_it="Imposta il SR del layer (es. EPSG:4326) e riprova.",
        )
    epsg = gdf.crs.to_epsg()
    if epsg != network.crs:
        progress.info(
            f"The {what} layer is in {gdf.crs.to_string()}: reprojected to the network's "
            f"EPSG:{network.crs}. / Layer {what} riproiettato in EPSG:{network.crs}."
        )
        gdf = gdf.to_crs(network.crs)
    return gdf


def point_xy(gdf, *, what: str) -> np.ndarray:
    """Return an (n, 2) array of point coordinates (centroids for lines/polygons)."""
    import shapely

    if gdf is None or len(gdf) == 0:
        raise InputError(
            f"The {what} layer is empty.",
            fix=f"Choose a layer with at least one {what} feature.",
            it=f"Il layer {what} è vuoto.",
            fix_it="Scegli un layer con almeno un elemento.",
        )
    geoms = gdf.geometry.values
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        rows = np.flatnonzero(missing)[:5].tolist()
        raise InputError(
            f"The {what} layer has {int(missing.sum())} features without geometry (rows {rows}).",
            fix="Give every feature a location or remove those rows.",
            it=f"Il layer {what} ha {int(missing.sum())} elementi senza geometria (righe {rows}).",
            fix_it="Dai una posizione a ogni elemento o rimuovi quelle righe.",
        )
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    return shapely.get_coordinates(pts)


def snap(
    network: Network,
    points_gdf,
    *,
    max_distance_m: float = 250.0,
    what: str = "points",
    larger_m: float = SNAP_LARGER_PART_M,
    larger_ratio: float = SNAP_LARGER_PART_RATIO,
    larger_factor: float = SNAP_LARGER_PART_FACTOR,
    progress: Progress | None = None,
) -> SnapResult:
    """Snap each point to a network node: the nearest, or that of a much larger part nearby.

    The network may hold several parts that no street joins (islands; see
    :func:`~.build.finish_network`). Rule: let ``d`` be the distance from a point to its nearest
    node, on a part of ``n`` nodes. If a part with at least ``larger_factor × n`` nodes
    (default 10×) has a node within ``max(larger_m, larger_ratio × d)`` of the point (default
    max(100 m, 1.5 d)) and within ``max_distance_m``, the point joins the nearest node of the
    largest such part. Otherwise it joins its nearest node. So a service on the edge of a big
    street network is not stranded on a scrap of footway beside it, while a place on a real
    island (whose own streets are nearer than any other part by more than that margin) stays
    on its island. With one part (or ``larger_factor=0``) this is plain nearest-node snapping.

    Parameters
    ----------
    network
        The prepared network.
    points_gdf
        GeoDataFrame of points (other geometries use a point on their surface); reprojected
        to the network's CRS when needed (reported through ``progress.info``).
    max_distance_m
        Points farther than this from every node are flagged ``off_network``.
    what
        Name of the layer in messages (e.g. "services").
    larger_m, larger_ratio, larger_factor
        The rule above (defaults in :mod:`capacitymetro_plugin.core.defaults`).

    Returns
    -------
    SnapResult
        One entry per input row, in input order.
    """
    from scipy.spatial import cKDTree

    progress = ensure(progress)
    if not (max_distance_m > 0):
        raise InputError(
            f"Maximum snap distance {max_distance_m} m must be greater than zero.",
            fix="Use e.g. 250 m.",
            it=f"La distanza massima di aggancio {max_distance_m} m deve essere maggiore di zero.",
            fix_it="Usa ad es. 250 m.",
        )
    if points_gdf is None or len(points_gdf) == 0:
        point_xy(points_gdf, what=what)  # raises the empty-layer error
    points_gdf = to_network_crs(points_gdf, network, what=what, progress=progress)
    xy = point_xy(points_gdf, what=what)
    tree = _tree(network, cKDTree)
    dist, node = tree.query(xy, k=1)
    node = np.asarray(node, dtype=np.int64)
    dist = np.asarray(dist, dtype=np.float64)
    moved = np.zeros(node.shape[0], dtype=bool)
    if larger_factor > 0 and network.part_sizes.shape[0] > 1:
        node, dist, moved = _prefer_larger_parts(
            network, tree, xy, node, dist, max_distance_m, larger_m, larger_ratio, larger_factor
        )
        if moved.any():
            progress.info(
                f"{int(moved.sum())} of {len(xy)} {what} joined a larger part of the network "
                f"than that of their nearest node (a small part nearer by less than "
                f"max({larger_m:g} m, {larger_ratio:g}×)). / {int(moved.sum())} su {len(xy)} "
                f"agganciati a una parte della rete più grande di quella del nodo più vicino."
            )
    off = dist > max_distance_m
    if off.any():
        progress.info(
            f"{int(off.sum())} of {len(xy)} {what} are more than {max_distance_m:g} m from the "
            f"network (reported as off-network). / {int(off.sum())} su {len(xy)} oltre "
            f"{max_distance_m:g} m dalla rete (segnalati come fuori rete)."
        )
    return SnapResult(
        node=node.astype(np.int64),
        distance_m=dist.astype(np.float64),
        off_network=off,
        max_distance_m=float(max_distance_m),
        to_larger_part=moved,
    )


def _prefer_larger_parts(
    network: Network,
    tree,
    xy: np.ndarray,
    node: np.ndarray,
    dist: np.ndarray,
    max_distance_m: float,
    larger_m: float,
    larger_ratio: float,
    larger_factor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply the larger-part rule of :func:`snap` to the nearest ``node``/``dist`` per point."""
    labels, sizes = network.part_labels, network.part_sizes
    own = sizes[labels[node]]
    # Only points whose nearest part is small next to the largest part can move.
    maybe = np.flatnonzero((own * larger_factor <= sizes.max()) & (dist <= max_distance_m))
    node, dist = node.copy(), dist.copy()
    moved = np.zeros(node.shape[0], dtype=bool)
    if maybe.size == 0:
        return node, dist, moved
    radius = np.minimum(np.maximum(larger_m, larger_ratio * dist[maybe]), max_distance_m)
    near = tree.query_ball_point(xy[maybe], radius)
    for i, found in zip(maybe.tolist(), near):
        if not found:
            continue
        cand = np.asarray(found, dtype=np.int64)
        size = sizes[labels[cand]]
        ok = size >= larger_factor * own[i]
        if not ok.any():
            continue
        cand, size = cand[ok], size[ok]
        best_part = labels[cand[size == size.max()]]
        cand = cand[np.isin(labels[cand], best_part[:1])]
        d = np.hypot(network.x[cand] - xy[i, 0], network.y[cand] - xy[i, 1])
        k = int(np.argmin(d))
        node[i], dist[i], moved[i] = cand[k], d[k], True
    return node, dist, moved


def _tree(network: Network, ckdtree):
    tree = network.__dict__.get("_kdtree")
    if tree is None:
        tree = ckdtree(np.column_stack([network.x, network.y]))
        network.__dict__["_kdtree"] = tree
    return tree
