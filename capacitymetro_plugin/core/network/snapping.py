"""Snap points (services, population) to the nearest network node, within a maximum distance.

Points farther than the maximum are flagged ``off_network`` and reported, never dropped: the
result keeps one row per input point, in input order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capacitymetro_plugin.core.errors import CrsError, InputError
from capacitymetro_plugin.core.progress import Progress, ensure

from .graph import Network


@dataclass
class SnapResult:
    """Where each input point joins the network.

    Attributes
    ----------
    node
        Nearest node index per point (also filled for off-network points).
    distance_m
        Straight-line distance to that node, in metres.
    off_network
        True where ``distance_m`` exceeds the maximum snap distance.
    max_distance_m
        The maximum used.
    """

    node: np.ndarray
    distance_m: np.ndarray
    off_network: np.ndarray
    max_distance_m: float

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
    progress: Progress | None = None,
) -> SnapResult:
    """Snap each point to its nearest network node.

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
    )


def _tree(network: Network, ckdtree):
    tree = network.__dict__.get("_kdtree")
    if tree is None:
        tree = ckdtree(np.column_stack([network.x, network.y]))
        network.__dict__["_kdtree"] = tree
    return tree
