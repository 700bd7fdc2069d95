"""Street pieces reached within a time, cut exactly where the time runs out (vectorised)."""

from __future__ import annotations

import weakref

import numpy as np

from capacitymetro_plugin.core.network.graph import Network


def substrings(network: Network, segs: np.ndarray, f0: np.ndarray, f1: np.ndarray) -> np.ndarray:
    """Return the parts of segments ``segs`` between fractions ``f0`` and ``f1`` of their length.

    Fractions run along the stored direction of each segment (0 = first vertex). All inputs
    have the same length; the result is an array of shapely LineStrings.
    """
    import shapely

    segs = np.asarray(segs, dtype=np.int64)
    k = segs.size
    if k == 0:
        return np.empty(0, dtype=object)
    f0 = np.clip(np.asarray(f0, dtype=np.float64), 0.0, 1.0)
    f1 = np.clip(np.asarray(f1, dtype=np.float64), 0.0, 1.0)
    starts = network.offsets[segs]
    counts = network.offsets[segs + 1] - starts
    idx = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
    part = np.repeat(np.arange(k), counts)
    xy = network.coords[idx]
    step = np.zeros(xy.shape[0])
    step[1:] = np.hypot(*(xy[1:] - xy[:-1]).T)
    first_vertex = np.r_[0, np.cumsum(counts)[:-1]]
    step[first_vertex] = 0.0
    cum = np.cumsum(step)
    cum -= np.repeat(cum[first_vertex], counts)
    total = cum[np.cumsum(counts) - 1]
    a = f0 * total
    b = f1 * total
    lines = shapely.linestrings(xy, indices=part)
    pa = shapely.get_coordinates(shapely.line_interpolate_point(lines, a))
    pb = shapely.get_coordinates(shapely.line_interpolate_point(lines, b))
    inner = (cum > a[part]) & (cum < b[part])
    all_xy = np.vstack([pa, xy[inner], pb])
    all_part = np.r_[np.arange(k), part[inner], np.arange(k)]
    all_key = np.r_[a, cum[inner], b]
    tie = np.r_[np.zeros(k), np.ones(int(inner.sum())), np.full(k, 2.0)]
    order = np.lexsort((tie, all_key, all_part))
    return shapely.linestrings(all_xy[order], indices=all_part[order])


def reached_lines(network: Network, dist: np.ndarray, limit_s: float) -> np.ndarray:
    """Return the street pieces reachable within ``limit_s`` seconds given node times ``dist``.

    A street fully inside the limit is kept whole; a street on the edge of the area is cut at
    the point where the remaining time runs out (from each end that was reached).
    """
    tail_t = dist[network.tail]
    ok = tail_t < limit_s
    if not ok.any():
        return np.empty(0, dtype=object)
    e = np.flatnonzero(ok)
    t = network.time_s[e]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(t > 0, (limit_s - tail_t[e]) / t, 1.0)
    frac = np.minimum(frac, 1.0)
    segs = network.seg[e]
    full = frac >= 1.0
    rev = network.seg_reversed[e]
    full_segs = np.unique(segs[full])
    p = ~full
    f0 = np.where(rev[p], 1.0 - frac[p], 0.0)
    f1 = np.where(rev[p], 1.0, frac[p])
    whole = network.segment_lines(full_segs)
    # A partial edge whose segment is reached whole from the other end adds nothing.
    partial_keep = ~np.isin(segs[p], full_segs)
    cut = substrings(network, segs[p][partial_keep], f0[partial_keep], f1[partial_keep])
    return np.concatenate([whole, cut])


def densify(
    network: Network, segs: np.ndarray, spacing_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return points at most ``spacing_m`` apart along segments ``segs`` (pure numpy).

    Returns ``(xy, part, frac)``: sample positions, the position in ``segs`` each belongs to,
    and its fraction (0–1) of that segment's length in stored direction. Every vertex is kept.
    """
    segs = np.asarray(segs, dtype=np.int64)
    starts = network.offsets[segs]
    counts = network.offsets[segs + 1] - starts
    idx = np.repeat(starts - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
    part = np.repeat(np.arange(segs.size), counts)
    xy = network.coords[idx]
    if xy.shape[0] == 0:
        return xy, part, np.empty(0)
    a, b = xy[:-1], xy[1:]
    valid = part[:-1] == part[1:]
    length = np.where(valid, np.hypot(*(b - a).T), 0.0)
    first_vertex = np.r_[0, np.cumsum(counts)[:-1]]
    cum_v = np.cumsum(np.r_[0.0, length])
    cum_v -= np.repeat(cum_v[first_vertex], counts)
    total = cum_v[np.cumsum(counts) - 1]
    n = np.where(valid, np.maximum(1, np.ceil(length / spacing_m)).astype(np.int64), 0)
    step = np.repeat(np.arange(n.size), n)
    j = np.arange(step.size) - np.repeat(np.cumsum(n) - n, n)
    t = j / n[step]
    pts = a[step] + (b[step] - a[step]) * t[:, None]
    dist = cum_v[:-1][step] + length[step] * t
    owner = part[:-1][step]
    last = np.cumsum(counts) - 1
    pts = np.vstack([pts, xy[last]])
    owner = np.r_[owner, part[last]]
    dist = np.r_[dist, total]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(total[owner] > 0, dist / total[owner], 0.0)
    return pts, owner, frac


_SAMPLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _segment_samples(network: Network, spacing_m: float):
    """Return the samples of every segment at ``spacing_m`` (computed once per network).

    ``(xy, owner, frac, start, edge_a, edge_b)``: :func:`densify` of all segments (segment
    ``s`` owns samples ``start[s]:start[s+1]``) and the two directed edges of each segment
    (the same edge twice for a one-way segment); None when a segment has more than two.
    """
    per_network = _SAMPLES.setdefault(network, {})
    key = float(spacing_m)
    if key not in per_network:
        n_seg = network.n_segments
        count = np.bincount(network.seg, minlength=n_seg)
        if count.max(initial=0) > 2:
            per_network[key] = None
        else:
            xy, owner, frac = densify(network, np.arange(n_seg), spacing_m)
            by_owner = np.argsort(owner, kind="stable")  # each segment's samples together
            xy, owner, frac = xy[by_owner], owner[by_owner], frac[by_owner]
            start = np.r_[0, np.cumsum(np.bincount(owner, minlength=n_seg))]
            by_seg = np.argsort(network.seg, kind="stable")
            first = np.r_[0, np.cumsum(count)[:-1]]
            edge_a = np.full(n_seg, -1, dtype=np.int64)
            has = count > 0
            edge_a[has] = by_seg[first[has]]
            edge_b = edge_a.copy()
            two = count == 2
            edge_b[two] = by_seg[first[two] + 1]
            per_network[key] = (xy, owner, frac, start, edge_a, edge_b)
    return per_network[key]


def oriented_samples(
    network: Network, dist: np.ndarray, limit_s: float, spacing_m: float, *, keep_all: bool = False
):
    """Return points every ``spacing_m`` along reached streets and their travel times.

    Each directed edge whose tail is reached within ``limit_s`` is sampled from its tail; a
    sample's time is the tail's time plus the share of the edge's time up to it. Samples beyond
    ``limit_s`` are dropped, so partial streets end where the time runs out (to ``spacing_m``).
    With ``keep_all`` they are kept and ``(xy, times, part)`` is returned, ``part`` numbering
    the reached segments (consecutive samples of one part are neighbours along a street).
    The samples of all segments are computed once per network and spacing.
    """
    cache = _segment_samples(network, spacing_m)
    if cache is None:
        return _oriented_samples(network, dist, limit_s, spacing_m, keep_all=keep_all)
    tail_t = dist[network.tail]
    ok = tail_t < limit_s
    all_xy, all_owner, all_frac, start, edge_a, edge_b = cache
    reached_a = np.zeros(edge_a.size, dtype=bool)
    has_a = edge_a >= 0
    reached_a[has_a] = ok[edge_a[has_a]]
    reached_b = np.zeros(edge_a.size, dtype=bool)
    reached_b[has_a] = ok[edge_b[has_a]]
    reached = reached_a | reached_b
    segs = np.flatnonzero(reached)
    if segs.size == 0:
        empty = (np.empty((0, 2)), np.empty(0))
        return (*empty, np.empty(0, dtype=np.int64)) if keep_all else empty
    first = start[segs]
    counts = start[segs + 1] - first
    idx = np.repeat(first - np.cumsum(np.r_[0, counts[:-1]]), counts) + np.arange(counts.sum())
    xy, owner, frac = all_xy[idx], all_owner[idx], all_frac[idx]
    # A two-way street reached from both ends keeps, per sample, the earlier of its two times.
    times = np.full(idx.size, np.inf)
    for edges, reached_side in ((edge_a, reached_a), (edge_b, reached_b)):
        has = reached_side[owner]
        edge = edges[owner[has]]
        f = np.where(network.seg_reversed[edge], 1.0 - frac[has], frac[has])
        times[has] = np.minimum(times[has], tail_t[edge] + f * network.time_s[edge])
    if keep_all:
        return xy, times, (np.cumsum(reached) - 1)[owner]
    keep = times <= limit_s
    return xy[keep], times[keep]


def _oriented_samples(
    network: Network, dist: np.ndarray, limit_s: float, spacing_m: float, *, keep_all: bool = False
):
    """Return points every ``spacing_m`` along reached streets and their travel times.

    Each directed edge whose tail is reached within ``limit_s`` is sampled from its tail; a
    sample's time is the tail's time plus the share of the edge's time up to it. Samples beyond
    ``limit_s`` are dropped, so partial streets end where the time runs out (to ``spacing_m``).
    With ``keep_all`` they are kept and ``(xy, times, part)`` is returned, ``part`` numbering
    the reached segments (consecutive samples of one part are neighbours along a street).
    """
    tail_t = dist[network.tail]
    e = np.flatnonzero(tail_t < limit_s)
    if e.size == 0:
        empty = (np.empty((0, 2)), np.empty(0))
        return (*empty, np.empty(0, dtype=np.int64)) if keep_all else empty
    # Sample each reached segment once; a two-way street reached from both ends keeps, per
    # sample, the earlier of its two times.
    segs, inverse = np.unique(network.seg[e], return_inverse=True)
    xy, part, frac = densify(network, segs, spacing_m)
    times = np.full(xy.shape[0], np.inf)
    for which in (0, 1):
        first = np.full(segs.size, -1, dtype=np.int64)
        order = np.argsort(inverse, kind="stable")
        inv_sorted = inverse[order]
        boundary = np.r_[True, inv_sorted[1:] != inv_sorted[:-1]]
        if which == 0:
            first[inv_sorted[boundary]] = order[boundary]
        else:
            last = np.r_[boundary[1:], True]
            first[inv_sorted[last]] = order[last]
        has = first[part] >= 0
        edge = e[first[part[has]]]
        f = np.where(network.seg_reversed[edge], 1.0 - frac[has], frac[has])
        times[has] = np.minimum(times[has], tail_t[edge] + f * network.time_s[edge])
    if keep_all:
        return xy, times, part
    keep = times <= limit_s
    return xy[keep], times[keep]


def polygonize_cells(
    values: np.ndarray, mask: np.ndarray, transform
) -> tuple[np.ndarray, np.ndarray]:
    """Return (polygons, value of each) for the 4-connected regions of ``values`` where ``mask``.

    Uses GDAL's polygoniser directly (geometries come back as WKB, several times faster than
    building GeoJSON-like rings in Python); falls back to rasterio's ``shapes``.
    """
    import shapely

    values = np.ascontiguousarray(values, dtype=np.uint8)
    try:
        from osgeo import gdal, ogr
    except ImportError:  # pragma: no cover - GDAL's Python bindings are a Debian package here
        from rasterio.features import shapes

        pairs = list(shapes(values, mask=mask, transform=transform, connectivity=4))
        polys = np.array([shapely.geometry.shape(g) for g, _ in pairs], dtype=object)
        return polys, np.array([int(v) for _, v in pairs], dtype=np.int64)
    ny, nx = values.shape
    mem = gdal.GetDriverByName("MEM")
    ds = mem.Create("", nx, ny, 2, gdal.GDT_Byte)
    ds.SetGeoTransform(transform.to_gdal())
    vband, mband = ds.GetRasterBand(1), ds.GetRasterBand(2)
    vband.WriteArray(values)
    mband.WriteArray(mask.astype(np.uint8))
    ods = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = ods.CreateLayer("cells", geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(vband, mband, layer, 0, [], callback=None)
    wkb, vals = [], []
    for feature in layer:
        wkb.append(bytes(feature.GetGeometryRef().ExportToWkb()))
        vals.append(feature.GetField(0))
    polys = shapely.from_wkb(wkb) if wkb else np.empty(0, dtype=object)
    return polys, np.asarray(vals, dtype=np.int64)


_DI = np.array([0, 1, 0, -1])  # row step of a side by direction: 0 east, 1 south, 2 west, 3 north
_DJ = np.array([1, 0, -1, 0])
# Cells ahead of a side on its right / left, as (row, column) offsets from its end corner.
_AHEAD_RIGHT = np.array([[0, 0], [0, -1], [-1, -1], [-1, 0]])
_AHEAD_LEFT = np.array([[-1, 0], [0, 0], [0, -1], [-1, -1]])


def polygonize_masks(masks: np.ndarray, transform) -> list:
    """Return one polygon per mask of a ``(K, ny, nx)`` boolean stack: its 4-connected regions.

    ``transform`` is the grid's affine (``a, b, c, d, e, f`` with ``b = d = 0``). Entry ``i``
    is None when mask ``i`` is empty, a Polygon for one region, else a MultiPolygon. The
    polygons cover exactly the cells GDAL's polygoniser gives with 4-connectivity
    (:func:`polygonize_cells`); see :func:`_trace_polygons`.
    """
    masks = np.asarray(masks, dtype=bool)
    n_masks, ny, nx = masks.shape
    cells = np.zeros((n_masks, ny + 2, nx + 2), dtype=bool)
    cells[:, 1:-1, 1:-1] = masks
    # Horizontal sides (i, j): between cells (i-1, j) and (i, j); listed by mask, column, row.
    hm, hj, hi = np.nonzero((cells[:, 1:, :] != cells[:, :-1, :]).transpose(0, 2, 1))
    hi = hi + 1
    # Vertical sides (i, j): between cells (i, j-1) and (i, j).
    vm, vi, vj = np.nonzero(cells[:, :, 1:] != cells[:, :, :-1])
    vj = vj + 1
    n_h = hm.size
    h_id = np.full(cells.shape, -1, dtype=np.int64)
    v_id = np.full(cells.shape, -1, dtype=np.int64)
    h_id[hm, hi, hj] = np.arange(n_h)
    v_id[vm, vi, vj] = n_h + np.arange(vm.size)

    def inside(m, i, j):
        return cells[m, i, j]

    def side_id(m, horizontal, i, j):
        return np.where(horizontal, h_id[m, i, j], v_id[m, i, j])

    return _trace_polygons(
        n_masks,
        transform,
        (hm, hi, hj, cells[hm, hi, hj]),
        (vm, vi, vj, cells[vm, vi, vj]),
        inside,
        side_id,
    )


def polygonize_classes(band: np.ndarray, k: int, transform, *, want_rings: bool) -> tuple:
    """Return (nested, rings) polygons of a class grid (0..k-1, k = outside), in one pass.

    ``nested[i]`` covers the cells of class ``<= i``, ``rings[i]`` those of class ``i``
    (empty list unless ``want_rings``); each entry as in :func:`polygonize_masks`. Only the
    cell sides where the class changes are handled (no grid per class).
    """
    ny, nx = band.shape
    cls = np.full((ny + 2, nx + 2), k, dtype=np.int16)
    cls[1:-1, 1:-1] = band
    hj, hi = np.nonzero((cls[1:, :] != cls[:-1, :]).T)  # by column, then row
    hi = hi + 1
    vi, vj = np.nonzero(cls[:, 1:] != cls[:, :-1])
    vj = vj + 1
    h_a, h_b = cls[hi - 1, hj], cls[hi, hj]  # above, below
    v_a, v_b = cls[vi, vj - 1], cls[vi, vj]  # left, right

    def expand(a, b, i, j):
        # A side between classes a and b bounds every nested mask from min(a, b) to max - 1.
        lo = np.minimum(a, b).astype(np.int64)
        count = np.abs(a - b).astype(np.int64)
        base = np.cumsum(count) - count
        within = np.arange(count.sum()) - np.repeat(base, count)
        return np.repeat(lo, count) + within, np.repeat(i, count), np.repeat(j, count), base, lo

    hm, hi_n, hj_n, h_base, h_lo = expand(h_a, h_b, hi, hj)
    vm, vi_n, vj_n, v_base, v_lo = expand(v_a, v_b, vi, vj)
    h_sides = [hm, hi_n, hj_n, cls[hi_n, hj_n] <= hm]
    v_sides = [vm, vi_n, vj_n, cls[vi_n, vj_n] <= vm]
    n_masks = k
    n_rh = n_rv = 0
    if want_rings:
        n_masks = 2 * k
        # A side between classes a and b bounds ring a (inside on a's side) and ring b,
        # listed by mask, then column and row.
        h_at = np.r_[np.flatnonzero(h_a < k), np.flatnonzero(h_b < k)]
        h_cls = np.r_[h_a[h_a < k], h_b[h_b < k]].astype(np.int64)
        h_sort = np.lexsort((h_at, h_cls))
        h_at, h_cls = h_at[h_sort], h_cls[h_sort]
        v_at = np.r_[np.flatnonzero(v_a < k), np.flatnonzero(v_b < k)]
        v_cls = np.r_[v_a[v_a < k], v_b[v_b < k]].astype(np.int64)
        n_rh, n_rv = h_at.size, v_at.size
        h_below = h_b[h_at] == h_cls
        v_right = v_b[v_at] == v_cls
        for sides, extra in (
            (h_sides, (k + h_cls, hi[h_at], hj[h_at], h_below)),
            (v_sides, (k + v_cls, vi[v_at], vj[v_at], v_right)),
        ):
            for n, x in enumerate(extra):
                sides[n] = np.concatenate([sides[n], x])
    n_h, n_v = hm.size, vm.size
    # Side ids: nested horizontal, ring horizontal, nested vertical, ring vertical. At each
    # position, the nested sides are consecutive (one per mask from the lower class).
    h_first = np.zeros(cls.shape, dtype=np.int64)
    v_first = np.zeros(cls.shape, dtype=np.int64)
    h_first[hi, hj] = h_base - h_lo
    v_first[vi, vj] = n_h + n_rh + v_base - v_lo
    if want_rings:
        h_ring = np.full((2,) + cls.shape, -1, dtype=np.int64)  # [1]: inside below
        v_ring = np.full((2,) + cls.shape, -1, dtype=np.int64)  # [1]: inside right
        h_ring[h_below.astype(np.int64), hi[h_at], hj[h_at]] = n_h + np.arange(n_rh)
        v_ring[v_right.astype(np.int64), vi[v_at], vj[v_at]] = n_h + n_rh + n_v + np.arange(n_rv)

    def inside(m, i, j):
        c = cls[i, j]
        return np.where(m < k, c <= m, c == m - k)

    def side_id(m, horizontal, i, j):
        nested = np.where(horizontal, h_first[i, j], v_first[i, j]) + m
        if not want_rings:
            return nested
        # The ring side of mask m at (i, j) has the inside below / right when the cell
        # (i, j) is of class m - k.
        far = (cls[i, j] == m - k).astype(np.int64)
        ring = np.where(horizontal, h_ring[far, i, j], v_ring[far, i, j])
        return np.where(m < k, nested, ring)

    polys = _trace_polygons(n_masks, transform, tuple(h_sides), tuple(v_sides), inside, side_id)
    return polys[:k], polys[k:]


def _trace_polygons(n_masks: int, transform, horizontal, vertical, inside, side_id) -> list:
    """Chain the boundary cell sides of ``n_masks`` masks into polygons (numpy + shapely).

    ``horizontal`` = ``(mask, i, j, below)``: sides between cells ``(i-1, j)`` and ``(i, j)``
    of a padded grid, the inside below when ``below``, listed by mask, column, row;
    ``vertical`` = ``(mask, i, j, right)``: between cells ``(i, j-1)`` and ``(i, j)``. Side
    ids run through horizontal then vertical sides; ``side_id(mask, horizontal, i, j)``
    returns them and ``inside(mask, i, j)`` tells whether cells are inside. Sides are directed
    with the inside on their right (in column, row order) and chained at the grid corners.
    Where two inside cells meet only at a corner, the chain turns right (two rings: the
    cells stay apart, as with GDAL's 4-connectivity) when they are different regions, and
    left (the region's ring and its hole's ring touch there, a valid polygon) when they
    are one region joined elsewhere. Regions are found from the chains themselves plus the
    top and bottom side of every vertical run of inside cells (which bound one region).
    """
    import shapely
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components, depth_first_order

    out: list = [None] * n_masks
    hm, hi, hj, below = horizontal
    vm, vi, vj, right = vertical
    n_h = hm.size
    n = n_h + vm.size
    if n == 0:
        return out
    m = np.concatenate([hm, vm]).astype(np.int64)
    # Direction 0 east, 1 south, 2 west, 3 north; from corner (si, sj) to (ei, ej).
    si = np.concatenate([hi, np.where(right, vi + 1, vi)]).astype(np.int64)
    sj = np.concatenate([np.where(below, hj, hj + 1), vj]).astype(np.int64)
    d = np.concatenate([np.where(below, 0, 2), np.where(right, 3, 1)])
    ei = si + _DI[d]
    ej = sj + _DJ[d]
    ahead_right = inside(m, ei + _AHEAD_RIGHT[d, 0], ej + _AHEAD_RIGHT[d, 1])
    ahead_left = inside(m, ei + _AHEAD_LEFT[d, 0], ej + _AHEAD_LEFT[d, 1])

    def next_side(turn: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        idx = slice(None) if idx is None else idx
        nd = (d[idx] + turn) % 4
        i, j = ei[idx], ej[idx]
        horizontal_side = (nd % 2) == 0
        return side_id(
            m[idx], horizontal_side, np.where(nd == 3, i - 1, i), np.where(nd == 2, j - 1, j)
        )

    # Turn right around the cell (also where only the cell ahead on the left is inside),
    # straight on along an inside cell on the right, left into a corner.
    succ = next_side(np.where(ahead_right, np.where(ahead_left, 3, 0), 1))
    # Regions: the chains plus each vertical run's bottom side (inside above) joined to the
    # side just above it in its column (the run's top).
    col_order = np.argsort(m[:n_h], kind="stable")
    bottoms = np.flatnonzero(d[col_order] == 2)
    link_a = np.r_[np.arange(n), col_order[bottoms]]
    link_b = np.r_[succ, col_order[bottoms - 1]]
    graph = csr_matrix((np.ones(link_a.size, dtype=np.int8), (link_a, link_b)), shape=(n, n))
    _, region = connected_components(graph, directed=False)
    corner = np.flatnonzero(~ahead_right & ahead_left)
    if corner.size:
        left = next_side(np.full(corner.size, 3), corner)
        same = region[succ[corner]] == region[left]
        succ[corner[same]] = left[same]
    graph = csr_matrix((np.ones(n, dtype=np.int8), (np.arange(n), succ)), shape=(n, n))
    n_rings, ring = connected_components(graph, directed=True, connection="weak")
    _, root = np.unique(ring, return_index=True)
    pred = np.empty(n, dtype=np.int64)
    pred[succ] = np.arange(n)
    # Outer rings turn one way (area > 0 in column, row order), holes the other.
    area = np.bincount(ring, weights=(sj * ei - ej * si).astype(np.float64), minlength=n_rings)
    ring_region = region[root]
    ring_order = np.lexsort((area < 0, ring_region))  # per region: outer ring, then holes
    # Walk all rings in that order in one pass: each ring's last side leads to the next root.
    chain = succ.copy()
    chain[pred[root[ring_order[:-1]]]] = root[ring_order[1:]]
    tail = pred[root[ring_order[-1]]]
    rows = np.r_[np.arange(tail), np.arange(tail + 1, n)]
    walk = csr_matrix((np.ones(n - 1, dtype=np.int8), (rows, chain[rows])), shape=(n, n))
    seq = depth_first_order(walk, root[ring_order[0]], directed=True, return_predecessors=False)
    ring_seq = ring[seq]
    start = np.flatnonzero(np.r_[True, ring_seq[1:] != ring_seq[:-1]])
    prev = np.arange(n) - 1
    prev[start] = np.r_[start[1:], n] - 1
    d_seq = d[seq]
    turns = seq[d_seq != d_seq[prev]]  # keep a vertex only where the ring turns
    a, _, c, _, e, f = tuple(transform)[:6]
    xy = np.column_stack([c + a * (sj[turns] - 1), f + e * (si[turns] - 1)])
    rank = np.empty(n_rings, dtype=np.int64)
    rank[ring_order] = np.arange(n_rings)
    rings = shapely.linearrings(xy, indices=rank[ring[turns]])
    regions = ring_region[ring_order]
    new = np.r_[True, regions[1:] != regions[:-1]]
    polys = shapely.polygons(rings, indices=np.cumsum(new) - 1)
    poly_mask = m[root[ring_order][new]]
    group = np.argsort(poly_mask, kind="stable")
    poly_mask = poly_mask[group]
    polys = polys[group]
    cut = np.r_[0, np.flatnonzero(poly_mask[1:] != poly_mask[:-1]) + 1, poly_mask.size]
    for s0, s1 in zip(cut[:-1], cut[1:], strict=True):
        one = s1 - s0 == 1
        out[int(poly_mask[s0])] = polys[s0] if one else shapely.multipolygons(polys[s0:s1])
    return out


def disc_minimum(grid: np.ndarray, radius: float, *, fill) -> np.ndarray:
    """Return the minimum of ``grid`` over a disc of ``radius`` cells around each cell.

    The disc holds the offsets ``dx² + dy² <= radius²``; outside the grid counts as ``fill``.
    Equal to ``ndimage.minimum_filter`` with that footprint: the minimum over the rectangles
    the disc is made of, each a running minimum along rows then columns (array slices).
    """
    ny, nx = grid.shape
    rr = int(np.ceil(radius))
    limit = radius * radius + 1e-9
    rect: dict[int, int] = {}  # half-width -> half-height of each rectangle of the disc
    for dy in range(rr + 1):
        for dx in range(rr + 1):
            if dx * dx + dy * dy <= limit:
                rect[dx] = dy
    padded = np.full((ny + 2 * rr, nx + 2 * rr), fill, dtype=grid.dtype)
    padded[rr : rr + ny, rr : rr + nx] = grid

    def running(a: np.ndarray, half: int, axis: int) -> np.ndarray:
        # Entry c is the minimum of a[c : c + 2 * half + 1] along axis (window at c + half).
        def cut(lo: int, size: int):
            return a[:, lo : lo + size] if axis == 1 else a[lo : lo + size]

        if half == 0:
            return a
        size = a.shape[axis] - 2
        out = np.minimum(cut(0, size), cut(1, size))
        np.minimum(out, cut(2, size), out=out)
        for _ in range(half - 1):  # widen by one on each side: min of two shifted windows
            size -= 2
            a = out
            out = np.minimum(cut(0, size), cut(2, size))
        return out

    rows = {}
    result = None
    for half_w, half_h in rect.items():
        if half_w not in rows:
            rows[half_w] = running(padded, half_w, 1)
        both = running(rows[half_w], half_h, 0)
        part = both[rr - half_h : rr - half_h + ny, rr - half_w : rr - half_w + nx]
        result = part.copy() if result is None else np.minimum(result, part, out=result)
    return result


def band_polygons(
    network: Network,
    dist: np.ndarray,
    limits_s: list[float],
    *,
    buffer_m: float,
    cell_m: float,
    want_rings: bool = True,
    fill_holes: bool = False,
) -> tuple[list, list]:
    """Return (nested, rings) polygons for sorted time limits, from one time raster.

    The reached streets are sampled with their times onto a grid of ``cell_m``; a minimum
    filter over a disc of ``buffer_m`` spreads each street's time to the cells around it
    (a buffer of the streets); the cells are classed by limit and turned into polygons in one
    pass. ``nested[i]`` holds everything within ``limits_s[i]``; ``rings[i]`` the part between
    the previous limit and this one. Entries are None where nothing is reached. With
    ``fill_holes`` the places enclosed on every side by reached streets (blocks, courtyards)
    count as reached, as in osmnx's ``infill``; this never joins across unbridged water,
    since a hole is surrounded by the reached area.
    """
    from affine import Affine

    k = len(limits_s)
    grid = band_classes(
        network, dist, limits_s, buffer_m=buffer_m, cell_m=cell_m, fill_holes=fill_holes
    )
    if grid is None:
        return [None] * k, [None] * k
    band, x0, y1 = grid
    transform = Affine(cell_m, 0.0, x0, 0.0, -cell_m, y1)
    return polygonize_classes(band, k, transform, want_rings=want_rings)


def band_classes(
    network: Network,
    dist: np.ndarray,
    limits_s: list[float],
    *,
    buffer_m: float,
    cell_m: float,
    fill_holes: bool = False,
):
    """Return ``(band, x0, y1)``: the class of each cell (0..k-1, k = not reached) or None.

    ``band`` is a ``uint8`` grid of ``cell_m`` cells whose top-left corner is ``(x0, y1)``; a
    cell's class is the first limit within which a sampled street point lies within
    ``buffer_m`` of it (centre to centre). See :func:`band_polygons`.
    """
    from scipy import ndimage

    k = len(limits_s)
    xy, times = oriented_samples(network, dist, limits_s[-1], cell_m / 2.0)
    if times.size == 0:
        return None
    pad = buffer_m + 2 * cell_m
    x0, y0 = xy.min(axis=0) - pad
    x1, y1 = xy.max(axis=0) + pad
    nx = int(np.ceil((x1 - x0) / cell_m))
    ny = int(np.ceil((y1 - y0) / cell_m))
    ix = ((xy[:, 0] - x0) / cell_m).astype(np.int64)
    iy = ((y1 - xy[:, 1]) / cell_m).astype(np.int64)
    # Class each sample first (a minimum of times has the minimum of their classes).
    limits32 = np.asarray(limits_s, dtype=np.float32)
    cls = np.searchsorted(limits32, times.astype(np.float32), side="left").astype(np.uint8)
    grid = np.full((ny, nx), k, dtype=np.uint8)
    order = np.argsort(k - cls, kind="stable")  # the smallest class written last wins
    grid[iy[order], ix[order]] = cls[order]
    # Cells whose centre lies within ``buffer_m`` of a sampled cell's centre: the band is at
    # least ``buffer_m`` wide on each side and at most ``buffer_m + cell_m * sqrt(2)``.
    band = disc_minimum(grid, max(buffer_m / cell_m, 1.0), fill=k)
    if fill_holes:
        # Nested masks stay nested once filled; the class of a cell is the first mask it is in.
        filled = np.zeros(band.shape, dtype=np.uint8)
        for i in range(k):
            filled += ndimage.binary_fill_holes(band <= i).astype(np.uint8)
        band = (k - filled).astype(np.uint8)
    return band, float(x0), float(y1)
