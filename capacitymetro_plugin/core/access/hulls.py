"""Convex-hull isochrones for many services at once, exact and without per-service Python work.

The hull of a service at a limit is the convex hull of every street vertex reached within the
limit and of the point where the limit cuts each partially reached directed edge. Most of
those points lie deep inside the hull, so the work is arranged to look at them as little as
possible:

* reached nodes come from ONE scan of the block of travel times, grouped by the first limit
  that reaches them; each node is looked at once, at that limit. A dead end (see
  :func:`dead_ends`) that is not its search's source is not looked at: the street that
  reaches it, wholly reached by then, holds all it adds;
* a node stands in by a street vertex at it (the first vertex of its first outgoing street;
  street ends may lie a snap tolerance off their node). Per service, the extreme such points
  in 8 directions span an octagon inside the hull, and those in 16 directions a finer polygon
  (fed only with the nodes the octagon kept, which hold every extreme point); both are kept up
  to date limit by limit;
* a node whose "star box" (the bounding box of its outgoing streets) lies strictly inside a
  polygon is dropped for good, with all its streets: nothing it adds can be a hull corner, at
  this limit or any larger one (whose hull holds this one);
* the other nodes give their point and expand into their outgoing edges; an edge whose street
  box lies inside a polygon is dropped too;
* a partially reached edge gives the point where the limit cuts it (found by length along its
  street) and is looked at again at the next limit. The cut points join both polygons at once:
  they lie farthest out, so that many more street pieces fall inside;
* the streets of wholly reached edges and the reached part of partial ones are then tested in
  pieces of PIECE_SEGMENTS segments, and the pieces not inside give their vertices;
* the hull at a limit is the hull (GEOS) of the previous limit's hull corners and the new
  points, then buffered (GEOS, in bulk).
"""

from __future__ import annotations

import numpy as np

from capacitymetro_plugin.core.network.graph import Network

# (service, vertex) values the batched hull handles at once: bounds its temporary memory.
MAX_HULL_VALUES = 4_000_000
# Segments per street piece (the unit tested before a street gives points).
PIECE_SEGMENTS = 8
# Directions of the finer inner polygon that drops streets deep inside each hull.
FINE_DIRECTIONS = 16
# Node hulls use the finer polygon only where the octagon leaves more nodes per hull than this
# (on Bari's small hulls it costs more than the points it saves GEOS).
FINE_MIN_NODES = 32


class HullBatcher:
    """Convex-hull isochrones for many services at once (no per-service Python work).

    Set up once per network, at the first street hull (:meth:`prepare`): outgoing edges
    grouped by tail node, the bounding box of every street and every node's star box, each
    node's stand-in vertex, and the running length along the streets at every stored vertex.
    :meth:`polygons` then takes a block of travel times (one row per service) and returns, per
    service and limit, the convex hull of the reached street vertices and of the points where
    each limit cuts a street (or of the reached nodes only), widened by ``buffer_m``.
    :meth:`reached` and :meth:`polygons_of_reached` do the same in two steps, so
    that the reached nodes of several blocks can be turned into hulls at once.
    """

    @classmethod
    def for_network(cls, network: Network) -> HullBatcher:
        """Return the batcher of ``network``, built at its first use and kept with the network
        (like its CSR matrix: a prepared network is not changed)."""
        batcher = network.__dict__.get("_hull_batcher")
        if batcher is None:
            batcher = network.__dict__["_hull_batcher"] = cls(network)
        return batcher

    def __init__(self, network: Network) -> None:
        self.network = network
        self._prepared = False

    def __getattr__(self, name: str):
        # Called only for attributes not set yet: the street set-up below is made at the
        # first use of any of its arrays (node hulls need none of them).
        if name.startswith("__") or self.__dict__.get("_prepared", True):
            raise AttributeError(name)
        self.prepare()
        return getattr(self, name)

    def prepare(self) -> HullBatcher:
        """Make the street set-up (done at its first use otherwise); return the batcher."""
        if self._prepared:
            return self
        self._prepared = True
        network = self.network
        n = network.n_nodes
        self.edge_order = np.argsort(network.tail, kind="stable")
        self.edge_start = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(network.tail, minlength=n), out=self.edge_start[1:])
        counts = np.diff(network.offsets)
        xy = network.coords
        # Length walked from the first stored vertex of its street to every vertex, as one
        # running sum over all vertices (the jumps between streets left out): a vertex's
        # fraction of its street is (cum - cum at the street's start) / the street's length.
        self.cum = np.zeros(xy.shape[0])
        if xy.shape[0] > 1:
            step = np.hypot(np.diff(xy[:, 0]), np.diff(xy[:, 1]))
            step[network.offsets[1:-1] - 1] = 0.0
            np.cumsum(step, out=self.cum[1:])
        lo, hi = network.offsets[:-1], np.maximum(network.offsets[1:] - 1, 0)
        self.seg_length = self.cum[hi] - self.cum[lo] if xy.shape[0] else np.zeros(counts.size)
        # Bounding box of each segment (segments always have at least two vertices).
        self.box = [
            fn.reduceat(xy[:, j], lo) if xy.shape[0] else np.empty(0)
            for fn, j in ((np.minimum, 0), (np.minimum, 1), (np.maximum, 0), (np.maximum, 1))
        ]
        self.star = star_boxes(network, self.box, self.edge_order, self.edge_start)
        # Each street cut into pieces of PIECE_SEGMENTS segments (consecutive pieces share a
        # vertex); only pieces near a hull's edge give points. Their boxes are found when needed.
        n_piece = np.maximum((counts - 1 + PIECE_SEGMENTS - 1) // PIECE_SEGMENTS, 0)
        self.piece_start = np.zeros(counts.size + 1, dtype=np.int64)
        np.cumsum(n_piece, out=self.piece_start[1:])
        # A node stands in the hulls by the first vertex of its first outgoing street, a
        # point of every hull that reaches the node (street ends may lie a snap tolerance
        # away from their node). Nodes without outgoing streets give no point of their own.
        self.has_out = self.edge_start[1:] > self.edge_start[:-1]
        rep = np.full(n, -1, dtype=np.int64)
        e = self.edge_order[self.edge_start[:-1][self.has_out]]
        s = network.seg[e]
        rep[self.has_out] = np.where(
            network.seg_reversed[e], network.offsets[s + 1] - 1, network.offsets[s]
        )
        self.rep_xy = np.full((n, 2), np.nan)
        self.rep_xy[self.has_out] = xy[rep[self.has_out]]
        self.dead_end = dead_ends(network, self.edge_order, self.edge_start)
        # The most vertices a reached node can expand to (its outgoing streets' vertices),
        # plus 4 for the node itself: bounds the temporary memory of a part.
        self.node_weight = 4.0 + np.bincount(
            network.tail, weights=counts[network.seg].astype(np.float64), minlength=n
        )
        return self

    def polygons(
        self,
        block: np.ndarray,
        limits_s: list[float],
        *,
        buffer_m: float,
        nodes: np.ndarray | None = None,
        nodes_only: bool = False,
        sources: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return a (services × limits) object array of hull polygons (None: nothing reached).

        Parameters
        ----------
        block
            Travel times in seconds, one row per service (``inf`` where not reached).
        limits_s
            Increasing time limits in seconds.
        buffer_m
            Width added around each hull (GEOS buffer, ``quad_segs=4``); 0: the hull itself
            (a point or a line where it holds one or two points).
        nodes
            Global node index of each column of ``block`` (sorted, unique); every other node
            counts as unreached. Default: column ``j`` is node ``j``.
        nodes_only
            Hull the reached nodes only (the osmnx-examples ``ego_graph`` recipe's polygon:
            streets and partly reached streets left out) instead of the reached streets.
        sources
            The node each row's search started from, one per row. Street hulls then leave
            every other dead end to the street that reaches it (same polygons, less work).
            Default None: every reached node is looked at (rows searched from several
            nodes at once, for example).
        """
        block = np.atleast_2d(block)
        n_rows, n_cols = block.shape
        out = np.full((n_rows, len(limits_s)), None, dtype=object)
        if n_rows == 0 or n_cols == 0 or not limits_s:
            return out
        # A few rows at a time, so temporary memory stays bounded.
        step = max(1, (2 * MAX_HULL_VALUES) // n_cols)
        for s0 in range(0, n_rows, step):
            sub = block[s0 : s0 + step]
            rows, node, t = self.reached(sub, limits_s[-1], nodes=nodes)
            out[s0 : s0 + sub.shape[0]] = self.polygons_of_reached(
                sub.shape[0],
                rows,
                node,
                t,
                limits_s,
                buffer_m=buffer_m,
                nodes_only=nodes_only,
                sources=None if sources is None else sources[s0 : s0 + sub.shape[0]],
            )
        return out

    def reached(
        self, block: np.ndarray, limit_s: float, *, nodes: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(row, node, time)`` of every node reached within ``limit_s`` (one scan of
        the block; sorted by row, then column). ``nodes`` as in :meth:`polygons`."""
        block = np.atleast_2d(block)
        n_cols = block.shape[1]
        if nodes is not None:
            nodes = np.asarray(nodes, dtype=np.int64)
            if nodes.shape != (n_cols,):
                raise ValueError(f"nodes has shape {nodes.shape}, the block {n_cols} columns")
        flat = np.flatnonzero(block <= limit_s)
        rows = flat // max(n_cols, 1)
        cols = flat - rows * n_cols
        t = block.ravel()[flat] if block.flags.c_contiguous else block[rows, cols]
        return rows, (cols if nodes is None else nodes[cols]), t

    def polygons_of_reached(
        self,
        n_rows: int,
        rows: np.ndarray,
        node: np.ndarray,
        t: np.ndarray,
        limits_s: list[float],
        *,
        buffer_m: float,
        nodes_only: bool = False,
        sources: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return the (``n_rows`` × limits) hull polygons of reached nodes given as
        ``(row, node, time)`` sorted by row (see :meth:`reached`; ``nodes_only`` and
        ``sources`` as in :meth:`polygons`)."""
        out = np.full((n_rows, len(limits_s)), None, dtype=object)
        if rows.size == 0 or not limits_s:
            return out
        # Services reaching many nodes are taken a few at a time, so that a part expands to
        # at most about MAX_HULL_VALUES values: bounded temporary memory.
        bounds = np.r_[0, np.cumsum(np.bincount(rows, minlength=n_rows))]
        weight = np.bincount(
            rows, weights=None if nodes_only else self.node_weight[node], minlength=n_rows
        )
        if sources is not None:
            sources = np.asarray(sources, dtype=np.int64)
            if sources.shape != (n_rows,):
                raise ValueError(f"sources has shape {sources.shape}, for {n_rows} rows")
        for r0, r1 in _row_parts(weight, MAX_HULL_VALUES):
            a, b = bounds[r0], bounds[r1]
            if b == a:
                continue
            part = (r1 - r0, rows[a:b] - r0, node[a:b], t[a:b], limits_s, buffer_m)
            if nodes_only:
                out[r0:r1] = self._fill_nodes(*part)
            else:
                out[r0:r1] = self._fill(*part, None if sources is None else sources[r0:r1])
        return out

    def _fill(self, n_rows, rows, node, t, limits_s, buffer_m, sources) -> np.ndarray:
        net = self.network
        hulls = _Incremental(n_rows, len(limits_s), buffer_m)
        # Nodes without outgoing streets take part through the streets that reach them, and
        # so do dead ends other than the source (see dead_ends).
        keep = self.has_out[node]
        if sources is not None:
            keep &= ~self.dead_end[node] | (node == sources[rows])
        rows, node, t = rows[keep], node[keep], t[keep]
        order, ends = _by_limit(t, limits_s)
        # A cheap octagon per service drops most nodes; a finer polygon (fed only with the
        # nodes the octagon kept, which hold every extreme point) drops most of the rest.
        coarse, fine = Octagons(n_rows), Octagons(n_rows, FINE_DIRECTIONS)
        carry = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))  # partial edges
        for i, limit in enumerate(limits_s):
            sel = order[ends[i] : ends[i + 1]]
            b_row, b_node, b_t = rows[sel], node[sel], t[sel]
            b_xy = self.rep_xy[b_node]
            coarse.add(b_xy[:, 0], b_xy[:, 1], b_row)
            if not coarse.any:
                hulls.step(i, [], [])
                continue
            # Nodes whose star box lies inside the polygon drop out with all their streets.
            keep = ~coarse.box_inside([s[b_node] for s in self.star], b_row)
            b_row, b_node, b_t = b_row[keep], b_node[keep], b_t[keep]
            b_xy = b_xy[keep]
            fine.add(b_xy[:, 0], b_xy[:, 1], b_row)
            keep = ~fine.box_inside([s[b_node] for s in self.star], b_row)
            b_row, b_node, b_t = b_row[keep], b_node[keep], b_t[keep]
            pts = [b_xy[keep]]
            pts_row = [b_row]
            # Their outgoing edges join the edges still partly reached at the previous limit.
            e_row, e_edge, e_t = self._out_edges(b_row, b_node, b_t)
            e_row = np.concatenate([carry[0], e_row])
            e_edge = np.concatenate([carry[1], e_edge])
            e_t = np.concatenate([carry[2], e_t])
            seg = net.seg[e_edge]
            keep = _outside([coarse, fine], [b[seg] for b in self.box], e_row)
            e_row, e_edge, e_t, seg = e_row[keep], e_edge[keep], e_t[keep], seg[keep]
            whole = e_t + net.time_s[e_edge] <= limit
            part = ~whole
            carry = (e_row[part], e_edge[part], e_t[part])
            # The cut points (exact, found by length along the street) join the polygons
            # first: they lie far out, so many more street pieces fall inside.
            cut_xy, p_lo, p_hi = self._cuts(*carry, limit)
            if cut_xy.shape[0]:
                by = np.argsort(carry[0], kind="stable")
                for poly in (coarse, fine):
                    poly.add(cut_xy[by, 0], cut_xy[by, 1], carry[0][by])
            pts.append(cut_xy)
            pts_row.append(carry[0])
            w_lo, w_hi = self._street_range(e_edge[whole])
            lo = np.concatenate([w_lo, p_lo])
            hi = np.concatenate([w_hi, p_hi])
            r = np.concatenate([e_row[whole], carry[0]])
            xy, r = self._range_points(lo, hi, r, (coarse, fine))
            pts.append(xy)
            pts_row.append(r)
            hulls.step(i, pts, pts_row)
        return hulls.out

    def _fill_nodes(self, n_rows, rows, node, t, limits_s, buffer_m) -> np.ndarray:
        """As :meth:`_fill` for the hulls of the reached nodes only: a node strictly inside
        its service's 8- or 16-direction polygon of extreme nodes is no hull corner."""
        hulls = _Incremental(n_rows, len(limits_s), buffer_m)
        order, ends = _by_limit(t, limits_s)
        coarse, fine = Octagons(n_rows), Octagons(n_rows, FINE_DIRECTIONS)
        for i in range(len(limits_s)):
            sel = order[ends[i] : ends[i + 1]]
            b_row, b_node = rows[sel], node[sel]
            px, py = self.network.x[b_node], self.network.y[b_node]
            for poly in (coarse, fine):
                # The finer polygon pays only where the octagon leaves many nodes per hull.
                if poly is fine and b_row.size <= FINE_MIN_NODES * (1 + _n_changes(b_row)):
                    break
                poly.add(px, py, b_row)
                keep = ~poly.box_inside([px, py], b_row)
                b_row, px, py = b_row[keep], px[keep], py[keep]
            hulls.step(i, [np.column_stack([px, py])], [b_row])
        return hulls.out

    def _cuts(self, row, edge, t, limit):
        """Return, per partly reached edge, the point where ``limit`` cuts it and the stored
        vertices ``lo..hi`` (inclusive, maybe empty) of the street reached before the cut.

        Time along an edge grows with length along its street, so the cut lies at length
        ``(limit - t) / time * length`` from the edge's start; a search in the running length
        along its street finds the segment it falls on.
        """
        net = self.network
        s = net.seg[edge]
        rev = net.seg_reversed[edge]
        first, last = net.offsets[s], net.offsets[s + 1] - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.clip((limit - t) / net.time_s[edge], 0.0, 1.0)
        d = share * self.seg_length[s]
        at = np.where(rev, self.cum[last] - d, self.cum[first] + d)
        # k: the first vertex past the cut (in stored order; for a reversed edge, the first at
        # or past it), found by bisection within each street: lo..hi always hold it.
        lo, hi = first + 1, last.copy()
        for _ in range(int(np.max(hi - lo, initial=0)).bit_length()):
            mid = (lo + hi) >> 1
            c = self.cum[mid]
            past = np.where(rev, c >= at, c > at)
            lo = np.where(past, lo, np.minimum(mid + 1, hi))
            hi = np.where(past, mid, hi)
        k = lo
        a, b = self.cum[k - 1], self.cum[k]
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.clip(np.where(b > a, (at - a) / (b - a), 0.0), 0.0, 1.0)
        xy = net.coords
        cut = xy[k - 1] + (xy[k] - xy[k - 1]) * f[:, None]
        lo = np.where(rev, k, first)
        hi = np.where(rev, last, k - 1)
        return cut, lo, hi

    def _street_range(self, edge):
        """Return the stored vertices ``lo..hi`` (inclusive) of the streets of wholly reached
        edges, without a street end that is the point of its node (the node gives it; a dead
        end's point is always given by its street)."""
        net = self.network
        s = net.seg[edge]
        lo, hi = net.offsets[s].copy(), net.offsets[s + 1] - 1
        rev = net.seg_reversed[edge]
        lo_node = np.where(rev, net.head[edge], net.tail[edge])
        hi_node = np.where(rev, net.tail[edge], net.head[edge])
        # A dead end may be skipped (see _fill): its street gives its point.
        lo += (net.coords[lo] == self.rep_xy[lo_node]).all(axis=1) & ~self.dead_end[lo_node]
        hi -= (net.coords[hi] == self.rep_xy[hi_node]).all(axis=1) & ~self.dead_end[hi_node]
        return lo, hi

    def _range_points(self, lo, hi, row, polys):
        """Return the stored vertices ``lo..hi`` (inclusive; rows ``row``) that lie in pieces
        of PIECE_SEGMENTS segments not strictly inside their polygons."""
        net = self.network
        n_seg = hi - lo
        ok = n_seg >= 0
        lo, hi, row = lo[ok], hi[ok], row[ok]
        n_piece = np.maximum((hi - lo + PIECE_SEGMENTS - 1) // PIECE_SEGMENTS, 1)
        owner = np.repeat(np.arange(lo.size), n_piece)
        k = np.arange(owner.size) - np.repeat(np.cumsum(n_piece) - n_piece, n_piece)
        v0 = lo[owner] + k * PIECE_SEGMENTS
        v1 = np.minimum(v0 + PIECE_SEGMENTS, hi[owner])
        # A range of one piece lies in its street's box, tested already.
        test = np.flatnonzero(n_piece[owner] > 1)
        keep = np.ones(v0.size, dtype=bool)
        box = self.piece_boxes(v0[test], v1[test] - v0[test] + 1)
        keep[test] = _outside(polys, box, row[owner[test]])
        v0, v1, owner = v0[keep], v1[keep], owner[keep]
        # A piece gives its vertices but the last, which the next piece gives (or which lies
        # inside a polygon with that piece); a range's last piece gives its last vertex too.
        n = v1 - v0 + (v1 == hi[owner])
        vidx = np.repeat(v0 - np.cumsum(np.r_[0, n[:-1]]), n)
        vidx += np.arange(vidx.size)
        return net.coords[vidx], np.repeat(row[owner], n)

    def _out_edges(self, row, node, t):
        """Expand (row, node, time) into (row, outgoing edge, time at its tail)."""
        n_out = self.edge_start[node + 1] - self.edge_start[node]
        first = np.repeat(self.edge_start[node] - np.cumsum(np.r_[0, n_out[:-1]]), n_out)
        edge = self.edge_order[first + np.arange(first.size)]
        return np.repeat(row, n_out), edge, np.repeat(t, n_out)

    def piece_boxes(self, v0: np.ndarray, nv: np.ndarray) -> list:
        """Return the bounding boxes ``[xmin, ymin, xmax, ymax]`` of pieces ``(v0, nv)``."""
        idx = v0[:, None] + np.minimum(np.arange(PIECE_SEGMENTS + 1), (nv - 1)[:, None])
        xy = self.network.coords[idx]
        px, py = xy[..., 0], xy[..., 1]
        return [px.min(axis=1), py.min(axis=1), px.max(axis=1), py.max(axis=1)]


def _n_changes(grp: np.ndarray) -> int:
    """Return how often the sorted group ids ``grp`` change (groups - 1)."""
    return int(np.count_nonzero(grp[1:] != grp[:-1]))


def _by_limit(t: np.ndarray, limits_s: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Group reached nodes by the first limit that reaches them: ``order[ends[i]:ends[i+1]]``
    are those of limit ``i`` (in their given order)."""
    k = len(limits_s)
    bucket = np.searchsorted(np.asarray(limits_s, dtype=np.float64), t, side="left")
    order = np.argsort(bucket.astype(np.int8 if k < 127 else np.int64), kind="stable")
    return order, np.searchsorted(bucket[order], np.arange(k + 1), side="left")


class _Incremental:
    """Per service, the hull at each limit: the hull (GEOS) of the previous limit's hull
    corners and the new points, then buffered (unless ``buffer_m`` is 0); ``out`` is
    (services × limits)."""

    def __init__(self, n_rows: int, k: int, buffer_m: float) -> None:
        self.out = np.full((n_rows, k), None, dtype=object)
        self.buffer_m = buffer_m
        self.xy, self.row = np.empty((0, 2)), np.empty(0, dtype=np.int64)

    def step(self, i: int, pts: list, pts_row: list) -> None:
        """Take limit ``i``'s new points (lists of arrays, any order of services)."""
        import shapely

        out = self.out
        n_rows = out.shape[0]
        new_row = np.concatenate(pts_row) if pts_row else np.empty(0, dtype=np.int64)
        if new_row.size == 0:
            if i > 0:
                out[:, i] = out[:, i - 1]
            return
        changed = np.zeros(n_rows, dtype=bool)
        changed[new_row] = True
        if i > 0:
            out[~changed, i] = out[~changed, i - 1]
        old = changed[self.row]
        all_xy = np.vstack([self.xy[old], *pts])
        all_row = np.concatenate([self.row[old], new_row])
        by_row = np.argsort(all_row.astype(np.int16 if n_rows < 2**15 else np.int64), kind="stable")
        all_xy, all_row = all_xy[by_row], all_row[by_row]
        lines, rows_i = _lines(all_xy, all_row)
        hulls = shapely.convex_hull(lines)
        out[rows_i, i] = (
            shapely.buffer(hulls, self.buffer_m, quad_segs=4) if self.buffer_m > 0 else hulls
        )
        # Keep every service's current hull corners for the next limit.
        if i + 1 < out.shape[1]:
            c_xy, c_idx = shapely.get_coordinates(hulls, return_index=True)
            self.xy = np.vstack([self.xy[~old], c_xy])
            self.row = np.concatenate([self.row[~old], rows_i[c_idx]])


def _lines(xy: np.ndarray, grp: np.ndarray):
    """Return one line per group of points (``grp`` sorted) and the group ids.

    The hull of a line is the hull of its vertices; lines are built straight from the
    coordinates (no point objects). Each group's first point is repeated at its start so
    that every line has at least two.
    """
    import shapely

    starts = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]])
    g = np.cumsum(np.r_[True, grp[1:] != grp[:-1]]) - 1
    coords = np.empty((xy.shape[0] + starts.size, 2))
    coords[np.arange(grp.size) + g + 1] = xy
    coords[starts + np.arange(starts.size)] = xy[starts]
    index = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, grp.size]) + 1)
    return shapely.linestrings(coords, indices=index), grp[starts]


def dead_ends(network: Network, edge_order: np.ndarray, edge_start: np.ndarray) -> np.ndarray:
    """Return per node whether it is a dead end: one edge out and one edge in, both along the
    same street, to and from the same other node.

    A dead end that is not the source of a search is reached only through that street, so
    the street, wholly reached by then, holds everything the node and its own edge add to a
    hull.
    """
    n = network.n_nodes
    out_n = np.diff(edge_start)
    in_n = np.bincount(network.head, minlength=n)
    cand = np.flatnonzero((out_n == 1) & (in_n == 1))
    if cand.size == 0:
        return np.zeros(n, dtype=bool)
    e_out = edge_order[edge_start[cand]]
    in_edge = np.full(n, -1, dtype=np.int64)
    one_in = in_n[network.head] == 1
    in_edge[network.head[one_in]] = np.flatnonzero(one_in)
    e_in = in_edge[cand]
    ok = (
        (network.head[e_out] == network.tail[e_in])
        & (network.head[e_out] != cand)
        & (network.seg[e_out] == network.seg[e_in])
        & (network.seg_reversed[e_out] != network.seg_reversed[e_in])
    )
    out = np.zeros(n, dtype=bool)
    out[cand[ok]] = True
    return out


def star_boxes(network: Network, box: list, edge_order: np.ndarray, edge_start: np.ndarray):
    """Return per node the bounding box of the node and of the streets of its outgoing edges."""
    out = [network.x.copy(), network.y.copy(), network.x.copy(), network.y.copy()]
    has = edge_start[1:] > edge_start[:-1]
    if not has.any():
        return out
    seg = network.seg[edge_order]
    lo = edge_start[:-1][has]
    for j, fn in enumerate((np.minimum, np.minimum, np.maximum, np.maximum)):
        out[j][has] = fn(out[j][has], fn.reduceat(box[j][seg], lo))
    return out


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


_CHUNK = 4096
_DIRECTIONS = ((1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))


class Octagons:
    """Per service, the polygon of the extreme points seen so far in ``n_dir`` directions.

    :meth:`add` takes more points (grouped by service); :meth:`box_inside` tells which boxes
    lie strictly inside their service's polygon. The corners are points that were added, in
    counter-clockwise order of their directions, so the polygon lies inside the convex hull
    of everything added.
    """

    def __init__(self, n_rows: int, n_dir: int = 8) -> None:
        if n_dir == 8:  # exact small integers
            self.dirs = np.array(_DIRECTIONS, dtype=np.float64)
        else:
            a = 2 * np.pi * np.arange(n_dir) / n_dir
            self.dirs = np.column_stack([np.cos(a), np.sin(a)])
        self.cx = np.full((n_dir, n_rows), np.nan)
        self.cy = np.full((n_dir, n_rows), np.nan)
        # Edges in an order spread around the polygon (0, n/2, n/4, 3n/4, ...).
        self.order = [0]
        step = n_dir
        while len(self.order) < n_dir:
            step = max(1, step // 2)
            self.order += [j for j in range(0, n_dir, step) if j not in self.order]
        self.seen = np.zeros(n_rows, dtype=bool)
        self.any = False
        self._edges = None

    def add(self, px: np.ndarray, py: np.ndarray, grp: np.ndarray) -> None:
        """Add points ``(px, py)`` of services ``grp`` (sorted)."""
        if grp.size == 0:
            return
        starts = np.flatnonzero(np.r_[True, grp[1:] != grp[:-1]])
        groups = grp[starts]
        size = np.diff(np.r_[starts, grp.size])
        new = ~self.seen[groups]
        for j, p in enumerate(self._projections(px, py)):
            best = np.maximum.reduceat(p, starts)
            # The first point of each group reaching its best (hits are few: one per group
            # but for ties).
            idx = np.flatnonzero(p == np.repeat(best, size))
            g = np.searchsorted(starts, idx, side="right") - 1
            lead = np.r_[True, g[1:] != g[:-1]]
            g, idx = g[lead], idx[lead]
            at = groups[g]
            old = self.dirs[j, 0] * self.cx[j, at] + self.dirs[j, 1] * self.cy[j, at]
            better = new[g] | (best[g] > old)
            self.cx[j, at[better]] = px[idx[better]]
            self.cy[j, at[better]] = py[idx[better]]
        self.seen[groups] = True
        self.any = True
        self._edges = None

    def _projections(self, px, py):
        """Yield ``dx * px + dy * py`` for each direction, computed as in :meth:`add`."""
        if self.dirs.shape[0] == 8:  # (1,0) (1,1) (0,1) (-1,1) ...: sums and differences
            s, d = px + py, py - px
            for p in (px, s, py, d):
                yield p
            for p in (px, s, py, d):
                yield -p
        else:
            for dx, dy in self.dirs:
                yield dx * px + dy * py

    def edges(self):
        """Per polygon edge and service ``(dx, dy, c)``, each of shape (directions, services):
        a point is strictly left of the edge where ``dx*y - dy*x > c``."""
        if self._edges is None:
            cx, cy = self.cx, self.cy
            dx = np.roll(cx, -1, axis=0) - cx
            dy = np.roll(cy, -1, axis=0) - cy
            with np.errstate(invalid="ignore"):
                c = dx * cy - dy * cx
            # A repeated corner (two directions share an extreme point) is no edge.
            c[(dx == 0) & (dy == 0)] = -np.inf
            # A polygon of one point (all corners equal) contains nothing.
            c[0, (cx.min(axis=0) == cx.max(axis=0)) & (cy.min(axis=0) == cy.max(axis=0))] = np.inf
            self._edges = (dx, dy, c)
        return self._edges

    def box_inside(self, box: list, g: np.ndarray) -> np.ndarray:
        """Return where boxes ``(xmin, ymin, xmax, ymax)`` lie strictly inside polygon ``g``
        (boxes given as two arrays ``(x, y)`` are points)."""
        dx, dy, c = self.edges()
        out = np.zeros(g.size, dtype=bool)
        # A few thousand boxes at a time (small temporaries stay in cache); the edges are
        # taken in an order that spreads them around the polygon, and every few edges the
        # boxes already found outside are left out.
        for a0 in range(0, g.size, _CHUNK):
            idx = np.arange(a0, min(a0 + _CHUNK, g.size))
            part = [b[idx] for b in box]
            gg = g[idx]
            ok = None
            for n, j in enumerate(self.order):
                a, b = dx[j][gg], dy[j][gg]
                # The smallest dx*y - dy*x over the box's corners.
                if len(part) == 2:
                    low = a * part[1]
                    low -= b * part[0]
                else:
                    low = np.minimum(a * part[1], a * part[3])
                    low -= np.maximum(b * part[0], b * part[2])
                this = low > c[j][gg]
                ok = this if ok is None else ok & this
                if n % 4 == 3 and n + 1 < len(self.order):
                    k = np.flatnonzero(ok)
                    idx, gg, part, ok = idx[k], gg[k], [p[k] for p in part], None
                    if idx.size == 0:
                        break
            out[idx if ok is None else idx[ok]] = True
        return out


def _outside(polys: list, box: list, g: np.ndarray) -> np.ndarray:
    """Return where boxes are NOT strictly inside their group's polygon, for every polygon
    (each next polygon tests only the boxes the previous ones kept)."""
    keep = np.arange(g.size)
    for poly in polys:
        inner = poly.box_inside([b[keep] for b in box], g[keep])
        keep = keep[~inner]
    out = np.zeros(g.size, dtype=bool)
    out[keep] = True
    return out
