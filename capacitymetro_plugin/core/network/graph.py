"""A prepared street network for one travel mode, on compact numpy arrays.

Nodes are positions in a projected metric CRS. Directed edges carry a travel time in seconds
and a length in metres; walk and bike networks hold every street in both directions, car
networks respect one-way streets. Street geometries are kept once per street segment, as one
coordinate array plus offsets, and shared by the two directions of a street; isochrones cut
them at the remaining travel time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from capacitymetro_plugin.core.errors import InputError, NetworkError

FORMAT_VERSION = 1


@dataclass(eq=False)
class Network:
    """A routable network for one mode.

    Attributes
    ----------
    crs
        EPSG code of the projected metric CRS of the coordinates.
    mode
        ``"walk"``, ``"bike"`` or ``"car"``.
    x, y
        Node coordinates (metres), shape ``(n,)``.
    node_id
        Original node identifiers (e.g. OSM ids), shape ``(n,)``.
    tail, head
        Directed edges as node indices, shape ``(m,)``.
    time_s, length_m
        Travel time (seconds) and length (metres) of each directed edge.
    seg
        Geometry segment of each directed edge.
    seg_reversed
        True where the segment's coordinates run from ``head`` to ``tail``.
    coords, offsets
        All segment vertices, shape ``(k, 2)``; segment ``s`` is ``coords[offsets[s]:offsets[s+1]]``.
    meta
        Free-form facts about how the network was made (source, speeds, dropped parts...).
    """

    crs: int
    mode: str
    x: np.ndarray
    y: np.ndarray
    node_id: np.ndarray
    tail: np.ndarray
    head: np.ndarray
    time_s: np.ndarray
    length_m: np.ndarray
    seg: np.ndarray
    seg_reversed: np.ndarray
    coords: np.ndarray
    offsets: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    # --- sizes --------------------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.x.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.tail.shape[0])

    @property
    def n_segments(self) -> int:
        """Number of street segments (geometries)."""
        return int(self.offsets.shape[0] - 1)

    def __repr__(self) -> str:
        return (
            f"Network(mode={self.mode!r}, crs=EPSG:{self.crs}, nodes={self.n_nodes:,}, "
            f"edges={self.n_edges:,}, segments={self.n_segments:,})"
        )

    # --- graph views --------------------------------------------------------------------------
    @cached_property
    def csr(self):
        """The adjacency as a scipy CSR matrix of seconds (parallel edges: the fastest kept).

        Zero-time edges are kept as explicit entries, which scipy's csgraph treats as edges.
        """
        import scipy.sparse as sp

        n = self.n_nodes
        order = np.lexsort((self.time_s, self.head, self.tail))
        t, h, w = self.tail[order], self.head[order], self.time_s[order]
        keep = np.ones(t.shape[0], dtype=bool)
        keep[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
        keep &= t != h  # self-loops never shorten a path
        t, h, w = t[keep], h[keep], w[keep]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(t, minlength=n), out=indptr[1:])
        return sp.csr_matrix((w.astype(np.float64), h.astype(np.int32), indptr), shape=(n, n))

    @cached_property
    def crow_flies_speed(self) -> float:
        """The largest straight-line speed (m/s) of any edge, tail to head.

        No path moves away from its origin faster than this, so a search limited to ``t``
        seconds stays within ``t`` × this speed of its origin. ``inf`` when an edge of zero
        time joins two distinct places (then no such bound holds).
        """
        if self.n_edges == 0:
            return 0.0
        span = np.hypot(
            self.x[self.head] - self.x[self.tail], self.y[self.head] - self.y[self.tail]
        )
        if ((self.time_s <= 0) & (span > 0)).any():
            return float("inf")
        moving = self.time_s > 0
        return float((span[moving] / self.time_s[moving]).max()) if moving.any() else 0.0

    def segment_lines(self, segments: np.ndarray | None = None) -> np.ndarray:
        """Return shapely LineStrings for ``segments`` (all when None), in stored direction."""
        import shapely

        if segments is None:
            segments = np.arange(self.n_segments)
        segments = np.asarray(segments, dtype=np.int64)
        starts = self.offsets[segments]
        counts = self.offsets[segments + 1] - starts
        idx = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
        parts = np.repeat(np.arange(segments.shape[0]), counts)
        return shapely.linestrings(self.coords[idx], indices=parts)

    # --- save / load --------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Save the network as a compressed ``.npz`` file (written atomically)."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(".npz")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.tmp.npz")
        meta = {"format_version": FORMAT_VERSION, "crs": self.crs, "mode": self.mode}
        meta["meta"] = self.meta
        np.savez_compressed(
            tmp,
            x=self.x,
            y=self.y,
            node_id=self.node_id,
            tail=self.tail,
            head=self.head,
            time_s=self.time_s,
            length_m=self.length_m,
            seg=self.seg,
            seg_reversed=self.seg_reversed,
            coords=self.coords,
            offsets=self.offsets,
            meta_json=np.array(json.dumps(meta, default=str)),
        )
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> Network:
        """Load a network saved with :meth:`save`."""
        path = Path(path)
        if not path.exists():
            raise InputError(
                f"Network file {path} does not exist.",
                fix="Prepare the network first (Prepare network) or check the path.",
                it=f"Il file di rete {path} non esiste.",
                fix_it="Prepara prima la rete (Prepara rete) o controlla il percorso.",
            )
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError) as exc:
            raise InputError(
                f"{path} is not a CapaCityMetro network file ({exc}).",
                fix="Choose a .npz file written by Prepare network.",
                it=f"{path} non è un file di rete CapaCityMetro ({exc}).",
                fix_it="Scegli un file .npz scritto da Prepara rete.",
            ) from exc
        try:
            meta = json.loads(str(arrays.pop("meta_json")))
            return cls(
                crs=int(meta["crs"]), mode=str(meta["mode"]), meta=meta.get("meta", {}), **arrays
            )
        except (KeyError, TypeError) as exc:
            raise InputError(
                f"{path} is not a CapaCityMetro network file (missing {exc}).",
                fix="Choose a .npz file written by Prepare network.",
                it=f"{path} non è un file di rete CapaCityMetro (manca {exc}).",
                fix_it="Scegli un file .npz scritto da Prepara rete.",
            ) from exc

    # --- export -------------------------------------------------------------------------------
    def nodes_gdf(self):
        """Return the nodes as a GeoDataFrame (``node``, ``node_id``, point geometry)."""
        import geopandas as gpd

        return gpd.GeoDataFrame(
            {"node": np.arange(self.n_nodes), "node_id": self.node_id},
            geometry=gpd.points_from_xy(self.x, self.y),
            crs=f"EPSG:{self.crs}",
        )

    def edges_gdf(self, *, one_per_segment: bool = True):
        """Return the edges as a GeoDataFrame with times, lengths and geometries.

        With ``one_per_segment`` a two-way street appears once (its first direction) and
        ``oneway`` says whether the opposite direction is missing.
        """
        import geopandas as gpd

        idx = np.arange(self.n_edges)
        if one_per_segment:
            _, first = np.unique(self.seg, return_index=True)
            idx = np.sort(first)
            counts = np.bincount(self.seg, minlength=self.n_segments)
        lines = self.segment_lines(self.seg[idx])
        data = {
            "edge": idx,
            "u": self.tail[idx],
            "v": self.head[idx],
            "length_m": self.length_m[idx],
            "time_s": self.time_s[idx],
        }
        if one_per_segment:
            data["oneway"] = counts[self.seg[idx]] < 2
        return gpd.GeoDataFrame(data, geometry=lines, crs=f"EPSG:{self.crs}")

    # --- structure ----------------------------------------------------------------------------
    def components(self) -> tuple[int, np.ndarray]:
        """Return the number of connected parts and each node's part label.

        Walk and bike networks are two-way, so a part is what streets join (weakly connected);
        a car network has one-way streets, so a part is where every node can reach every other
        (strongly connected): nodes a car can enter but not leave form parts of their own.
        """
        from scipy.sparse.csgraph import connected_components

        how = "strong" if self.mode == "car" else "weak"
        return connected_components(self.csr, directed=True, connection=how)

    @cached_property
    def part_labels(self) -> np.ndarray:
        """Each node's connected part (the labels of :meth:`components`), computed once."""
        return np.asarray(self.components()[1], dtype=np.int64)

    @cached_property
    def part_sizes(self) -> np.ndarray:
        """Number of nodes of each part, indexed by :attr:`part_labels`."""
        return np.bincount(self.part_labels)

    def subnetwork(self, keep_nodes: np.ndarray) -> Network:
        """Return the network restricted to the nodes where ``keep_nodes`` is True."""
        keep_nodes = np.asarray(keep_nodes, dtype=bool)
        new_index = np.full(self.n_nodes, -1, dtype=np.int64)
        new_index[keep_nodes] = np.arange(int(keep_nodes.sum()))
        keep_edges = keep_nodes[self.tail] & keep_nodes[self.head]
        segs_used = np.unique(self.seg[keep_edges])
        seg_index = np.full(self.n_segments, -1, dtype=np.int64)
        seg_index[segs_used] = np.arange(segs_used.shape[0])
        starts = self.offsets[segs_used]
        counts = self.offsets[segs_used + 1] - starts
        cidx = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(
            counts.sum()
        )
        return Network(
            crs=self.crs,
            mode=self.mode,
            x=self.x[keep_nodes],
            y=self.y[keep_nodes],
            node_id=self.node_id[keep_nodes],
            tail=new_index[self.tail[keep_edges]].astype(np.int32),
            head=new_index[self.head[keep_edges]].astype(np.int32),
            time_s=self.time_s[keep_edges],
            length_m=self.length_m[keep_edges],
            seg=seg_index[self.seg[keep_edges]].astype(np.int32),
            seg_reversed=self.seg_reversed[keep_edges],
            coords=self.coords[cidx],
            offsets=np.r_[0, np.cumsum(counts)].astype(np.int64),
            meta=dict(self.meta),
        )

    def check_usable(self) -> None:
        """Raise a bilingual error when the network has no edges."""
        if self.n_edges == 0 or self.n_nodes == 0:
            raise NetworkError(
                f"The {self.mode} network has no streets.",
                fix="Check the input covers the area and has streets this mode may use.",
                it=f"La rete {self.mode} non ha strade.",
                fix_it="Controlla che l'input copra l'area e abbia strade percorribili con questo mezzo.",
            )


def from_segments(
    *,
    crs: int,
    mode: str,
    x: np.ndarray,
    y: np.ndarray,
    node_id: np.ndarray,
    seg_u: np.ndarray,
    seg_v: np.ndarray,
    length_m: np.ndarray,
    speed_kmh: np.ndarray,
    oneway: np.ndarray,
    coords: np.ndarray,
    offsets: np.ndarray,
    meta: dict[str, Any] | None = None,
) -> Network:
    """Assemble a :class:`Network` from street segments (one geometry each, u→v).

    Every segment gives a u→v edge, and a v→u edge unless ``oneway`` (only honoured for car).
    """
    from .speeds import check_speed

    speed_kmh = np.asarray(speed_kmh, dtype=np.float64)
    bad = ~np.isfinite(speed_kmh) | (speed_kmh <= 0)
    if bad.any():
        check_speed(speed_kmh[bad][0])
    length_m = np.asarray(length_m, dtype=np.float64)
    if (length_m < 0).any() or not np.isfinite(length_m).all():
        raise NetworkError(
            "Some street lengths are negative or missing.",
            fix="Repair the street geometries (lengths must be zero or more).",
            it="Alcune lunghezze delle strade sono negative o mancanti.",
            fix_it="Correggi le geometrie delle strade (lunghezze zero o più).",
        )
    oneway = np.asarray(oneway, dtype=bool) if mode == "car" else np.zeros(len(seg_u), dtype=bool)
    time_s = length_m / (speed_kmh / 3.6)
    nseg = len(seg_u)
    segs = np.arange(nseg, dtype=np.int32)
    back = ~oneway
    return Network(
        crs=int(crs),
        mode=mode,
        x=np.asarray(x, dtype=np.float64),
        y=np.asarray(y, dtype=np.float64),
        node_id=np.asarray(node_id, dtype=np.int64),
        tail=np.r_[seg_u, seg_v[back]].astype(np.int32),
        head=np.r_[seg_v, seg_u[back]].astype(np.int32),
        time_s=np.r_[time_s, time_s[back]],
        length_m=np.r_[length_m, length_m[back]],
        seg=np.r_[segs, segs[back]].astype(np.int32),
        seg_reversed=np.r_[np.zeros(nseg, dtype=bool), np.ones(int(back.sum()), dtype=bool)],
        coords=np.asarray(coords, dtype=np.float64).reshape(-1, 2),
        offsets=np.asarray(offsets, dtype=np.int64),
        meta=dict(meta or {}),
    )
