"""Small synthetic street layers for the network and access unit tests."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
from shapely.geometry import LineString

from capacitymetro_plugin.core._pycompat import zip_strict

CRS = "EPSG:32632"
X0, Y0 = 660_000.0, 5_100_000.0


def grid_lines(n: int = 6, spacing: float = 100.0, *, bend: bool = True) -> gpd.GeoDataFrame:
    """An n×n street grid noded at every junction; some streets have a middle vertex."""
    rows = []
    for i in range(n):
        for j in range(n):
            x, y = X0 + i * spacing, Y0 + j * spacing
            if i + 1 < n:
                mid = (x + spacing / 2, y + (7.0 if bend and (i + j) % 3 == 0 else 0.0))
                rows.append(LineString([(x, y), mid, (x + spacing, y)]))
            if j + 1 < n:
                rows.append(LineString([(x, y), (x, y + spacing)]))
    return gpd.GeoDataFrame({"name": [f"s{k}" for k in range(len(rows))]}, geometry=rows, crs=CRS)


def nx_from_lines(gdf: gpd.GeoDataFrame, speed_kmh: float, tol: float = 0.1) -> nx.Graph:
    """An undirected networkx graph keyed by rounded end coordinates (independent of our code)."""
    G = nx.Graph()
    for geom in gdf.geometry:
        a = tuple(np.round(np.asarray(geom.coords[0]) / tol).astype(int))
        b = tuple(np.round(np.asarray(geom.coords[-1]) / tol).astype(int))
        w = geom.length / (speed_kmh / 3.6)
        if G.has_edge(a, b):
            w = min(w, G[a][b]["weight"])
        G.add_edge(a, b, weight=w)
    return G


def key_of(x: float, y: float, tol: float = 0.1) -> tuple[int, int]:
    return tuple(np.round(np.array([x, y]) / tol).astype(int))


def points(xy, crs: str = CRS, **cols) -> gpd.GeoDataFrame:
    xy = np.asarray(xy, dtype=float)
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs)


def nx_from_arrays(net) -> nx.DiGraph:
    """A networkx DiGraph from a network's directed edges, fastest of parallel edges."""
    G = nx.DiGraph()
    G.add_nodes_from(range(net.n_nodes))
    for t, h, w in zip_strict(net.tail.tolist(), net.head.tolist(), net.time_s.tolist()):
        if t != h and (not G.has_edge(t, h) or G[t][h]["weight"] > w):
            G.add_edge(t, h, weight=w)
    return G


def brute_snap(net, xy, max_d: float = 250.0):
    """The snapping rule of ``core.network.snap`` written out over every node: the nearest
    node, unless a part at least SNAP_LARGER_PART_FACTOR times larger has a node within
    max(SNAP_LARGER_PART_M, SNAP_LARGER_PART_RATIO × d) (and ``max_d``): then the nearest node
    of the largest such part. Parts are networkx's (weakly) connected components.

    Returns (node per point, distance per point).
    """
    from capacitymetro_plugin.core.defaults import (
        SNAP_LARGER_PART_FACTOR,
        SNAP_LARGER_PART_M,
        SNAP_LARGER_PART_RATIO,
    )

    G = nx.Graph()
    G.add_nodes_from(range(net.n_nodes))
    G.add_edges_from(zip_strict(net.tail.tolist(), net.head.tolist()))
    part = np.empty(net.n_nodes, dtype=int)
    for k, comp in enumerate(nx.connected_components(G)):
        part[list(comp)] = k
    size = np.bincount(part)[part]
    nodes, dists = [], []
    for x, y in np.asarray(xy, dtype=float):
        d = np.hypot(net.x - x, net.y - y)
        n0 = int(np.argmin(d))
        pick = n0
        if d[n0] <= max_d:
            r = min(max(SNAP_LARGER_PART_M, SNAP_LARGER_PART_RATIO * d[n0]), max_d)
            ok = (d <= r) & (size >= SNAP_LARGER_PART_FACTOR * size[n0])
            if ok.any():
                ok &= size == size[ok].max()
                pick = int(np.flatnonzero(ok)[np.argmin(d[ok])])
        nodes.append(pick)
        dists.append(float(d[pick]))
    return np.array(nodes, dtype=np.int64), np.array(dists)


def reference_hull(net, dist, limit, buffer_m):
    """Edge by edge, with shapely: the hull of every street vertex reached in time and of the
    exact cut point of each directed edge whose remaining time runs out on it, widened by
    ``buffer_m`` (None when nothing is reached)."""
    import shapely

    lines = net.segment_lines()
    pts = []
    for e in np.flatnonzero(dist[net.tail] <= limit):
        line = lines[net.seg[e]]
        if net.seg_reversed[e]:
            line = shapely.reverse(line)
        xy = shapely.get_coordinates(line)
        along = np.r_[0.0, np.cumsum(np.hypot(*np.diff(xy, axis=0).T))]
        share = (limit - dist[net.tail[e]]) / net.time_s[e] if net.time_s[e] > 0 else 1.0
        reach = min(share, 1.0) * along[-1]
        pts.append(xy[along <= reach + 1e-9])
        if reach < along[-1]:
            pts.append(shapely.get_coordinates(shapely.line_interpolate_point(line, reach)))
    if not pts:
        return None
    hull = shapely.convex_hull(shapely.multipoints(np.vstack(pts)))
    return shapely.buffer(hull, buffer_m, quad_segs=4)
