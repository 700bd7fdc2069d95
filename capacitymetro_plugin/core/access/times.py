"""Shortest travel times from many origins at once, on the network's CSR array graph.

Every search is one call into scipy's compiled Dijkstra (``scipy.sparse.csgraph.dijkstra``)
over all origins, with the cut-off passed as ``limit`` so searches stop early. There is no
per-origin Python loop; large origin sets are processed in chunks to bound memory.

The searches of :func:`times_from_each` and :func:`local_times_from_each` leave out the
network's dead ends (a node joined to one other node only, both ways): no shortest path
passes through one, so each is given its neighbour's time plus the edge afterwards, and a
search that starts at one starts at its neighbour. A fifth to a quarter of the nodes of a
city's walking network are dead ends. The times are those of the whole graph: exactly, but for
a search from a dead end, whose sums are taken in another order (equal to rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from capacitymetro_plugin.core.errors import InputError
from capacitymetro_plugin.core.network.graph import Network
from capacitymetro_plugin.core.progress import Progress, ensure

# Dense distance blocks are at most this many float64 values (~40 MB each).
MAX_BLOCK_VALUES = 5_000_000


@dataclass
class NearestTimes:
    """Per-node travel time to the nearest source.

    Attributes
    ----------
    time_s
        Seconds from the nearest source (its extra delay included); ``inf`` when unreached.
    source
        Position (in the ``source_nodes`` given) of the nearest source; -1 when unreached.
    """

    time_s: np.ndarray
    source: np.ndarray

    @property
    def reached(self) -> np.ndarray:
        """True for nodes reached within the cut-off."""
        return np.isfinite(self.time_s)


def check_cutoff(cutoff_s: float | None) -> float:
    """Return the cut-off as a positive number of seconds (``inf`` for None)."""
    if cutoff_s is None:
        return math.inf
    try:
        value = float(cutoff_s)
    except (TypeError, ValueError):
        value = math.nan
    if not value > 0:
        raise InputError(
            f"Cut-off {cutoff_s!r} s must be a positive number of seconds.",
            fix="Give a positive time, or none for no limit.",
            it=f"Il limite {cutoff_s!r} s deve essere un numero positivo di secondi.",
            fix_it="Indica un tempo positivo, o nessuno per non porre limiti.",
        )
    return value


def check_nodes(network: Network, nodes: Sequence[int] | np.ndarray, *, what: str) -> np.ndarray:
    """Return ``nodes`` as an int array, checking it is non-empty and in range."""
    arr = np.asarray(nodes, dtype=np.int64).ravel()
    if arr.size == 0:
        raise InputError(
            f"No {what} to compute travel times from.",
            fix=f"Give at least one {what} on the network.",
            it=f"Nessun punto ({what}) da cui calcolare i tempi.",
            fix_it="Indica almeno un punto sulla rete.",
        )
    bad = (arr < 0) | (arr >= network.n_nodes)
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} {what} node indices are outside the network (0–{network.n_nodes - 1}).",
            fix="Snap the points to this network first (snap()).",
            it=f"{int(bad.sum())} indici di nodo ({what}) sono fuori dalla rete.",
            fix_it="Aggancia prima i punti a questa rete (snap()).",
        )
    return arr


def _limit(cutoff: float) -> float:
    return np.inf if math.isinf(cutoff) else cutoff


@dataclass
class _DeadEnds:
    """The network's dead ends and its CSR graph without them (see the module's notes).

    ``parent`` is per node the one neighbour of a dead end (-1 for other nodes), ``w_in`` and
    ``w_out`` the seconds from it and to it; ``csr`` leaves out every edge of a dead end (the
    numbering is kept: dead ends are isolated).
    """

    parent: np.ndarray
    w_in: np.ndarray
    w_out: np.ndarray
    csr: object

    @classmethod
    def of(cls, network: Network) -> _DeadEnds:
        """Return the dead ends of ``network``, found at the first search and kept with it
        (like its CSR matrix: a prepared network is not changed)."""
        found = network.__dict__.get("_dead_ends")
        if found is None:
            found = network.__dict__["_dead_ends"] = cls._find(network.csr)
        return found

    @classmethod
    def _find(cls, csr) -> _DeadEnds:
        import scipy.sparse as sp

        n = csr.shape[0]
        tail = np.repeat(np.arange(n), np.diff(csr.indptr))
        # One edge out and one in (parallel edges are merged in the CSR; no self-loops).
        in_n = np.bincount(csr.indices, minlength=n)
        cand = np.flatnonzero((np.diff(csr.indptr) == 1) & (in_n == 1))
        parent = csr.indices[csr.indptr[cand]].astype(np.int64)
        # The edge in must come from the same neighbour: find parent -> cand (rows are sorted
        # by head, so the (tail, head) keys are sorted).
        key = tail * n + csr.indices
        at = np.minimum(np.searchsorted(key, parent * n + cand), key.size - 1)
        ok = key[at] == parent * n + cand
        # Two nodes joined only to each other: both stay (each would need the other's time).
        both = np.zeros(n, dtype=bool)
        both[cand[ok]] = True
        ok &= ~both[parent]
        cand, parent, at = cand[ok], parent[ok], at[ok]
        out_parent = np.full(n, -1, dtype=np.int64)
        out_parent[cand] = parent
        w_in, w_out = np.zeros(n), np.zeros(n)
        w_in[cand] = csr.data[at]
        w_out[cand] = csr.data[csr.indptr[cand]]
        keep = (out_parent[tail] < 0) & (out_parent[csr.indices] < 0)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(tail[keep], minlength=n), out=indptr[1:])
        pruned = sp.csr_matrix(
            (csr.data[keep], csr.indices[keep].astype(np.int32), indptr), shape=(n, n)
        )
        return cls(parent=out_parent, w_in=w_in, w_out=w_out, csr=pruned)


def _search(graph, src: np.ndarray, limit: float, parent, w_in, w_out) -> np.ndarray:
    """Return the times from each of ``src`` (unique; one row each) on ``graph``, a graph
    without its dead ends; ``parent``, ``w_in`` and ``w_out`` describe them per node of
    ``graph`` as in :class:`_DeadEnds` (``parent`` -1 also where the neighbour is not in
    ``graph``: then the dead end is reached only as a source). The times equal those of a
    search on the graph with its dead ends (to rounding, for a search from a dead end)."""
    from scipy.sparse.csgraph import dijkstra

    own = parent[src]
    from_dead = np.flatnonzero(own >= 0)
    # A search from a dead end starts at its neighbour.
    start = src.copy()
    start[from_dead] = own[from_dead]
    uniq, inv = np.unique(start, return_inverse=True)
    if uniq.size == start.size:  # no neighbour is a source too: no copy
        block = np.atleast_2d(dijkstra(graph, directed=True, indices=start, limit=limit))
    else:
        block = np.atleast_2d(dijkstra(graph, directed=True, indices=uniq, limit=limit))[inv]
    if from_dead.size:
        shifted = block[from_dead] + w_out[src[from_dead], None]
        shifted[shifted > limit] = np.inf
        block[from_dead] = shifted
    dead = np.flatnonzero(parent >= 0)
    if dead.size:
        cols = block[:, parent[dead]] + w_in[dead]
        cols[cols > limit] = np.inf
        block[:, dead] = cols
    block[from_dead, src[from_dead]] = 0.0
    return block


def nearest_times(
    network: Network,
    source_nodes: Sequence[int] | np.ndarray,
    *,
    cutoff_s: float | None = None,
    extra_delay_s: Sequence[float] | np.ndarray | None = None,
    progress: Progress | None = None,
) -> NearestTimes:
    """Return every node's travel time to its nearest source (multi-source Dijkstra).

    Parameters
    ----------
    network
        The prepared network.
    source_nodes
        Node index of each source (e.g. ``snap(...).node``); repeats are allowed.
    cutoff_s
        Stop at this many seconds; farther nodes get ``inf`` and source -1.
    extra_delay_s
        Optional per-source delay added to its times (e.g. waiting time), seconds ≥ 0. Done with
        a virtual super-source joined to each source by an edge of its delay.

    Returns
    -------
    NearestTimes
        ``time_s`` and ``source`` (position in ``source_nodes``) per node.
    """
    from scipy.sparse.csgraph import dijkstra

    progress = ensure(progress)
    src = check_nodes(network, source_nodes, what="source")
    cutoff = check_cutoff(cutoff_s)
    n = network.n_nodes
    progress.report(0.0, "Shortest travel times")
    if extra_delay_s is None:
        uniq, first = np.unique(src, return_index=True)
        dist, _, owner_node = dijkstra(
            network.csr,
            directed=True,
            indices=uniq,
            min_only=True,
            return_predecessors=True,
            limit=_limit(cutoff),
        )
        pos_of_node = np.full(n, -1, dtype=np.int64)
        pos_of_node[uniq] = first
        source = np.where(owner_node >= 0, pos_of_node[np.maximum(owner_node, 0)], -1)
    else:
        delay = np.asarray(extra_delay_s, dtype=np.float64).ravel()
        if delay.shape != src.shape:
            raise InputError(
                f"{delay.size} delays given for {src.size} sources.",
                fix="Give one delay per source.",
                it=f"{delay.size} ritardi per {src.size} sorgenti.",
                fix_it="Indica un ritardo per ogni sorgente.",
            )
        if not np.isfinite(delay).all() or (delay < 0).any():
            raise InputError(
                "Extra delays must be finite and zero or more seconds.",
                fix="Fix the delay field (empty or negative values).",
                it="I ritardi aggiuntivi devono essere finiti e maggiori o uguali a zero.",
                fix_it="Correggi il campo del ritardo (valori vuoti o negativi).",
            )
        dist, source = _with_super_source(network, src, delay, cutoff)
    dist = np.asarray(dist, dtype=np.float64)
    source = np.where(np.isfinite(dist), source, -1)
    progress.report(1.0, "Shortest travel times")
    return NearestTimes(time_s=dist, source=source.astype(np.int64))


def _with_super_source(
    network: Network, src: np.ndarray, delay: np.ndarray, cutoff: float
) -> tuple[np.ndarray, np.ndarray]:
    import scipy.sparse as sp
    from scipy.sparse.csgraph import dijkstra

    n = network.n_nodes
    # The fastest of several sources on the same node wins (first listed on ties).
    order = np.lexsort((np.arange(src.size), delay, src))
    s_sorted, d_sorted, p_sorted = src[order], delay[order], order
    keep = np.r_[True, s_sorted[1:] != s_sorted[:-1]]
    s_nodes, s_delay, s_pos = s_sorted[keep], d_sorted[keep], p_sorted[keep]
    csr = network.csr
    # Append one row (the super-source n) with an edge to each source node.
    indptr = np.r_[csr.indptr, csr.indptr[-1] + s_nodes.size]
    indices = np.r_[csr.indices, s_nodes].astype(np.int32)
    data = np.r_[csr.data, s_delay]
    big = sp.csr_matrix((data, indices, indptr), shape=(n + 1, n + 1))
    dist, pred = dijkstra(
        big, directed=True, indices=n, return_predecessors=True, limit=_limit(cutoff)
    )
    dist, pred = dist[:n], pred[:n]
    # Follow predecessors to the first node after the super-source (pointer jumping).
    root = np.where(pred == n, np.arange(n), pred)
    root = np.where(root < 0, -1, root)
    for _ in range(64):
        nxt = np.where(root >= 0, root[np.maximum(root, 0)], -1)
        if np.array_equal(nxt, root):
            break
        root = nxt
    pos_of_node = np.full(n, -1, dtype=np.int64)
    pos_of_node[s_nodes] = s_pos
    source = np.where(root >= 0, pos_of_node[np.maximum(root, 0)], -1)
    return dist, source


def times_from_each(
    network: Network,
    source_nodes: Sequence[int] | np.ndarray,
    *,
    cutoff_s: float | None = None,
    columns: np.ndarray | None = None,
    progress: Progress | None = None,
):
    """Yield ``(rows, block)`` of travel times from each source, a chunk of sources at a time.

    ``rows`` are positions in ``source_nodes``; ``block`` has one row per position and one
    column per node (or per entry of ``columns``), ``inf`` beyond the cut-off.
    """
    progress = ensure(progress)
    src = check_nodes(network, source_nodes, what="source")
    cutoff = check_cutoff(cutoff_s)
    chunk = max(1, MAX_BLOCK_VALUES // max(network.n_nodes, 1))
    dead = _DeadEnds.of(network)
    for start in range(0, src.size, chunk):
        progress.report(start / src.size, "Travel times")
        rows = np.arange(start, min(start + chunk, src.size))
        uniq, inv = np.unique(src[rows], return_inverse=True)
        block = _search(dead.csr, uniq, _limit(cutoff), dead.parent, dead.w_in, dead.w_out)
        if columns is not None:
            block = block[:, columns]
        yield rows, block[inv]
    progress.report(1.0, "Travel times")


def od_matrix(
    network: Network,
    origin_nodes: Sequence[int] | np.ndarray,
    dest_nodes: Sequence[int] | np.ndarray,
    *,
    cutoff_s: float | None = None,
    sparse: bool = False,
    progress: Progress | None = None,
):
    """Return the origin × destination travel times in seconds.

    Parameters
    ----------
    origin_nodes, dest_nodes
        Node indices (e.g. services and population points after :func:`snap`).
    cutoff_s
        Times beyond it are ``inf`` (dense) or absent (sparse).
    sparse
        Return a ``scipy.sparse.csr_matrix`` holding only the reached pairs (a reached pair at
        0 s is stored as an explicit zero).

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_matrix
        Shape ``(len(origin_nodes), len(dest_nodes))``.
    """
    import scipy.sparse as sp

    dest = check_nodes(network, dest_nodes, what="destination")
    origins = check_nodes(network, origin_nodes, what="origin")
    out = None if sparse else np.full((origins.size, dest.size), np.inf)
    r_all, c_all, v_all = [], [], []
    for rows, nodes, block in local_times_from_each(
        network, origins, cutoff_s=cutoff_s, progress=progress
    ):
        if nodes is None:
            cols, values = np.arange(dest.size), block[:, dest]
        else:  # destinations outside the searched crop are beyond the cut-off
            pos = np.minimum(np.searchsorted(nodes, dest), nodes.size - 1)
            cols = np.flatnonzero(nodes[pos] == dest)
            values = block[:, pos[cols]]
        if out is not None:
            out[np.ix_(rows, cols)] = values
            continue
        r, c = np.nonzero(np.isfinite(values))
        r_all.append(rows[r])
        c_all.append(cols[c])
        v_all.append(values[r, c])
    if out is not None:
        return out
    r, c, v = (np.concatenate(a) for a in (r_all, c_all, v_all))
    return sp.csr_matrix((v, (r, c)), shape=(origins.size, dest.size))


# --- searches confined to the area a cut-off can reach --------------------------------------------
# A crop is used when it holds at most this share of the network's nodes (else the whole graph).
LOCAL_MAX_SHARE = 0.6


def _sub_csr(csr, sub: np.ndarray, n: int, local: np.ndarray | None = None):
    """Return the CSR of the subgraph induced by the sorted nodes ``sub`` (numbered 0..;
    ``local`` may give each node's number there, -1 outside)."""
    import scipy.sparse as sp

    if local is None:
        local = np.full(n, -1, dtype=np.int64)
        local[sub] = np.arange(sub.size)
    starts = csr.indptr[sub]
    counts = csr.indptr[sub + 1] - starts
    idx = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
    heads = local[csr.indices[idx]]
    keep = heads >= 0
    row = np.repeat(np.arange(sub.size), counts)[keep]
    indptr = np.zeros(sub.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=sub.size), out=indptr[1:])
    return sp.csr_matrix(
        (csr.data[idx[keep]], heads[keep].astype(np.int32), indptr), shape=(sub.size, sub.size)
    )


def local_times_from_each(
    network: Network,
    source_nodes: Sequence[int] | np.ndarray,
    *,
    cutoff_s: float | None,
    progress: Progress | None = None,
):
    """Yield ``(rows, nodes, block)``: travel times from each source, searched locally.

    A search limited to the cut-off cannot leave the disc of radius cut-off ×
    :attr:`Network.crow_flies_speed` around its origin, so sources are grouped by square cells
    of that radius and each group is searched only on the nodes within one radius of its
    sources' box. The times are exactly those of the
    whole network (every path within the cut-off stays in the crop); on a metropolitan network
    far fewer nodes are touched and the blocks are much smaller.

    ``rows`` are positions in ``source_nodes`` (a group at a time, not in order); ``nodes`` the
    global node index of each column of ``block`` (sorted), or None when the block covers every
    node; ``block`` has one row per entry of ``rows``, ``inf`` beyond the cut-off and for every
    node not in ``nodes``.
    """
    progress = ensure(progress)
    src = check_nodes(network, source_nodes, what="source")
    cutoff = check_cutoff(cutoff_s)
    radius = cutoff * network.crow_flies_speed
    n = network.n_nodes
    if not math.isfinite(radius):
        for rows, block in times_from_each(network, src, cutoff_s=cutoff_s, progress=progress):
            yield rows, None, block
        return
    radius = radius * (1 + 1e-9) + 1e-6  # rounding of coordinates and times
    # Square cells of one radius: the nodes within reach of a cell's sources lie in the 3 × 3
    # cells around it. Nodes are sorted by cell once, so a crop costs its own size, not n.
    size = max(radius, 1.0)
    x0, y0 = network.x.min(), network.y.min()
    ncol = int((network.x.max() - x0) // size) + 1
    node_cell = ((network.y - y0) // size).astype(np.int64) * ncol + (
        (network.x - x0) // size
    ).astype(np.int64)
    by_cell = np.argsort(node_cell, kind="stable")
    cell_start = np.searchsorted(node_cell[by_cell], np.arange(node_cell.max() + 2))
    src_cell = node_cell[src]
    order = np.argsort(src_cell, kind="stable")
    cells, first = np.unique(src_cell[order], return_index=True)
    bounds = np.r_[first, src.size]
    dead = _DeadEnds.of(network)
    done = 0
    for c, cell in enumerate(cells.tolist()):
        rows_c = order[bounds[c] : bounds[c + 1]]
        cy, cx = divmod(cell, ncol)
        near = [
            by_cell[cell_start[k] : cell_start[k + 1]]
            for j in range(max(cy - 1, 0), cy + 2)
            for i in range(max(cx - 1, 0), min(cx + 2, ncol))
            if (k := j * ncol + i) < cell_start.size - 1
        ]
        cand = np.sort(np.concatenate(near))
        # The sources' own box (tighter than their cell), widened by the reach.
        xs, ys = network.x[src[rows_c]], network.y[src[rows_c]]
        cx_, cy_ = network.x[cand], network.y[cand]
        sub_nodes = cand[
            (cx_ >= xs.min() - radius)
            & (cx_ <= xs.max() + radius)
            & (cy_ >= ys.min() - radius)
            & (cy_ <= ys.max() + radius)
        ]
        if sub_nodes.size > LOCAL_MAX_SHARE * n:  # little to gain: search the whole graph
            graph, nodes, src_local = dead.csr, None, src[rows_c]
            ends = (dead.parent, dead.w_in, dead.w_out)
        else:
            local = np.full(n, -1, dtype=np.int64)
            local[sub_nodes] = np.arange(sub_nodes.size)
            graph, nodes = _sub_csr(dead.csr, sub_nodes, n, local), sub_nodes
            src_local = local[src[rows_c]]
            # A dead end whose neighbour lies outside the crop is out of reach (but its own).
            p = dead.parent[sub_nodes]
            ends = (np.where(p >= 0, local[p], -1), dead.w_in[sub_nodes], dead.w_out[sub_nodes])
        chunk = max(1, MAX_BLOCK_VALUES // max(graph.shape[0], 1))
        for start in range(0, rows_c.size, chunk):
            progress.report(done / src.size, "Travel times")
            rows = rows_c[start : start + chunk]
            uniq, inv = np.unique(src_local[start : start + chunk], return_inverse=True)
            block = _search(graph, uniq, _limit(cutoff), *ends)
            done += rows.size
            yield rows, nodes, block[inv]
    progress.report(1.0, "Travel times")
